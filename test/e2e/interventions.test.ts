import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser } from './support/browser.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';

describe('gentle interventions in the browser', () => {
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  let proposalUrl = '';

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
  });

  async function signIn(username: string) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.whoami').waitFor();
  }
  const status = () => page.getByTestId('status').textContent();

  it('lets a resident propose, shows the heritage-rule feedback in plain words, and submits once it passes', async () => {
    await signIn('resident');
    await page.goto(`${server.url}/interventions/new`);
    await page.getByLabel('项目名称').fill('黄家大院修缮为村史馆');
    await page.getByLabel('类型').selectOption('reuse_museum');
    await page.getByLabel('建筑名称（可不填）').fill('黄家大院');
    await page.getByLabel('保护等级').selectOption('county');
    await page.getByLabel('现高度（米）').fill('8.5');
    await page.getByLabel('现体量（立方米）').fill('1800');
    await page.getByLabel('拆除受保护的构件').check();
    await page.getByLabel('夯土', { exact: true }).check();
    await page.getByLabel('木材', { exact: true }).check();
    await page.getByLabel('其他材料（用逗号分隔）').fill('玻璃幕墙');
    await page.getByLabel('估算造价（元）').fill('1200000');
    await page.getByLabel('县级财政').fill('600000');
    await page.getByLabel('省级补助').fill('400000');
    await page.getByLabel('村集体').fill('200000');
    await page.getByLabel('就业岗位').fill('4');
    await page.getByLabel('年游客量').fill('6000');
    await page.getByLabel('文化价值（0–10）').fill('9');
    await page.getByRole('button', { name: '保存草稿' }).click();

    await expect.poll(status).toBe('草稿');
    const rules = page.getByRole('region', { name: '“微改造”规则检查' });
    await expect.poll(() => rules.locator('li.fail').allTextContents()).toEqual([
      '✗ 不能拆除受保护建筑（黄家大院）的构件。',
      '✗ 黄家大院 是受保护建筑，需要附上保护修缮方案。',
      '✗ 这些材料与传统风貌不协调：玻璃幕墙。',
    ]);
    expect(await rules.locator('li.pass').allTextContents()).toContain('✓ 高度变化 0 米，在“县级文物保护单位”允许的 0.5 米以内。');
    expect(await page.getByRole('button', { name: '提交' }).count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/interventions-rules-phone.png', fullPage: true });

    await page.getByRole('link', { name: '修改' }).click();
    await page.getByLabel('拆除受保护的构件').uncheck();
    await page.getByLabel('其他材料（用逗号分隔）').fill('');
    await page.getByLabel('保护修缮方案（文件链接）').fill('https://example.org/huang-plan.pdf');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(() => rules.locator('p').first().textContent()).toBe('全部通过');
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(status).toBe('已提交');
    proposalUrl = page.url();
    expect(proposalUrl).toMatch(/\/interventions\/p\/[0-9a-f-]{36}$/);
  });

  it('takes a target building and its protection level from the Atlas', async () => {
    await signIn('resident');
    await page.goto(`${server.url}/interventions/new`);
    await page.getByLabel('从村落图谱选择建筑').selectOption({ label: '宋氏宗祠' });
    expect(await page.getByLabel('建筑名称（可不填）').inputValue()).toBe('宋氏宗祠');
    expect(await page.getByLabel('保护等级').inputValue()).toBe('provincial');
  });

  it('has the village, the township and the county approve in turn, each told by the bell', async () => {
    for (const [user, after] of [
      ['village', '村级已批准'],
      ['town', '乡镇已审核'],
      ['admin', '县级已批准'],
    ] as const) {
      await browser.clearCookies();
      await signIn(user);
      await page.goto(`${server.url}/interventions`);
      await expect.poll(() => page.getByTestId('unread').textContent()).toBe('1');
      await page.getByRole('button', { name: /通知/ }).click();
      await page.getByRole('dialog', { name: '通知' }).getByRole('link').first().click();
      await expect.poll(() => page.url()).toBe(proposalUrl);
      await page.getByLabel('意见（可选）').fill(`${user} 同意`);
      if (user === 'village') await page.screenshot({ path: '.test-tmp/interventions-approve-phone.png', fullPage: true });
      await page.getByRole('button', { name: '批准', exact: true }).click();
      await expect.poll(status).toBe(after);
    }
    expect(await page.locator('.iv-timeline li').count()).toBe(4);
  });

  it('shows the approved project on the public page with its timeline, to anyone', async () => {
    await page.goto(`${server.url}/interventions/public`);
    const card = page.getByTestId('public-project').filter({ hasText: '黄家大院修缮为村史馆' });
    await expect.poll(() => card.locator('.tag').first().textContent()).toBe('县级已批准');
    await card.locator('summary').click();
    await expect.poll(() => card.locator('.iv-timeline li').count()).toBe(4);
    expect(await card.textContent()).toContain('village 同意');
    await page.screenshot({ path: '.test-tmp/interventions-public-phone.png', fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Approved projects');
    expect(await card.locator('.tag').first().textContent()).toBe('Approved by the county');
    await page.screenshot({ path: '.test-tmp/interventions-public-phone-en.png', fullPage: true });
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('公示项目');
  });
  it('lets the county admin run a budget round and see the optimal selection beside the greedy one', async () => {
    await signIn('admin');
    await page.goto(`${server.url}/interventions/rounds`);
    await expect.poll(() => page.getByText(/候选项目 \d+ 个/).textContent()).toMatch(/候选项目 [2-9] 个/);
    await page.getByLabel('轮次名称').fill('2026 年第一轮');
    await page.getByLabel('总预算（元）').fill('2000000');
    await page.getByLabel('每项成效至少涉及的项目数 文化价值（0–10）').fill('1');
    await page.getByRole('button', { name: '求解' }).click();
    const optimal = page.getByTestId('optimal');
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 30_000 }).toMatch(/^已证明最优/);
    expect(await optimal.getByRole('heading').textContent()).toBe('最优组合');
    expect(await page.getByTestId('greedy').getByRole('heading').textContent()).toBe('贪心（成效/造价）');
    expect(await optimal.locator('li').count()).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: '如果预算变化' }).count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/interventions-round-phone.png', fullPage: true });
    await page.getByRole('button', { name: '按最优组合拨款' }).click();
    await expect.poll(() => page.getByText(/已为 \d+ 个项目拨款/).count()).toBe(1);
  });

  it('shows the execution dashboard with budget against spend and the delays flagged', async () => {
    await signIn('town');
    await page.goto(`${server.url}/interventions/dashboard`);
    await expect.poll(() => page.locator('.iv-chart').getAttribute('data-rendered'), { timeout: 20_000 }).toBe('true');
    const tea = page.locator('.iv-row', { hasText: '银猴茶工坊' });
    await expect.poll(() => tea.locator('.tag.warn').allTextContents()).toContain('节点逾期');
    await page.screenshot({ path: '.test-tmp/interventions-dashboard-phone.png', fullPage: true });
  });

  /** A draft of the signed-in resident, through the API as the page itself would send it. */
  async function draftThroughApi(heightChangeM: number) {
    return page.evaluate(async (height) => {
      const me = await (await fetch('/api/v1/me')).json();
      const tree = await (await fetch('/api/v1/county')).json();
      const village = tree.townships.flatMap((t: { villages: { id: string; nameZh: string }[] }) => t.villages).find((v: { nameZh: string }) => v.nameZh === '杨家堂村');
      const res = await fetch('/api/v1/interventions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({
          villageId: village.id,
          title: '宋家老屋屋面修缮',
          type: 'restoration',
          buildings: [{ name: '宋家老屋', protectionLevel: 'county', heightM: 7, volumeM3: 900 }],
          changes: { demolishesProtectedElements: false, heightChangeM: height, volumeChangePct: 0, materials: ['timber', 'grey_tile'] },
          conservationPlanUrl: 'https://example.org/song-plan.pdf',
          costFen: 30_000_000,
          funding: { county: 30_000_000, provincial: 0, village: 0, private: 0 },
          durationMonths: 4,
          outcomes: { jobs: 1, returningResidents: 0, visitorsPerYear: 0, incomeFen: 0, culturalValue: 6, ecologicalEffect: 1 },
        }),
      });
      return ((await res.json()) as { id: string }).id;
    }, heightChangeM);
  }
  let draftId = '';

  it('lets the proposer attach a photo to a draft and see it', async () => {
    await signIn('resident');
    draftId = await draftThroughApi(0.4);
    await page.goto(`${server.url}/interventions/p/${draftId}`);
    const files = page.locator('.iv-files-card');
    await expect.poll(() => files.getByRole('heading').first().textContent()).toBe('图纸与照片');
    expect(await files.getByText('还没有上传图纸或照片').count()).toBe(1);
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8a6d4b' } }).jpeg().toBuffer();
    await files.getByLabel(/选择文件/).setInputFiles({ name: 'laowu.jpg', mimeType: 'image/jpeg', buffer: photo });
    await files.getByLabel('说明（可选）').fill('老屋现状');
    await files.getByRole('button', { name: '上传' }).click();
    const tile = files.getByTestId('iv-file');
    await expect.poll(() => tile.count()).toBe(1);
    expect(await tile.locator('figcaption').textContent()).toContain('老屋现状');
    const img = tile.locator('img');
    expect(await img.getAttribute('alt')).toBe('老屋现状');
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(320);
    await page.screenshot({ path: '.test-tmp/interventions-photo-phone.png', fullPage: true });
  });

  it('lets the county admin change a rule parameter on the page, and the draft’s feedback follows', async () => {
    await signIn('resident');
    await page.goto(`${server.url}/interventions/p/${draftId}`);
    const height = () => page.locator('li[data-rule="height"]');
    await expect.poll(() => height().getAttribute('class')).toBe('pass');

    await browser.clearCookies();
    page = await browser.newPage();
    await signIn('admin');
    await page.goto(`${server.url}/interventions`);
    await page.getByRole('link', { name: '规则参数' }).click();
    const field = page.getByLabel('最多加高（米） · 县级文物保护单位');
    await expect.poll(() => field.inputValue()).toBe('0.5');
    await field.fill('0.2');
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.locator('.iv-rule-params [role=status]').textContent()).toBe('已保存');

    await browser.clearCookies();
    page = await browser.newPage();
    await signIn('resident');
    await page.goto(`${server.url}/interventions/p/${draftId}`);
    await expect.poll(() => height().getAttribute('class')).toBe('fail');
    expect(await height().textContent()).toContain('超过“县级文物保护单位”允许的 0.2 米');
  });

  it('takes before and after photos from the village at completion, and the town’s evaluation per pillar against the expected', async () => {
    await signIn('village');
    await page.goto(`${server.url}/interventions`);
    await page.getByRole('link', { name: '银猴茶工坊' }).click();
    await expect.poll(status).toBe('实施中');
    const files = page.locator('.iv-files-card');
    for (const [phase, colour] of [['before', '#6b5a40'], ['after', '#c9b48a']] as const) {
      const photo = await sharp({ create: { width: 200, height: 150, channels: 3, background: colour } }).png().toBuffer();
      await files.getByLabel(/选择文件/).setInputFiles({ name: `${phase}.png`, mimeType: 'image/png', buffer: photo });
      await files.locator('select[name=phase]').selectOption(phase);
      await files.getByRole('button', { name: '上传' }).click();
      await expect.poll(() => files.locator(`[data-phase="${phase}"]`).count()).toBe(1);
    }
    expect(await files.locator('.iv-before-after h3').allTextContents()).toEqual(['改造前', '改造后']);
    await page.getByRole('button', { name: '完工' }).click();
    await expect.poll(status).toBe('已完工');

    await browser.clearCookies();
    page = await browser.newPage();
    await signIn('town');
    await page.goto(`${server.url}/interventions`);
    await page.getByRole('link', { name: '银猴茶工坊' }).click();
    await expect.poll(status).toBe('已完工');
    const actual = { 就业岗位: '10', 返乡人数: '2', 年游客量: '3000', '年收入（元）': '550000', '文化价值（0–10）': '6', '生态效益（0–10）': '2' };
    for (const [pillar, value] of Object.entries(actual)) await page.getByLabel(`实际 · ${pillar}`).fill(value);
    await page.getByLabel('评估结论').fill('就业超出预期，收入略低。');
    await page.getByRole('button', { name: '提交评估' }).click();
    await expect.poll(status).toBe('已评估');
    const table = page.getByTestId('outcome-comparison');
    expect(await table.locator('tr', { hasText: '就业岗位' }).locator('td').allTextContents()).toEqual(['就业岗位', '8', '10']);
    expect(await table.locator('tr', { hasText: '年收入' }).locator('td').allTextContents()).toEqual(['年收入（元）', '¥600,000.00', '¥550,000.00']);
    await page.screenshot({ path: '.test-tmp/interventions-evaluated-phone.png', fullPage: true });
  });

  it('lets an official hide a comment with the reason typed inline, with no browser dialog', async () => {
    await signIn('resident');
    await page.goto(proposalUrl);
    await page.getByLabel('发表意见').fill('欢迎来我家店里买茶叶，电话 138');
    await page.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => page.locator('.iv-comment').count()).toBe(1);

    await browser.clearCookies();
    page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await signIn('village');
    await page.goto(proposalUrl);
    const comment = page.locator('.iv-comment').first();
    await comment.getByRole('button', { name: '隐藏' }).click();
    await comment.getByLabel('隐藏理由').fill('广告');
    await comment.getByRole('button', { name: '确认隐藏' }).click();
    await expect.poll(() => comment.locator('.tag.warn').textContent()).toBe('该留言已被隐藏：广告');
    expect(await comment.getByLabel('隐藏理由').count()).toBe(0);
    expect(dialogs).toBe(0);
  });
});
