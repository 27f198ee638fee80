import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it, describe } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser, mapPixels } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe('the platform in the browser', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    await browser.clearCookies();
    page = await browser.newPage();
    await page.goto(server.url);
    await page.evaluate(() => localStorage.clear());
  });

  async function signIn(username: string, password = TEST_PASSWORD) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
  }

  it('signs in as the village official and shows the county with its townships and villages', async () => {
    await signIn('village');
    await expect.poll(() => page.locator('.whoami').textContent()).toBe('杨家堂村干部（演示）');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('松阳县');
    await expect.poll(() => page.getByText('78 个中国传统村落').count()).toBe(1);
    const sandu = page.getByRole('region', { name: /三都乡/ });
    await expect.poll(() => sandu.getByRole('link', { name: '杨家堂村' }).count()).toBe(1);
    expect(await page.locator('.township').count()).toBe(19); // 赤寿乡 once (the source list also spelled it 赤寿镇)
    await page.screenshot({ path: '.test-tmp/county-phone.png', fullPage: false });
  });

  it('draws the villages on the map from our own layers, with no internet', async () => {
    await page.goto(server.url);
    const canvas = page.locator('[data-testid="village-map"] canvas');
    await canvas.waitFor();
    // Count the village-green pixels MapLibre drew on the plain background.
    await expect.poll(() => mapPixels(page, 'village-map', '#2f6b3a'), { timeout: 20_000 }).toBeGreaterThan(200);
  });

  it('switches to English and back, and remembers the choice', async () => {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Songyang County');
    await expect.poll(() => page.getByRole('link', { name: 'Yangjiatang Village' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await expect.poll(() => page.getByRole('link', { name: 'Sign in' }).count()).toBe(1);
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('松阳县');
  });

  it('shows an error message for a wrong password and stays signed out', async () => {
    await signIn('village', 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('用户名或密码错误（连续失败多次后账号会暂时锁定）');
    expect(await page.locator('.whoami').count()).toBe(0);
  });

  it('lets the village official edit their village; text that looks like HTML is shown as typed', async () => {
    await signIn('village');
    await page.locator('.whoami').waitFor();
    await page.getByRole('link', { name: '杨家堂村', exact: true }).click();
    await page.getByRole('button', { name: '编辑' }).click();
    const text = '黄家大院 <script>alert(1)</script> & 夯土民居';
    await page.getByLabel('简介').fill(text);
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.locator('.description').textContent()).toBe(text);
    await page.reload();
    await expect.poll(() => page.locator('.description').textContent()).toBe(text);
  });

  it('lets the county admin create a user with a role, and the new user signs in with it', async () => {
    await signIn('admin');
    await page.locator('.whoami').waitFor();
    await page.goto(`${server.url}/admin/users`);
    await page.getByLabel('用户名', { exact: true }).fill('chen_jiapu');
    await page.getByLabel('显示名称', { exact: true }).fill('陈家铺村干部');
    await page.getByLabel('密码', { exact: true }).fill('chenjiapu-pass');
    await page.getByRole('button', { name: '创建' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('已创建用户 chen_jiapu');
    const row = page.locator('.user[data-username="chen_jiapu"]');
    await row.locator('summary', { hasText: '添加角色' }).click();
    await row.getByLabel('角色').selectOption('village_official');
    await row.getByLabel('选择乡镇、村或组织').selectOption({ label: '四都乡 · 陈家铺村' });
    await row.getByRole('button', { name: '添加角色' }).click();
    await expect.poll(() => row.locator('.tag').first().textContent()).toContain('村干部 · 陈家铺村');

    await page.getByRole('button', { name: '菜单' }).click();
    await page.getByRole('link', { name: '审计日志' }).click();
    await expect.poll(() => page.locator('.audit-list li').first().textContent()).toContain('授予');

    await page.getByRole('button', { name: '退出' }).click();
    await signIn('chen_jiapu', 'chenjiapu-pass');
    await expect.poll(() => page.locator('.whoami').textContent()).toBe('陈家铺村干部');
  });

  it('lets the county admin register a cooperative and give it a member; the member sees the cooperative\'s people on their shop page', async () => {
    await signIn('admin');
    await page.locator('.whoami').waitFor();
    await page.getByRole('button', { name: '菜单' }).click();
    await page.getByRole('link', { name: '组织' }).click();
    const form = page.getByRole('form', { name: '登记组织' });
    await form.getByLabel('所在村').selectOption({ label: '杨家堂村' });
    await form.getByLabel('类型').selectOption({ label: '合作社' });
    await form.getByLabel('名称', { exact: true }).fill('杨家堂竹编合作社');
    await form.getByRole('button', { name: '创建' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('已登记：杨家堂竹编合作社');
    const org = page.locator('.org-list li[data-org="杨家堂竹编合作社"]');
    await expect.poll(() => org.getByTestId('org-members').textContent()).toBe('0 名成员');

    await page.goto(`${server.url}/admin/users`);
    await page.getByLabel('用户名', { exact: true }).fill('zhubian_li');
    await page.getByLabel('显示名称', { exact: true }).fill('李竹编');
    await page.getByLabel('密码', { exact: true }).fill('zhubian-pass-1');
    await page.getByRole('button', { name: '创建' }).click();
    const row = page.locator('.user[data-username="zhubian_li"]');
    await row.locator('summary', { hasText: '添加角色' }).click();
    await row.getByLabel('角色').selectOption('producer');
    await row.getByLabel('选择乡镇、村或组织').selectOption({ label: '杨家堂竹编合作社（杨家堂村）' });
    await row.getByRole('button', { name: '添加角色' }).click();
    await expect.poll(() => row.locator('.tag').first().textContent()).toContain('生产者 · 杨家堂竹编合作社');

    await page.goto(`${server.url}/admin/organizations`);
    await expect.poll(() => org.getByTestId('org-members').textContent()).toBe('1 名成员');
    await org.getByRole('button', { name: '杨家堂竹编合作社' }).click();
    await expect.poll(() => org.locator('.org-members').textContent()).toContain('李竹编');
    await page.screenshot({ path: '.test-tmp/admin-organizations-phone.png', fullPage: true });

    await page.getByRole('button', { name: '退出' }).click();
    await signIn('zhubian_li', 'zhubian-pass-1');
    await page.locator('.whoami').waitFor();
    await page.goto(`${server.url}/market/seller`);
    const members = page.locator('section', { has: page.getByRole('heading', { name: '成员' }) });
    await expect.poll(() => members.locator('.org-members').textContent()).toContain('李竹编');
    expect(await members.locator('.org-members').textContent()).toContain('生产者');
  });

  it('keeps the navigation behind a menu button on a phone', async () => {
    await page.goto(server.url);
    const logistics = page.getByRole('link', { name: '物流' });
    expect(await logistics.isVisible()).toBe(false);
    await page.getByRole('button', { name: '菜单' }).click();
    expect(await logistics.isVisible()).toBe(true);
    await logistics.click();
    await expect.poll(() => page.getByText('请使用物流调度账号登录。').count()).toBe(1);
  });
});
