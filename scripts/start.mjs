// `npm start`: build the web client if needed, then run the server in this process (it holds DATA_DIR's lock).
import { register } from 'tsx/esm/api';
import { ensureWebBuilt } from './build-web.mjs';

await ensureWebBuilt();
// Live video works out of the box on the embedded database (one instance): the RTMP ingest on its own port. On
// PostgreSQL (production, several instances) it is off unless set; an external media server is documented instead.
if (process.env.LIVE_RTMP_PORT === undefined && !process.env.DATABASE_URL && !process.env.LIVE_HLS_URL) process.env.LIVE_RTMP_PORT = '1935';
register();
await import('../src/main.ts');
