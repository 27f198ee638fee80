// `npm run setup -- --county 松阳县 --file villages.xlsx --admin wang --admin-name 王芳`: a real county's first start
// from the server's shell. Missing options are asked for when run in a terminal.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { openDatabase } from './db/handle.ts';
import { lockDataDir } from './db/lock.ts';
import { previewSetup, setUpCounty, type SetupPreview, type SetupResult } from './modules/governance/index.ts';
import { loadConfig } from './server/config.ts';
import { Problem } from './server/problems.ts';
import { migrateAll } from './start.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

const OPTIONS = {
  county: { type: 'string', label: '县名 / county name (e.g. 松阳县)' },
  'county-pinyin': { type: 'string', label: '' },
  file: { type: 'string', label: '乡镇和村的表格 / townships and villages file (.xlsx or .csv)' },
  admin: { type: 'string', label: '管理员用户名 / administrator username' },
  'admin-name': { type: 'string', label: '管理员姓名 / administrator name' },
  url: { type: 'string', label: '' },
} as const;
const FLAGS = { 'dry-run': { type: 'boolean' } } as const;
const REQUIRED = ['county', 'file', 'admin', 'admin-name'] as const;

/**
 * Sets the county up, or with `--dry-run` only checks the file and prints what it would create (townships, their
 * villages, how many are on the map), writing nothing.
 */
export async function setupCommand(args: string[]): Promise<SetupResult | SetupPreview> {
  const { values } = parseArgs({
    args,
    options: { ...(Object.fromEntries(Object.entries(OPTIONS).map(([k, v]) => [k, { type: v.type }])) as { [K in keyof typeof OPTIONS]: { type: 'string' } }), ...FLAGS },
  });
  const dryRun = values['dry-run'] === true;
  const given: Record<string, string | undefined> = { ...values, 'dry-run': undefined };
  const needed = dryRun ? (['file'] as const) : REQUIRED;
  const missing = needed.filter((k) => !given[k]);
  if (missing.length && process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    for (const k of missing) given[k] = (await rl.question(`${OPTIONS[k].label}: `)).trim();
    rl.close();
  }
  const still = needed.filter((k) => !given[k]);
  if (still.length)
    throw new Error(
      `Missing ${still.map((k) => `--${k}`).join(', ')}. Usage: npm run setup -- --county 松阳县 --file villages.xlsx --admin wang --admin-name 王芳 [--county-pinyin Songyang] [--url https://terrace.example.cn]; to check the file only: npm run setup -- --dry-run --file villages.xlsx`,
    );
  const file = path.resolve(given.file!);
  if (!fs.existsSync(file)) throw new Error(`No such file: ${file}`);

  const config = loadConfig();
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pgdata') });
  try {
    await migrateAll(handle);
    if (dryRun) {
      const preview = await previewSetup(handle.db, fs.readFileSync(file), 'command');
      say(`试运行，未写入 / Dry run, nothing written: ${preview.townships.length} townships, ${preview.rows} villages would be set up.`);
      for (const t of preview.townships) say(`  ${t.name} (${t.pinyin}): ${t.villages} villages, ${t.located} on the map — ${t.sample.join('、')}${t.villages > t.sample.length ? '…' : ''}`);
      return preview;
    }
    const done = await setUpCounty(
      handle.db,
      { countyName: given.county!, countyPinyin: given['county-pinyin'], adminUsername: given.admin!, adminDisplayName: given['admin-name']!, file: fs.readFileSync(file) },
      'command',
    );
    const base = (given.url ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
    say(`已设置 / Set up ${done.countyName}: ${done.townships} townships, ${done.villages} villages.`);
    say(`管理员 / Administrator: ${done.adminUsername}. They set their own password (once, within 24 h) at:`);
    say(`  ${base}${done.passwordPath}`);
    return done;
  } finally {
    await handle.close();
    release();
  }
}

/** A refused setup in words: the file's per-row report, or the problem's detail. */
export function describeSetupError(error: unknown): string {
  if (error instanceof Problem) {
    const report = (error.extra.report ?? []) as { row: number; field: string; reason: string }[];
    return [error.detail, ...report.map((r) => `  row ${r.row}, ${r.field}: ${r.reason}`)].join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}
