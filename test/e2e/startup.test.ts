import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTemplate } from '../../src/db/template.ts';
import { MODULES } from '../../src/modules.ts';
import { migrationSets } from '../../src/server/module.ts';
import { apiSession } from './support/http.ts';
import { startServerProcess, tempDataDir, type ServerProcess } from './support/server.ts';

const running: ServerProcess[] = [];
const templates = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-template-'));
const start = async (dataDir: string) => {
  const s = await startServerProcess({ dataDir, env: { TERRACE_TEMPLATE_DIR: templates }, timeoutMs: 300_000 });
  running.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  fs.rmSync(templates, { recursive: true, force: true });
});

async function searchVillages(url: string, q: string): Promise<string[]> {
  const res = await fetch(`${url}/api/v1/atlas/search?q=${encodeURIComponent(q)}`);
  return ((await res.json()) as { villages: { nameZh: string }[] }).villages.map((v) => v.nameZh);
}

// Real server processes on the embedded database, the first one initialising it from nothing: generous limits.
describe('starting on the embedded database', { timeout: 900_000 }, () => {
  it('the first start saves a migrated template; a new DATA_DIR then starts from it, and a second start reopens; each says what it does', async () => {
    const first = await start(tempDataDir());
    expect(first.output()).toContain('Creating the embedded database');
    expect(first.output()).toContain('without a template');
    expect(first.output()).toContain('Saving the migrated database as a template');
    expect(await searchVillages(first.url, 'yangjiatang')).toEqual(['杨家堂村']);
    await first.stop();
    expect(fs.readdirSync(templates).filter((f) => f.endsWith('.tar.gz'))).toHaveLength(1);

    const dataDir = tempDataDir();
    const fresh = await start(dataDir);
    expect(fresh.output()).toContain('from the migrated template');
    expect(fresh.output()).not.toContain('Saving the migrated database');
    expect(fresh.output()).toContain('Seeded the demo county');
    // The copy is a whole database: extensions, indexes and the demo county, found in Chinese, pinyin and initials.
    for (const q of ['杨家堂', 'yang jia tang', 'yjtc']) expect(await searchVillages(fresh.url, q), q).toEqual(['杨家堂村']);
    const county = (await (await fetch(`${fresh.url}/api/v1/county`)).json()) as { townships: { villages: unknown[] }[] };
    expect(county.townships.flatMap((t) => t.villages)).toHaveLength(78);
    await fresh.stop();

    const second = await start(dataDir);
    expect(second.output()).toContain('Opening the embedded database');
    expect(second.output()).not.toContain('Seeded the demo county');
    expect(await searchVillages(second.url, 'yjtc')).toEqual(['杨家堂村']);
  });
});

describe('npm start', { timeout: 900_000 }, () => {
  it('runs the compiled server on a copy of the unpacked template: the pages, the demo county, and a budget round solved in its worker thread', async () => {
    // What `npm ci` (prepare) leaves in dist/pgdata-template: the template, also unpacked as a directory.
    await ensureTemplate(migrationSets(MODULES));
    const dataDir = tempDataDir();
    const s = await startServerProcess({ npmStart: true, dataDir, timeoutMs: 300_000 });
    running.push(s);
    expect(s.output()).not.toContain('running it from its sources');
    expect(s.output()).toContain('from the migrated template (copying its files)');
    expect(s.output()).toContain('Seeded the demo county');
    expect(fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    const page = await fetch(`${s.url}/market`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(await searchVillages(s.url, 'yjtc')).toEqual(['杨家堂村']);

    // The solve runs in a worker thread whose bootstrap the compiled server finds beside its source.
    const admin = await apiSession(s.url, 'admin');
    const round = await admin('POST', '/interventions/rounds', { name: '编译后的预算轮', budgetFen: 150_000_000, weights: { culturalValue: 1 } });
    expect(round.status).toBe(201);
    const id = (round.body as { id: string }).id;
    expect((await admin('POST', `/interventions/rounds/${id}/solve`, { timeLimitMs: 1000 })).status).toBe(202);
    let status = '';
    for (let i = 0; i < 600 && status !== 'solved'; i++) {
      status = ((await admin('GET', `/interventions/rounds/${id}`)).body as { status: string }).status;
      if (status !== 'solved') await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe('solved');
    await s.stop();
  });
});
