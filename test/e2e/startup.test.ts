import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
