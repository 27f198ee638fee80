// Worker bootstrap: under tsx a .ts worker cannot be loaded directly (ERR_UNKNOWN_FILE_EXTENSION), so register
// tsx's loader in this thread first, then import the TypeScript task.
import { register } from 'tsx/esm/api';

register();
const task = await import('./worker.ts');
export default task.default;
