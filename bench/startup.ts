// `npm run bench:startup`: time from `npm start` to the first page served, on a fresh DATA_DIR and on a
// second start of the same one; the baseline is a bare Node HTTP server started the same way, in the same run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

async function firstPage(args: string[], env: Record<string, string>, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        if (res.ok) {
          await res.text();
          return (performance.now() - started) / 1000;
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
const rows: { round: number; baseline: number; fresh: number; second: number }[] = [];
for (let round = 1; round <= rounds; round++) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-bench-'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', TERRACE_DEMO_PASSWORD: 'bench-password' };
  const baseline = await firstPage(['-e', bare], {}, port);
  const fresh = await firstPage(['scripts/start.mjs'], env, port);
  const second = await firstPage(['scripts/start.mjs'], env, port);
  rows.push({ round, baseline, fresh, second });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('round  baseline_s  fresh_s  second_s');
for (const r of rows) console.log(`${r.round.toString().padStart(5)}  ${r.baseline.toFixed(2).padStart(10)}  ${r.fresh.toFixed(2).padStart(7)}  ${r.second.toFixed(2).padStart(8)}`);
const b = median(rows.map((r) => r.baseline));
const f = median(rows.map((r) => r.fresh));
const s = median(rows.map((r) => r.second));
console.log(`median: baseline ${b.toFixed(2)} s, fresh start ${f.toFixed(2)} s (${(f / b).toFixed(1)}× baseline), second start ${s.toFixed(2)} s (${(s / b).toFixed(1)}× baseline)`);
