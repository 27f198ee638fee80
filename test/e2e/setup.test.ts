import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe("a real county's first start in the browser: the first-run page", { timeout: 300_000 }, () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  let code: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-setup-'));
  const file = (name: string, lines: string[]) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, lines.join('\n'));
    return p;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess({ env: { TERRACE_DEMO: '0' }, timeoutMs: 480_000 }), launchBrowser()]);
    // The code is printed on the lines after "ready": wait for them.
    for (let i = 0; i < 100 && !/setup code:\s+\S+/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
    code = server.output().match(/setup code:\s+(\S+)/)![1];
    page = await browser.newPage();
  }, 500_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints a setup code instead of demo logins, and any page leads to the first-run page', async () => {
    expect(server.output()).not.toContain('demo logins');
    expect(server.output()).toContain(`${server.url}/setup`);
    await page.goto(`${server.url}/market`);
    await page.getByRole('heading', { name: '设置本县' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/setup');
    const template = await page.request.get(`${server.url}/api/v1/setup/template?format=xlsx`);
    expect(template.status()).toBe(200);
    expect(await page.getByRole('link', { name: 'XLSX' }).getAttribute('href')).toBe('/api/v1/setup/template?format=xlsx');
  });

  it('refuses a wrong code, shows each bad row of the file and sets up nothing; with both fixed, sets up the county and signs its administrator in', async () => {
    await page.getByLabel('设置码').fill('a-stranger-guesses');
    await page.getByLabel('县名', { exact: true }).fill('遂昌县');
    await page.getByLabel('乡镇和村的表格（XLSX 或 CSV）').setInputFiles(file('bad.csv', ['乡镇,村,经度,纬度', '妙高街道,长濂村,119.27,28.59', ',无名村,,', '妙高街道,长濂村,119.27,28.59']));
    await page.getByLabel('用户名').fill('suichang.admin');
    await page.getByLabel('姓名').fill('李县长');
    await page.getByLabel('密码（由您自己设定）').fill('my-own-password-1');
    await page.getByRole('button', { name: '设置本县' }).click();
    await page.getByRole('alert').filter({ hasText: '设置码不对或已过期' }).waitFor();
    await page.getByLabel('设置码').fill(code);
    await page.getByRole('button', { name: '设置本县' }).click();
    const report = page.locator('.import-report');
    await report.waitFor();
    expect(await report.locator('p.error').textContent()).toContain('2 行有问题（共 3 行）');
    expect(await report.locator('tr[data-row="3"]').textContent()).toContain('必填');
    expect(await report.locator('tr[data-row="4"]').textContent()).toContain('同一乡镇下的村重复');
    expect((await (await page.request.get(`${server.url}/api/v1/setup`)).json()).needed).toBe(true);

    await page.getByLabel('乡镇和村的表格（XLSX 或 CSV）').setInputFiles(file('good.csv', ['乡镇,村,经度,纬度', '妙高街道,长濂村,119.27,28.59', '焦滩乡,独山村,119.36,28.71']));
    // The dry run shows what the file will create before anything is written.
    const preview = page.locator('.setup-preview');
    await preview.filter({ hasText: '预览：将导入 2 个乡镇、2 个村' }).waitFor();
    expect(await preview.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('妙高街道'), expect.stringContaining('焦滩乡')]);
    expect(await preview.locator('tbody tr').first().textContent()).toContain('长濂村');
    expect((await (await page.request.get(`${server.url}/api/v1/setup`)).json()).needed).toBe(true);
    await page.getByRole('button', { name: '设置本县' }).click();
    await page.getByRole('status').filter({ hasText: '遂昌县已设置：2 个乡镇、2 个村' }).waitFor();
    await page.locator('.whoami').filter({ hasText: '李县长' }).waitFor();
    await page.getByRole('link', { name: '查看本县' }).click();
    await page.getByText('独山村').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    // The code is spent: the page no longer appears, and the API refuses a second setup.
    expect((await (await page.request.get(`${server.url}/api/v1/setup`)).json()).needed).toBe(false);
  });
});
