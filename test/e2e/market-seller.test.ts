import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe('a producer runs their shop in the browser', () => {
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

  async function signInAs(username: string) {
    await browser.clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.whoami').waitFor();
  }

  it('the producer adds a tea with a variant and a photo; a buyer finds it in the catalogue with its photo', async () => {
    await signInAs('producer');
    await page.goto(`${server.url}/market/seller`);
    await page.getByText('上架新商品').click();
    const form = page.getByRole('form', { name: '上架新商品' });
    await form.getByLabel('名称', { exact: true }).fill('松阳白茶 特级 明前');
    await form.getByLabel('品种', { exact: true }).fill('松阳白茶');
    await form.getByLabel('等级', { exact: true }).fill('特级');
    await form.getByLabel('采摘时节', { exact: true }).fill('明前');
    await form.getByLabel('介绍', { exact: true }).fill('海拔六百米的高山白茶。');
    await form.getByLabel('规格与包装', { exact: true }).fill('罐装 50 克');
    await form.getByLabel('净重（克）', { exact: true }).fill('50');
    await form.getByLabel('价格（元）', { exact: true }).fill('88.5');
    await form.getByLabel('库存（件）', { exact: true }).fill('12');
    await form.getByRole('button', { name: '创建' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('已上架：松阳白茶 特级 明前');

    await page.getByRole('button', { name: '松阳白茶 特级 明前' }).click();
    const editor = page.locator('.product-editor');
    await expect.poll(() => editor.locator('.variant-row').first().textContent()).toContain('¥88.50');
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#6e9a4f' } }).jpeg().toBuffer();
    await editor.getByLabel(/商品照片/).setInputFiles({ name: 'baicha.jpg', mimeType: 'image/jpeg', buffer: photo });
    await editor.getByLabel('照片说明', { exact: true }).fill('干茶');
    await editor.getByRole('button', { name: '上传照片' }).click();
    await expect.poll(() => editor.getByRole('status').textContent()).toBe('照片已上传');
    await expect.poll(() => editor.locator('.photo-strip img').count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/market-seller-product-phone.png', fullPage: true });

    await signInAs('buyer');
    await page.goto(`${server.url}/market`);
    await page.getByRole('searchbox', { name: '搜索茶叶或手作' }).fill('白茶');
    await page.getByRole('button', { name: '搜索' }).click();
    await expect.poll(() => page.locator('.product-card').count()).toBe(1);
    const card = page.locator('.product-card', { hasText: '松阳白茶 特级 明前' });
    const img = card.locator('img');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    expect(await img.getAttribute('src')).toMatch(/^\/api\/v1\/market\/photos\/[0-9a-f-]+\?size=thumb$/);
    await expect.poll(() => card.textContent()).toContain('¥88.50');
    await page.screenshot({ path: '.test-tmp/market-seller-catalogue-phone.png', fullPage: true });

    await card.getByRole('link').click();
    const gallery = page.locator('.product-gallery img');
    await expect.poll(() => gallery.count()).toBe(1);
    expect(await gallery.getAttribute('alt')).toBe('干茶');
    await expect.poll(() => gallery.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.variants').textContent()).toContain('罐装 50 克');
    await expect.poll(() => page.locator('.facts').textContent()).toContain('松阳白茶');
  });
});
