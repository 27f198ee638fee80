import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain ES module script without type declarations
import { ensureServerBuilt } from '../../scripts/build-server.mjs';

const build = ensureServerBuilt as (root: string, say: (line: string) => void) => Promise<string>;

/** A tiny project shaped like ours: src/main.ts importing a file that finds its neighbours through import.meta.url. */
function project() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-build-server-'));
  fs.mkdirSync(path.join(root, 'src/lib'), { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
  fs.writeFileSync(path.join(root, 'src/lib/data.txt'), 'data beside the source');
  fs.writeFileSync(
    path.join(root, 'src/lib/helper.ts'),
    `import { readFileSync } from 'node:fs';\nexport const neighbour = (): string => readFileSync(new URL('./data.txt', import.meta.url), 'utf8');\n`,
  );
  fs.writeFileSync(path.join(root, 'src/main.ts'), `import { neighbour } from './lib/helper.ts';\nconsole.log('v1', neighbour());\n`);
  return root;
}

const run = (root: string) => execFileSync(process.execPath, [path.join(root, 'dist/server/main.mjs')], { encoding: 'utf8' }).trim();

describe('the compiled server (npm start)', () => {
  it('is one module in which each source still finds its own neighbours, also after the checkout is moved', async () => {
    const root = project();
    const said: string[] = [];
    expect(await build(root, (l) => said.push(l))).toBe(path.join(root, 'dist/server/main.mjs'));
    expect(said.join('\n')).toContain('Compiling the server');
    expect(run(root)).toBe('v1 data beside the source');

    const moved = `${root}-moved`;
    fs.renameSync(root, moved);
    expect(run(moved)).toBe('v1 data beside the source');
    fs.rmSync(moved, { recursive: true, force: true });
  });

  it('is rebuilt only when a source is newer than it', async () => {
    const root = project();
    const said: string[] = [];
    await build(root, (l) => said.push(l));
    await build(root, (l) => said.push(l));
    expect(said.filter((l) => l.includes('Compiling'))).toHaveLength(1);

    const main = path.join(root, 'src/main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace("'v1'", "'v2'"));
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(main, later, later);
    await build(root, (l) => said.push(l));
    expect(said.filter((l) => l.includes('Compiling'))).toHaveLength(2);
    expect(run(root)).toBe('v2 data beside the source');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
