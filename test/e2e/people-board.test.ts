import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserJourney, poll } from './support/journey.ts';
import type { ServerProcess } from './support/server.ts';

describe('the village notice board in the browser', () => {
  const journey = browserJourney();
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  beforeAll(() => void ({ server, browser, page } = journey));
  const signIn = journey.signIn;

  it('the village official posts a notice and publishes a month of accounts', async () => {
    await signIn('village');
    await page.goto(`${server.url}/people`);
    await page.getByRole('link', { name: '村务公开' }).click();
    // The board opens on the official's own village.
    await poll(() => page.getByTestId('notice').first().textContent()).toContain('关于村道硬化工程招标结果的公示');
    await page.getByText('发布公告').click();
    const form = page.getByRole('form', { name: '发布公告' });
    await form.getByLabel('类别').selectOption({ label: '通知' });
    await form.getByLabel('标题').fill('冬季山林防火通知');
    await form.getByLabel('内容').fill('即日起进入森林防火期，请勿野外用火。');
    await form.getByRole('button', { name: '发布' }).click();
    await poll(() => page.getByTestId('notice').filter({ hasText: '冬季山林防火通知' }).count()).toBe(1);

    // October's draft: add a spending line, remove a wrong one, publish.
    await page.getByRole('link', { name: '2026-10 收支' }).click();
    await page.getByRole('heading', { name: '杨家堂村 · 2026-10 收支' }).waitFor();
    const add = page.getByRole('form', { name: '添加一笔收支' });
    await add.getByLabel('收入或支出').selectOption({ label: '支出' });
    await add.getByLabel('科目').selectOption({ label: '公益支出' });
    await add.getByLabel('事项').fill('购置灭火器 20 具');
    await add.getByLabel('金额（元）').fill('2400');
    await add.getByLabel('日期').fill('2026-10-21');
    await add.getByRole('button', { name: '添加' }).click();
    await poll(() => page.getByTestId('account-entry').filter({ hasText: '购置灭火器 20 具' }).textContent()).toContain('−¥2,400');
    await poll(() => page.locator('.people-totals').textContent()).toContain('结余 ¥17,600');
    await add.getByLabel('事项').fill('误录');
    await add.getByLabel('金额（元）').fill('1');
    await add.getByLabel('日期').fill('2026-10-22');
    await add.getByRole('button', { name: '添加' }).click();
    await page.getByRole('button', { name: '删除“误录”' }).click();
    await poll(() => page.getByTestId('account-entry').filter({ hasText: '误录' }).count()).toBe(0);
    await page.screenshot({ path: '.test-tmp/people-accounts-draft-phone.png', fullPage: true });
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: '公开这一期账目' }).click();
    await poll(() => page.locator('.tag').filter({ hasText: /^\d{4}-\d{2}-\d{2} 公开$/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '公开这一期账目' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: '添加一笔收支' }).count()).toBe(0);
  });

  it('a resident reads the notice and the published accounts on the phone, in Chinese and English', async () => {
    await signIn('resident');
    await page.goto(`${server.url}/people/board`);
    await poll(() => page.getByTestId('notice').filter({ hasText: '冬季山林防火通知' }).textContent()).toContain('即日起进入森林防火期');
    const october = page.getByTestId('account-period').filter({ hasText: '2026-10' });
    await poll(() => october.textContent()).toContain('收入 ¥20,000');
    expect(await october.textContent()).toContain('支出 ¥2,400');
    expect(await october.textContent()).not.toContain('草稿');
    expect(await page.getByRole('button', { name: '发布' }).count()).toBe(0);
    await page.screenshot({ path: '.test-tmp/people-board-phone.png', fullPage: true });
    await page.getByRole('link', { name: '2026-Q3 收支' }).click();
    await poll(() => page.locator('.people-heads').textContent()).toContain('补助收入¥120,000');
    expect(await page.getByTestId('account-entry').filter({ hasText: '村道硬化工程预付款' }).textContent()).toContain('−¥97,800');
    expect(await page.getByRole('button', { name: '添加' }).count()).toBe(0);
    await page.screenshot({ path: '.test-tmp/people-accounts-phone.png', fullPage: true });

    await page.getByRole('button', { name: 'English' }).click();
    await poll(() => page.locator('.people-totals').textContent()).toContain('Balance ¥77,700');
    expect(await page.locator('.people-heads').textContent()).toContain('Subsidies¥120,000');
    await page.screenshot({ path: '.test-tmp/people-accounts-en-phone.png', fullPage: true });
    await page.getByRole('link', { name: /notice board/ }).click();
    await poll(() => page.getByRole('heading', { name: 'Published accounts' }).count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/people-board-en-phone.png', fullPage: true });
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('someone signed out reads the board too, but no draft', async () => {
    await browser.clearCookies();
    const tree = (await (await fetch(`${server.url}/api/v1/county`)).json()) as { townships: { villages: { id: string; nameZh: string }[] }[] };
    const yjt = tree.townships.flatMap((t) => t.villages).find((v) => v.nameZh === '杨家堂村')!;
    await page.goto(`${server.url}/people/board/${yjt.id}`);
    await poll(() => page.getByTestId('notice').first().textContent()).toContain('关于村道硬化工程招标结果的公示');
    await poll(() => page.getByTestId('account-period').count()).toBe(2);
    expect(await page.getByText('草稿（未公开）').count()).toBe(0);
  });
});
