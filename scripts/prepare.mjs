// `npm ci` / `npm install` (the `prepare` script): builds the web client, compiles the server and makes the migrated
// embedded-database template, so that none of it happens on the first `npm start` (see src/db/template.ts).
import { register } from 'tsx/esm/api';
import { ensureServerBuilt } from './build-server.mjs';
import { ensureWebBuilt } from './build-web.mjs';

await ensureWebBuilt();
try {
  await ensureServerBuilt();
} catch (error) {
  // Only a speed-up: `npm start` compiles it, or runs the sources.
  process.stderr.write(`Could not compile the server (npm start will): ${error instanceof Error ? error.message : String(error)}\n`);
}
register();
try {
  const { ensureTemplate } = await import('../src/db/template.ts');
  const { migrationSets } = await import('../src/server/module.ts');
  const { MODULES } = await import('../src/modules.ts');
  await ensureTemplate(migrationSets(MODULES), (line) => process.stdout.write(`${line}\n`));
} catch (error) {
  // Only a speed-up: the first start makes the template instead.
  process.stderr.write(`Could not prepare the database template (the first start will): ${error instanceof Error ? error.message : String(error)}\n`);
}
