/**
 * Prints the OpenAPI document of the whole app as JSON (to a file given as the first argument, or stdout).
 * No server: the app is built over a migrated in-memory embedded database and asked for its document.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { openDatabase } from '../src/db/handle.ts';
import { loadConfig } from '../src/server/config.ts';
import { migrateAll } from '../src/start.ts';

const handle = await openDatabase({});
await migrateAll(handle);
const app = await buildApp({ ...loadConfig({}), logLevel: 'silent', webDist: '/nonexistent' }, handle, { runJobs: false });
await app.ready();
const json = JSON.stringify(app.swagger(), null, 2);
await app.close().catch(() => {});
await handle.close();
if (process.argv[2]) {
  fs.mkdirSync(path.dirname(process.argv[2]), { recursive: true });
  fs.writeFileSync(process.argv[2], json);
}
else process.stdout.write(json);
