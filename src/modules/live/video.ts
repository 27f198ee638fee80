// Video: an RTMP ingest (node-media-server) that encoders publish to with the session's stream key, and an ffmpeg
// per live stream that repackages it as HLS for the page's player. Started when LIVE_RTMP_PORT is set (`npm start`
// sets 1935 on the embedded database).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/handle.ts';
import { publishLiveEvent } from './realtime.ts';
import { streamKeyAllows, type VideoSettings } from './sessions.ts';

const require = createRequire(import.meta.url);
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STALE_AFTER_MS = 8_000;
export const HLS_FILE = /^(index\.m3u8|seg-\d{5}\.ts)$/;

export interface VideoIngest extends VideoSettings {
  /** The HLS directory of a session, or null when there is no ingest. */
  hlsDir(sessionId: string): string | null;
  stop(): Promise<void>;
}

const noVideo: VideoIngest = { hlsUrl: () => null, replayUrl: () => null, rtmpUrl: () => null, hlsDir: () => null, stop: async () => {} };

/** The ffmpeg to run: FFMPEG_PATH, or the one the npm package ships, or the system's. */
export function ffmpegPath(): string {
  if (process.env.FFMPEG_PATH) return process.env.FFMPEG_PATH;
  try {
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return 'ffmpeg';
  }
}

interface NmsSession {
  streamApp: string;
  streamName: string;
  streamQuery?: Record<string, string>;
  close(): void;
}
interface Nms {
  on(event: string, listener: (session: NmsSession) => void): void;
  run(): Promise<void>;
  stop(): Promise<void>;
  rtmpServer: { tcpServer?: net.Server };
}

/** A playlist the packager rewrote lately: the stream is arriving (a stalled encoder shows the waiting state). */
function isFresh(playlist: string) {
  const stat = fs.statSync(playlist, { throwIfNoEntry: false });
  return !!stat && Date.now() - stat.mtimeMs < STALE_AFTER_MS;
}

/** Whether the port can be listened on (another program may hold it: the ingest is then left off, not the server). */
function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * An external media server (SRS, nginx-rtmp) with the same contract: `LIVE_HLS_URL` is its HLS URL pattern, `{session}`
 * standing for the session id (e.g. `https://media.example.cn/live/{session}.m3u8`); `LIVE_RTMP_URL` what hosts
 * publish to; `LIVE_REPLAY_URL` (optional) where an ended session's recording plays. Null when LIVE_HLS_URL is unset;
 * a bad value stops the server at start.
 */
export function externalVideo(env: NodeJS.ProcessEnv = process.env): (VideoIngest & { origins: string[] }) | null {
  const pattern = env.LIVE_HLS_URL;
  if (!pattern) return null;
  const origins = new Set<string>();
  const checked = (name: string, value: string, scheme: 'http' | 'rtmp') => {
    let url: URL | null = null;
    try {
      url = new URL(value.replaceAll('{session}', '00000000-0000-0000-0000-000000000000'));
    } catch {
      // reported below
    }
    if (!url || !new RegExp(`^${scheme}s?:$`).test(url.protocol)) throw new Error(`${name} must be an ${scheme}(s) URL, not ${value}`);
    if (name !== 'LIVE_RTMP_URL') {
      if (!value.includes('{session}')) throw new Error(`${name} must contain {session} where the session id goes: ${value}`);
      origins.add(url.origin);
    }
    return (sessionId: string) => value.replaceAll('{session}', sessionId);
  };
  const live = checked('LIVE_HLS_URL', pattern, 'http');
  const replay = env.LIVE_REPLAY_URL ? checked('LIVE_REPLAY_URL', env.LIVE_REPLAY_URL, 'http') : null;
  const rtmp = env.LIVE_RTMP_URL ? checked('LIVE_RTMP_URL', env.LIVE_RTMP_URL, 'rtmp') : null;
  return {
    origins: [...origins],
    hlsUrl: (session) => (session.streamingSince ? live(session.id) : null),
    replayUrl: (sessionId) => replay?.(sessionId) ?? null,
    rtmpUrl: (sessionId) => rtmp?.(sessionId) ?? null,
    hlsDir: () => null,
    stop: async () => {},
  };
}

