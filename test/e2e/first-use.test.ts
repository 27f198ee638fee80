import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

const shanghaiToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const addDays = (s: string, n: number) => new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('a new user finds their way: signed out, signed in, back where they were', () => {
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

  async function fillLogin(username: string, password = TEST_PASSWORD) {
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('.whoami').waitFor();
  }

  it('a signed-out cart shows its items, asks to sign in at checkout, and comes back to the cart', async () => {
    await browser.clearCookies();
    await page.goto(`${server.url}/market`);
    await page.getByRole('searchbox', { name: '搜索茶叶或手作' }).fill('银猴');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByRole('link', { name: /松阳银猴 特级 明前/ }).click();
    await page.getByText('250 克 礼盒').click();
    await page.getByRole('button', { name: '加入购物车' }).click();
    await page.getByRole('link', { name: /购物车 \(1\)/ }).click();
    await page.waitForURL(/\/market\/cart/);
    await expect.poll(() => page.locator('.cart-line').textContent()).toContain('松阳银猴');
    expect(await page.getByRole('button', { name: '提交订单并付款' }).count()).toBe(0);
    await page.screenshot({ path: '.test-tmp/first-use-cart-signed-out.png', fullPage: true });
    await page.getByRole('link', { name: '请登录后结账' }).click();
    await page.waitForURL(/\/login\?/);
    await expect.poll(() => page.getByTestId('login-reason').textContent()).toBe('请登录后结账');
    await fillLogin('buyer');
    await page.waitForURL(/\/market\/cart$/);
    await page.getByLabel('收货人').waitFor();
    await expect.poll(() => page.getByRole('button', { name: '提交订单并付款' }).count()).toBe(1);
  });

  it('booking signed out keeps the village and dates through signing in', async () => {
    await browser.clearCookies();
    await page.goto(`${server.url}/`);
    await page.reload();
    const checkIn = addDays(shanghaiToday(), 3);
    const checkOut = addDays(checkIn, 2);
    await page.goto(`${server.url}/inns`);
    await page.getByLabel('村落').selectOption({ label: '杨家堂村' });
    await page.getByLabel('入住日期').fill(checkIn);
    await page.getByLabel('退房日期').fill(checkOut);
    await page.getByLabel('人数').fill('2');
    await page.getByRole('button', { name: '查找空房' }).click();
    await page.getByText(/家民宿有空房/).waitFor();
    const searched = new URL(page.url());
    await page.getByRole('button', { name: /^预订 / }).first().click();
    await page.waitForURL(/\/login\?/);
    await expect.poll(() => page.getByTestId('login-reason').textContent()).toContain('请登录后预订');
    await page.screenshot({ path: '.test-tmp/first-use-login-book.png', fullPage: true });
    await fillLogin('buyer');
    await page.waitForURL((url) => url.pathname === '/inns' && url.search === searched.search);
    expect(await page.getByLabel('入住日期').inputValue()).toBe(checkIn);
    expect(await page.getByLabel('退房日期').inputValue()).toBe(checkOut);
    expect(await page.getByLabel('村落').locator('option:checked').textContent()).toContain('杨家堂村');
  });

  it('proposing asks a visitor to sign in and returns to the proposal form', async () => {
    await browser.clearCookies();
    await page.goto(`${server.url}/interventions/new`);
    await page.waitForURL(/\/login\?/);
    await expect.poll(() => page.getByTestId('login-reason').textContent()).toBe('请登录后提交提案');
    await fillLogin('resident');
    await page.waitForURL(/\/interventions\/new$/);
  });

  it('the login page refuses to send anyone off the site', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      await browser.clearCookies();
      await page.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
      await fillLogin('buyer');
      await page.waitForURL((url) => url.origin === server.url && url.pathname === '/');
    }
  });

  it('an unknown address says it is not found, and forms a visitor cannot use ask them to sign in', async () => {
    await browser.clearCookies();
    await page.goto(`${server.url}/no-such-place`);
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('页面不存在');
    expect(new URL(page.url()).pathname).toBe('/no-such-place');

    await page.goto(`${server.url}/atlas/buildings/new`);
    await page.getByRole('link', { name: '请登录后添加建筑' }).waitFor();
    expect(await page.locator('form input').count()).toBe(0);
    await page.goto(`${server.url}/atlas/import`);
    await page.getByRole('link', { name: '请登录后导入建筑' }).click();
    await fillLogin('village');
    await page.waitForURL(/\/atlas\/import$/);
    await page.locator('input[type="file"]').waitFor({ state: 'attached' });
  });

  it('registration shows its rules before typing and answers a mistake in words beside the field', async () => {
    await browser.clearCookies();
    await page.goto(`${server.url}/register`);
    const form = page.locator('form');
    await expect.poll(() => form.textContent()).toContain('3–32 个英文字母、数字、点、横线或下划线（不能用汉字）');
    expect(await form.textContent()).toContain('至少 8 个字符');
    await page.getByLabel('用户名', { exact: true }).fill('杨家堂');
    await page.getByLabel('显示名称', { exact: true }).fill('小杨');
    await page.getByLabel('密码', { exact: true }).fill('short');
    await page.getByRole('button', { name: '注册并登录' }).click();
    const alerts = page.getByRole('alert');
    await expect.poll(() => alerts.allTextContents()).toEqual([
      '用户名只能用 3–32 个英文字母、数字、点（.）、横线（-）或下划线（_），不能用汉字或空格',
      '密码至少需要 8 个字符',
    ]);
    expect(await page.locator('body').textContent()).not.toMatch(/body\/|输入有误/);
    await page.screenshot({ path: '.test-tmp/first-use-register-errors.png', fullPage: true });

    await page.goto(`${server.url}/market/trace/not-a-batch`);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('链接有误：地址里的编号不对，请检查链接');

    await page.getByRole('button', { name: 'English' }).click();
    await page.goto(`${server.url}/register`);
    await page.getByLabel('Username', { exact: true }).fill('杨家堂');
    await page.getByLabel('Display name', { exact: true }).fill('Yang');
    await page.getByLabel('Password', { exact: true }).fill('long enough password');
    await page.getByRole('button', { name: 'Register and sign in' }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual([
      'A username uses 3–32 Latin letters, digits, dot (.), dash (-) or underscore (_): no Chinese characters or spaces',
    ]);
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('a user changes their password on their account page; an administrator gives another a one-time reset link', async () => {
    await browser.clearCookies();
    await page.goto(`${server.url}/login`);
    await fillLogin('innkeeper');
    await page.locator('.whoami').click();
    await page.waitForURL(/\/account$/);
    await page.getByLabel('当前密码').fill('wrong password');
    await page.getByLabel('新密码').fill('my new tea house 1');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('当前密码不正确');
    await page.getByLabel('当前密码').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('密码已修改');
    await browser.clearCookies();
    await page.goto(`${server.url}/login`);
    await fillLogin('innkeeper', 'my new tea house 1');

    await browser.clearCookies();
    await page.goto(`${server.url}/login`);
    await fillLogin('admin');
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('searchbox').fill('town');
    const row = page.locator('li.user[data-username="town"]');
    await row.getByRole('button', { name: '生成重置密码链接' }).click();
    const link = (await row.getByTestId('reset-link').textContent())!;
    expect(link).toMatch(/\/reset-password\?token=/);
    await browser.clearCookies();
    await page.goto(link);
    await page.getByLabel('新密码').fill('town reset 2026');
    await page.getByRole('button', { name: '设置新密码' }).click();
    await page.getByRole('status').getByText('新密码已设置').waitFor();
    await page.goto(link);
    await page.getByLabel('新密码').fill('town reset again');
    await page.getByRole('button', { name: '设置新密码' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('已过期或已被使用');
    await page.goto(`${server.url}/login`);
    await fillLogin('town', 'town reset 2026');
  });
});
