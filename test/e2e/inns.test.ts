import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/http.ts';
import { browserJourney } from './support/journey.ts';
import type { ServerProcess } from './support/server.ts';

const shanghaiToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const addDays = (s: string, n: number) => new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('inns in the browser', () => {
  const journey = browserJourney();
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  // Nights that start the day after tomorrow in Songyang, so the host calendar (today + 13 days) shows them.
  const checkIn = addDays(shanghaiToday(), 2);
  const checkOut = addDays(checkIn, 2);

  beforeAll(() => void ({ server, browser, page } = journey));

  const signIn = journey.signIn;

  async function searchYangjiatang() {
    await page.goto(`${server.url}/inns`);
    await page.getByLabel('村落').selectOption({ label: '杨家堂村' });
    await page.getByLabel('入住日期').fill(checkIn);
    await page.getByLabel('退房日期').fill(checkOut);
    await page.getByLabel('人数').fill('2');
    await page.getByRole('button', { name: '查找空房' }).click();
    await page.getByText(/家民宿有空房/).waitFor();
  }

  it('a visitor finds a room in a village, books and pays in the sandbox, and sees the booking', async () => {
    await signIn('buyer');
    await searchYangjiatang();
    const rooms = page.getByTestId('room-result');
    await expect.poll(() => rooms.count()).toBe(3); // 望山, 听雨, 晒秋 sleep two; 茶间 sleeps one
    await expect.poll(() => page.getByRole('link', { name: '杨家堂老屋民宿' }).count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/inns-search-phone.png', fullPage: true });
    await page.getByRole('button', { name: '预订 望山' }).click();
    // The Market's sandbox payment page.
    await page.waitForURL(/\/market\/pay\//);
    await expect.poll(() => page.getByTestId('pay-amount').textContent()).toMatch(/^¥\d/);
    await page.screenshot({ path: '.test-tmp/inns-pay-phone.png', fullPage: true });
    await page.getByRole('button', { name: /确认支付/ }).click();
    await page.getByText('支付成功').waitFor();
    await page.getByRole('link', { name: /返回/ }).click();
    await page.waitForURL(/\/inns\/bookings/);
    const booking = page.getByTestId('my-booking').filter({ hasText: '望山' });
    await expect.poll(() => booking.textContent()).toContain('已确认');
    expect(await booking.textContent()).toContain(`${checkIn} → ${checkOut}`);
    await page.screenshot({ path: '.test-tmp/inns-bookings-phone.png', fullPage: true });
  });

  it('the innkeeper sees the booking in the calendar and the charts', async () => {
    await signIn('innkeeper');
    await page.goto(`${server.url}/inns/host`);
    const calendar = page.getByTestId('host-calendar');
    await calendar.waitFor();
    const row = calendar.locator('tr', { hasText: '望山' });
    await expect.poll(() => row.locator('td.status-confirmed').count()).toBe(2);
    const listed = page.getByTestId('host-booking').filter({ hasText: '望山' });
    await expect.poll(() => listed.textContent()).toContain('城市买家（演示）');
    expect(await listed.textContent()).toContain(`${checkIn} → ${checkOut}`);
    await expect.poll(() => page.getByTestId('inn-chart').getAttribute('data-rendered')).toBe('true');
    await page.screenshot({ path: '.test-tmp/inns-host-phone.png', fullPage: true });
  });

  it('a second visitor cannot book the same nights', async () => {
    const register = await fetch(`${server.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'second_visitor', password: 'second-visitor-pw', displayName: '第二位游客' }),
    });
    expect(register.status).toBe(201);
    await signIn('second_visitor', 'second-visitor-pw');
    await searchYangjiatang();
    await expect.poll(() => page.getByTestId('room-result').count()).toBe(2);
    expect(await page.getByRole('button', { name: '预订 望山' }).count()).toBe(0);
    // Nor through the API, for any overlapping night.
    const second = await apiSession(server.url, 'second_visitor', 'second-visitor-pw');
    const inns = (await second('GET', '/inns')).body as { id: string }[];
    const inn = (await second('GET', `/inns/${inns[0].id}`)).body as { rooms: { id: string; name: string }[] };
    const room = inn.rooms.find((r) => r.name === '望山')!;
    const res = await second('POST', '/inns/bookings', { roomId: room.id, checkIn: addDays(checkIn, 1), checkOut: addDays(checkOut, 1), guests: 2 });
    expect(res.status).toBe(409);
    expect((res.body as { code: string }).code).toBe('room_unavailable');
  });

  it('shows an inn with the story and Atlas record of its house, in English too', async () => {
    await page.goto(`${server.url}/inns`);
    await page.getByRole('link', { name: '杨家堂老屋民宿' }).click();
    await page.getByRole('heading', { name: '修缮之前' }).waitFor();
    await expect.poll(() => page.getByText('夯土老屋').count()).toBeGreaterThan(0);
    // The house's record comes from the Atlas.
    await expect.poll(() => page.getByTestId('house-record').textContent()).toContain('杨家堂夯土民居群');
    await page.screenshot({ path: '.test-tmp/inns-inn-phone.png', fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Before restoration' }).waitFor();
    await expect.poll(() => page.getByText('Cancellation policy').count()).toBe(1);
    await page.getByRole('button', { name: '中文' }).click();
  });
});
