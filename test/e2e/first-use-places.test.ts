import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { launchBrowser, mapCanvas } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

// Places as a new user meets them: maps that read without hover or internet, one name for a place on every page in
// English, the data credited, and an Atlas export that goes back in without adding anything twice.
// Each journey runs on the embedded database and, when TEST_DATABASE_URL is set, on PostgreSQL.
const drivers = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres' as const] : [])] as const;

const labelsOf = async (page: Page, testId: string) => ((await page.getByTestId(testId).getAttribute('data-labels')) ?? '').split('|').filter(Boolean);

describe.each(drivers)('first use of places (%s)', (driver) => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  let db: TestDatabase | undefined;
  /** Every address the pages asked for that is not the server's own. */
  const offsite: string[] = [];

  beforeAll(async () => {
    db = driver === 'postgres' ? await freshDatabase('postgres', 1) : undefined;
    [server, browser] = await Promise.all([startServerProcess({ timeoutMs: 240_000, ...(db && { env: { DATABASE_URL: db.url! } }) }), launchBrowser()]);
    page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) offsite.push(url);
    });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.dispose();
  });

  /** Opens a page in Chinese, whatever language an earlier journey left chosen. */
  async function openInChinese(path: string) {
    await page.goto(`${server.url}${path}`);
    await page.evaluate(() => localStorage.setItem('terrace.lang', 'zh-CN'));
    await page.reload();
  }

  async function signIn(username: string) {
    await browser.clearCookies();
    await openInChinese('/login');
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('.whoami').waitFor();
  }

  it('the county map names its villages without hover, over shaded relief, credits its data and asks for nothing off the server', async () => {
    await page.goto(server.url);
    await page.getByTestId('village-map').locator('canvas').waitFor();
    await expect.poll(() => labelsOf(page, 'village-map'), { timeout: 30_000 }).not.toEqual([]);
    const county = await (await page.request.get(`${server.url}/api/v1/county`)).json();
    const villages = new Set(county.townships.flatMap((t: { villages: { nameZh: string }[] }) => t.villages.map((v) => v.nameZh)));
    for (const label of await labelsOf(page, 'village-map')) expect(villages).toContain(label);
    await expect.poll(async () => (await mapCanvas(page, 'village-map')).colours).toBeGreaterThan(200);
    expect(await page.getByTestId('map-key').textContent()).toContain('地形：SRTM（NASA/USGS）');
    await page.screenshot({ path: '.test-tmp/first-use-county-map-zh.png' });

    // A village's own map, zoomed in: its label is there, hover or not.
    const yang = county.townships.flatMap((t: { villages: { id: string; nameZh: string }[] }) => t.villages).find((v: { nameZh: string }) => v.nameZh === '杨家堂村');
    await page.goto(`${server.url}/atlas/villages/${yang.id}`);
    await expect.poll(() => labelsOf(page, 'atlas-map'), { timeout: 30_000 }).toContain('杨家堂村');
    expect(offsite).toEqual([]);
  });

  it('the about page, from the footer, credits the data sources and their terms', async () => {
    await page.goto(server.url);
    await page.locator('footer').getByRole('link', { name: '关于' }).click();
    await page.waitForURL(`${server.url}/about`);
    const about = page.getByTestId('about');
    await expect.poll(() => about.getByRole('heading', { level: 2 }).textContent()).toBe('数据来源');
    expect(await about.textContent()).toContain('未声明许可证');
    expect(await about.getByRole('link', { name: '来源' }).first().getAttribute('href')).toBe('https://github.com/Flipped-cloud/ancient-buildings');
    await page.screenshot({ path: '.test-tmp/first-use-about-zh.png', fullPage: true });
  });

  it('in English a place has one name everywhere: the county list, its Atlas page, its map label and the selects', async () => {
    await signIn('admin');
    await page.goto(server.url);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Yangjiatang Village', exact: true }).count()).toBe(1);
    await expect.poll(() => labelsOf(page, 'village-map'), { timeout: 30_000 }).not.toEqual([]);
    for (const label of await labelsOf(page, 'village-map')) expect(label).toMatch(/^[A-Z][a-z']+ Village$/);
    // 赤寿乡 is one township (the source list also spelled it 赤寿镇).
    expect(await page.getByRole('region', { name: /^Chishou Township/ }).count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/first-use-county-en.png' });

    await page.getByRole('link', { name: 'Yangjiatang Village', exact: true }).click();
    await page.goto(page.url().replace(/\/units\//, '/atlas/villages/'));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Yangjiatang Village/);
    await expect.poll(() => labelsOf(page, 'atlas-map'), { timeout: 30_000 }).toContain('Yangjiatang Village');
    expect(await page.locator('main').textContent()).toContain('Sandou Township');
    await expect.poll(() => page.getByTestId('village-inns').getByRole('link').allTextContents()).toEqual(['Yangjiatanglaowuminsu']);
    await page.screenshot({ path: '.test-tmp/first-use-atlas-village-en.png', fullPage: true });

    await page.goto(`${server.url}/admin/organizations`);
    const option = page.locator('select option', { hasText: 'Yangjiatang Village' });
    await expect.poll(() => option.count()).toBe(1);
    expect(await page.locator('select option', { hasText: '杨家堂村' }).count()).toBe(0);
    await page.screenshot({ path: '.test-tmp/first-use-orgs-en.png' });

    await page.goto(`${server.url}/about`);
    await expect.poll(() => page.getByTestId('about').getByRole('heading', { level: 1 }).textContent()).toBe('About Terrace');
    await page.screenshot({ path: '.test-tmp/first-use-about-en.png', fullPage: true });
  });

  it("a village's page shows its inns, products, live sessions and projects, in villages of different townships", async () => {
    const county = await (await page.request.get(`${server.url}/api/v1/county`)).json();
    const idOf = (name: string) => county.townships.flatMap((t: { villages: { id: string; nameZh: string }[] }) => t.villages).find((v: { nameZh: string }) => v.nameZh === name).id;
    const section = (key: string) => page.getByTestId(`village-${key}`);
    await openInChinese(`/atlas/villages/${idOf('杨家堂村')}`);
    await expect.poll(() => section('inns').getByRole('link').allTextContents()).toEqual(['杨家堂老屋民宿']);
    await expect.poll(() => section('products').getByRole('link').allTextContents()).toEqual(['松阳银猴 特级 明前', '松阳香茶 一级 雨前', '竹编茶叶罐']);
    await expect.poll(() => section('live').getByRole('link').allTextContents()).toEqual(['杨家堂茶园直播：明前银猴开采（演示）']);
    await expect.poll(() => section('projects').getByRole('link').allTextContents()).toContain('银猴茶工坊');
    await page.getByTestId('village-life').screenshot({ path: '.test-tmp/first-use-village-life.png' });

    // 四都乡 and 古市镇: an inn in one, a producer in the other.
    await page.goto(`${server.url}/atlas/villages/${idOf('陈家铺村')}`);
    await expect.poll(() => section('inns').getByRole('link').allTextContents()).toEqual(['陈家铺崖居民宿']);
    expect(await section('products').textContent()).toContain('暂无');
    await page.goto(`${server.url}/atlas/villages/${idOf('山下阳村')}`);
    await expect.poll(() => section('products').getByRole('link').allTextContents()).toEqual(['松阳端午茶 草本拼配']);
    await section('products').getByRole('link').click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('松阳端午茶 草本拼配');
  });

  it('an Atlas export imported again adds nothing: the check and the import both say every building is unchanged', async () => {
    await signIn('admin');
    await page.goto(`${server.url}/atlas`);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: '导出 XLSX' }).click();
    const file = await (await download).path();
    const exported = fs.statSync(file).size;
    expect(exported).toBeGreaterThan(0);
    const total = async () => Number(await page.getByTestId('atlas-map').getAttribute('data-buildings'));
    await expect.poll(total, { timeout: 30_000 }).toBeGreaterThan(0);
    const before = await total();

    await page.getByRole('link', { name: '批量导入' }).click();
    await page.locator('input[type=file]').setInputFiles({ name: 'buildings.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: fs.readFileSync(file) });
    expect(await page.getByLabel('文件格式').inputValue()).toBe('xlsx');
    await page.getByLabel('只检查，不导入').check();
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`预检通过（尚未写入）：将新增 0 座，更新 0 座，${before} 座未变`);

    await page.getByLabel('只检查，不导入').uncheck();
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`已导入：新增 0 座，更新 0 座，${before} 座未变`);

    await page.goto(`${server.url}/atlas`);
    await expect.poll(total, { timeout: 30_000 }).toBe(before);
  });
});
