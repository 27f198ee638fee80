// `npm run backup [-- DIR]`: the database and the files, consistent while the server runs (see src/server/backup.ts).
import { register } from 'tsx/esm/api';

register();
const { backupCommand, runCommand } = await import('../src/server/backup-cli.ts');
await runCommand(backupCommand);
