// The layers point one way: the kernel (src/server, src/db) imports no module; a module imports another module only
// through its index.ts; solvers import nothing but solvers. Read from the source files' import statements.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');
const files = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : /\.(ts|tsx|mts|mjs)$/.test(e.name) ? [p] : [];
  });

/** Every relative import of a file, resolved to a path under src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3])
    .filter((s) => s.startsWith('.'));
  return specs.map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)));
}

const rel = (f: string) => path.relative(SRC, f);
const moduleOf = (p: string) => (p.startsWith('modules/') ? p.split('/')[1] : null);

function violations(): string[] {
  const out: string[] = [];
  for (const file of files(SRC)) {
    const from = rel(file);
    if (from.startsWith('web/')) continue; // the client is its own program (checked by its own list)
    for (const to of importsOf(file)) {
      const target = moduleOf(to);
      if ((from.startsWith('server/') || from.startsWith('db/')) && target) out.push(`${from} → ${to} (the kernel imports no module)`);
      if (from.startsWith('solvers/') && !to.startsWith('solvers/')) out.push(`${from} → ${to} (solvers are pure)`);
      const source = moduleOf(from);
      if (source && target && source !== target && to !== `modules/${target}/index.ts`) out.push(`${from} → ${to} (only another module's index.ts)`);
    }
  }
  return out;
}

describe('layers', () => {
  it('the kernel imports no module, modules meet only through index.ts, solvers stay pure', () => {
    expect(violations()).toEqual([]);
  });

  it('the check sees a violation when there is one', () => {
    const probe = path.join(SRC, 'modules', 'inns', '__probe_boundary.ts');
    const kernelProbe = path.join(SRC, 'server', '__probe_boundary.ts');
    fs.writeFileSync(probe, "export { quote } from '../market/service.ts';\n");
    fs.writeFileSync(kernelProbe, "export { innsModule } from '../modules/inns/index.ts';\n");
    try {
      const found = violations();
      expect(found).toContain('modules/inns/__probe_boundary.ts → modules/market/service.ts (only another module\'s index.ts)');
      expect(found).toContain('server/__probe_boundary.ts → modules/inns/index.ts (the kernel imports no module)');
    } finally {
      fs.rmSync(probe, { force: true });
      fs.rmSync(kernelProbe, { force: true });
    }
  });
});
