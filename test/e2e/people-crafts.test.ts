import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserJourney, poll } from './support/journey.ts';
import type { ServerProcess } from './support/server.ts';

describe('apprenticeship details, workshops and enrolment by phone in the browser', () => {
  let gateway: http.Server;
  const texts: { to: string; params: { code: string } }[] = [];

  beforeAll(async () => {
    // The county's SMS gateway: what the server sends to it is what the person's phone would show.
    gateway = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        texts.push(JSON.parse(body));
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => gateway?.close(resolve)));
  const journey = browserJourney({ env: () => ({ SMS_GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms` }) });
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  beforeAll(() => void ({ server, browser, page } = journey));
  const signIn = journey.signIn;

  it('the master’s side adds a photo to a session and records a milestone', async () => {
    await signIn('village');
    await page.goto(`${server.url}/people`);
    await page.getByRole('link', { name: '工作室 宋建国' }).click();
    const pupil = page.getByTestId('apprentice').filter({ hasText: '宋小军' });
    await poll(() => pupil.getByTestId('milestones').textContent()).toContain('劈篾');
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#a07d45' } }).jpeg().toBuffer();
    await pupil.getByLabel('给 2026-10-10 添加照片').setInputFiles({ name: 'session.jpg', mimeType: 'image/jpeg', buffer: photo });
    const img = pupil.getByRole('img', { name: '2026-10-10 学艺照片' });
    await poll(() => img.count()).toBe(1);
    await poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    const form = pupil.getByRole('form', { name: '记录 宋小军 掌握的技能' });
    await form.getByLabel('掌握的技能').fill('编茶篓');
    await form.getByRole('button', { name: '记录技能节点' }).click();
    await poll(() => pupil.getByTestId('milestones').textContent()).toContain('编茶篓');
    await page.screenshot({ path: '.test-tmp/people-workshop-details-phone.png', fullPage: true });
  });

  it('a visitor books seats at a master’s workshop; the master sees the booking', async () => {
    await signIn('buyer');
    await page.goto(`${server.url}/people`);
    // The demo's tea master links to the craft as the heritage atlas documents it.
    const inAtlas = page.getByRole('link', { name: '遗产名录：松阳银猴茶制作技艺' });
    await poll(() => inAtlas.count()).toBe(1);
    expect(await inAtlas.getAttribute('href')).toMatch(/^\/atlas\/villages\/[0-9a-f-]{36}$/);
    const card = page.getByTestId('experience').filter({ hasText: '竹编茶杯垫体验课' });
    await poll(() => card.textContent()).toContain('剩 8 个名额');
    expect(await card.textContent()).toContain('每位 ¥80，到场付');
    await card.getByLabel('人数').fill('2');
    await card.getByLabel('称呼').fill('上海的王女士');
    await card.getByRole('button', { name: '预约' }).click();
    await poll(() => card.textContent()).toContain('已预约 2 位');
    expect(await card.textContent()).toContain('剩 6 个名额');
    await page.screenshot({ path: '.test-tmp/people-experiences-phone.png', fullPage: true });

    await signIn('village');
    await page.goto(`${server.url}/people`);
    await page.getByRole('link', { name: '工作室 宋建国' }).click();
    await poll(() => page.getByTestId('master-workshop').filter({ hasText: '竹编茶杯垫体验课' }).textContent()).toContain('上海的王女士×2');
  });

  it('someone on the register enrols with their phone number alone and sees their record', async () => {
    await browser.clearCookies();
    await page.goto(`${server.url}/register`);
    await page.getByLabel('用户名', { exact: true }).fill('yemeilan');
    await page.getByLabel('显示名称', { exact: true }).fill('叶美兰');
    await page.getByLabel('密码', { exact: true }).fill('a-long-password');
    await page.getByRole('button', { name: '注册并登录' }).click();
    await page.locator('.whoami').waitFor();
    await page.goto(`${server.url}/people`);
    const byPhone = page.getByRole('form', { name: '或者用手机号绑定' });
    await byPhone.getByLabel('手机号').fill('139 0578 9870');
    await byPhone.getByRole('button', { name: '发送验证码' }).click();
    await poll(() => texts.length).toBe(1);
    expect(texts[0].to).toBe('13905789870');
    const confirm = page.getByRole('form', { name: '验证并绑定' });
    await confirm.getByLabel('短信验证码').fill(texts[0].params.code);
    await page.screenshot({ path: '.test-tmp/people-enrol-phone.png', fullPage: true });
    await confirm.getByRole('button', { name: '验证并绑定' }).click();
    await poll(() => page.getByTestId('my-record').textContent()).toContain('叶美兰');
    expect(await page.getByTestId('my-record').textContent()).toContain('外出务工');
    await poll(() => page.getByText('你已是本村认证村民').count()).toBe(1);
  });
});
