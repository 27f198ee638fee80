import path from 'node:path';
import { backup, restoreBackup } from './backup.ts';
import { loadConfig } from './config.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** `npm run backup [-- DIR]`: DIR defaults to ./backups/terrace-YYYYMMDD-HHMMSS. */
export async function backupCommand(args: string[]) {
  const config = loadConfig();
  const out = path.resolve(args[0] ?? path.join('backups', `terrace-${stamp()}`));
  say(`正在备份 / Backing up ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`} and its files to ${out}`);
  const manifest = await backup(config, out, say);
  say(`备份完成 / Backup complete: ${manifest.files.length} files, database in ${manifest.database}`);
}

/** `npm run restore -- DIR`: into an empty DATA_DIR, or the empty database in DATABASE_URL. */
export async function restoreCommand(args: string[]) {
  if (!args[0]) throw new Error('Give the backup directory: npm run restore -- DIR');
  const config = loadConfig();
  const from = path.resolve(args[0]);
  say(`正在恢复 / Restoring ${from} into ${config.databaseUrl ? 'DATABASE_URL' : config.dataDir}`);
  const manifest = await restoreBackup(config, from);
  say(`恢复完成 / Restored the backup of ${manifest.createdAt}: ${manifest.files.length} files. Start the server with npm start.`);
}

export async function runCommand(command: (args: string[]) => Promise<void>) {
  try {
    await command(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
