// `npm start`: build the web client and compile the server if needed, then run the server in this process (it holds
// DATA_DIR's lock). The compiled server (scripts/build-server.mjs) spares tsx's loader on every start; if it cannot be
// built, the server runs from its TypeScript sources through tsx as before.
import { pathToFileURL } from 'node:url';
import { ensureServerBuilt } from './build-server.mjs';
import { ensureWebBuilt } from './build-web.mjs';

await ensureWebBuilt();
// Live video works out of the box on the embedded database (one instance): the RTMP ingest on its own port. On
// PostgreSQL (production, several instances) it is off unless set; an external media server is documented instead.
if (process.env.LIVE_RTMP_PORT === undefined && !process.env.DATABASE_URL && !process.env.LIVE_HLS_URL) process.env.LIVE_RTMP_PORT = '1935';
let bundle;
try {
  bundle = await ensureServerBuilt();
} catch (error) {
  process.stderr.write(`Could not compile the server; running it from its sources: ${error instanceof Error ? error.message : String(error)}\n`);
}
if (bundle) await import(pathToFileURL(bundle).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
