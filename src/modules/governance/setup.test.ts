import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { queryRows } from '../../db/handle.ts';
import { loadConfig } from '../../server/config.ts';
import { migrateAll, startServer } from '../../start.ts';
import { describeEachDriver, emptyDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { issueSetupToken, setUpCounty } from './index.ts';

const SONGYANG_CSV = path.join(import.meta.dirname, 'seed-data', 'songyang_traditional_villages.csv');
const GOOD_CSV = ['乡镇,村,经度,纬度,批次', '西屏街道,横山村,119.48,28.45,1', '西屏街道,南岱村,119.47,28.46,', '大东坝镇,横樟村,119.36,28.33,三'].join('\n');
const form = {
  countyName: '遂昌县',
  adminUsername: 'county.admin',
  adminDisplayName: '王芳',
  adminPassword: 'chosen-by-me-2026',
};

describeEachDriver('first start of a real county', (driver) => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let token: string;
  const count = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db.db, query))[0].n;
  const units = () => count(sql`select count(*)::int as n from admin_units`);
  const accounts = () => count(sql`select count(*)::int as n from users`);
  const post = (fields: Record<string, string>, file: { name: string; data: Buffer }, address = '203.0.113.9') =>
    app.inject({ method: 'POST', url: '/api/v1/setup', remoteAddress: address, ...multipart(fields, { ...file, type: 'text/csv' }) });

  beforeAll(async () => {
    db = await emptyDatabase(driver);
    await migrateAll(db);
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent', WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' }), db, { runJobs: false });
    await app.ready();
    token = (await issueSetupToken(db.db))!;
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await db?.dispose();
  });

  it('says setup is needed and serves the template in XLSX and CSV, which the import reads back', async () => {
    expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needed: true });
    expect((await app.inject({ url: '/api/v1/county' })).statusCode).toBeGreaterThanOrEqual(400);
    const xlsx = await app.inject({ url: '/api/v1/setup/template?format=xlsx' });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain('villages-template.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0].getRow(1).values).toEqual([undefined, 'township', 'village', 'township_pinyin', 'village_pinyin', 'lon', 'lat', 'listing_batch']);
    const csv = await app.inject({ url: '/api/v1/setup/template?format=csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('township,village');
    expect((await app.inject({ url: '/api/v1/setup/template?format=pdf' })).statusCode).toBe(400);
  });

  it('refuses a wrong setup code (403 naming the field) and a bad field (400), writing nothing', async () => {
    const wrong = await post({ ...form, token: 'not-the-code' }, { name: 'v.csv', data: Buffer.from(GOOD_CSV) });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json()).toMatchObject({ code: 'setup_token_invalid', field: 'token' });
    const weak = await post({ ...form, token, adminPassword: 'short' }, { name: 'v.csv', data: Buffer.from(GOOD_CSV) });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'invalid_input', field: 'adminPassword' });
    const nul = await post({ ...form, token, countyName: '遂昌\u0000县' }, { name: 'v.csv', data: Buffer.from(GOOD_CSV) });
    expect(nul.statusCode).toBe(400);
    expect(await units()).toBe(0);
    expect(await accounts()).toBe(0);
  });

  it('reports every bad row of the file and sets up nothing (all or nothing); the code still works afterwards', async () => {
    const bad = ['township,village,lon,lat,listing_batch', '西屏街道,横山村,119.48,28.45,1', ',无乡村,119.4,28.4,', '西屏街道,横山村,119.48,28.45,', '西屏街道,东村,east,28.4,', '西屏街道,北村,119.4,,', '西屏街道,西村,119.4,95,x'].join('\n');
    const res = await post({ ...form, token }, { name: 'v.csv', data: Buffer.from(bad) });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ code: 'import_invalid', rows: 6 });
    expect(body.report.map((r: { row: number; field: string; code: string }) => [r.row, r.field, r.code])).toEqual([
      [3, 'township', 'required'],
      [4, 'village', 'duplicate'],
      [5, 'lon', 'not_a_number'],
      [6, 'lat', 'incomplete'],
      [7, 'lat', 'out_of_range'],
      [7, 'listing_batch', 'not_a_number'],
    ]);
    const noHeader = await post({ ...form, token }, { name: 'v.csv', data: Buffer.from('name,x\n1,2') });
    expect(noHeader.json()).toMatchObject({ status: 400, code: 'import_header', field: 'file' });
    expect(await units()).toBe(0);
    expect(await accounts()).toBe(0);
  });

  it('previews the file (dry run): each township with its villages, or the same row report; nothing written, the code not spent', async () => {
    const preview = (fields: Record<string, string>, data: string) =>
      app.inject({ method: 'POST', url: '/api/v1/setup/preview', remoteAddress: '203.0.113.12', ...multipart(fields, { name: 'v.csv', data: Buffer.from(data), type: 'text/csv' }) });
    const good = await preview({ token }, GOOD_CSV);
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({
      rows: 3,
      townships: [
        { name: '西屏街道', pinyin: 'Xiping', villages: 2, located: 2, sample: ['横山村', '南岱村'] },
        { name: '大东坝镇', pinyin: 'Dadongba', villages: 1, located: 1, sample: ['横樟村'] },
      ],
    });
    const bad = await preview({ token }, 'township,village\n西屏街道,\n西屏街道,南岱村');
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'import_invalid', rows: 2, report: [{ row: 2, field: 'village', code: 'required' }] });
    const wrong = await preview({ token: 'not-the-code' }, GOOD_CSV);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'setup_token_invalid', field: 'token' });
    const extra = await preview({ token, countyName: 'x' }, GOOD_CSV);
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ field: 'countyName' });
    expect(await units()).toBe(0);
    expect(await accounts()).toBe(0);
    expect(await count(sql`select count(*)::int as n from setup_tokens`)).toBe(1);
    expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needed: true });
  });

  it('sets up the county from the file, signs in its administrator with the password they chose (argon2id), and only once', async () => {
    const [first, second] = await Promise.all([
      post({ ...form, token }, { name: 'v.csv', data: Buffer.from(GOOD_CSV) }, '203.0.113.10'),
      post({ ...form, token, countyName: '另一个县' }, { name: 'v.csv', data: Buffer.from(GOOD_CSV) }, '203.0.113.11'),
    ]);
    const [won, lost] = first.statusCode === 201 ? [first, second] : [second, first];
    expect(won.statusCode).toBe(201);
    expect([403, 409]).toContain(lost.statusCode);
    expect(won.json()).toMatchObject({ townships: 2, villages: 3, admin: { username: 'county.admin' } });
    const countyName = won.json().county.nameZh;

    const cookie = won.cookies.find((c) => c.name === 'terrace_session')!;
    const me = await app.inject({ url: '/api/v1/me', headers: { cookie: `terrace_session=${cookie.value}` } });
    expect(me.json()).toMatchObject({ username: 'county.admin', displayName: '王芳', grants: [{ role: 'county_admin', unitId: won.json().county.id }] });
    const [hash] = await queryRows<{ password_hash: string }>(db.db, sql`select password_hash from users where username = 'county.admin'`);
    expect(hash.password_hash).toMatch(/^\$argon2id\$/);

    const tree = (await app.inject({ url: '/api/v1/county' })).json();
    expect(tree.county).toMatchObject({ nameZh: countyName, namePinyin: expect.any(String) });
    // The tree lists townships in pinyin order (Dadongba before Xiping), whatever the file's order.
    expect(tree.townships.map((t: { nameZh: string; villages: { nameZh: string }[] }) => [t.nameZh, t.villages.map((v) => v.nameZh).sort()])).toEqual([
      ['大东坝镇', ['横樟村']],
      ['西屏街道', ['南岱村', '横山村']],
    ]);
    const hengzhang = tree.townships[0].villages[0];
    expect(hengzhang).toMatchObject({ namePinyin: 'Hengzhang', listingBatch: 3, lon: 119.36, lat: 28.33 });

    const actions = await queryRows<{ action: string }>(db.db, sql`select action from audit_log order by id`);
    expect(actions.map((a) => a.action)).toEqual(['setup.county', 'user.create', 'user.login']);
    expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needed: false });
    const again = await post({ ...form, token }, { name: 'v.csv', data: Buffer.from(GOOD_CSV) });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('already_set_up');
    expect(await count(sql`select count(*)::int as n from setup_tokens`)).toBe(0);
    expect(await issueSetupToken(db.db)).toBeNull();
  });
});

