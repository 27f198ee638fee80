import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { externalVideo } from './video.ts';

// An external media server (SRS, nginx-rtmp) in production: LIVE_HLS_URL is its HLS URL pattern; its publish
// callbacks tell Terrace when a session's stream arrives, and the session's page then plays the server's HLS.
describeEachDriver('video from an external media server', (driver) => {
  let t: TestApp;
  let producer: Session;
  let sessionId: string;
  let streamKey: string;
  const saved = { ...process.env };
  const page = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json();
  const callback = (path: string, key: string) =>
    t.app.inject({ method: 'POST', url: `/api/v1/live/ingest/${path}`, payload: { action: path.replace('-', '_'), app: 'live', stream: sessionId, param: `?key=${key}` } });

  beforeAll(async () => {
    process.env.LIVE_HLS_URL = 'https://media.example.cn/hls/live/{session}.m3u8';
    process.env.LIVE_RTMP_URL = 'rtmp://media.example.cn/live';
    process.env.LIVE_REPLAY_URL = 'https://media.example.cn/dvr/{session}/index.m3u8';
    t = await startTestApp(driver);
    producer = await signIn(t.app, 'producer');
    sessionId = (await t.app.inject({ method: 'GET', url: '/api/v1/live/sessions' })).json().items[0].id;
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/start` })).statusCode).toBe(200);
    ({ streamKey } = (await as(t.app, producer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/host` })).json());
  });
  afterAll(async () => {
    process.env = saved;
    await t?.close();
  });

  it('shows hosts where to publish, and lets pages load media from that server (and no other)', async () => {
    expect((await as(t.app, producer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/host` })).json().rtmpUrl).toBe('rtmp://media.example.cn/live');
    const csp = String((await t.app.inject({ method: 'GET', url: '/api/v1/live/sessions' })).headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self' https://media.example.cn;");
    expect(csp).toContain("media-src 'self' blob: https://media.example.cn;");
  });

  it("plays the configured URL while the server receives the stream, and waits otherwise", async () => {
    expect((await page()).hlsUrl).toBeNull();
    expect((await callback('on-publish', 'not-the-key')).statusCode).toBe(403);
    expect((await page()).hlsUrl).toBeNull();
    expect((await callback('on-publish', streamKey)).json()).toEqual({ code: 0 });
    expect((await page()).hlsUrl).toBe(`https://media.example.cn/hls/live/${sessionId}.m3u8`);
    expect((await callback('on-unpublish', 'not-the-key')).statusCode).toBe(403);
    expect((await page()).hlsUrl).toBe(`https://media.example.cn/hls/live/${sessionId}.m3u8`);
    expect((await callback('on-unpublish', streamKey)).json()).toEqual({ code: 0 });
    expect((await page()).hlsUrl).toBeNull();
    // The demo test pattern needs the embedded ingest: not here.
    const demo = await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/demo-stream` });
    expect(demo.statusCode).toBe(409);
    expect(demo.json().code).toBe('no_ingest');
  });

  it("plays an ended session's recording from LIVE_REPLAY_URL, with chapters counted from the first publish", async () => {
    const { products } = (await as(t.app, producer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/host` })).json();
    expect((await as(t.app, producer)({ method: 'PUT', url: `/api/v1/live/sessions/${sessionId}/pin`, payload: { productId: products[0].id } })).statusCode).toBe(200);
    expect((await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/end` })).statusCode).toBe(200);
    const ended = await page();
    expect(ended.hlsUrl).toBeNull();
    expect(ended.replayUrl).toBe(`https://media.example.cn/dvr/${sessionId}/index.m3u8`);
    expect(ended.chapters).toEqual([{ productId: products[0].id, name: products[0].name, at: expect.any(Number) }]);
    expect(ended.chapters[0].at).toBeGreaterThanOrEqual(0);
  });

  it('refuses a setting that is not an http(s) URL with {session} in it, at start', () => {
    expect(() => externalVideo({ LIVE_HLS_URL: 'ftp://media.example.cn/{session}.m3u8' })).toThrow(/LIVE_HLS_URL must be an http\(s\) URL/);
    expect(() => externalVideo({ LIVE_HLS_URL: 'https://media.example.cn/live.m3u8' })).toThrow(/\{session\}/);
    expect(() => externalVideo({ LIVE_HLS_URL: 'https://m/{session}.m3u8', LIVE_RTMP_URL: 'https://m/live' })).toThrow(/LIVE_RTMP_URL/);
    expect(externalVideo({})).toBeNull();
  });
});
