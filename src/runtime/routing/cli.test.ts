import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSolution, readVrplib } from '../../solvers/routing/index.ts';
import { fixture, parseSol } from '../../solvers/routing/testSupport.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/runtime/routing/cli.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('solve CLI', () => {
  it('prints the solution in CVRPLIB .sol form on stdout and progress on stderr', () => {
    const r = runCli('fixtures/cvrp/A-n32-k5.vrp', '--seconds', '5', '--seed', '1', '--iterations', '300');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^(Route #\d+:( \d+)+\n)+Cost 784\n$/);
    expect(r.stderr).toMatch(/best 784/);
    // an iteration budget of 300 is a small run on any number of threads: the default population
    expect(r.stderr).toMatch(/300 iterations on \d+ thread\(s\) in [\d.]+s, population 12 \+ 20, feasible/);
    const inst = readVrplib(fixture('cvrp/A-n32-k5.vrp'));
    const check = checkSolution(inst, parseSol(inst, r.stdout));
    expect(check).toMatchObject({ feasible: true, cost: 784 });
  });

  it('names the line of a malformed file and exits with status 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'routing-cli-'));
    const file = join(dir, 'broken.vrp');
    writeFileSync(file, fixture('cvrp/A-n32-k5.vrp').replace(' 5 13 7', ' 5 13'));
    const r = runCli(file, '--seconds', '1');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^broken\.vrp:12: expected 3 numbers, found 2/);
  });
});
