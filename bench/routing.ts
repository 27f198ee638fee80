/**
 * Routing benchmark: runs the solver and the savings baseline on public instances and reports the gap to
 * the best-known solutions. Not a test.
 *
 *   npm run bench:routing -- --seconds S [--dir D]... [--max-n N] [--seed K] [--jobs J] [--clock cpu|wall]
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSolution, readSolomon, readVrplib, savings, solve, type Instance } from '../src/solvers/routing/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Args {
  seconds: number;
  dirs: string[];
  maxN: number;
  seed: number;
  /** Instances solved at once, each in its own single-threaded process. */
  jobs: number;
  /** What the time limit counts: the process's CPU time (fair on a shared machine) or wall time. */
  clock: 'cpu' | 'wall';
  /** Internal: solve this one instance and print a JSON line. */
  single?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 60, dirs: [], maxN: Infinity, seed: 1, jobs: 1, clock: 'cpu' };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const next = (): string => {
      const v = argv[++k];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seconds') args.seconds = Number(next());
    else if (a === '--dir') args.dirs.push(resolve(next()));
    else if (a === '--max-n') args.maxN = Number(next());
    else if (a === '--seed') args.seed = Number(next());
    else if (a === '--jobs') args.jobs = Math.max(1, Number(next()));
    else if (a === '--clock') {
      const c = next();
      if (c !== 'cpu' && c !== 'wall') throw new Error('--clock is cpu or wall');
      args.clock = c;
    } else if (a === '--single') args.single = next();
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.dirs.length === 0) args.dirs = [resolve(repoRoot, '../shared/data/cvrp'), resolve(repoRoot, '../shared/data/vrptw')];
  return args;
}

function readInstance(path: string): Instance {
  const text = readFileSync(path, 'utf8');
  return /^\s*(NAME|DIMENSION|TYPE)\s*:/im.test(text) ? readVrplib(text, basename(path)) : readSolomon(text, basename(path));
}

/** Best-known cost: the directory's bks.csv, else the instance's .sol Cost line. */
function bestKnown(dir: string, name: string): number | undefined {
  const csv = join(dir, 'bks.csv');
  if (existsSync(csv)) {
    const lines = readFileSync(csv, 'utf8').split(/\r?\n/);
    const header = lines[0].split(',');
    const col = header.indexOf('bks');
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      if (cells[0] === name && col >= 0) return Number(cells[col]);
    }
  }
  const sol = join(dir, `${name}.sol`);
  if (existsSync(sol)) {
    const m = /^Cost\s+([\d.]+)/im.exec(readFileSync(sol, 'utf8'));
    if (m) return Number(m[1]);
  }
  return undefined;
}

