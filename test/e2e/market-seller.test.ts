import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserJourney } from './support/journey.ts';
import type { ServerProcess } from './support/server.ts';

describe('a producer runs their shop in the browser', () => {
  const journey = browserJourney();
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(() => void ({ server, browser, page } = journey));

  const signInAs = (username: string) => journey.signIn(username);

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

    await page.getByRole('button', { name: '松阳白茶 特级 明前', exact: true }).click();
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

  it('the producer reprices a variant, registers a garden and opens a batch of the new tea', async () => {
    await signInAs('producer');
    await page.goto(`${server.url}/market/seller`);
    await page.getByRole('button', { name: '松阳白茶 特级 明前', exact: true }).click();
    const row = page.locator('.variant-row', { hasText: '罐装 50 克' });
    await row.getByText('修改规格').click();
    await row.getByLabel('价格（元）', { exact: true }).fill('9.9.9');
    await row.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => row.getByRole('alert').textContent()).toContain('价格请填大于 0 的金额');
    await row.getByLabel('价格（元）', { exact: true }).fill('98');
    await row.getByLabel('增减库存（件，可为负）', { exact: true }).fill('8');
    await row.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => row.locator('p').first().textContent()).toContain('¥98.00');
    await expect.poll(() => row.locator('p').first().textContent()).toContain('20');

    await page.getByText('登记茶园').click();
    await page.getByLabel('茶园名称', { exact: true }).fill('后山白茶园');
    await page.getByLabel('海拔（米）', { exact: true }).fill('610');
    const gardens = page.locator('section', { has: page.getByRole('heading', { name: '茶园与产地' }) });
    await gardens.getByRole('button', { name: '创建' }).click();
    await expect.poll(() => page.locator('.garden-list').textContent()).toContain('后山白茶园');
    await expect.poll(() => page.locator('.garden-list').textContent()).toContain('海拔 610 米');

    await page.getByText('新建批次').click();
    const batch = page.locator('.new-batch');
    await batch.locator('select').nth(0).selectOption({ label: '松阳白茶 特级 明前' });
    await batch.getByLabel('批号（字母、数字、短横线）', { exact: true }).fill('BC2026-0402');
    await batch.locator('select').nth(1).selectOption({ label: '后山白茶园' });
    await batch.getByLabel('采摘日期', { exact: true }).fill('2026-04-02');
    await batch.getByLabel('数量（件）', { exact: true }).fill('40');
    await batch.getByRole('button', { name: '创建' }).click();
    await expect.poll(() => batch.getByRole('status').textContent()).toBe('已建批次 BC2026-0402');
    await expect.poll(() => page.locator('.batch-list').textContent()).toContain('松阳白茶 特级 明前 · BC2026-0402');
    await page.screenshot({ path: '.test-tmp/market-seller-garden-batch-phone.png', fullPage: true });
  });

  it('the producer orders and deletes photos, then takes the tea off sale and back; buyers see each change', async () => {
    await signInAs('producer');
    await page.goto(`${server.url}/market/seller`);
    await page.getByRole('button', { name: '松阳白茶 特级 明前', exact: true }).click();
    const editor = page.locator('.product-editor');
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8a6d2f' } }).png().toBuffer();
    await editor.getByLabel(/商品照片/).setInputFiles({ name: 'chatang.png', mimeType: 'image/png', buffer: photo });
    await editor.getByLabel('照片说明', { exact: true }).fill('茶汤');
    await editor.getByRole('button', { name: '上传照片' }).click();
    const strip = editor.locator('.photo-strip li');
    await expect.poll(() => strip.count()).toBe(2);
    const alts = () => strip.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).alt));
    expect(await alts()).toEqual(['干茶', '茶汤']);
    // The second photo becomes the cover.
    await strip.nth(1).getByRole('button', { name: '前移' }).click();
    await expect.poll(alts).toEqual(['茶汤', '干茶']);
    await expect.poll(() => strip.first().textContent()).toContain('封面');
    // Deleting asks once more, inline.
    await strip.nth(1).getByRole('button', { name: '删除照片' }).click();
    await strip.nth(1).getByRole('button', { name: '确认删除' }).click();
    await expect.poll(alts).toEqual(['茶汤']);

    // Off sale: marked in the producer's list, gone for buyers.
    const row = page.locator('.seller-products > li', { hasText: '松阳白茶 特级 明前' });
    await row.getByRole('button', { name: '下架：松阳白茶 特级 明前' }).click();
    await expect.poll(() => row.locator('.tag').first().textContent()).toBe('已下架');
    await page.screenshot({ path: '.test-tmp/market-seller-off-sale-phone.png', fullPage: true });

    await signInAs('buyer');
    await page.goto(`${server.url}/market`);
    await page.getByRole('searchbox', { name: '搜索茶叶或手作' }).fill('白茶');
    await page.getByRole('button', { name: '搜索' }).click();
    // The search's own answer (not the catalogue shown before it): nothing found.
    await expect.poll(() => page.getByText('没有找到商品。').count()).toBe(1);
    expect(await page.locator('.product-card').count()).toBe(0);

    await signInAs('producer');
    await page.goto(`${server.url}/market/seller`);
    const again = page.locator('.seller-products > li', { hasText: '松阳白茶 特级 明前' });
    await again.getByRole('button', { name: '重新上架：松阳白茶 特级 明前' }).click();
    await expect.poll(() => again.locator('.tag').count()).toBe(0);

    await signInAs('buyer');
    await page.goto(`${server.url}/market`);
    await page.getByRole('searchbox', { name: '搜索茶叶或手作' }).fill('白茶');
    await page.getByRole('button', { name: '搜索' }).click();
    const card = page.locator('.product-card', { hasText: '松阳白茶 特级 明前' });
    await expect.poll(() => card.count()).toBe(1);
    // The catalogue's picture is the new cover.
    const img = card.locator('img');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    await card.getByRole('link').click();
    await expect.poll(() => page.locator('.product-gallery img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).alt))).toEqual(['茶汤']);
  });

  it('the producer records a pesticide test with its PDF report; a visitor sees the report on the trace page, checked against the chain', async () => {
    await signInAs('producer');
    await page.goto(`${server.url}/market/seller`);
    const batch = page.locator('.batch-list > li', { hasText: 'BC2026-0402' });
    await batch.getByText('添加溯源记录').click();
    await batch.getByRole('combobox').first().selectOption({ label: '检测' });
    await batch.getByLabel('操作人', { exact: true }).fill('丽水市农产品检测中心');
    const report = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
    await batch.getByLabel(/证明文件/).setInputFiles({ name: 'nongcan.pdf', mimeType: 'application/pdf', buffer: report });
    await batch.getByLabel('文件名称', { exact: true }).fill('农残检测报告');
    await batch.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => batch.getByRole('status').textContent()).toBe('已记入第 1 条溯源记录');

    await browser.clearCookies();
    await batch.getByRole('link', { name: /BC2026-0402/ }).click();
    const record = page.locator('li[data-kind="inspection"]');
    await expect.poll(() => record.getByTestId('document-check').textContent()).toBe('✓ 文件与记录一致');
    const link = record.getByRole('link', { name: '农残检测报告' });
    const answer = await page.request.get(`${server.url}${await link.getAttribute('href')}`);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    expect(Buffer.from(await answer.body()).equals(report)).toBe(true);
    await expect.poll(() => page.getByTestId('trace-verification').textContent()).toContain('校验通过');
    await page.screenshot({ path: '.test-tmp/market-trace-document-phone.png', fullPage: true });
  });
});
