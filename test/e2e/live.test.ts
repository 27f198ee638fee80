import { spawn, type ChildProcess } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { launchBrowser } from './support/browser.ts';
import { apiSession } from './support/http.ts';
import { startServerProcess, type ServerProcess } from './support/server.ts';
import { ffmpegPath } from '../../src/modules/live/video.ts';

describe('a live session in the browser', () => {
  let server: ServerProcess;
  let buyerBrowser: BrowserContext;
  let viewerBrowser: BrowserContext;
  let buyer: Page;
  let viewer: Page;
  let sessionId: string;
  let encoder: ChildProcess | undefined;

  beforeAll(async () => {
    [server, buyerBrowser, viewerBrowser] = await Promise.all([startServerProcess({ env: { LIVE_RTMP_PORT: '0', LIVE_RTMP_BIND: '127.0.0.1' } }), launchBrowser(), launchBrowser()]);
    [buyer, viewer] = await Promise.all([buyerBrowser.newPage(), viewerBrowser.newPage()]);
    // The demo producer goes live with the seeded session and pins a flash offer of 5.
    const producer = await apiSession(server.url, 'producer');
    const list = await producer('GET', '/live/sessions');
    sessionId = list.body.items.find((s: { title: string }) => s.title.includes('杨家堂茶园直播')).id;
    expect((await producer('POST', `/live/sessions/${sessionId}/start`)).status).toBe(200);
    const host = (await producer('GET', `/live/sessions/${sessionId}/host`)).body;
    const product = host.products[0];
    const offer = await producer('POST', `/live/sessions/${sessionId}/offers`, { productId: product.id, variantId: product.variants[0].id, priceFen: 6800, quota: 5 });
    expect(offer.status).toBe(201);
  });
  afterAll(async () => {
    encoder?.kill('SIGKILL');
    await Promise.all([buyerBrowser?.close(), viewerBrowser?.close()]);
    await server?.stop();
  });

  it('a buyer sees the waiting state, chats with another viewer, and buys the flash offer', async () => {
    await buyer.goto(`${server.url}/login`);
    await buyer.getByLabel('用户名', { exact: true }).fill('buyer');
    await buyer.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await buyer.getByRole('button', { name: '登录' }).click();
    await buyer.locator('.whoami').waitFor();

    // The market page shows the producers' sessions, the live one first.
    await buyer.goto(`${server.url}/market`);
    const onMarket = buyer.getByTestId('market-live').locator('li').first();
    await expect.poll(() => onMarket.textContent(), { timeout: 20_000 }).toContain('直播中');
    await buyer.screenshot({ path: '.test-tmp/live-on-market-phone.png' });
    await onMarket.getByRole('link', { name: /杨家堂茶园直播/ }).click();
    await buyer.waitForURL(`${server.url}/live/${sessionId}`);
    await expect.poll(() => buyer.getByTestId('live-waiting').textContent()).toContain('等待直播信号');
    await viewer.goto(`${server.url}/live/${sessionId}`);
    await expect.poll(() => viewer.getByTestId('live-waiting').textContent()).toContain('等待直播信号');
    const offer = viewer.getByTestId('live-offer');
    await expect.poll(() => offer.textContent()).toContain('剩 5 / 5 件');
    expect(await offer.textContent()).toContain('¥68.00');

    // Markup typed into the chat shows as text on the other viewer's page, without a reload.
    await buyer.getByLabel('说点什么…').fill('<b>明前</b>的银猴还有吗？');
    await buyer.getByRole('button', { name: '发送' }).click();
    const seen = viewer.getByTestId('live-message').filter({ hasText: '<b>明前</b>的银猴还有吗？' });
    await expect.poll(() => seen.count()).toBe(1);
    expect(await seen.textContent()).toContain('城市买家（演示）');
    expect(await viewer.locator('.live-messages b').count()).toBe(0);
    await buyer.screenshot({ path: '.test-tmp/live-session-phone.png', fullPage: true });

    // The claim holds a unit; the buyer gives a delivery address, and the Market order it becomes is paid.
    await buyer.getByRole('button', { name: '立即抢购' }).click();
    await buyer.waitForURL(/\/live\/claims\//);
    await buyer.getByRole('heading', { name: '已抢到，请尽快付款' }).waitFor();
    expect(await buyer.getByTestId('claim').textContent()).toContain('¥68.00');
    const fields: [string, string][] = [['收货人', '张三'], ['手机号', '13800000000'], ['省份', '浙江'], ['城市', '杭州'], ['详细地址', '西湖区文三路 1 号']];
    for (const [label, value] of fields) await buyer.getByLabel(label, { exact: true }).fill(value);
    await buyer.screenshot({ path: '.test-tmp/live-claim-phone.png', fullPage: true });
    await buyer.getByRole('button', { name: /下单并付款/ }).click();
    await buyer.waitForURL(/\/market\/pay\//);
    const shopper = await apiSession(server.url, 'buyer');
    const order = (await shopper('GET', '/market/orders')).body.find((o: { items: { unitPriceFen: number }[] }) => o.items[0].unitPriceFen === 6800);
    expect(order.subtotalFen).toBe(6800);
    await expect.poll(() => buyer.getByTestId('pay-amount').textContent(), { timeout: 20_000 }).toBe(`¥${(order.totalFen / 100).toFixed(2)}`);
    await buyer.getByRole('button', { name: /确认支付/ }).click();
    await buyer.getByText('支付成功').waitFor();
    // Back on the market's page of the order, like any order: paid, to the address given.
    await buyer.getByRole('link', { name: /返回/ }).click();
    await buyer.waitForURL(`${server.url}/market/orders/${order.id}`);
    await expect.poll(() => buyer.locator('.tag.status').first().textContent(), { timeout: 20_000 }).toBe('已付款');
    expect(await buyer.locator('main').textContent()).toContain('张三');
    await buyer.goBack();
    await buyer.goBack();
    await buyer.waitForURL(/\/live\/claims\//);
    await buyer.reload();
    await buyer.getByRole('heading', { name: '抢购成功，已付款' }).waitFor();
    await buyer.getByRole('link', { name: /查看订单/ }).waitFor();
    // The other viewer saw the quota go down as it happened.
    await expect.poll(() => offer.textContent()).toContain('剩 4 / 5 件');
    await viewer.screenshot({ path: '.test-tmp/live-viewer-phone.png', fullPage: true });

    await viewer.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => viewer.getByTestId('live-waiting').textContent()).toContain('Waiting for the stream');
    await expect.poll(() => offer.textContent()).toContain('4 of 5 left');
    await viewer.screenshot({ path: '.test-tmp/live-viewer-phone-en.png', fullPage: true });
  });

  it('the producer deletes a message and pins a new offer from the host page; the viewer sees both at once', async () => {
    await buyerBrowser.clearCookies();
    await buyer.goto(`${server.url}/login`);
    await buyer.getByLabel('用户名', { exact: true }).fill('producer');
    await buyer.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await buyer.getByRole('button', { name: '登录' }).click();
    await buyer.locator('.whoami').waitFor();
    await buyer.goto(`${server.url}/live`);
    await buyer.getByRole('link', { name: '主播后台' }).click();
    await buyer.getByTestId('live-session').getByRole('link', { name: /杨家堂茶园直播/ }).click();
    await buyer.waitForURL(`${server.url}/live/host/${sessionId}`);
    await buyer.getByText('推流设置').click();
    await expect.poll(() => buyer.getByTestId('stream-key').textContent()).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const message = viewer.getByTestId('live-message').filter({ hasText: '<b>明前</b>的银猴还有吗？' });
    await expect.poll(() => message.count()).toBe(1);
    await buyer.getByTestId('live-message').filter({ hasText: '<b>明前</b>的银猴还有吗？' }).getByRole('button', { name: '删除' }).click();
    await expect.poll(() => message.count()).toBe(0);

    // The order of the flash offer is in the producer's orders, like any order.
    await buyer.goto(`${server.url}/market/seller`);
    const sold = buyer.locator('.seller-order').filter({ hasText: '张三' });
    await expect.poll(() => sold.count(), { timeout: 20_000 }).toBe(1);
    expect(await sold.textContent()).toContain('已付款');
    await buyer.goBack();
    await buyer.getByLabel('秒杀价（元）').fill('99');
    await buyer.getByLabel('名额').fill('3');
    await buyer.getByRole('button', { name: '发起', exact: true }).click();
    await expect.poll(() => viewer.getByTestId('live-offer').filter({ hasText: '¥99.00' }).textContent()).toContain('3 of 3 left');
    await buyer.screenshot({ path: '.test-tmp/live-host-phone.png', fullPage: true });
  });

  it('the host presents a product and the viewer sees it without reload; the viewer sees an offer sell out', async () => {
    // The producer's host page (signed in in the test before) presents the first product.
    const producer = await apiSession(server.url, 'producer');
    const host = (await producer('GET', `/live/sessions/${sessionId}/host`)).body;
    const first = host.products[0];
    await buyer.getByTestId('host-product').filter({ hasText: first.name }).getByRole('button', { name: '讲解', exact: true }).click();
    const pinned = viewer.getByTestId('live-pinned');
    await expect.poll(() => pinned.textContent()).toContain('Now presenting');
    // The viewer reads English: the product's English name, else its pinyin.
    expect(await pinned.textContent()).toContain(first.nameEn ?? first.namePinyin);
    await buyer.getByTestId('host-product').filter({ hasText: first.name }).getByText('讲解中').waitFor();

    const offer = await producer('POST', `/live/sessions/${sessionId}/offers`, { productId: first.id, variantId: first.variants[0].id, priceFen: 1234, quota: 1 });
    expect(offer.status).toBe(201);
    const card = viewer.getByTestId('live-offer').filter({ hasText: '¥12.34' });
    await expect.poll(() => card.textContent()).toContain('1 of 1 left');
    // The buyer takes the last unit, sent to the address the first order saved on this device, and pays.
    await buyerBrowser.clearCookies();
    await buyer.goto(`${server.url}/login`);
    await buyer.getByLabel('用户名', { exact: true }).fill('buyer');
    await buyer.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await buyer.getByRole('button', { name: '登录' }).click();
    await buyer.locator('.whoami').waitFor();
    await buyer.goto(`${server.url}/live/${sessionId}`);
    await buyer.getByTestId('live-offer').filter({ hasText: '¥12.34' }).getByRole('button', { name: '立即抢购' }).click();
    await buyer.waitForURL(/\/live\/claims\//);
    await buyer.getByTestId('saved-address').waitFor();
    expect(await buyer.getByTestId('saved-address').textContent()).toContain('张三 13800000000 · 浙江杭州西湖区文三路 1 号');
    expect(await buyer.getByRole('radio', { name: /寄到常用地址/ }).isChecked()).toBe(true);
    await buyer.getByRole('button', { name: 'English' }).click();
    await buyer.getByRole('heading', { name: 'Yours: please pay soon' }).waitFor();
    await buyer.screenshot({ path: '.test-tmp/live-claim-saved-phone-en.png', fullPage: true });
    await buyer.getByRole('button', { name: '中文' }).click();
    await buyer.getByRole('button', { name: /下单并付款/ }).click();
    await buyer.waitForURL(/\/market\/pay\//);
    await buyer.getByRole('button', { name: /确认支付/ }).click();
    await buyer.getByText('支付成功').waitFor();
    await expect.poll(() => card.getByRole('button').textContent()).toBe('Sold out');
    expect(await card.getByRole('button').isDisabled()).toBe(true);
    await viewer.screenshot({ path: '.test-tmp/live-viewer-soldout-phone.png', fullPage: true });
  });

  it('an encoder publishing with the stream key replaces the waiting state with video that plays', async () => {
    const producer = await apiSession(server.url, 'producer');
    const host = (await producer('GET', `/live/sessions/${sessionId}/host`)).body;
    await viewer.getByRole('button', { name: '中文' }).click();
    await viewer.getByTestId('live-waiting').waitFor();
    // What OBS does: push to the RTMP URL with the stream key; here a generated test pattern.
    encoder = spawn(
      ffmpegPath(),
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25:duration=60', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=60',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv',
        `${host.rtmpUrl.replace('localhost', '127.0.0.1')}/${sessionId}?key=${host.streamKey}`],
      { stdio: 'ignore' },
    );
    const video = viewer.getByTestId('live-video');
    await video.waitFor({ timeout: 30_000 });
    const playedTo = () => video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await expect.poll(playedTo, { timeout: 30_000 }).toBeGreaterThan(0);
    const first = await playedTo();
    await expect.poll(playedTo, { timeout: 20_000 }).toBeGreaterThan(first + 1);
    await viewer.screenshot({ path: '.test-tmp/live-video-phone.png', fullPage: true });
  }, 120_000);

  it('the ended session plays its recording, and clicking a chapter seeks the video to the moment the product was presented', async () => {
    const producer = await apiSession(server.url, 'producer');
    const host = (await producer('GET', `/live/sessions/${sessionId}/host`)).body;
    const second = host.products[host.products.length - 1];
    const live = viewer.getByTestId('live-video');
    const playedTo = () => live.evaluate((v: HTMLVideoElement) => v.currentTime);
    // Presented a few seconds into the recording, then streamed on a little: a chapter inside the replay.
    await expect.poll(playedTo, { timeout: 30_000 }).toBeGreaterThan(5);
    expect((await producer('PUT', `/live/sessions/${sessionId}/pin`, { productId: second.id })).status).toBe(200);
    const pinnedAt = await playedTo();
    await expect.poll(playedTo, { timeout: 30_000 }).toBeGreaterThan(pinnedAt + 4);
    encoder?.kill('SIGINT');
    // The stream stopped: the session no longer offers it live (its recording is complete).
    await expect.poll(async () => (await producer('GET', `/live/sessions/${sessionId}`)).body.hlsUrl, { timeout: 30_000 }).toBeNull();
    await viewer.getByTestId('live-waiting').waitFor({ timeout: 30_000 });
    expect((await producer('POST', `/live/sessions/${sessionId}/end`)).status).toBe(200);

    const chapters = (await producer('GET', `/live/sessions/${sessionId}`)).body.chapters as { name: string; at: number }[];
    const chapter = chapters[chapters.length - 1];
    expect(chapter.name).toBe(second.name);
    expect(chapter.at).toBeGreaterThan(3);
    await viewer.goto(`${server.url}/live/${sessionId}`);
    const replay = viewer.getByTestId('live-replay');
    await replay.waitFor();
    await expect.poll(() => replay.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThan(0);
    // Every place the video is sought to is noted; the chapter's button names the product and its time.
    await replay.evaluate((v: HTMLVideoElement) => {
      v.pause();
      const w = window as unknown as { seeks: number[] };
      w.seeks = [];
      v.addEventListener('seeked', () => w.seeks.push(v.currentTime));
    });
    const button = viewer.getByTestId('live-chapter').last();
    const clock = `${Math.floor(chapter.at / 60)}:${String(Math.floor(chapter.at % 60)).padStart(2, '0')}`;
    expect(await button.textContent()).toContain(`${clock} ${second.name}`);
    await button.click();
    const seeks = () => viewer.evaluate(() => (window as unknown as { seeks: number[] }).seeks);
    await expect.poll(async () => (await seeks()).length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await seeks())[0]).toBeCloseTo(chapter.at, 0);
    await expect.poll(() => replay.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThanOrEqual(chapter.at - 0.5);
    await viewer.screenshot({ path: '.test-tmp/live-replay-phone.png', fullPage: true });
  }, 180_000);

  it("the producer's report shows viewers over time, conversion, and units and revenue per product", async () => {
    await buyerBrowser.clearCookies();
    await buyer.goto(`${server.url}/login`);
    await buyer.getByLabel('用户名', { exact: true }).fill('producer');
    await buyer.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await buyer.getByRole('button', { name: '登录' }).click();
    await buyer.locator('.whoami').waitFor();
    await buyer.goto(`${server.url}/live/host/${sessionId}`);
    await buyer.getByRole('link', { name: '查看直播报告' }).click();
    await buyer.waitForURL(`${server.url}/live/host/${sessionId}/report`);
    await buyer.getByRole('heading', { name: '直播报告' }).waitFor();
    // Viewers over time: a drawn chart, and a peak of at least the two pages that watched.
    await expect.poll(() => buyer.getByTestId('report-viewers-chart').getAttribute('data-rendered'), { timeout: 20_000 }).toBe('true');
    expect(Number((await buyer.getByTestId('report-peak').locator('dd').textContent()) ?? 0)).toBeGreaterThanOrEqual(2);
    // One paying buyer among the distinct viewers.
    const report = (await (await apiSession(server.url, 'producer'))('GET', `/live/sessions/${sessionId}/report`)).body;
    expect(report.buyers).toBe(1);
    expect(await buyer.getByTestId('report-conversion').locator('dd').textContent()).toBe(`${(report.conversion * 100).toFixed(1)}%`);
    expect(report.conversion).toBeGreaterThan(0);
    expect(await buyer.getByTestId('report-revenue').locator('dd').textContent()).toBe('¥80.34');
    // Per product: the two flash units the buyer paid (¥68.00 and ¥12.34) are the first product's.
    const row = buyer.getByTestId('report-product').first();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toContain(report.products[0].label);
    expect(cells.slice(1)).toEqual(['2', '¥80.34']);
    await expect.poll(() => buyer.getByTestId('report-revenue-chart').getAttribute('data-rendered'), { timeout: 20_000 }).toBe('true');
    await buyer.screenshot({ path: '.test-tmp/live-report-phone.png', fullPage: true });
    await buyer.getByRole('button', { name: 'English' }).click();
    await buyer.getByRole('heading', { name: 'Session report' }).waitFor();
    await buyer.screenshot({ path: '.test-tmp/live-report-phone-en.png', fullPage: true });
  });
});
