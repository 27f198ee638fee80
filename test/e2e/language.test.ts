import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe("the language switch is the signed-in user's language", () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const accountLocale = async () => ((await (await page.request.get(`${server.url}/api/v1/me`)).json()) as { locale: string }).locale;

  it('switching to English and back sets the account language that emails and pushes use', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill('resident');
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('.whoami').waitFor();
    expect(await accountLocale()).toBe('zh-CN');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: '中文' }).waitFor();
    await expect.poll(accountLocale).toBe('en');

    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('button', { name: 'English' }).waitFor();
    await expect.poll(accountLocale).toBe('zh-CN');
  });
});
