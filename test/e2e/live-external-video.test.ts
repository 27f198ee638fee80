import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../src/modules/live/video.ts';
import { launchBrowser } from './support/browser.ts';
import { apiSession } from './support/http.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

// Production with an external media server (SRS, nginx-rtmp): LIVE_HLS_URL points the page's video at its HLS. Here
// the "media server" is a plain HTTP server holding an HLS stream ffmpeg made; its publish callback is posted as SRS would.
describe('the live page plays the HLS of the media server LIVE_HLS_URL names', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let media: http.Server;
  const hlsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-media-'));
  const requested: string[] = [];

  beforeAll(async () => {
    media = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://media');
      requested.push(url.pathname);
      const file = path.join(hlsRoot, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
      if (!file.startsWith(hlsRoot) || !fs.existsSync(file)) return res.writeHead(404).end();
      res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t' });
      res.end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    [server, browser] = await Promise.all([startServerProcess({ env: { LIVE_HLS_URL: `${origin}/hls/{session}.m3u8`, LIVE_RTMP_URL: 'rtmp://127.0.0.1/live' } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => media?.close(resolve));
    fs.rmSync(hlsRoot, { recursive: true, force: true });
  });

  it('waits until the media server says the stream arrived, then plays it from the configured URL', async () => {
    const producer = await apiSession(server.url, 'producer');
    const sessionId = (await producer('GET', '/live/sessions')).body.items.find((s: { title: string }) => s.title.includes('杨家堂茶园直播')).id;
    expect((await producer('POST', `/live/sessions/${sessionId}/start`)).status).toBe(200);
    const host = (await producer('GET', `/live/sessions/${sessionId}/host`)).body;
    expect(host.rtmpUrl).toBe('rtmp://127.0.0.1/live');
    // What the media server would write for this session's stream: HLS of a test pattern.
    fs.mkdirSync(path.join(hlsRoot, 'hls'));
    const made = spawnSync(
      ffmpegPath(),
      ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25:duration=12', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p',
        '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_filename', path.join(hlsRoot, 'hls', `${sessionId}-%03d.ts`), path.join(hlsRoot, 'hls', `${sessionId}.m3u8`)],
      { stdio: 'ignore' },
    );
    expect(made.status).toBe(0);

    const page = await browser.newPage();
    await page.goto(`${server.url}/live/${sessionId}`);
    await expect.poll(() => page.getByTestId('live-waiting').textContent()).toContain('等待直播信号');
    expect(requested).toEqual([]);
    // The media server's publish callback, as SRS posts it: the page leaves its waiting state by itself.
    const callback = await fetch(`${server.url}/api/v1/live/ingest/on-publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'on_publish', app: 'live', stream: sessionId, param: `?key=${host.streamKey}` }),
    });
    expect(callback.status).toBe(200);
    const video = page.getByTestId('live-video');
    await video.waitFor({ timeout: 30_000 });
    const playedTo = () => video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await expect.poll(playedTo, { timeout: 30_000 }).toBeGreaterThan(1);
    expect(requested[0]).toBe(`/hls/${sessionId}.m3u8`);
    expect(requested.some((p) => p.startsWith(`/hls/${sessionId}-`) && p.endsWith('.ts'))).toBe(true);
    await page.screenshot({ path: '.test-tmp/live-external-video-phone.png', fullPage: true });
  }, 120_000);
});
