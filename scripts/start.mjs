// `npm start`: build the web client if needed, then run the server in this process (it holds DATA_DIR's lock).
import { register } from 'tsx/esm/api';
import { ensureWebBuilt } from './build-web.mjs';

await ensureWebBuilt();
register();
await import('../src/main.ts');
