// What most browser journeys begin with: the real server in a child process (on the embedded database, or on a fresh
// PostgreSQL database), a browser page, and signing in through the login page as a person would.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { TEST_PASSWORD } from '../../support/constants.ts';
import { freshDatabase, type TestDatabase } from '../../support/db.ts';
import { launchBrowser } from './browser.ts';
import { startServerProcess, type ServerProcess } from './server.ts';

/** A page on a shared, busy machine can take seconds to answer: wait up to 15 s for what the user would see. */
export const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

/** The embedded database always; PostgreSQL too when TEST_DATABASE_URL is set. */
export const e2eDrivers = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres' as const] : [])] as const;

/** Signs in through the login page (cookies cleared first) and waits for the account's name in the header. */
export async function signInPage(page: Page, baseUrl: string, username: string, password = TEST_PASSWORD) {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名', { exact: true }).fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('.whoami').waitFor();
}

export interface Journey {
  server: ServerProcess;
  browser: BrowserContext;
  page: Page;
  signIn(username: string, password?: string): Promise<void>;
}

/**
 * Registers the suite's beforeAll/afterAll: starts the server (on a fresh PostgreSQL database for `postgres`) and a
 * browser with one page; the fields of the answer are set once beforeAll has run. `env` is read in beforeAll, after
 * hooks registered earlier (a stand-in gateway's address).
 */
export function browserJourney(o: { driver?: 'pglite' | 'postgres'; env?: () => Record<string, string>; timeoutMs?: number } = {}): Journey {
  let db: TestDatabase | undefined;
  const journey = { signIn: (username: string, password?: string) => signInPage(journey.page, journey.server.url, username, password) } as Journey;
  beforeAll(async () => {
    db = o.driver === 'postgres' ? await freshDatabase('postgres', 1) : undefined;
    const env = { ...o.env?.(), ...(db && { DATABASE_URL: db.url! }) };
    [journey.server, journey.browser] = await Promise.all([startServerProcess({ timeoutMs: o.timeoutMs ?? 300_000, env }), launchBrowser()]);
    journey.page = await journey.browser.newPage();
  }, (o.timeoutMs ?? 300_000) + 60_000);
  afterAll(async () => {
    await journey.browser?.close();
    await journey.server?.stop();
    await db?.dispose();
  });
  return journey;
}
