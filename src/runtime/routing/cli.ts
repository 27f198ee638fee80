import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  formatCost,
  formatSol,
  readSolomon,
  readVrplib,
  type Instance,
} from '../../solvers/routing/index.ts';
import { solveInParallel } from './parallel.ts';

const USAGE =
  'usage: npm run --silent solve -- FILE [--seconds S] [--seed N] [--iterations K] [--threads T] [--vehicles-first]\n' +
  '  --threads T       worker threads that improve children for one population (default: every core)\n' +
  '  --iterations K    genetic iterations in all; same seed, threads and K give the same solution\n' +
  '  --vehicles-first  fewest vehicles first, then distance (how Solomon/Homberger results are ranked)';

/** Reads a .vrp (CVRPLIB) or Solomon text file, telling them apart by content. */
export function readInstanceFile(path: string): Instance {
  const text = readFileSync(path, 'utf8');
  const name = basename(path);
  return /^\s*(NAME|DIMENSION|TYPE)\s*:/im.test(text) ? readVrplib(text, name) : readSolomon(text, name);
}

async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  let seconds = 10;
  let seed = 1;
  let iterations: number | undefined;
  let threads = availableParallelism();
  let vehiclesFirst = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const value = (): number => {
      const v = Number(argv[++k]);
      if (!Number.isFinite(v)) throw new Error(`${a} needs a number\n${USAGE}`);
      return v;
    };
    if (a === '--seconds') seconds = value();
    else if (a === '--seed') seed = value();
    else if (a === '--iterations') iterations = value();
    else if (a === '--threads') threads = Math.max(1, Math.floor(value()));
    else if (a === '--vehicles-first') vehiclesFirst = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n');
      return 0;
    } else if (!a.startsWith('--') && file === undefined) file = a;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!file) throw new Error(USAGE);
  const instance = readInstanceFile(file);
  const result = await solveInParallel(instance, {
    threads,
    seed,
    timeLimitMs: seconds * 1000,
    maxIterations: iterations,
    params: vehiclesFirst ? { vehiclesFirst: true } : undefined,
    onProgress: (p) => process.stderr.write(`[${(p.elapsedMs / 1000).toFixed(1)}s] iteration ${p.iteration}: best ${formatCost(p.bestCost)}\n`),
  });
  process.stderr.write(
    `${result.iterations} iterations on ${result.threads} thread(s) in ${(result.elapsedMs / 1000).toFixed(1)}s, population ${result.population.populationSize} + ${result.population.generationSize}, ${result.feasible ? 'feasible' : 'INFEASIBLE'}\n`,
  );
  for (const v of result.violations) process.stderr.write(`  violation: ${v}\n`);
  process.stdout.write(formatSol(instance, result, result.cost));
  return result.feasible ? 0 : 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (e: unknown) => {
      // format and infeasibility errors say what is wrong in their message; anything else too, without a stack
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
