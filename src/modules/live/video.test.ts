import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { ffmpegPath } from './video.ts';

/** ffmpeg publishing a generated test pattern (picture and tone) to an RTMP URL, as OBS would. */
function pushTestPattern(url: string, seconds: number): ChildProcess {
  return spawn(
    ffmpegPath(),
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=25:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url],
    { stdio: 'ignore' },
  );
}
const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

describeEachDriver('live video: RTMP ingest with the stream key, HLS out', (driver) => {
  let t: TestApp;
  let producer: Session;
  let sessionId: string;
  let host: { rtmpUrl: string; streamKey: string };
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    process.env.LIVE_RTMP_PORT = '0';
    process.env.LIVE_RTMP_BIND = '127.0.0.1';
    try {
      t = await startTestApp(driver);
    } finally {
      delete process.env.LIVE_RTMP_PORT;
      delete process.env.LIVE_RTMP_BIND;
    }
    producer = await signIn(t.app, 'producer');
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/live/sessions' })).json();
    sessionId = list.items[0].id;
    await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/start` });
    host = (await as(t.app, producer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/host` })).json();
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await t?.close();
  });

  const page = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}` })).json();

  it('refuses a wrong stream key: the encoder is cut off and nothing is published', async () => {
    expect(host.rtmpUrl).toMatch(/^rtmp:\/\/localhost:\d+\/live$/);
    const wrong = pushTestPattern(`${host.rtmpUrl.replace('localhost', '127.0.0.1')}/${sessionId}?key=not-the-key`, 20);
    running.push(wrong);
    expect(await exited(wrong)).not.toBe(0);
    expect((await page()).hlsUrl).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/live/hls/${sessionId}/index.m3u8` })).statusCode).toBe(404);
  }, 30_000);

  it('packages a stream published with the key as HLS that the page points to, and goes back to waiting when it stops', async () => {
    const push = pushTestPattern(`${host.rtmpUrl.replace('localhost', '127.0.0.1')}/${sessionId}?key=${host.streamKey}`, 30);
    running.push(push);
    await expect.poll(async () => (await page()).hlsUrl, { timeout: 25_000, interval: 500 }).toBe(`/api/v1/live/hls/${sessionId}/index.m3u8`);
    await expect.poll(async () => (await t.app.inject({ method: 'GET', url: `/api/v1/live/hls/${sessionId}/index.m3u8` })).body, { timeout: 15_000, interval: 500 }).toMatch(/seg-\d{5}\.ts/);
    const playlist = await t.app.inject({ method: 'GET', url: `/api/v1/live/hls/${sessionId}/index.m3u8` });
    expect(playlist.headers['content-type']).toContain('mpegurl');
    expect(playlist.body.startsWith('#EXTM3U')).toBe(true);
    const segment = playlist.body.split('\n').find((l) => l.startsWith('seg-'))!;
    const ts = await t.app.inject({ method: 'GET', url: `/api/v1/live/hls/${sessionId}/${segment}` });
    expect(ts.headers['content-type']).toBe('video/mp2t');
    expect(ts.rawPayload[0]).toBe(0x47); // MPEG-TS sync byte
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/live/hls/${sessionId}/..%2Fsecret` })).statusCode).toBe(400);
    push.kill('SIGKILL');
    await expect.poll(async () => (await page()).hlsUrl, { timeout: 20_000, interval: 500 }).toBeNull();
  }, 90_000);

  it('lets the host start a demo stream (a generated test pattern) that the page then plays, with no camera', async () => {
    expect(((await as(t.app, producer)({ method: 'GET', url: `/api/v1/live/sessions/${sessionId}/host` })).json()).demoStream).toBe(true);
    const buyer = await signIn(t.app, 'buyer');
    expect((await as(t.app, buyer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/demo-stream` })).statusCode).toBe(403);
    const started = await as(t.app, producer)({ method: 'POST', url: `/api/v1/live/sessions/${sessionId}/demo-stream` });
    expect(started.statusCode).toBe(202);
    await expect.poll(async () => (await page()).hlsUrl, { timeout: 25_000, interval: 500 }).toBe(`/api/v1/live/hls/${sessionId}/index.m3u8`);
    await expect.poll(async () => (await t.app.inject({ method: 'GET', url: `/api/v1/live/hls/${sessionId}/index.m3u8` })).body, { timeout: 15_000, interval: 500 }).toMatch(/seg-\d{5}\.ts/);
  }, 60_000);
});
