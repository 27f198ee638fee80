import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser, mapPixels } from './support/browser.ts';
import { SCALE } from '../../src/web/pages/indicators/shared.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe('indicators in the browser (phone width)', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  const thisYear = new Date().getUTCFullYear();

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(username: string) {
    await browser.clearCookies();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.whoami').waitFor();
  }

  const scoreOf = async () => Number((await page.getByTestId('village-score').textContent())!.split(':').at(-1)!.trim());

  it('the county admin sees the charts, the map and the ranking, enters an observation, recomputes and sees the index change', async () => {
    await signIn('admin');
    await page.goto(`${server.url}/indicators`);
    await page.getByRole('heading', { name: '乡村振兴指标' }).waitFor();
    await expect.poll(() => page.getByTestId('pillar-chart').getAttribute('data-rendered')).toBe('true');
    await expect.poll(() => page.getByTestId('trend-chart').getAttribute('data-rendered')).toBe('true');
    await expect.poll(() => page.getByTestId('township-chart').getAttribute('data-rendered')).toBe('true');
    await expect.poll(() => page.getByTestId('index-map').getAttribute('data-rendered'), { timeout: 20_000 }).toBe('true');
    // The map draws the villages in the index's colours, from the low to the high end of the scale.
    const drawn = async () => (await Promise.all(SCALE.map((c) => mapPixels(page, 'index-map', c)))).filter((n) => n > 0).length;
    await expect.poll(drawn).toBe(SCALE.length);
    const ranking = page.getByTestId('ranking').locator('li');
    await expect.poll(() => ranking.count()).toBeGreaterThan(50);
    expect(await ranking.first().locator('.ind-rank').textContent()).toBe('1');
    expect(await page.getByTestId('county-average').textContent()).toMatch(/全县平均指数: \d/);
    await page.screenshot({ path: '.test-tmp/indicators-dashboard-phone.png', fullPage: true });
    for (const [i, part] of ['head', 'charts', 'map'].entries()) await page.locator('section.card').nth(i).screenshot({ path: `.test-tmp/indicators-dashboard-${part}-phone.png` });
    await page.getByTestId('ranking').scrollIntoViewIfNeeded();
    await page.screenshot({ path: '.test-tmp/indicators-ranking-phone.png' });

    // Yangjiatang, from the ranking.
    await page.getByTestId('ranking').getByRole('link', { name: '杨家堂村' }).click();
    await page.getByRole('heading', { name: /杨家堂村/ }).waitFor();
    await expect.poll(() => page.getByTestId('radar-chart').getAttribute('data-rendered')).toBe('true');
    const before = await scoreOf();
    expect(before).toBeGreaterThan(0);
    // Fewer elderly residents than any village (lower is better): the village tops this indicator.
    const elderly = page.getByTestId('indicator-people.elderly');
    await elderly.getByRole('button', { name: '填报 65岁以上人口占比' }).click();
    await elderly.getByLabel('65岁以上人口占比（%）').fill('12.5');
    await elderly.getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存，重新计算后更新指数').waitFor();
    await expect.poll(() => elderly.getByTestId('value').textContent()).toBe('12.5');
    // Entered, not yet in the index.
    expect(await scoreOf()).toBe(before);
    await page.screenshot({ path: '.test-tmp/indicators-village-phone.png', fullPage: true });

    await page.getByRole('link', { name: /返回全县/ }).click();
    await page.getByRole('button', { name: `重新计算 ${thisYear} 年指数` }).click();
    await page.getByText(/已重新计算：\d+ 个村/).waitFor({ timeout: 30_000 });
    await page.getByTestId('ranking').getByRole('link', { name: '杨家堂村' }).click();
    await expect.poll(scoreOf, { timeout: 10_000 }).toBeGreaterThan(before);
    await page.screenshot({ path: '.test-tmp/indicators-village-after-phone.png', fullPage: true });
  });

  it('the county admin sets a village target and adds an indicator to the catalogue', async () => {
    await page.getByRole('link', { name: /返回全县/ }).click();
    await page.getByTestId('ranking').getByRole('link', { name: '杨家堂村' }).click();
    const income = page.getByTestId('indicator-econ.income');
    await income.getByRole('button', { name: '设定目标 人均可支配收入' }).click();
    await income.getByLabel(/人均可支配收入（元）/).fill('50000');
    await income.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => income.textContent()).toMatch(/目标: 50,?000/);

    await page.goto(`${server.url}/indicators`);
    await page.getByRole('link', { name: '指标目录' }).click();
    await page.getByTestId('definition-econ.income').waitFor();
    await page.getByLabel('代码').fill('people.volunteers');
    await page.getByLabel('中文名称').fill('志愿服务人次');
    await page.getByLabel('英文名称').fill('Volunteer services');
    await page.getByLabel('维度').selectOption({ label: '人口' });
    await page.getByLabel('单位').fill('次');
    await page.getByRole('button', { name: '添加' }).click();
    await page.getByTestId('definition-people.volunteers').waitFor();
    expect(await page.getByTestId('definition-people.volunteers').textContent()).toContain('志愿服务人次');
    await page.screenshot({ path: '.test-tmp/indicators-catalogue-phone.png', fullPage: true });
  });

  it('reads in English', async () => {
    await page.goto(`${server.url}/indicators`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Revitalization indicators' }).waitFor();
    await page.getByRole('heading', { name: 'Average by pillar' }).waitFor();
    await expect.poll(() => page.getByTestId('ranking').getByRole('link', { name: 'Yangjiatang' }).count()).toBe(1);
    await page.getByTestId('ranking').getByRole('link', { name: 'Yangjiatang' }).click();
    await page.getByText('Disposable income per head').waitFor();
    await page.screenshot({ path: '.test-tmp/indicators-village-en-phone.png', fullPage: true });
    await page.getByRole('button', { name: '中文' }).click();
  });
});
