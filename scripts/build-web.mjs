// Builds the web client when dist/web is missing or older than its sources.
import fs from 'node:fs';
import path from 'node:path';

/** The newest modification time of the files under `dir` (those whose name `counts`, when given). */
export function newest(dir, counts = () => true) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full, counts));
    else if (counts(entry.name)) latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

export async function ensureWebBuilt(root = process.cwd()) {
  const index = path.join(root, 'dist/web/index.html');
  const sources = Math.max(newest(path.join(root, 'src/web')), fs.statSync(path.join(root, 'vite.config.ts')).mtimeMs);
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return false;
  process.stdout.write('正在构建网页客户端 / Building the web client…\n');
  const started = new Date();
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  // Date the build by when it started, so a source saved while it ran makes the next start rebuild.
  fs.utimesSync(index, started, started);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureWebBuilt();