describeEachDriver('the setup command', (driver) => {
  let db: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await emptyDatabase(driver);
    await migrateAll(db);
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent' }), db, { runJobs: false });
    await app.ready();
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await db?.dispose();
  });

  it("imports the county's own XLSX, and its administrator cannot sign in until they set their password with the one-time link", async () => {
    // The Songyang list as a county would hand it over: an XLSX with the columns in its own words.
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('村落');
    const [, ...lines] = fs.readFileSync(SONGYANG_CSV, 'utf8').trim().split(/\r?\n/);
    sheet.addRow(['乡镇', '村', '批次', '经度', '纬度']);
    for (const line of lines) {
      const c = line.split(',');
      sheet.addRow([c[3], c[4], c[6], Number(c[7]), Number(c[8])]);
    }
    const file = Buffer.from(await book.xlsx.writeBuffer());
    const townships = new Set(lines.map((line) => line.split(',')[3])).size;
    const done = await setUpCounty(db.db, { countyName: '松阳县', adminUsername: 'wang', adminDisplayName: '王芳', file }, 'command');
    expect(done).toMatchObject({ townships, villages: 78, passwordPath: expect.stringMatching(/^\/reset-password\?token=/) });
    const tree = (await app.inject({ url: '/api/v1/county' })).json();
    expect(tree.county).toMatchObject({ nameZh: '松阳县', namePinyin: 'Songyang' });
    const yangjiatang = tree.townships.flatMap((t: { villages: unknown[] }) => t.villages).find((v: { nameZh: string }) => v.nameZh === '杨家堂村');
    expect(yangjiatang).toMatchObject({ namePinyin: 'Yangjiatang', listingBatch: 2 });

    const login = (password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'wang', password } });
    expect((await login('!no-password-set')).statusCode).toBe(401);
    const token = new URLSearchParams(done.passwordPath!.split('?')[1]).get('token')!;
    const set = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { token, newPassword: 'wang-chose-this-1' } });
    expect(set.statusCode).toBe(204);
    const signedIn = await login('wang-chose-this-1');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().grants).toMatchObject([{ role: 'county_admin' }]);
    await expect(setUpCounty(db.db, { countyName: '松阳县', adminUsername: 'li', adminDisplayName: '李', file }, 'command')).rejects.toMatchObject({ status: 409 });
  });
});

