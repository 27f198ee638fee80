// Compiles the server (src/main.ts and everything it imports from src/) into one ES module, dist/server/main.mjs,
// when it is missing or older than its sources, so `npm start` loads one file instead of compiling some 400
// TypeScript files through tsx's loader on every start. Packages stay external (loaded from node_modules as usual).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { newest } from './build-web.mjs';

/**
 * Source files find their neighbours (migrations, seed data, worker bootstraps) through `import.meta.url`. In one
 * bundle every file would share the bundle's URL, so each file's own URL is written in, relative to the bundle: the
 * compiled server keeps working when the checkout is moved.
 */
const ownUrl = (outDir) => ({
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
      const relative = path.relative(outDir, args.path).split(path.sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`), loader: 'ts' };
    });
  },
});

export const serverBundle = (root = process.cwd()) => path.join(root, 'dist/server/main.mjs');

/** Builds dist/server/main.mjs if it is missing or stale; returns its path. */
export async function ensureServerBuilt(root = process.cwd(), say = (line) => process.stdout.write(`${line}\n`)) {
  const out = serverBundle(root);
  const sources = Math.max(newest(path.join(root, 'src'), (name) => /\.(ts|mjs|js|json)$/.test(name)), fs.statSync(path.join(root, 'package.json')).mtimeMs);
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= sources) return out;
  say('正在编译服务器 / Compiling the server…');
  const started = new Date();
  const { build } = await import('esbuild');
  const tmp = `${out}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(root, 'src/main.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    plugins: [ownUrl(path.dirname(out))],
  });
  // Renamed into place, so a start running at the same time never loads half a bundle; dated by when the build
  // started, so a source saved while it ran makes the next start rebuild.
  fs.renameSync(tmp, out);
  fs.utimesSync(out, started, started);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await ensureServerBuilt();
