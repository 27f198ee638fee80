// `npm run restore -- DIR`: a backup into an empty DATA_DIR or an empty PostgreSQL database (see src/server/backup.ts).
import { register } from 'tsx/esm/api';

register();
const { restoreCommand, runCommand } = await import('../src/server/backup-cli.ts');
await runCommand(restoreCommand);
