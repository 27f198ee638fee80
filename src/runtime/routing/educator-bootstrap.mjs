// Worker entry: a .ts worker cannot start under tsx directly (ERR_UNKNOWN_FILE_EXTENSION), so register tsx's
// loader in this thread first, then load the educator.
import { register } from 'tsx/esm/api';

register();
await import('./educator.ts');
