/**
 * Routing benchmark: runs the solver (one thread, and all cores), the savings baseline and optionally a peer
 * solver (HGS-CVRP's binary) and an older checkout of this repository on public instances, in the same run,
 * and reports gaps to the best-known solutions, iterations per second and their ratios. Not a test.
 * See bench/ROUTING.md.
 *
 *   npm run bench:routing -- --seconds S [--dir D]... [--min-n N] [--max-n N] [--only A,B] [--seed K] [--jobs J]
 *                            [--clock cpu|wall] [--threads T] [--peer PATH] [--compare DIR] [--vehicles-first]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInstanceFile } from '../src/runtime/routing/cli.ts';
import { solveInParallel } from '../src/runtime/routing/index.ts';
import { checkSolution, readSol, savings, type Instance } from '../src/solvers/routing/index.ts';

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
  minN: number;
  /** Only the instances with these names (empty: all). */
  only: string[];
  /** Threads of the parallel run besides the single-thread one (1: no parallel run). */
  threads: number;
  /** A peer solver's binary called as HGS-CVRP's: PATH instance solution -t S -seed K. */
  peer?: string;
  /** Another checkout of this repository whose solver runs on the same instances (before/after). */
  compare?: string;
  /** Fewest vehicles first, then distance (how Solomon and Homberger results are ranked). */
  vehiclesFirst: boolean;
  /** Internal: solve this one instance and print a JSON line. */
  single?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 60, dirs: [], maxN: Infinity, minN: 0, only: [], seed: 1, jobs: 1, clock: 'cpu', threads: availableParallelism(), vehiclesFirst: false };
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
    else if (a === '--min-n') args.minN = Number(next());
    else if (a === '--only') args.only = next().split(',');
    else if (a === '--threads') args.threads = Math.max(1, Number(next()));
    else if (a === '--peer') args.peer = resolve(next());
    else if (a === '--compare') args.compare = resolve(next());
    else if (a === '--seed') args.seed = Number(next());
    else if (a === '--jobs') args.jobs = Math.max(1, Number(next()));
    else if (a === '--clock') {
      const c = next();
      if (c !== 'cpu' && c !== 'wall') throw new Error('--clock is cpu or wall');
      args.clock = c;
    } else if (a === '--single') args.single = next();
    else if (a === '--vehicles-first') args.vehiclesFirst = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.dirs.length === 0) args.dirs = [resolve(repoRoot, '../shared/data/cvrp'), resolve(repoRoot, '../shared/data/vrptw')];
  return args;
}

