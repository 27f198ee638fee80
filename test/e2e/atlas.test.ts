import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser, mapPixels } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe('the atlas in the browser', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  let yjt: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
    const tree = (await (await fetch(`${server.url}/api/v1/county`)).json()) as { townships: { villages: { id: string; nameZh: string }[] }[] };
    yjt = tree.townships.flatMap((t) => t.villages).find((v) => v.nameZh === '杨家堂村')!.id;
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

  async function signIn(username: string) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.whoami').waitFor();
  }

  it('an official adds a building with a photo, sees it on the map, and a condition assessment appears in the history chart', async () => {
    await signIn('village');
    await page.goto(`${server.url}/atlas/buildings/new?village=${yjt}`);
    await page.getByLabel('名称', { exact: true }).fill('宋家老屋');
    await page.getByLabel(/^类型/).selectOption('dwelling');
    await page.getByLabel('年代', { exact: true }).fill('清晚期');
    await page.getByLabel('经度').fill('119.54415');
    await page.getByLabel('纬度').fill('28.46312');
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#a0522d' } }).jpeg().toBuffer();
    await page.getByLabel(/^照片/).setInputFiles({ name: 'laowu.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByLabel('照片说明').fill('正门');
    await page.getByRole('button', { name: '保存' }).click();

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('宋家老屋');
    const id = page.url().split('/').pop()!;
    const img = page.locator('.photo-strip img');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(480);
    expect(await img.getAttribute('alt')).toBe('正门');
    await page.screenshot({ path: '.test-tmp/atlas-building.png', fullPage: true });

    // a condition assessment, and the chart draws it
    await page.locator('summary', { hasText: '新增评估' }).click();
    await page.getByLabel(/^等级/).selectOption('4');
    await page.getByLabel('评估日期').fill('2025-10-08');
    await page.getByLabel('评估人', { exact: true }).fill('县文保所 李工');
    await page.getByRole('button', { name: '保存评估' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('已记录评估');
    const chart = page.getByTestId('condition-chart');
    await expect.poll(() => chart.getAttribute('data-points')).toBe('1');
    await expect.poll(() => chart.getAttribute('data-rendered')).toBe('true');
    await expect.poll(() => page.locator('table.history tbody tr').first().textContent()).toContain('2025-10-08');
    expect(await page.locator('.condition-badge').first().textContent()).toBe('4 严重损坏');
    await page.screenshot({ path: '.test-tmp/atlas-building-chart.png', fullPage: true });

    // the official corrects a fact
    await page.getByRole('button', { name: '编辑建筑信息' }).click();
    await page.getByLabel(/^现状用途/).selectOption('vacant');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect.poll(() => page.locator('.facts').textContent()).toContain('空置');

    // on the map, zoomed in where it stands
    await page.getByRole('link', { name: '在地图上查看' }).click();
    const map = page.getByTestId('atlas-map');
    await expect.poll(() => map.getAttribute('data-building-ids'), { timeout: 20_000 }).toContain(id);
    // and drawn: the orange of condition 4 on the canvas
    await expect.poll(() => mapPixels(page, 'atlas-map', '#ef6c00'), { timeout: 20_000 }).toBeGreaterThan(20);
    await page.screenshot({ path: '.test-tmp/atlas-map.png' });
  });

  it('an import with a bad row shows the report and imports nothing', async () => {
    await signIn('village');
    await page.goto(`${server.url}/atlas/import`);
    const csv = [
      'village,name,type,lon,lat',
      '杨家堂村,导入甲,dwelling,119.543,28.462',
      '杨家堂村,导入乙,castle,119.544,28.462',
      '杨家堂村,导入丙,well,119.545,95',
    ].join('\n');
    await page.getByLabel('文件', { exact: true }).setInputFiles({ name: 'b.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: '导入' }).click();
    const report = page.locator('.import-report');
    await expect.poll(() => report.locator('.error').textContent()).toBe('2 行有问题（共 3 行），没有导入任何记录');
    expect(await report.locator('tr[data-row="3"]').textContent()).toContain('type');
    expect(await report.locator('tr[data-row="3"]').textContent()).toContain('不是允许的取值');
    expect(await report.locator('tr[data-row="4"]').textContent()).toContain('超出范围');
    await page.screenshot({ path: '.test-tmp/atlas-import.png', fullPage: true });
    const search = (await (await fetch(`${server.url}/api/v1/atlas/search?q=${encodeURIComponent('导入甲')}`)).json()) as { buildings: unknown[] };
    expect(search.buildings).toEqual([]);
  });

  it('an official records living culture held in a building of the village', async () => {
    await signIn('village');
    await page.goto(`${server.url}/atlas/villages/${yjt}`);
    await page.locator('summary', { hasText: '登记活态文化' }).click();
    await page.getByLabel(/^类别/).selectOption('performing_art');
    await page.getByLabel('名称', { exact: true }).fill('松阳高腔');
    await page.getByLabel('冬').check();
    await page.getByLabel('宋氏宗祠').check();
    await page.getByRole('button', { name: '登记活态文化' }).click();
    await expect.poll(() => page.locator('.culture-list').textContent()).toContain('松阳高腔');
    expect(await page.locator('.culture-list li', { hasText: '松阳高腔' }).textContent()).toContain('场所: 宋氏宗祠');
  });

  it('a visitor opens a public village page: story, heritage, living culture and map', async () => {
    await page.goto(`${server.url}/atlas`);
    await page.getByRole('link', { name: '杨家堂村', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('杨家堂村');
    await expect.poll(() => page.locator('.story').textContent()).toContain('金色的布达拉宫');
    expect(await page.locator('.stats').textContent()).toContain('海拔 383 米');
    expect(await page.locator('.building-list').textContent()).toContain('宋氏宗祠');
    expect(await page.locator('.culture-list').textContent()).toContain('杨家堂祭祖');
    expect(await page.getByRole('button', { name: '编辑村落资料' }).count()).toBe(0);
    await page.getByTestId('atlas-map').locator('canvas').waitFor();
    await page.screenshot({ path: '.test-tmp/atlas-village.png', fullPage: true });

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('The village’s story');
    await page.getByRole('button', { name: '中文' }).click();
  });
});
