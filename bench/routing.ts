/**
 * Routing benchmark: runs the solver and the savings baseline on public instances and reports the gap to
 * the best-known solutions. Not a test.
 *
 *   npm run bench:routing -- --seconds S [--dir D]... [--max-n N] [--seed K]
 */
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
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 60, dirs: [], maxN: Infinity, seed: 1 };
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

function group(name: string, n: number): string {
  if (name.startsWith('X-')) return n <= 200 ? 'X n<=200' : n <= 500 ? 'X 200<n<=500' : 'X n>500';
  if (/^(C|R|RC)\d/.test(name)) return 'Solomon';
  return 'other CVRP';
}

function pad(s: string | number, w: number): string {
  return String(s).padStart(w);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const rows: { name: string; group: string; gap: number; savingsGap: number; feasible: boolean }[] = [];
  process.stdout.write(`# routing benchmark: ${args.seconds} s per instance, seed ${args.seed}, 1 thread, node ${process.version}\n\n`);
  process.stdout.write('| instance | n | BKS | ours | gap % | seconds | iterations | feasible | savings | savings gap % |\n');
  process.stdout.write('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n');
  for (const dir of args.dirs) {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.vrp') || (f.endsWith('.txt') && !/readme/i.test(f)))
      .map((f) => ({ f, inst: readInstance(join(dir, f)) }))
      .filter(({ inst }) => inst.stops.length <= args.maxN)
      .sort((a, b) => a.inst.stops.length - b.inst.stops.length || a.f.localeCompare(b.f));
    for (const { f, inst } of files) {
      const name = f.replace(/\.(vrp|txt)$/, '');
      const bks = bestKnown(dir, name);
      const base = savings(inst);
      const baseCheck = checkSolution(inst, base);
      const result = solve(inst, { seed: args.seed, timeLimitMs: args.seconds * 1000 });
      const check = checkSolution(inst, result);
      check.cost = Number(check.cost.toFixed(6));
      baseCheck.cost = Number(baseCheck.cost.toFixed(6));
      if (Math.abs(check.cost - result.cost) > 1e-6) throw new Error(`${name}: checker cost ${check.cost} differs from solver cost ${result.cost}`);
      const gap = bks ? (100 * (check.cost - bks)) / bks : NaN;
      const savingsGap = bks ? (100 * (baseCheck.cost - bks)) / bks : NaN;
      const feasible = check.feasible ? 'yes' : `NO: ${check.violations.slice(0, 2).join('; ')}`;
      rows.push({ name, group: group(name, inst.stops.length), gap, savingsGap, feasible: check.feasible });
      process.stdout.write(
        `| ${name} | ${inst.stops.length} | ${bks ?? '?'} | ${round(check.cost)} | ${gap.toFixed(2)} | ${(result.elapsedMs / 1000).toFixed(1)} | ${result.iterations} | ${feasible} | ${round(baseCheck.cost)}${baseCheck.feasible ? '' : ' (infeasible)'} | ${savingsGap.toFixed(2)} |\n`,
      );
    }
  }
  process.stdout.write('\n| group | instances | mean gap % | mean savings gap % | all feasible |\n| --- | ---: | ---: | ---: | --- |\n');
  const groups = [...new Set(rows.map((r) => r.group))];
  for (const g of groups) {
    const rs = rows.filter((r) => r.group === g);
    const mean = (xs: number[]): string => (xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(2);
    process.stdout.write(`| ${g} | ${rs.length} | ${mean(rs.map((r) => r.gap))} | ${mean(rs.map((r) => r.savingsGap))} | ${rs.every((r) => r.feasible) ? 'yes' : 'no'} |\n`);
  }
}

function round(x: number): string {
  return String(Number(x.toFixed(4)));
}

main();
