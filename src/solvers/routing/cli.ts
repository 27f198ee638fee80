import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatCost } from './solution.ts';
import { formatSol, InfeasibleInstanceError, InstanceFormatError, InvalidInstanceError, readSolomon, readVrplib, solve, type Instance } from './index.ts';

const USAGE = 'usage: npm run --silent solve -- FILE [--seconds S] [--seed N] [--iterations K]';

/** Reads a .vrp (CVRPLIB) or Solomon text file, telling them apart by content. */
function readInstanceFile(path: string): Instance {
  const text = readFileSync(path, 'utf8');
  const name = basename(path);
  return /^\s*(NAME|DIMENSION|TYPE)\s*:/im.test(text) ? readVrplib(text, name) : readSolomon(text, name);
}

function main(argv: string[]): number {
  let file: string | undefined;
  let seconds = 10;
  let seed = 1;
  let iterations: number | undefined;
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
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n');
      return 0;
    } else if (!a.startsWith('--') && file === undefined) file = a;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!file) throw new Error(USAGE);
  const instance = readInstanceFile(file);
  const result = solve(instance, {
    seed,
    timeLimitMs: seconds * 1000,
    maxIterations: iterations,
    onProgress: (p) => process.stderr.write(`[${(p.elapsedMs / 1000).toFixed(1)}s] iteration ${p.iteration}: best ${formatCost(p.bestCost)}\n`),
  });
  process.stderr.write(`${result.iterations} iterations in ${(result.elapsedMs / 1000).toFixed(1)}s, ${result.feasible ? 'feasible' : 'INFEASIBLE'}\n`);
  for (const v of result.violations) process.stderr.write(`  violation: ${v}\n`);
  process.stdout.write(formatSol(instance, result, result.cost));
  return result.feasible ? 0 : 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof InstanceFormatError || e instanceof InfeasibleInstanceError || e instanceof InvalidInstanceError) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
