import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../../src/db/handle.ts';
import { TEST_PASSWORD } from '../support/constants.ts';
import { freshDatabase, testDrivers, type TestDatabase } from '../support/db.ts';
import { withDatabase } from '../support/urls.ts';
import { apiSession } from './support/http.ts';
import { startServerProcess, tempDataDir, type ServerProcess } from './support/server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const running: ServerProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  for (const c of cleanups) await c().catch(() => {});
});

/** Row counts of every table, read straight from the database while no server runs on it. */
async function tableCounts(handle: DbHandle): Promise<Record<string, number>> {
  const q = async <T>(text: string) => ((handle.pglite ? await handle.pglite.query<T>(text) : await handle.pool!.query(text)) as { rows: T[] }).rows;
  const tables = await q<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) counts[table_name] = (await q<{ n: number }>(`select count(*)::int as n from "${table_name}"`))[0].n;
  return counts;
}

function filesOf(dataDir: string): Record<string, string> {
  const root = path.join(dataDir, 'files');
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(root, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(root);
  return out;
}

function npmRun(script: 'backup' | 'restore', args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [`scripts/${script}.mjs`, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A multipart upload whose body arrives in two halves, the second only when `release` is called. */
function slowUpload(url: string, cookie: string, csrf: string, file: Buffer) {
  const boundary = `----terrace${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n停机前上传\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.png"\r\nContent-Type: image/png\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const half = Math.floor(body.length / 2);
  let release = () => {};
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.write(body.subarray(0, half));
    release = () => req.end(body.subarray(half));
  });
  return { answer, release: () => release() };
}

describe('operations: backup while serving, graceful stop, restore into an empty data directory', { timeout: 300_000 }, () => {
  for (const driver of testDrivers()) {
    it(`[${driver}] finishes an upload in flight on SIGTERM, and a backup made while serving restores every record and file`, async () => {
      let source: TestDatabase | undefined;
      let restoreUrl: string | undefined;
      if (driver === 'postgres') {
        source = await freshDatabase('postgres', 2);
        cleanups.push(() => source!.dispose());
        const base = process.env.TEST_DATABASE_URL!;
        const name = `terrace_t_restore_${randomBytes(5).toString('hex')}`;
        const admin = new pg.Client({ connectionString: base });
        await admin.connect();
        await admin.query(`create database "${name}"`);
        await admin.end();
        restoreUrl = withDatabase(base, name);
        cleanups.push(async () => {
          const c = new pg.Client({ connectionString: base });
          await c.connect();
          await c.query(`drop database if exists "${name}" with (force)`);
          await c.end();
        });
      }
      const env: Record<string, string> = source ? { DATABASE_URL: source.url! } : {};
      const dataDir = tempDataDir();
      const server = await startServerProcess({ dataDir, env });
      running.push(server);

      // Records and files: an organization, a village photo.
      const call = await apiSession(server.url, 'admin');
      const tree = (await (await fetch(`${server.url}/api/v1/county`)).json()) as { townships: { villages: { id: string }[] }[] };
      const villageId = tree.townships[0].villages[0].id;
      expect((await call('POST', '/organizations', { unitId: villageId, kind: 'workshop', name: '备份测试工坊' })).status).toBe(201);
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#6a4' } }).png().toBuffer();
      const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: TEST_PASSWORD }) });
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const form = new FormData();
      form.append('caption', '村口');
      form.append('file', new Blob([png], { type: 'image/png' }), 'gate.png');
      const uploaded = await fetch(`${server.url}/api/v1/atlas/villages/${villageId}/photos`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken }, body: form });
      expect(uploaded.status).toBe(201);
      const photo = (await uploaded.json()) as { id: string };

      // The backup, made while the server serves reads.
      const backupDir = path.join(tempDataDir(), 'backup');
      let reads = 0;
      let serving = true;
      const reader = (async () => {
        while (serving) {
          const r = await fetch(`${server.url}/api/v1/county`);
          if (r.status === 200) reads++;
        }
      })();
      const made = npmRun('backup', [backupDir], { DATA_DIR: dataDir, ...env });
      serving = false;
      await reader;
      expect(made.output).toContain('Backup complete');
      expect(made.code).toBe(0);
      if (driver === 'pglite') expect(made.output).toMatch(/is running: it makes the backup/);
      expect(reads).toBeGreaterThan(0);
      const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ format: 'terrace-backup/1', driver });
      expect(manifest.files.length).toBe(Object.keys(filesOf(dataDir)).length);

      // SIGTERM while an upload is half sent: it finishes (201), no new connection is taken, the process exits 0.
      const slow = slowUpload(`${server.url}/api/v1/atlas/villages/${villageId}/photos`, cookie, csrfToken, png);
      await new Promise((r) => setTimeout(r, 300));
      const exited = server.stop('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      const refused = await fetch(`${server.url}/healthz`).then(
        (r) => r.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(refused);
      slow.release();
      const late = await slow.answer;
      expect(late.status).toBe(201);
      expect(await exited).toBe(0);
      expect(server.output()).toMatch(/SIGTERM: .*finishing in-flight requests/);

      // What the backup must give back: every row and file as they were when it was made (the late upload came after).
      const original = source ? await openDatabase({ databaseUrl: source.url!, poolSize: 1 }) : await openDatabase({ dataDir: path.join(dataDir, 'pgdata') });
      const countsNow = await tableCounts(original);
      await original.close();
      const lateId = JSON.parse(late.body).id as string;

      const restoredDir = tempDataDir();
      const restoreEnv: Record<string, string> = { DATA_DIR: restoredDir, ...(restoreUrl ? { DATABASE_URL: restoreUrl } : {}) };
      const restored = npmRun('restore', [backupDir], restoreEnv);
      expect(restored.output).toContain('Restored the backup');
      expect(restored.code).toBe(0);
      // Restoring again over it is refused: a restore never overwrites.
      expect(npmRun('restore', [backupDir], restoreEnv).code).toBe(1);

      const copy = restoreUrl ? await openDatabase({ databaseUrl: restoreUrl, poolSize: 1 }) : await openDatabase({ dataDir: path.join(restoredDir, 'pgdata') });
      const countsRestored = await tableCounts(copy);
      await copy.close();
      // Everything but the upload made after the backup (one photo row, its audit row).
      // Background jobs' own bookkeeping (job_runs) moves on by itself between the backup and now: left out.
      const { job_runs: _runsRestored, ...restoredRows } = countsRestored;
      const { job_runs: _runsNow, ...rowsNow } = countsNow;
      expect(restoredRows).toEqual({ ...rowsNow, atlas_photos: rowsNow.atlas_photos - 1, audit_log: rowsNow.audit_log - 1 });
      const filesNow = filesOf(dataDir);
      const filesRestored = filesOf(restoredDir);
      expect(Object.keys(filesRestored).length).toBe(Object.keys(filesNow).length - 2);
      for (const [key, hash] of Object.entries(filesRestored)) expect(filesNow[key]).toBe(hash);

      // The restored copy serves: the records, the photo's bytes, the logins.
      const again = await startServerProcess({ dataDir: restoredDir, env: restoreUrl ? { DATABASE_URL: restoreUrl } : {} });
      running.push(again);
      expect(again.output()).not.toMatch(/Seeded/);
      const orgs = (await (await fetch(`${again.url}/api/v1/organizations`)).json()) as { name: string }[];
      expect(orgs.map((o) => o.name)).toContain('备份测试工坊');
      const served = await fetch(`${again.url}/api/v1/atlas/photos/${photo.id}`);
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
      expect((await fetch(`${again.url}/api/v1/atlas/photos/${lateId}`)).status).toBe(404);
      await apiSession(again.url, 'admin');
      expect(await again.stop('SIGTERM')).toBe(0);
    });
  }
});
