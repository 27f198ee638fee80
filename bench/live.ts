/**
 * Live benchmark: how many viewers one Terrace instance holds while it delivers chat and flash-offer events over
 * its WebSockets (each event written, numbered and announced through the database, then fanned out), beside a
 * bare `ws` broadcast server (no database, no log) measured in the same run with the same clients and load.
 * For each number of viewers: p99 delivery time (event sent → received by a viewer) and deliveries per second.
 * Not a test.
 *
 *   npm run bench:live -- [--viewers 250,500,1000,2000] [--events 40] [--rate 20]
 */
import { spawn } from 'node:child_process';
import { WebSocket } from 'ws';
import { apiSession } from '../test/e2e/support/http.ts';
import { startServerProcess } from '../test/e2e/support/server.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const LEVELS = arg('viewers', '250,500,1000,2000').split(',').map(Number);
const EVENTS = Number(arg('events', '40'));
const RATE = Number(arg('rate', '20'));
const say = (s: string) => process.stdout.write(`${s}\n`);

interface Result {
  viewers: number;
  p99: number;
  perSecond: number;
  lost: number;
}

/** Opens n viewers; `stamp` reads the send time an event frame carries. */
async function openViewers(url: string, n: number, stamp: (frame: string) => number | null, latencies: number[]) {
  const sockets: WebSocket[] = [];
  let received = 0;
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, () => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.on('message', (data) => {
          const sent = stamp(String(data));
          if (sent === null) return;
          received++;
          latencies.push(Date.now() - sent);
        });
        ws.on('error', () => {});
        sockets.push(ws);
        return new Promise<void>((resolve) => {
          ws.once('open', () => resolve());
          ws.once('error', () => resolve());
        });
      }),
    );
  }
  return { sockets, received: () => received };
}

async function run(viewers: number, url: string, stamp: (frame: string) => number | null, send: (i: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  const { sockets, received } = await openViewers(url, viewers, stamp, latencies);
  await new Promise((r) => setTimeout(r, 500));
  const started = Date.now();
  for (let i = 0; i < EVENTS; i++) {
    const due = started + (i * 1000) / RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    void send(i).catch(() => {});
  }
  const expected = EVENTS * viewers;
  const deadline = Date.now() + 30_000;
  while (received() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const seconds = (Date.now() - started) / 1000;
  for (const s of sockets) s.terminate();
  latencies.sort((a, b) => a - b);
  return { viewers, p99: latencies[Math.floor(latencies.length * 0.99)] ?? Infinity, perSecond: Math.round(received() / seconds), lost: expected - received() };
}

const BARE = `
const { WebSocketServer } = require('ws');
const http = require('node:http');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => { for (const c of wss.clients) if (c.readyState === 1) c.send(body); res.end('ok'); });
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`;

async function main() {
  say(`bench:live — ${EVENTS} events per level at ${RATE}/s (chat and flash offers alternating); viewers ${LEVELS.join(', ')}`);
  const server = await startServerProcess({ timeoutMs: 600_000, env: { LIVE_CHAT_MAX_MESSAGES: '100000', WRITE_RATE_LIMIT_PER_USER_PER_MINUTE: '0', WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', LOG_LEVEL: 'warn' } });
  const bare = spawn(process.execPath, ['-e', BARE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const barePort = await new Promise<number>((resolve) => bare.stdout!.on('data', (d) => /PORT (\d+)/.test(String(d)) && resolve(Number(/PORT (\d+)/.exec(String(d))![1]))));
  try {
    const producer = await apiSession(server.url, 'producer');
    const sessionId = (await producer('GET', '/live/sessions')).body.items[0].id as string;
    await producer('POST', `/live/sessions/${sessionId}/start`);
    const page = (await producer('GET', `/live/sessions/${sessionId}/host`)).body;
    const product = page.products[0];
    const sentAt = new Map<number, number>();
    // Terrace: even events are chat messages carrying their send time; odd ones flash offers whose price names them.
    const terraceSend = async (i: number) => {
      sentAt.set(i, Date.now());
      if (i % 2 === 0) await producer('POST', `/live/sessions/${sessionId}/messages`, { body: `t${i}` });
      else {
        const offer = await producer('POST', `/live/sessions/${sessionId}/offers`, { productId: product.id, variantId: product.variants[0].id, priceFen: 1 + i, quota: 1 });
        if (offer.body?.id) await producer('POST', `/live/offers/${offer.body.id}/close`);
      }
    };
    const terraceStamp = (frame: string) => {
      const f = JSON.parse(frame) as { type: string; data?: { body?: string; priceFen?: number; status?: string } };
      if (f.type === 'chat') return sentAt.get(Number(f.data!.body!.slice(1))) ?? null;
      if (f.type === 'offer' && f.data!.status === 'open') return sentAt.get(f.data!.priceFen! - 1) ?? null;
      return null;
    };
    const bareSend = async (i: number) => {
      await fetch(`http://127.0.0.1:${barePort}/`, { method: 'POST', body: JSON.stringify({ type: i % 2 ? 'offer' : 'chat', sentAt: Date.now(), data: { body: `t${i}`, label: '杨家堂银猴 · 250 g', priceFen: 1 + i } }) });
    };
    const bareStamp = (frame: string) => (JSON.parse(frame) as { sentAt: number }).sentAt;

    say('');
    say('viewers | Terrace p99 ms | Terrace deliveries/s | bare ws p99 ms | bare ws deliveries/s | ratio (deliveries/s) | lost (T/bare)');
    let held = 0;
    for (const n of LEVELS) {
      const t = await run(n, `${server.url.replace('http', 'ws')}/api/v1/live/sessions/${sessionId}/ws`, terraceStamp, terraceSend);
      const b = await run(n, `ws://127.0.0.1:${barePort}/`, bareStamp, bareSend);
      if (t.p99 < 500 && t.lost === 0) held = n;
      say(`${String(n).padStart(7)} | ${String(t.p99).padStart(14)} | ${String(t.perSecond).padStart(20)} | ${String(b.p99).padStart(14)} | ${String(b.perSecond).padStart(20)} | ${(t.perSecond / b.perSecond).toFixed(2).padStart(20)} | ${t.lost}/${b.lost}`);
    }
    say('');
    say(`Terrace held ${held} viewers on one instance with p99 delivery under 500 ms and no event lost (highest level tried: ${LEVELS.at(-1)}).`);
  } finally {
    bare.kill();
    await server.stop();
  }
}

await main();