describeEachDriver('the setup command, dry run', (driver) => {
  let db: TestDatabase | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-setup-'));
    if (driver === 'postgres') db = await emptyDatabase(driver);
  }, 300_000);
  afterAll(async () => {
    await db?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const run = (args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: db?.url ?? '', LOG_LEVEL: 'silent' };
      execFile(process.execPath, ['scripts/setup.mjs', ...args], { env, timeout: 240_000 }, (error, out, err) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err }),
      );
    });

  it('prints what the file would set up, or each bad row, and writes nothing', async () => {
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, GOOD_CSV);
    const ok = await run(['--dry-run', '--file', good]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('2 townships, 3 villages would be set up');
    expect(ok.out).toMatch(/西屏街道 \(Xiping\): 2 villages, 2 on the map — 横山村、南岱村/);
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'township,village\n西屏街道,\n');
    const refused = await run(['--dry-run', '--file', bad]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('row 2, village');
    // Nothing was written: a real setup with the good file still works afterwards.
    const done = await run(['--file', good, '--county', '遂昌县', '--admin', 'wang', '--admin-name', '王芳']);
    expect(done.code).toBe(0);
    expect(done.out).toContain('Set up 遂昌县: 2 townships, 3 villages');
  }, 480_000);
});

describeEachDriver('which database gets the demo county', (driver) => {
  it('PostgreSQL gets none unless asked (TERRACE_DEMO or --demo); the embedded database gets it by default', () => {
    const pg = 'postgres://u@127.0.0.1:5432/x';
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ TERRACE_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: pg }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: pg, TERRACE_DEMO: '1' }).demo).toBe(true);
    void driver;
  });

  it.runIf(driver === 'postgres')('starts on an empty PostgreSQL database without the demo, with a setup code; with TERRACE_DEMO=1 it seeds it', async () => {
    const env = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', WEB_DIST: '/nonexistent' };
    const plain = await emptyDatabase(driver);
    const asked = await emptyDatabase(driver);
    try {
      const server = await startServer(loadConfig({ ...env, DATABASE_URL: plain.url! }));
      try {
        expect(server.seed.seeded).toBe(false);
        expect(server.demo).toBe(false);
        expect(server.setupToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
        expect(await queryRows(plain.db, sql`select 1 from users`)).toHaveLength(0);
        expect((await fetch(`${server.url}/api/v1/setup`).then((r) => r.json())).needed).toBe(true);
      } finally {
        await server.close();
      }
      const demo = await startServer(loadConfig({ ...env, DATABASE_URL: asked.url!, TERRACE_DEMO: '1' }));
      try {
        expect(demo.seed.seeded).toBe(true);
        expect(demo.demo).toBe(true);
        expect(demo.setupToken).toBeNull();
      } finally {
        await demo.close();
      }
    } finally {
      await plain.dispose();
      await asked.dispose();
    }
  }, 300_000);
});