export async function startVideo(db: Db, log: FastifyBaseLogger, dataDir: string): Promise<VideoIngest> {
  const external = externalVideo();
  if (external) {
    log.info({ hls: process.env.LIVE_HLS_URL }, 'live: video from an external media server');
    return external;
  }
  const wanted = process.env.LIVE_RTMP_PORT;
  if (wanted === undefined || wanted === '' || wanted === 'off') return noVideo;
  const bindTo = process.env.LIVE_RTMP_BIND ?? '0.0.0.0';
  if (Number(wanted) && !(await portFree(bindTo, Number(wanted)))) {
    log.warn({ port: Number(wanted) }, 'live: the RTMP port is in use; the ingest is off (set LIVE_RTMP_PORT)');
    return noVideo;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-live-'));
  // Recordings are kept for the replay: in the data folder when there is one (they outlive the process).
  const keep = !!dataDir && fs.existsSync(dataDir);
  const hlsRoot = keep ? path.join(dataDir, 'live-hls') : path.join(root, 'hls');
  fs.mkdirSync(hlsRoot, { recursive: true });
  // Only our own ffmpeg may play from the ingest: it signs its URL with a secret no one else knows.
  const playSecret = randomBytes(24).toString('hex');
  const NodeMediaServer = require('node-media-server') as new (config: object, configPath: string) => Nms;
  const nmsLogger = require('node-media-server/src/core/logger.js') as { level: string };
  const bind = bindTo;
  // node-media-server takes port 0 as "no RTMP": ask the system for a free port instead.
  const port = Number(wanted) || (await freePort(bind));
  const nms = new NodeMediaServer(
    {
      bind,
      rtmp: { port },
      auth: { play: true, publish: false, secret: playSecret },
      store: { path: path.join(root, 'nms') },
      record: { auto: false, path: path.join(root, 'record') },
      notify: { url: '' },
      webadmin: { enable: false },
    },
    '',
  );
  nmsLogger.level = 'error';
  const packagers = new Map<string, ChildProcess>();

  const sign = (streamPath: string) => {
    const expires = Math.floor(Date.now() / 1000) + 24 * 3600;
    return `${expires}-${createHash('md5').update(`${streamPath}-${expires}-${playSecret}`).digest('hex')}`;
  };

  const startPackager = (sessionId: string) => {
    const dir = path.join(hlsRoot, sessionId);
    fs.mkdirSync(dir, { recursive: true });
    // The replay's time zero: when the first publish of the session began to be recorded.
    void db
      .execute(sql`update live_sessions set recorded_from = now() where id = ${sessionId}::uuid and recorded_from is null`)
      .catch(() => log.warn({ sessionId }, 'live: could not note the recording start'));
    const source = `rtmp://127.0.0.1:${port}/live/${sessionId}?sign=${sign(`/live/${sessionId}`)}`;
    const child = spawn(
      ffmpegPath(),
      // Every segment is kept (an EVENT playlist) so the session can be replayed; a second publish appends to it.
      ['-hide_banner', '-loglevel', 'error', '-i', source, '-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', '-hls_playlist_type', 'event', '-hls_flags', 'append_list+discont_start', '-hls_segment_filename', path.join(dir, 'seg-%05d.ts'), path.join(dir, 'index.m3u8')],
      { stdio: 'ignore' },
    );
    child.on('error', () => log.warn({ sessionId }, 'live: ffmpeg could not start; set FFMPEG_PATH'));
    // Viewers' pages read the session again when a fresh playlist appears and when the stream goes away…
    const announce = (available: boolean) => void db.transaction((tx) => publishLiveEvent(tx, { sessionId, type: 'video', data: { available } })).catch(() => {});
    // …and when it goes stale (an encoder that stalls or leaves while the packager still waits for it), or fresh again.
    let playing = false;
    const watch = setInterval(() => {
      const fresh = isFresh(path.join(dir, 'index.m3u8'));
      if (fresh === playing) return;
      playing = fresh;
      announce(fresh);
    }, 500);
    watch.unref();
    child.on('exit', () => {
      clearInterval(watch);
      if (packagers.get(sessionId) !== child) return;
      packagers.delete(sessionId);
      // The recording stays for the replay; the playlist goes stale, so the page goes back to its waiting state.
      announce(false);
    });
    packagers.set(sessionId, child);
  };

  const onPrePublish = (session: NmsSession) => {
    const sessionId = session.streamName;
    const key = session.streamQuery?.key ?? '';
    if (session.streamApp !== 'live' || !SESSION_ID.test(sessionId)) return session.close();
    // The decision needs the database: until it is made nothing is packaged, and no one else can play the stream.
    void streamKeyAllows(db, sessionId, key)
      .catch(() => false)
      .then((allowed) => {
        if (!allowed) {
          log.info({ sessionId }, 'live: publish refused (wrong stream key or session not live)');
          return session.close();
        }
        startPackager(sessionId);
      });
  };
  const onDonePublish = (session: NmsSession) => packagers.get(session.streamName)?.kill('SIGTERM');
  nms.on('prePublish', onPrePublish);
  nms.on('donePublish', onDonePublish);
  await nms.run();
  const tcp = nms.rtmpServer.tcpServer;
  if (tcp && !tcp.listening) await new Promise((resolve) => tcp.once('listening', resolve));
  log.info({ port }, 'live: RTMP ingest listening');
  const publicHost = process.env.LIVE_RTMP_PUBLIC_HOST ?? 'localhost';
  // Demo streams: ffmpeg publishing a generated test pattern and tone with the session's key, as an encoder would.
  const demos = new Map<string, ChildProcess>();
  const startDemoStream = (sessionId: string, streamKey: string) => {
    if (demos.has(sessionId)) return;
    const target = `rtmp://127.0.0.1:${port}/live/${sessionId}?key=${encodeURIComponent(streamKey)}`;
    const child = spawn(
      ffmpegPath(),
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '600',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', target],
      { stdio: 'ignore' },
    );
    child.on('error', () => log.warn({ sessionId }, 'live: ffmpeg could not start the demo stream; set FFMPEG_PATH'));
    child.on('exit', () => demos.get(sessionId) === child && demos.delete(sessionId));
    demos.set(sessionId, child);
  };

  return {
    hlsDir: (sessionId) => path.join(hlsRoot, sessionId),
    hlsUrl: ({ id: sessionId }) => (packagers.has(sessionId) && isFresh(path.join(hlsRoot, sessionId, 'index.m3u8')) ? `/api/v1/live/hls/${sessionId}/index.m3u8` : null),
    replayUrl: (sessionId) => (fs.existsSync(path.join(hlsRoot, sessionId, 'index.m3u8')) ? `/api/v1/live/hls/${sessionId}/index.m3u8` : null),
    rtmpUrl: () => `rtmp://${publicHost}:${port}/live`,
    startDemoStream,
    async stop() {
      for (const child of [...demos.values(), ...packagers.values()]) child.kill('SIGTERM');
      await nms.stop();
      // node-media-server keeps its listeners in a process-wide emitter: a later ingest must not reach this app.
      const events = (require('node-media-server/src/core/context.js') as { eventEmitter: import('node:events').EventEmitter }).eventEmitter;
      events.off('prePublish', onPrePublish);
      events.off('donePublish', onDonePublish);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