function readInstance(path: string): Instance {
  return readInstanceFile(path);
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

/** Vehicles of the best-known solution: the bks.csv column routes_in_bks, else the .sol file's routes. */
function bestKnownVehicles(dir: string, name: string): number | undefined {
  const csv = join(dir, 'bks.csv');
  if (existsSync(csv)) {
    const lines = readFileSync(csv, 'utf8').split(/\r?\n/);
    const col = lines[0].split(',').indexOf('routes_in_bks');
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      if (cells[0] === name && col >= 0 && cells[col] !== '') return Number(cells[col]);
    }
  }
  const sol = join(dir, `${name}.sol`);
  if (existsSync(sol)) return readFileSync(sol, 'utf8').match(/^Route\s*#/gim)?.length;
  return undefined;
}

/** One solver's run on one instance. */
interface Run {
  cost: number;
  /** Vehicles used. */
  vehicles: number;
  gap: number;
  feasible: boolean;
  violations: string[];
  iterations: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Peak resident memory of the process, MB (null when not measured). */
  peakMB: number | null;
  /** Our population at the end of the run, "μ + λ" (absent for the peer and older checkouts). */
  population?: string;
}

interface Row {
  name: string;
  n: number;
  bks: number | null;
  bksVehicles: number | null;
  ours: Run;
  parallel: Run | null;
  peer: Run | null;
  before: Run | null;
  savingsCost: number;
  savingsFeasible: boolean;
  savingsGap: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function gapOf(cost: number, bks: number | null): number {
  return bks ? (100 * (cost - bks)) / bks : NaN;
}

/** In a child process: solves one instance with our solver on `threads` threads, re-checked independently. */
async function runOurs(path: string, args: Args, threads: number): Promise<Run> {
  const inst = readInstance(path);
  const name = basename(path).replace(/\.(vrp|txt)$/, '');
  const bks = bestKnown(dirname(path), name) ?? null;
  const wall0 = Date.now();
  const cpu0 = cpuMs();
  const params = args.vehiclesFirst ? { vehiclesFirst: true } : undefined;
  const result = await solveInParallel(inst, { threads, seed: args.seed, timeLimitMs: args.seconds * 1000, clock: args.clock, params });
  const cpuSeconds = (cpuMs() - cpu0) / 1000;
  const wallSeconds = (Date.now() - wall0) / 1000;
  const check = checkSolution(inst, result);
  if (Math.abs(check.cost - result.cost) > 1e-6) throw new Error(`${name}: checker cost ${check.cost} differs from solver cost ${result.cost}`);
  const cost = Number(check.cost.toFixed(6));
  return {
    cost,
    vehicles: result.routes.length,
    gap: gapOf(cost, bks),
    feasible: check.feasible,
    violations: check.violations,
    iterations: result.iterations,
    cpuSeconds,
    wallSeconds,
    peakMB: process.resourceUsage().maxRSS / 1024,
    population: `${result.population.populationSize} + ${result.population.generationSize}`,
  };
}

function run(file: string, argv: string[], cwd?: string): Promise<{ stdout: string; wallSeconds: number }> {
  const wall0 = Date.now();
  return new Promise((ok, fail) => {
    execFile(file, argv, { maxBuffer: 1 << 26, cwd }, (err, stdout, stderr) =>
      err ? fail(new Error(`${file} ${argv.join(' ')}: ${stderr || err.message}`)) : ok({ stdout, wallSeconds: (Date.now() - wall0) / 1000 }),
    );
  });
}

/** The peer (HGS-CVRP's CLI) on one instance; its solution is re-checked by our checker. */
async function runPeer(path: string, args: Args, bks: number | null): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'routing-peer-'));
  try {
    const sol = join(dir, 'peer.sol');
    const { stdout, wallSeconds } = await run(args.peer!, [path, sol, '-t', String(args.seconds), '-seed', String(args.seed), '-log', '1']);
    const inst = readInstance(path);
    const solution = readSol(inst, readFileSync(sol, 'utf8'));
    const check = checkSolution(inst, solution);
    const iterations = Number(/FINISHED AFTER (\d+) ITERATIONS/.exec(stdout)?.[1] ?? NaN);
    const cost = Number(check.cost.toFixed(6));
    return {
      cost,
      vehicles: solution.routes.length,
      gap: gapOf(cost, bks),
      feasible: check.feasible,
      violations: check.violations,
      iterations,
      // children's CPU time is only counted once they are waited for; HGS-CVRP's own limit is CPU time too
      cpuSeconds: Number(/TIME SPENT: ([\d.]+)/.exec(stdout)?.[1] ?? NaN),
      wallSeconds,
      peakMB: null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our solver, `threads` threads, in a child process of this script. */
async function runChild(path: string, args: Args, threads: number): Promise<Run> {
  const script = fileURLToPath(import.meta.url);
  const childArgs = [...process.execArgv, script, '--single', path, '--seconds', String(args.seconds), '--seed', String(args.seed), '--clock', args.clock, '--threads', String(threads)];
  if (args.vehiclesFirst) childArgs.push('--vehicles-first');
  const { stdout } = await run(process.execPath, childArgs);
  return JSON.parse(stdout.trim().split('\n').pop()!) as Run;
}

/** The solver of another checkout (its own bench script's --single mode, one thread). */
async function runBefore(path: string, args: Args): Promise<Run> {
  const script = join(args.compare!, 'bench/routing.ts');
  const childArgs = ['--import', 'tsx', script, '--single', path, '--seconds', String(args.seconds), '--seed', String(args.seed), '--clock', args.clock];
  const { stdout } = await run(process.execPath, childArgs, args.compare);
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as Partial<Run> & { cost: number; gap: number; iterations: number; cpuSeconds: number; wallSeconds: number };
  return { feasible: true, violations: [], peakMB: null, vehicles: NaN, ...r };
}

async function runInstance(path: string, args: Args): Promise<Row> {
  const inst = readInstance(path);
  const name = basename(path).replace(/\.(vrp|txt)$/, '');
  const bks = bestKnown(dirname(path), name) ?? null;
  const base = savings(inst);
  const baseCheck = checkSolution(inst, base);
  const savingsCost = Number(baseCheck.cost.toFixed(6));
  // one after the other, so that each has the machine's cores to itself
  const ours = await runChild(path, args, 1);
  const parallel = args.threads > 1 ? await runChild(path, args, args.threads) : null;
  const peer = args.peer && path.endsWith('.vrp') ? await runPeer(path, args, bks) : null;
  const before = args.compare ? await runBefore(path, args) : null;
  return { name, n: inst.stops.length, bks, bksVehicles: bestKnownVehicles(dirname(path), name) ?? null, ours, parallel, peer, before, savingsCost, savingsFeasible: baseCheck.feasible, savingsGap: gapOf(savingsCost, bks) };
}

/** Runs the instances, `jobs` at a time. */
async function runAll(files: string[], args: Args): Promise<Row[]> {
  const rows: Row[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const k = next++;
      rows[k] = await runInstance(files[k], args);
      const r = rows[k];
      process.stderr.write(`done ${r.name}: ${r.ours.cost} (${fixed2(r.ours.gap)} %)${r.peer ? `, peer ${r.peer.cost} (${fixed2(r.peer.gap)} %)` : ''}\n`);
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

/** Iterations per second of CPU time given to the search (the budget's clock). */
function rate(r: Run, threads: number, args: Args): number {
  return r.iterations / (args.clock === 'cpu' ? r.cpuSeconds / threads : r.wallSeconds);
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a / b) ? (a / b).toFixed(2) : '—';
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.single) {
    process.stdout.write(JSON.stringify(await runOurs(args.single, args, args.threads)) + '\n');
    return;
  }
  const files = args.dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.vrp') || (f.endsWith('.txt') && !/readme/i.test(f)))
      .filter((f) => args.only.length === 0 || args.only.includes(f.replace(/\.(vrp|txt)$/, '')))
      .map((f) => ({ path: join(dir, f), n: readInstance(join(dir, f)).stops.length }))
      .filter(({ n }) => n <= args.maxN && n >= args.minN)
      .sort((a, b) => a.n - b.n || a.path.localeCompare(b.path))
      .map(({ path }) => path),
  );
  const rows = await runAll(files, args);
  const T = args.threads;
  const out = (line: string): boolean => process.stdout.write(line + '\n');
  out(
    `# routing benchmark: ${args.seconds} s of ${args.clock === 'cpu' ? 'CPU' : 'wall'} time per instance and solver, seed ${args.seed}, ` +
      `${args.jobs} instance(s) at a time, ${args.vehiclesFirst ? 'vehicles first, ' : ''}node ${process.version}${args.peer ? `, peer ${args.peer}` : ''}${args.compare ? `, before = ${args.compare}` : ''}\n`,
  );
  const cols = ['instance', 'n', 'BKS', 'BKS vehicles', 'ours', 'vehicles', 'gap %', 'it/s', 'peak MB', 'feasible'];
  if (T > 1) cols.push(`${T} threads`, `gap % (${T} thr.)`, `it/s (${T} thr.)`, `population (${T} thr.)`);
  if (args.peer) cols.push('peer', 'peer gap %', 'peer it/s', 'gap ratio ours/peer', 'it/s ratio ours/peer');
  if (args.compare) cols.push('before gap %', 'before it/s', 'it/s ratio ours/before');
  cols.push('savings gap %');
  out(`| ${cols.join(' | ')} |`);
  out(`| ${cols.map((c, k) => (k === 0 || c === 'feasible' ? '---' : '---:')).join(' | ')} |`);
  for (const r of rows) {
    const cells = [r.name, String(r.n), String(r.bks ?? '?'), String(r.bksVehicles ?? '?'), round(r.ours.cost), String(r.ours.vehicles), fixed2(r.ours.gap), rate(r.ours, 1, args).toFixed(1), r.ours.peakMB?.toFixed(0) ?? '?'];
    cells.push(r.ours.feasible ? 'yes' : `NO: ${r.ours.violations.slice(0, 2).join('; ')}`);
    if (T > 1) cells.push(r.parallel ? round(r.parallel.cost) : '', r.parallel ? fixed2(r.parallel.gap) : '', r.parallel ? rate(r.parallel, T, args).toFixed(1) : '', r.parallel?.population ?? '');
    if (args.peer) {
      const p = r.peer;
      cells.push(p ? round(p.cost) : '—', p ? fixed2(p.gap) : '—', p ? rate(p, 1, args).toFixed(1) : '—', p ? ratio(r.ours.gap, p.gap) : '—', p ? ratio(rate(r.ours, 1, args), rate(p, 1, args)) : '—');
    }
    if (args.compare) {
      const b = r.before;
      cells.push(b ? fixed2(b.gap) : '—', b ? rate(b, 1, args).toFixed(1) : '—', b ? ratio(rate(r.ours, 1, args), rate(b, 1, args)) : '—');
    }
    cells.push(fixed2(r.savingsGap) + (r.savingsFeasible ? '' : ' (infeasible)'));
    out(`| ${cells.join(' | ')} |`);
  }
  out('');
  const gcols = ['group', 'instances', 'mean gap %'];
  if (T > 1) gcols.push(`mean gap % (${T} threads)`);
  if (args.peer) gcols.push('peer mean gap %', 'ours − peer (points)', `${T} threads − peer (points)`, 'mean it/s ratio ours/peer');
  if (args.compare) gcols.push('before mean gap %', 'mean it/s ratio ours/before');
  gcols.push('all feasible');
  out(`| ${gcols.join(' | ')} |`);
  out(`| ${gcols.map((c, k) => (k === 0 || c === 'all feasible' ? '---' : '---:')).join(' | ')} |`);
  const groups = [...new Set(rows.map((r) => group(r.name, r.n)))];
  // and every instance together, when there are several groups
  for (const g of groups.length > 1 ? [...groups, 'all'] : groups) {
    const rs = rows.filter((r) => g === 'all' || group(r.name, r.n) === g);
    const cells = [g, String(rs.length), fixed2(mean(rs.map((r) => r.ours.gap)))];
    if (T > 1) cells.push(fixed2(mean(rs.map((r) => r.parallel!.gap))));
    if (args.peer) {
      const withPeer = rs.filter((r) => r.peer);
      const peerGap = mean(withPeer.map((r) => r.peer!.gap));
      cells.push(
        withPeer.length ? fixed2(peerGap) : '—',
        withPeer.length ? fixed2(mean(withPeer.map((r) => r.ours.gap)) - peerGap) : '—',
        withPeer.length && T > 1 ? fixed2(mean(withPeer.map((r) => r.parallel!.gap)) - peerGap) : '—',
        withPeer.length ? mean(withPeer.map((r) => rate(r.ours, 1, args) / rate(r.peer!, 1, args))).toFixed(2) : '—',
      );
    }
    if (args.compare) cells.push(fixed2(mean(rs.map((r) => r.before!.gap))), mean(rs.map((r) => rate(r.ours, 1, args) / rate(r.before!, 1, args))).toFixed(2));
    cells.push(rs.every((r) => r.ours.feasible && (r.parallel?.feasible ?? true)) ? 'yes' : 'no');
    out(`| ${cells.join(' | ')} |`);
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
