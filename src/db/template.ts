// A migrated embedded database kept as a template, so a fresh DATA_DIR starts from a copy of it instead of
// initialising PostgreSQL-in-WebAssembly and running every migration from nothing (about 10–20 s on a small machine).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDatabase, openDatabase, type DbHandle, type MigrationSet } from './handle.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const KERNEL_MIGRATIONS = path.join(HERE, 'migrations');
/** Beside the built web client: made by `npm ci` (the `prepare` script) or by the first start, and reused. */
export const TEMPLATE_DIR = process.env.TERRACE_TEMPLATE_DIR ?? path.resolve(HERE, '../../dist/pgdata-template');

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/**
 * What a template depends on: the PGlite version and every migration file (kernel's and each module's, in order),
 * so a template made before a migration was added, or by another PGlite, is never used.
 */
export function templateKey(sets: readonly MigrationSet[]): string {
  const hash = createHash('sha256');
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  hash.update(fs.readFileSync(path.join(pglite.slice(0, pglite.lastIndexOf('node_modules')), 'node_modules/@electric-sql/pglite/package.json')));
  for (const set of [{ name: 'kernel', folder: KERNEL_MIGRATIONS, table: 'kernel' }, ...sets]) {
    hash.update(`\0set ${set.name} ${set.table ?? ''}`);
    for (const file of filesUnder(set.folder)) hash.update(`\0${path.relative(set.folder, file)}\0`).update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

const templateFile = (key: string) => path.join(TEMPLATE_DIR, `pgdata-${key}.tar.gz`);
/** The same template unpacked: a fresh DATA_DIR is a plain copy of it (a native file copy, not an untar in WebAssembly). */
const templateDirectory = (key: string) => path.join(TEMPLATE_DIR, `pgdata-${key}`);
const COMPLETE = '.terrace-template-complete';

/** The template for these migrations, if one was made. */
export function readTemplate(sets: readonly MigrationSet[]): Blob | undefined {
  const file = templateFile(templateKey(sets));
  return fs.existsSync(file) ? new Blob([fs.readFileSync(file)]) : undefined;
}

/** Saves a just-migrated (not yet seeded) embedded database as the template; older templates are removed. */
export async function saveTemplate(handle: DbHandle, sets: readonly MigrationSet[]): Promise<string> {
  if (!handle.pglite) throw new Error('Only an embedded database makes a template');
  const file = templateFile(templateKey(sets));
  const dump = Buffer.from(await (await handle.pglite.dumpDataDir('gzip')).arrayBuffer());
  fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
  // Written aside and renamed, so a start running at the same time never reads half a template.
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, dump);
  fs.renameSync(partial, file);
  const keep = [file, templateDirectory(templateKey(sets))];
  for (const old of fs.readdirSync(TEMPLATE_DIR))
    if (old.startsWith('pgdata-') && !keep.includes(path.join(TEMPLATE_DIR, old)) && !old.endsWith('.partial')) fs.rmSync(path.join(TEMPLATE_DIR, old), { recursive: true, force: true });
  return file;
}

/**
 * Unpacks the template into a directory once (opened by PGlite from the tarball and closed cleanly), so that a fresh
 * DATA_DIR is a copy of it. Written aside and renamed; a marker file says it is whole.
 */
export async function unpackTemplate(sets: readonly MigrationSet[]): Promise<boolean> {
  const key = templateKey(sets);
  const dir = templateDirectory(key);
  if (fs.existsSync(path.join(dir, COMPLETE))) return false;
  const tarball = readTemplate(sets);
  if (!tarball) return false;
  const partial = `${dir}.${process.pid}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const handle = await openDatabase({ dataDir: partial, loadDataDir: tarball });
  await handle.close();
  fs.writeFileSync(path.join(partial, COMPLETE), key);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(partial, dir);
  return true;
}

/** Makes the template (in memory, then saved) unless an up-to-date one exists; for `npm ci` (prepare). */
export async function ensureTemplate(sets: readonly MigrationSet[], say: (line: string) => void = () => {}): Promise<boolean> {
  if (fs.existsSync(templateFile(templateKey(sets)))) {
    await unpackTemplate(sets);
    return false;
  }
  say('正在准备内置数据库模板 / Preparing the embedded database template (once, about 10–20 s)…');
  const handle = await openDatabase({});
  try {
    await migrateDatabase(handle, sets);
    await saveTemplate(handle, sets);
  } finally {
    await handle.close();
  }
  await unpackTemplate(sets);
  return true;
}

/**
 * Prepares the embedded data directory `pgdata` before it is opened: an existing one is opened as it is; a new one
 * starts from the template when there is one (returned as `loadDataDir`). Says on the console which it is.
 */
export function prepareEmbeddedDataDir(pgdata: string, sets: readonly MigrationSet[], say: (line: string) => void): { fresh: boolean; fromTemplate: boolean; loadDataDir?: Blob } {
  if (fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    say(`正在打开内置数据库 / Opening the embedded database in ${pgdata}…`);
    return { fresh: false, fromTemplate: false };
  }
  const unpacked = templateDirectory(templateKey(sets));
  if (fs.existsSync(path.join(unpacked, COMPLETE))) {
    say(`正在从模板复制内置数据库 / Creating the embedded database in ${pgdata} from the migrated template (copying its files)…`);
    // Copied aside and renamed, so an interrupted copy is never taken for a database at the next start.
    const partial = `${pgdata}.partial`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.cpSync(unpacked, partial, { recursive: true, filter: (source) => path.basename(source) !== COMPLETE });
    fs.renameSync(partial, pgdata);
    return { fresh: true, fromTemplate: true };
  }
  const loadDataDir = readTemplate(sets);
  if (loadDataDir) say(`正在从模板创建内置数据库 / Creating the embedded database in ${pgdata} from the migrated template…`);
  else say(`正在创建内置数据库 / Creating the embedded database in ${pgdata} (first start without a template: about 10–20 s)…`);
  return { fresh: true, fromTemplate: !!loadDataDir, loadDataDir };
}
