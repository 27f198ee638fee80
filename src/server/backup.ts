import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, type DbHandle } from '../db/handle.ts';
import { lockDataDir } from '../db/lock.ts';
import type { Config } from './config.ts';

/**
 * Backups of one Terrace: its database and its files directory, in one directory:
 *   manifest.json      what it holds: driver, time, every file with its size and SHA-256
 *   pgdata.tar.gz      the embedded database (PGlite data-directory dump), or
 *   database.pgdump    PostgreSQL (pg_dump custom format)
 *   files/             DATA_DIR/files as it was
 * A running embedded server makes the backup itself (asked through a request file and SIGUSR2), so the copy is
 * consistent without stopping it; on PostgreSQL pg_dump reads one snapshot while the server runs.
 */

export const BACKUP_FORMAT = 'terrace-backup/1';
const REQUEST_FILE = 'backup-request.json';

interface FileEntry {
  key: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  driver: 'pglite' | 'postgres';
  database: 'pgdata.tar.gz' | 'database.pgdump';
  files: FileEntry[];
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function walk(root: string, dir = root): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(root, full);
    // Half-written uploads (`…tmp`, renamed into place when complete) are not files yet.
    return entry.isFile() && !entry.name.endsWith('.tmp') ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

/** Copies the files directory into the backup; files already copied are kept (a second pass adds new ones). */
function copyFiles(filesDir: string, outDir: string, into: Map<string, FileEntry>) {
  for (const key of walk(filesDir)) {
    if (into.has(key)) continue;
    let data: Buffer;
    try {
      data = fs.readFileSync(path.join(filesDir, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted while we copied
      throw error;
    }
    const target = path.join(outDir, 'files', key);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
    into.set(key, { key, bytes: data.length, sha256: sha256(data) });
  }
}

function finish(outDir: string, driver: Manifest['driver'], files: Map<string, FileEntry>): Manifest {
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    createdAt: new Date().toISOString(),
    driver,
    database: driver === 'pglite' ? 'pgdata.tar.gz' : 'database.pgdump',
    files: [...files.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
  // Written last, and renamed into place: a backup with a manifest is complete.
  fs.writeFileSync(path.join(outDir, 'manifest.json.tmp'), JSON.stringify(manifest, null, 2));
  fs.renameSync(path.join(outDir, 'manifest.json.tmp'), path.join(outDir, 'manifest.json'));
  return manifest;
}

function prepareOut(outDir: string) {
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) throw new Error(`${outDir} is not empty; give a new directory`);
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
}

/**
 * Backs up an open embedded database and the files. No transaction runs while the data directory is dumped and
 * the files are copied, so every row in the dump finds its file (files are written before their row commits and
 * removed after their row's removal commits).
 */
export async function backupEmbedded(pglite: PGlite, filesDir: string, outDir: string): Promise<Manifest> {
  prepareOut(outDir);
  const files = new Map<string, FileEntry>();
  await pglite._runExclusiveTransaction(async () => {
    const dump = await pglite.dumpDataDir('gzip');
    fs.writeFileSync(path.join(outDir, 'pgdata.tar.gz'), Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    copyFiles(filesDir, outDir, files);
  });
  return finish(outDir, 'pglite', files);
}

/** pg_dump/pg_restore/psql with the connection string's password in PGPASSWORD, not on the command line. */
function pgTool(tool: string, databaseUrl: string, args: string[]): Promise<void> {
  const url = new URL(databaseUrl);
  const env = { ...process.env };
  if (url.password) {
    env.PGPASSWORD = decodeURIComponent(url.password);
    url.password = '';
  }
  return new Promise((resolve, reject) => {
    const child = spawn(tool, [...args, `--dbname=${url.toString()}`], { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => reject(new Error(`${tool} could not be run (${(error as NodeJS.ErrnoException).code}); install the PostgreSQL client tools`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

/**
 * Backs up PostgreSQL with pg_dump (one consistent snapshot while the servers run) and the files, copied before
 * and again after the dump so that a file added meanwhile is not missed.
 */
export async function backupPostgres(databaseUrl: string, filesDir: string, outDir: string): Promise<Manifest> {
  prepareOut(outDir);
  const files = new Map<string, FileEntry>();
  copyFiles(filesDir, outDir, files);
  await pgTool('pg_dump', databaseUrl, ['--format=custom', '--no-owner', '--no-privileges', `--file=${path.join(outDir, 'database.pgdump')}`]);
  copyFiles(filesDir, outDir, files);
  return finish(outDir, 'postgres', files);
}

function readManifest(backupDir: string): Manifest {
  const file = path.join(backupDir, 'manifest.json');
  if (!fs.existsSync(file)) throw new Error(`${backupDir} holds no manifest.json: not a complete Terrace backup`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`Unknown backup format ${String(manifest.format)}`);
  return manifest;
}

function restoreFiles(backupDir: string, manifest: Manifest, filesDir: string) {
  for (const entry of manifest.files) {
    const data = fs.readFileSync(path.join(backupDir, 'files', entry.key));
    if (data.length !== entry.bytes || sha256(data) !== entry.sha256) throw new Error(`The backup's copy of ${entry.key} is damaged`);
    const target = path.join(filesDir, entry.key);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
}

/**
 * Restores a backup into an empty DATA_DIR (embedded) or an empty PostgreSQL database (DATABASE_URL), and its
 * files into DATA_DIR/files. Refuses to overwrite: the target must hold no database yet.
 */
export async function restoreBackup(config: Pick<Config, 'dataDir' | 'databaseUrl'>, backupDir: string): Promise<Manifest> {
  const manifest = readManifest(backupDir);
  const filesDir = path.join(config.dataDir, 'files');
  if (manifest.driver === 'pglite') {
    if (config.databaseUrl) throw new Error('This is a backup of the embedded database: restore it without DATABASE_URL');
    const release = lockDataDir(config.dataDir);
    try {
      const pgdata = path.join(config.dataDir, 'pgdata');
      if (fs.existsSync(pgdata) && fs.readdirSync(pgdata).length > 0) throw new Error(`${pgdata} already holds a database; restore into an empty DATA_DIR`);
      const dump = new Blob([fs.readFileSync(path.join(backupDir, manifest.database))]);
      const handle = await openDatabase({ dataDir: pgdata, loadDataDir: dump });
      await handle.close();
      restoreFiles(backupDir, manifest, filesDir);
    } finally {
      release();
    }
    return manifest;
  }
  if (!config.databaseUrl) throw new Error('This is a backup of PostgreSQL: set DATABASE_URL to an empty database to restore into');
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1 });
  try {
    const { rows } = (await handle.pool!.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`)) as { rows: { n: number }[] };
    if (rows[0].n > 0) throw new Error('The database in DATABASE_URL already has tables; restore into an empty database');
  } finally {
    await handle.close();
  }
  await pgTool('pg_restore', config.databaseUrl, ['--no-owner', '--no-privileges', '--exit-on-error', path.join(backupDir, manifest.database)]);
  restoreFiles(backupDir, manifest, filesDir);
  return manifest;
}

/**
 * In a running embedded server: SIGUSR2 makes the backup that `DATA_DIR/backup-request.json` asks for (written by
 * `npm run backup`). The result is the backup's manifest.json, or error.txt beside it. Returns the unsubscribe.
 */
export function serveBackupRequests(handle: DbHandle, config: Pick<Config, 'dataDir'>): () => void {
  if (!handle.pglite) return () => {};
  const pglite = handle.pglite;
  let busy = false;
  const onSignal = () => {
    if (busy) return;
    const requestFile = path.join(config.dataDir, REQUEST_FILE);
    let out: string;
    try {
      out = (JSON.parse(fs.readFileSync(requestFile, 'utf8')) as { out: string }).out;
      fs.rmSync(requestFile, { force: true });
    } catch {
      return;
    }
    busy = true;
    backupEmbedded(pglite, path.join(config.dataDir, 'files'), out)
      .catch((error: unknown) => {
        fs.mkdirSync(out, { recursive: true });
        fs.writeFileSync(path.join(out, 'error.txt'), error instanceof Error ? error.message : String(error));
      })
      .finally(() => (busy = false));
  };
  process.on('SIGUSR2', onSignal);
  return () => process.off('SIGUSR2', onSignal);
}

function runningServerPid(dataDir: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'terrace.lock'), 'utf8'), 10);
    if (!Number.isFinite(pid) || pid === process.pid) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** `npm run backup`: while the embedded server runs it makes the backup itself; otherwise this process does. */
export async function backup(config: Pick<Config, 'dataDir' | 'databaseUrl'>, outDir: string, say: (line: string) => void): Promise<Manifest> {
  const out = path.resolve(outDir);
  const filesDir = path.join(config.dataDir, 'files');
  if (config.databaseUrl) return backupPostgres(config.databaseUrl, filesDir, out);
  const pid = runningServerPid(config.dataDir);
  if (pid === null) {
    const release = lockDataDir(config.dataDir);
    const handle = await openDatabase({ dataDir: path.join(config.dataDir, 'pgdata') });
    try {
      return await backupEmbedded(handle.pglite!, filesDir, out);
    } finally {
      await handle.close();
      release();
    }
  }
  say(`The server (pid ${pid}) is running: it makes the backup without stopping…`);
  fs.writeFileSync(path.join(config.dataDir, REQUEST_FILE), JSON.stringify({ out }), { mode: 0o600 });
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 30 * 60_000; waited += 200) {
    if (fs.existsSync(path.join(out, 'manifest.json'))) return readManifest(out);
    if (fs.existsSync(path.join(out, 'error.txt'))) throw new Error(`The server could not make the backup: ${fs.readFileSync(path.join(out, 'error.txt'), 'utf8')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('The server did not finish the backup within 30 minutes');
}