interface Row {
  name: string;
  n: number;
  bks: number | null;
  cost: number;
  gap: number;
  cpuSeconds: number;
  wallSeconds: number;
  iterations: number;
  feasible: boolean;
  violations: string[];
  savingsCost: number;
  savingsFeasible: boolean;
  savingsGap: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Solves one instance with our solver and the savings baseline; both re-checked independently. */
function runOne(path: string, args: Args): Row {
  const inst = readInstance(path);
  const name = basename(path).replace(/\.(vrp|txt)$/, '');
  const bks = bestKnown(dirname(path), name) ?? null;
  const base = savings(inst);
  const baseCheck = checkSolution(inst, base);
  const wall0 = Date.now();
  const cpu0 = cpuMs();
  const result = solve(inst, { seed: args.seed, timeLimitMs: args.seconds * 1000, clock: args.clock === 'cpu' ? cpuMs : Date.now });
  const cpuSeconds = (cpuMs() - cpu0) / 1000;
  const wallSeconds = (Date.now() - wall0) / 1000;
  const check = checkSolution(inst, result);
  if (Math.abs(check.cost - result.cost) > 1e-6) throw new Error(`${name}: checker cost ${check.cost} differs from solver cost ${result.cost}`);
  const cost = Number(check.cost.toFixed(6));
  const savingsCost = Number(baseCheck.cost.toFixed(6));
  return {
    name,
    n: inst.stops.length,
    bks,
    cost,
    gap: bks ? (100 * (cost - bks)) / bks : NaN,
    cpuSeconds,
    wallSeconds,
    iterations: result.iterations,
    feasible: check.feasible,
    violations: check.violations,
    savingsCost,
    savingsFeasible: baseCheck.feasible,
    savingsGap: bks ? (100 * (savingsCost - bks)) / bks : NaN,
  };
}

/** Runs each instance in a child process, `jobs` at a time. */
async function runAll(files: string[], args: Args): Promise<Row[]> {
  const rows: Row[] = new Array(files.length);
  let next = 0;
  const script = fileURLToPath(import.meta.url);
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const k = next++;
      const childArgs = [...process.execArgv, script, '--single', files[k], '--seconds', String(args.seconds), '--seed', String(args.seed), '--clock', args.clock];
      const out = await new Promise<string>((ok, fail) => {
        execFile(process.execPath, childArgs, { maxBuffer: 1 << 24 }, (err, stdout, stderr) => (err ? fail(new Error(`${files[k]}: ${stderr || err.message}`)) : ok(stdout)));
      });
      rows[k] = JSON.parse(out.trim().split('\n').pop()!) as Row;
      process.stderr.write(`done ${rows[k].name}: ${rows[k].cost} (${rows[k].gap.toFixed(2)} %)\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.jobs, files.length) }, worker));
  return rows;
}

function group(name: string, n: number): string {
  if (name.startsWith('X-')) return n <= 200 ? 'X n<=200' : n <= 500 ? 'X 200<n<=500' : 'X n>500';
  if (/^(C|R|RC)\d/.test(name)) return 'Solomon';
  return 'other CVRP';
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.single) {
    process.stdout.write(JSON.stringify(runOne(args.single, args)) + '\n');
    return;
  }
  const files = args.dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.vrp') || (f.endsWith('.txt') && !/readme/i.test(f)))
      .map((f) => ({ path: join(dir, f), n: readInstance(join(dir, f)).stops.length }))
      .filter(({ n }) => n <= args.maxN)
      .sort((a, b) => a.n - b.n || a.path.localeCompare(b.path))
      .map(({ path }) => path),
  );
  const rows = await runAll(files, args);
  process.stdout.write(
    `# routing benchmark: ${args.seconds} s of ${args.clock === 'cpu' ? 'CPU' : 'wall'} time per instance, seed ${args.seed}, one thread per instance, ${args.jobs} at a time, node ${process.version}\n\n`,
  );
  process.stdout.write('| instance | n | BKS | ours | gap % | CPU s | wall s | iterations | feasible | savings | savings gap % |\n');
  process.stdout.write('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n');
  for (const r of rows) {
    const feasible = r.feasible ? 'yes' : `NO: ${r.violations.slice(0, 2).join('; ')}`;
    process.stdout.write(
      `| ${r.name} | ${r.n} | ${r.bks ?? '?'} | ${round(r.cost)} | ${fixed2(r.gap)} | ${r.cpuSeconds.toFixed(1)} | ${r.wallSeconds.toFixed(1)} | ${r.iterations} | ${feasible} | ${round(r.savingsCost)}${r.savingsFeasible ? '' : ' (infeasible)'} | ${fixed2(r.savingsGap)} |\n`,
    );
  }
  process.stdout.write('\n| group | instances | mean gap % | mean savings gap % | all feasible |\n| --- | ---: | ---: | ---: | --- |\n');
  for (const g of [...new Set(rows.map((r) => group(r.name, r.n)))]) {
    const rs = rows.filter((r) => group(r.name, r.n) === g);
    const mean = (xs: number[]): string => fixed2(xs.reduce((s, x) => s + x, 0) / xs.length);
    process.stdout.write(`| ${g} | ${rs.length} | ${mean(rs.map((r) => r.gap))} | ${mean(rs.map((r) => r.savingsGap))} | ${rs.every((r) => r.feasible) ? 'yes' : 'no'} |\n`);
  }
}

/** Two decimals, without a "-0.00". */
function fixed2(x: number): string {
  const s = x.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

function round(x: number): string {
  return String(Number(x.toFixed(4)));
}

void main();
