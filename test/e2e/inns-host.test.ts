import sharp from 'sharp';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/http.ts';
import { browserJourney } from './support/journey.ts';
import type { ServerProcess } from './support/server.ts';

const shanghaiToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const addDays = (s: string, n: number) => new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('inns: the innkeeper runs the inn in the browser', () => {
  const journey = browserJourney();
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  let photoPath: string;
  const checkIn = addDays(shanghaiToday(), 3);
  const checkOut = addDays(checkIn, 2);

  beforeAll(async () => {
    ({ server, browser, page } = journey);
    photoPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-inn-photo-')), '正屋.jpg');
    fs.writeFileSync(photoPath, await sharp({ create: { width: 900, height: 600, channels: 3, background: '#a0764a' } }).jpeg().toBuffer());
  });
  afterAll(async () => {
    if (photoPath) fs.rmSync(path.dirname(photoPath), { recursive: true, force: true });
  });

  const signIn = journey.signIn;

  it('the innkeeper uploads a photo and changes a room\'s price; a visitor sees both in search and on the inn page', async () => {
    await signIn('innkeeper');
    await page.goto(`${server.url}/inns/host`);
    await page.getByTestId('host-calendar').waitFor();
    // A photo of the whole inn.
    await page.getByLabel('照片（JPEG、PNG 或 WebP，不超过 10 MB）').setInputFiles(photoPath);
    await page.getByLabel('说明（可空）').fill('修缮后的正屋');
    await page.getByRole('button', { name: '上传照片' }).click();
    await page.getByText('照片已上传').waitFor();
    await expect.poll(() => page.getByTestId('host-photo').count()).toBe(1);
    // 听雨: ¥512 a night, the weekend price removed.
    const tools = page.locator('[data-testid="room-tools"][data-room="听雨"]');
    await tools.locator('summary').click();
    const edit = tools.getByRole('form', { name: '修改客房' });
    await edit.getByLabel('平日价（元/晚）').fill('512');
    await edit.getByLabel('周末价（元/晚，可空）').fill('');
    await edit.getByLabel('床型').fill('两张 1.2 米床（新床垫）');
    await edit.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => tools.locator('summary').textContent()).toContain('¥512');
    await page.screenshot({ path: '.test-tmp/inns-host-photos-phone.png', fullPage: true });

    // A visitor, not signed in.
    await browser.clearCookies();
    await page.goto(`${server.url}/inns`);
    await page.getByLabel('村落').selectOption({ label: '杨家堂村' });
    await page.getByLabel('入住日期').fill(checkIn);
    await page.getByLabel('退房日期').fill(checkOut);
    await page.getByLabel('人数').fill('2');
    await page.getByRole('button', { name: '查找空房' }).click();
    await page.getByText(/家民宿有空房/).waitFor();
    const cover = page.getByTestId('inn-cover');
    await cover.waitFor();
    await expect.poll(() => cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
    const room = page.getByTestId('room-result').filter({ hasText: '听雨' });
    await expect.poll(() => room.textContent()).toContain('¥1024');
    expect(await room.textContent()).toContain('新床垫');
    await page.screenshot({ path: '.test-tmp/inns-search-photo-phone.png', fullPage: true });
    // The inn page shows the photo before the Atlas record of the house.
    await page.getByRole('link', { name: '杨家堂老屋民宿' }).click();
    const photo = page.getByTestId('inn-photo');
    await photo.waitFor();
    expect(await photo.getAttribute('alt')).toBe('修缮后的正屋');
    const before = await page.evaluate(() => {
      const p = document.querySelector('[data-testid="inn-photo"]');
      const h = document.querySelector('[data-testid="house-record"]');
      return !!p && !!h && !!(p.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    expect(before).toBe(true);
  });

  it('the innkeeper of a new inn organization opens the inn from a form, and removes a seasonal rate', async () => {
    const admin = await apiSession(server.url, 'admin');
    const tree = (await admin('GET', '/county')).body as { townships: { villages: { id: string; nameZh: string }[] }[] };
    const village = tree.townships.flatMap((x) => x.villages).find((v) => v.nameZh === '杨家堂村')!;
    const org = await admin('POST', '/organizations', { unitId: village.id, kind: 'inn', name: '杨家堂云栖' });
    expect(org.status).toBe(201);
    const orgId = (org.body as { id: string }).id;
    const user = await admin('POST', '/users', { username: 'new_keeper', displayName: '新店主', password: 'new-keeper-pw-1', grants: [{ role: 'innkeeper', orgId }] });
    expect(user.status).toBe(201);
    await signIn('new_keeper', 'new-keeper-pw-1');
    await page.goto(`${server.url}/inns/host`);
    await page.getByRole('heading', { name: '开设民宿' }).waitFor();
    await page.getByLabel('老屋新生').fill('夯土老屋修缮后开门迎客。');
    await page.getByRole('button', { name: '开设民宿' }).click();
    await page.getByTestId('host-calendar').waitFor();
    await page.getByRole('heading', { name: '杨家堂云栖' }).waitFor();
    // A first room, and a seasonal rate that the innkeeper then removes.
    await page.getByText('添加客房').click();
    const add = page.locator('details', { hasText: '添加客房' }).locator('form');
    await add.getByLabel('名称', { exact: true }).fill('云起');
    await add.getByLabel('平日价（元/晚）').fill('300');
    await add.getByRole('button', { name: '保存' }).click();
    const tools = page.locator('[data-testid="room-tools"][data-room="云起"]');
    await tools.waitFor();
    await tools.locator('summary').click();
    const season = tools.locator('form', { hasText: '季节价' });
    await season.getByLabel('名称（如“国庆”）').fill('国庆');
    await season.getByLabel('从').fill(addDays(shanghaiToday(), 30));
    await season.getByLabel('到（不含）').fill(addDays(shanghaiToday(), 37));
    await season.getByLabel('平日价（元/晚）').fill('600');
    await season.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => tools.getByTestId('seasonal-rate').count()).toBe(1);
    await tools.getByRole('button', { name: '删除季节价 国庆' }).click();
    await expect.poll(() => tools.getByTestId('seasonal-rate').count()).toBe(0);
    await page.screenshot({ path: '.test-tmp/inns-open-phone.png', fullPage: true });
  });
});
