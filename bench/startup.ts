// `npm run bench:startup`: time from `npm start` to the first page served, on a fresh DATA_DIR and on a
// second start of the same one; the baseline is a bare Node HTTP server started the same way, in the same run.
// Beside the wall-clock time it prints the CPU time the started process tree had used when it served its first page
// (Linux /proc): on a loaded machine the wall clock measures the queue for the cores, the CPU time the work itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

const TICKS = 100; // USER_HZ, 100 on Linux

/** User + system CPU seconds used by a process and its descendants (living ones, and those already waited for). */
function treeCpuSeconds(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces.
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // the process ended while we read
    }
  }
  let ticks = 0;
  const queue = [root];
  while (queue.length) {
    const pid = queue.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) queue.push(child);
  }
  return ticks / TICKS;
}

interface Start {
  wall: number;
  cpu: number;
}

async function firstPage(args: string[], env: Record<string, string>, port: number): Promise<Start> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        if (res.ok) {
          await res.text();
          const wall = (performance.now() - started) / 1000;
          return { wall, cpu: fs.existsSync('/proc/self/stat') ? treeCpuSeconds(child.pid!) : Number.NaN };
        }
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const port = 39000 + Math.floor(Math.random() * 1000);
const bare = `require('node:http').createServer((q, s) => s.end('ok')).listen(process.env.PORT)`;
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const rows: { round: number; baseline: Start; fresh: Start; second: Start; sources: Start }[] = [];
for (let round = 1; round <= rounds; round++) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-bench-'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', TERRACE_DEMO_PASSWORD: 'bench-password' };
  const baseline = await firstPage(['-e', bare], {}, port);
  const fresh = await firstPage(['scripts/start.mjs'], env, port);
  const second = await firstPage(['scripts/start.mjs'], env, port);
  // The same second start from the TypeScript sources through tsx (as before the compiled server), for comparison.
  const sources = await firstPage(['--import', 'tsx', 'src/main.ts'], env, port);
  rows.push({ round, baseline, fresh, second, sources });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cell = (s: Start) => `${s.wall.toFixed(2).padStart(6)} / ${s.cpu.toFixed(2).padStart(5)}`;
console.log(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores; seconds to the first page, wall / CPU of the process tree`);
console.log('round        baseline            fresh           second   second from sources (tsx)');
for (const r of rows) console.log(`${r.round.toString().padStart(5)}  ${cell(r.baseline)}  ${cell(r.fresh)}  ${cell(r.second)}  ${cell(r.sources)}`);
for (const k of ['wall', 'cpu'] as const) {
  const b = median(rows.map((r) => r.baseline[k]));
  const f = median(rows.map((r) => r.fresh[k]));
  const s = median(rows.map((r) => r.second[k]));
  const t = median(rows.map((r) => r.sources[k]));
  console.log(`median ${k}: baseline ${b.toFixed(2)} s, fresh start ${f.toFixed(2)} s (${(f / b).toFixed(1)}× baseline), second start ${s.toFixed(2)} s (${(s / b).toFixed(1)}× baseline; ${(s / t).toFixed(2)}× the same start from sources, ${t.toFixed(2)} s)`);
}
