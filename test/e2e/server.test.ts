import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { apiSession } from './support/http.ts';
import { startServerProcess, tempDataDir, type ServerProcess } from './support/server.ts';

const running: ServerProcess[] = [];
const start = async (options: Parameters<typeof startServerProcess>[0]) => {
  const s = await startServerProcess(options);
  running.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
});

async function orgNames(url: string): Promise<Set<string>> {
  const res = await fetch(`${url}/api/v1/organizations`);
  return new Set(((await res.json()) as { name: string }[]).map((o) => o.name));
}

async function villageId(url: string): Promise<string> {
  const tree = (await (await fetch(`${url}/api/v1/county`)).json()) as { townships: { villages: { id: string; nameZh: string }[] }[] };
  return tree.townships.flatMap((t) => t.villages).find((v) => v.nameZh === '杨家堂村')!.id;
}

/**
 * Creates organizations in waves of concurrent requests and SIGKILLs the server while a wave is in flight.
 * Returns the names whose creation the server acknowledged (201) before it died.
 */
async function burstThenKill(server: ServerProcess, waves: number, perWave: number): Promise<string[]> {
  const call = await apiSession(server.url, 'admin');
  const unitId = await villageId(server.url);
  const acknowledged: string[] = [];
  for (let w = 0; w < waves; w++) {
    const wave = Array.from({ length: perWave }, (_, i) => {
      const name = `burst-${w}-${i}`;
      return call('POST', '/organizations', { unitId, kind: 'workshop', name })
        .then((r) => {
          if (r.status === 201) acknowledged.push(name);
        })
        .catch(() => {});
    });
    if (w === waves - 1) {
      // Kill while the last wave is in flight.
      await new Promise((r) => setTimeout(r, 15));
      await server.stop('SIGKILL');
    }
    await Promise.all(wave);
  }
  return acknowledged;
}

// Each test starts real servers (several times): generous limits, for a busy CI machine.
describe('the server process', { timeout: 240_000 }, () => {
  it('refuses a second start on the same DATA_DIR, and the first keeps serving with nothing lost', async () => {
    const dataDir = tempDataDir();
    const first = await start({ dataDir });
    const call = await apiSession(first.url, 'admin');
    const unitId = await villageId(first.url);
    expect((await call('POST', '/organizations', { unitId, kind: 'workshop', name: '竹编工坊' })).status).toBe(201);

    const second = await startServerProcess({ dataDir }).then(
      () => null,
      (error: Error & { code?: number; output?: string }) => error,
    );
    expect(second).not.toBeNull();
    expect(second!.code).toBe(1);
    expect(second!.output).toMatch(/in use by another Terrace process/);

    expect((await call('POST', '/organizations', { unitId, kind: 'workshop', name: '木雕工坊' })).status).toBe(201);
    expect([...(await orgNames(first.url))]).toEqual(expect.arrayContaining(['竹编工坊', '木雕工坊']));

    expect(await first.stop('SIGTERM')).toBe(0);
    const again = await start({ dataDir });
    expect(again.output()).not.toMatch(/Seeded/);
    expect([...(await orgNames(again.url))]).toEqual(expect.arrayContaining(['竹编工坊', '木雕工坊']));
    await again.stop();
  });

  it('logs requests without personal data: no usernames, names, passwords or search terms', async () => {
    const server = await start({ env: { LOG_LEVEL: 'info' } });
    const secrets = { username: 'privacy_probe', password: 'Secret-Passw0rd-XYZ', displayName: '王小明隐私' };
    const reg = await fetch(`${server.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(secrets),
    });
    expect(reg.status).toBe(201);
    await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: secrets.username, password: 'wrong-password-ABC' }),
    });
    const admin = await apiSession(server.url, 'admin');
    expect((await admin('GET', `/users?q=${encodeURIComponent(secrets.displayName)}`)).status).toBe(200);
    await server.stop();
    const log = server.output();
    expect(log).toContain('"statusCode":201');
    for (const secret of [...Object.values(secrets), 'wrong-password-ABC', 'terrace_session=']) expect(log).not.toContain(secret);
  });

  it('takes over the lock left by a server that was killed', async () => {
    const dataDir = tempDataDir();
    const first = await start({ dataDir });
    await first.stop('SIGKILL');
    const second = await start({ dataDir });
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    await second.stop();
  });

  it('on PGlite: measures which acknowledged writes survive a SIGKILL', async () => {
    const dataDir = tempDataDir();
    const server = await start({ dataDir });
    const acknowledged = await burstThenKill(server, 6, 10);
    const after = await start({ dataDir });
    const present = await orgNames(after.url);
    const lost = acknowledged.filter((n) => !present.has(n));
    console.log(`PGlite SIGKILL: ${acknowledged.length} writes acknowledged, ${acknowledged.length - lost.length} survived, ${lost.length} lost`);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    await after.stop();
  });

  it.runIf(!!process.env.TEST_DATABASE_URL)('on PostgreSQL: loses no acknowledged write to a SIGKILL', async () => {
    let db: TestDatabase | undefined;
    try {
      db = await freshDatabase('postgres', 1);
      const env = { DATABASE_URL: db.url! };
      const server = await start({ env });
      const acknowledged = await burstThenKill(server, 6, 20);
      const after = await start({ env });
      const present = await orgNames(after.url);
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(acknowledged.filter((n) => !present.has(n))).toEqual([]);
      await after.stop();
    } finally {
      await db?.dispose();
    }
  });
});
