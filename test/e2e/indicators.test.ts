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
    [server, browser] = await Promise.all([startServerProcess({ timeoutMs: 300_000 }), launchBrowser()]);
    page = await browser.newPage();
  }, 320_000); // on a loaded shared machine the first start (migrations, demo seed) can take minutes
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
    // A computed figure says where it came from: the Atlas's two assessed buildings, with their ids on request.
    const good = page.getByTestId('indicator-culture.good_buildings');
    expect(await good.getByTestId('value').textContent()).toBe('50');
    expect(await good.getByTestId('provenance').textContent()).toContain('依据遗产名录的 2 条记录');
    await good.getByText('记录编号（2 条）').click();
    expect((await good.locator('.provenance code').textContent())!.split(' ')).toHaveLength(2);
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
    await expect.poll(() => income.textContent(), { timeout: 20_000 }).toMatch(/目标: 50,?000/);

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

  it('a township official imports a village’s figures, enters the township’s own, splits a target; after recomputation the dashboard and the map show the change', async () => {
    await signIn('town');
    // The village's page: where it is on the map, in which colour, before.
    await page.goto(`${server.url}/indicators`);
    await page.getByTestId('ranking').getByRole('link', { name: '杨家堂村' }).click();
    await page.getByRole('heading', { name: /杨家堂村/ }).waitFor();
    const before = await scoreOf();
    await page.getByRole('link', { name: '在地图上查看' }).click();
    const map = page.getByTestId('index-map');
    await expect.poll(() => map.getAttribute('data-rendered'), { timeout: 20_000 }).toBe('true');
    const colourBefore = await map.getAttribute('data-focus-colour');
    expect(colourBefore).not.toBe(SCALE[0]);
    const rankBefore = Number(await page.getByTestId('ranking').locator('li', { hasText: '杨家堂村' }).locator('.ind-rank').textContent());

    // The worst figures on every entered indicator, by import: one wrong row first, refused with its reason, nothing written.
    await page.getByRole('link', { name: '批量导入' }).click();
    await page.getByRole('heading', { name: '批量导入指标数据' }).waitFor();
    const worst = [
      ['econ.income', 0],
      ['econ.collective', 0],
      ['culture.events', 0],
      ['culture.artisans', 0],
      ['eco.forest', 0],
      ['eco.sewage', 0],
      ['people.residents', 0],
      ['people.returnees', 0],
      ['people.elderly', 100],
    ];
    const csv = (rows: (string | number)[][]) => Buffer.from(['code,unit,year,value', ...rows.map((r) => r.join(','))].join('\n'));
    const file = page.getByLabel('文件（CSV 或 XLSX）');
    await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: csv([...worst.map(([c, v]) => [c, '杨家堂村', thisYear, v]), ['eco.sewage', '杨家堂村', thisYear, 140]]) });
    await page.getByRole('button', { name: '上传' }).click();
    await page.getByText('有 1 行有误，未写入任何数据').waitFor();
    expect(await page.getByTestId('import-report').textContent()).toContain('数值超出范围（百分比为 0–100）');
    await file.setInputFiles({ name: 'yjt.csv', mimeType: 'text/csv', buffer: csv(worst.map(([c, v]) => [c, '杨家堂村', thisYear, v])) });
    await page.getByRole('button', { name: '上传' }).click();
    // Nine rows, written unless the village already had that figure (a seeded 0 stays unchanged).
    await page.getByText(/已导入：写入 \d 行，未变 \d 行，跳过 0 行/).waitFor();
    const counts = (await page.getByText(/已导入：/).textContent())!.match(/写入 (\d) 行，未变 (\d) 行/)!;
    expect(Number(counts[1]) + Number(counts[2])).toBe(9);
    expect(Number(counts[1])).toBeGreaterThan(5);
    await page.screenshot({ path: '.test-tmp/indicators-import-phone.png', fullPage: true });

    // The township's own page: the villages' roll-up, its own figure entered, a village target set and lit.
    await page.goto(`${server.url}/indicators`);
    await page.getByTestId('ranking').getByRole('link', { name: '杨家堂村' }).click();
    // The header's user link also names 三都乡 (the township official): the township's link is the page's own.
    await page.locator('main').getByRole('link', { name: /三都乡/ }).first().click();
    await page.getByRole('heading', { name: /三都乡/ }).waitFor();
    const sewage = page.getByTestId('indicator-eco.sewage');
    expect(await sewage.getByTestId('rolled-up').textContent()).toMatch(/各村平均 [\d.]+（\d+\/\d+ 村有数据）/);
    await sewage.getByRole('button', { name: '填报 生活污水处理率' }).click();
    await sewage.getByLabel('生活污水处理率（%）').fill('88');
    await sewage.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => sewage.getByTestId('value').textContent()).toBe('88');
    const cascade = page.getByTestId('cascade-people.returnees');
    await cascade.waitFor();
    // Yangjiatang has no returnee now against its target: first, in red.
    await expect.poll(() => cascade.locator('li').first().textContent()).toContain('杨家堂村');
    expect(await cascade.locator('li').first().locator('[data-light]').getAttribute('data-light')).toBe('red');
    await page.screenshot({ path: '.test-tmp/indicators-township-phone.png', fullPage: true });

    // The county admin recomputes: the dashboard ranks the village lower and the map draws it in the lowest colour.
    await signIn('admin');
    await page.goto(`${server.url}/indicators`);
    await page.getByRole('button', { name: `重新计算 ${thisYear} 年指数` }).click();
    await page.getByText(/已重新计算：\d+ 个村/).waitFor({ timeout: 30_000 });
    await expect.poll(async () => Number(await page.getByTestId('ranking').locator('li', { hasText: '杨家堂村' }).locator('.ind-rank').textContent()), { timeout: 10_000 }).toBeGreaterThan(rankBefore);
    await page.getByTestId('ranking').getByRole('link', { name: '杨家堂村' }).click();
    await expect.poll(scoreOf, { timeout: 10_000 }).toBeLessThan(before);
    await page.getByRole('link', { name: '在地图上查看' }).click();
    await expect.poll(() => map.getAttribute('data-rendered'), { timeout: 20_000 }).toBe('true');
    expect(await map.getAttribute('data-focus-colour')).toBe(SCALE[0]);
    await expect.poll(() => mapPixels(page, 'index-map', SCALE[0])).toBeGreaterThan(0);
    await map.screenshot({ path: '.test-tmp/indicators-map-after-phone.png' });
  }, 180_000);

  it('the county admin reads weights and sensitivity, compares villages, and opens the printable report', async () => {
    await page.goto(`${server.url}/indicators`);
    await page.getByRole('link', { name: '权重与敏感性' }).click();
    await page.getByRole('heading', { name: '权重与敏感性' }).waitFor();
    expect(await page.getByTestId('sensitivity').locator('tbody tr').count()).toBe(4);
    const income = page.getByTestId('weight-econ.income');
    const shareBefore = await income.getByTestId('expert-share').textContent();
    await income.getByRole('spinbutton').fill('4');
    await page.getByRole('button', { name: '保存权重' }).click();
    await expect.poll(() => income.getByTestId('expert-share').textContent()).not.toBe(shareBefore);
    await page.screenshot({ path: '.test-tmp/indicators-weights-phone.png', fullPage: true });

    await page.goto(`${server.url}/indicators`);
    await page.getByRole('link', { name: '村庄对比' }).click();
    await page.getByLabel('添加村庄').selectOption({ label: '杨家堂村' });
    await page.getByLabel('添加村庄').selectOption({ index: 1 });
    await expect.poll(() => page.getByTestId('compare-table').locator('tbody tr').count()).toBe(2);
    await expect.poll(() => page.getByTestId('radar-chart').getAttribute('data-rendered')).toBe('true');
    await page.screenshot({ path: '.test-tmp/indicators-compare-phone.png', fullPage: true });

    await page.goto(`${server.url}/indicators`);
    await page.getByRole('link', { name: '打印报告' }).click();
    await page.getByRole('heading', { name: `${thisYear} 年乡村振兴指标报告` }).waitFor();
    await expect.poll(() => page.getByTestId('report-ranking').locator('tbody tr').count()).toBeGreaterThan(50);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: '打印' }).isVisible()).toBe(false);
    await page.screenshot({ path: '.test-tmp/indicators-report-print.png', fullPage: true });
    await page.emulateMedia({ media: 'screen' });
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
