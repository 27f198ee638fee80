import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mapCanvas } from './support/browser.ts';
import { apiCaller } from './support/http.ts';
import { browserJourney, e2eDrivers } from './support/journey.ts';
import { TEST_PASSWORD } from '../support/constants.ts';
import { proposalBody } from '../support/proposal.ts';
import type { ServerProcess } from './support/server.ts';

// Issue 18 item 5: a name entered in English for a product, an inn or a building is what an English reader sees, on
// the list and on the record's own page; in Chinese the Chinese name stays. The selects and lists of the working pages
// (seller, live host, inn host, jobs, organisations, budget rounds) show the English form or the pinyin too. A trace shows where its events happened
// (item 12). On both database drivers.

describe.each(e2eDrivers)('names entered in English, places of traces and proposals (%s)', (driver) => {
  const journey = browserJourney({ driver, timeoutMs: 240_000 });
  let server: ServerProcess;
  let page: Page;
  beforeAll(() => void ({ server, page } = journey));

  async function open(path: string, lang: 'en' | 'zh-CN') {
    await page.goto(`${server.url}${path}`);
    await page.evaluate((l) => localStorage.setItem('terrace.lang', l), lang);
    await page.reload();
  }

  it('a product, an inn and a building show their English names in English, on the list and the page; Chinese in Chinese', async () => {
    const producer = await apiCaller(server.url, 'producer');
    const keeper = await apiCaller(server.url, 'innkeeper');
    const village = await apiCaller(server.url, 'village');
    const { items } = await producer('GET', '/market/products');
    const product = items.find((p: { name: string }) => p.name === '松阳银猴 特级 明前');
    await producer('PATCH', `/market/products/${product.id}`, { nameEn: 'Songyang Silver Monkey, first flush' });
    const [inn] = await keeper('GET', '/inns/mine');
    await keeper('PATCH', `/inns/${inn.id}`, { nameEn: 'Old House Inn' });
    const { items: buildings } = await village('GET', `/atlas/buildings?villageId=${inn.unitId}`);
    const building = buildings[0];
    await village('PATCH', `/atlas/buildings/${building.id}`, { nameEn: 'The Ancestral Hall of the Yang' });

    await open('/market', 'en');
    await page.getByRole('link', { name: 'Songyang Silver Monkey, first flush' }).first().waitFor();
    await page.getByRole('link', { name: 'Songyang Silver Monkey, first flush' }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Songyang Silver Monkey, first flush');

    await open('/inns', 'en');
    await page.getByRole('link', { name: 'Old House Inn' }).first().waitFor();
    await page.getByRole('link', { name: 'Old House Inn' }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Old House Inn');

    await open(`/atlas/villages/${inn.unitId}`, 'en');
    await page.getByRole('link', { name: 'The Ancestral Hall of the Yang' }).first().waitFor();
    await page.getByRole('link', { name: 'The Ancestral Hall of the Yang' }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('The Ancestral Hall of the Yang');

    // The trace says where its events happened, in the reader's language, and its journey runs through them.
    const [batch] = (await producer('GET', `/market/products/${product.id}`)).batches;
    await producer('POST', `/market/batches/${batch.id}/events`, { kind: 'packing', occurredAt: new Date().toISOString(), placeUnitId: inn.unitId });
    await open(`/market/trace/${batch.id}`, 'en');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Songyang Silver Monkey, first flush');
    await expect.poll(() => page.getByTestId('event-place').last().textContent()).toBe('Yangjiatang Village');
    await expect.poll(() => page.locator('ol.journey li').last().textContent()).toBe('Yangjiatang VillagePacking');

    // In Chinese the names stay Chinese.
    await open(`/atlas/buildings/${building.id}`, 'zh-CN');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(building.name);
    await open(`/inns/${inn.id}`, 'zh-CN');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(inn.name);
  });

  /** Signs the browser in as `username` (the session cookie from an HTTP login), leaving any other session. */
  async function signInBrowser(username: string) {
    await page.context().clearCookies();
    const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
    const cookie = res.headers.getSetCookie()[0].split(';')[0];
    await page.context().addCookies([{ name: cookie.slice(0, cookie.indexOf('=')), value: cookie.slice(cookie.indexOf('=') + 1), url: server.url }]);
  }
  const han = /[\u3400-\u9fff]/;
  /** The texts among `texts` that still show Chinese characters. */
  const chinese = (texts: string[]) => texts.filter((x) => han.test(x));

  it('in English, the selects and lists of the seller, host, jobs, organisations and rounds pages show English names or pinyin, not Chinese', async () => {
    await signInBrowser('producer');
    await open('/market/seller', 'en');
    await page.getByText('Yangjiatang Silver Monkey Tea Cooperative').first().waitFor();
    await page.locator('details.new-batch summary').click();
    const productOptions = page.locator('details.new-batch select').first().locator('option');
    await expect.poll(() => productOptions.count()).toBeGreaterThan(1);
    expect(chinese(await productOptions.allTextContents())).toEqual([]);
    const batchLinks = page.locator('.batch-list li > a:first-child');
    await expect.poll(() => batchLinks.count()).toBeGreaterThan(0);
    expect(chinese(await batchLinks.allTextContents())).toEqual([]);

    await open('/live/host', 'en');
    await page.getByRole('link', { name: /^Live from the Yangjiatang tea gardens/ }).first().waitFor();
    await expect.poll(() => page.locator('.live-check').count()).toBeGreaterThan(0);
    expect(chinese(await page.locator('.live-check').allTextContents())).toEqual([]);
    await expect.poll(() => page.getByLabel('English name (optional)').count()).toBe(1);

    await signInBrowser('innkeeper');
    await open('/inns/host', 'en');
    await page.getByTestId('host-calendar').waitFor();
    await expect.poll(() => page.getByTestId('host-calendar').locator('tbody th').allTextContents()).toEqual(expect.arrayContaining(['Mountain View', 'Rain Room']));
    expect(chinese(await page.getByTestId('host-calendar').locator('tbody th').allTextContents())).toEqual([]);
    expect(chinese(await page.locator('select[name="roomId"] option').allTextContents())).toEqual([]);
    expect(chinese([(await page.getByRole('heading', { level: 1 }).textContent()) ?? ''])).toEqual([]);
    // The same page in Chinese keeps the Chinese names.
    await open('/inns/host', 'zh-CN');
    await expect.poll(() => page.getByTestId('host-calendar').locator('tbody th').allTextContents()).toEqual(expect.arrayContaining(['望山', '听雨']));

    await open('/people/jobs', 'en');
    await page.getByRole('link', { name: 'Spring tea picker' }).first().waitFor();
    const posters = page.locator('select[name="poster"] option');
    await expect.poll(() => posters.count()).toBeGreaterThan(0);
    expect(chinese(await posters.allTextContents())).toEqual([]);

    await signInBrowser('admin');
    await open('/admin/organizations', 'en');
    await page.locator('.org-list li', { hasText: 'Yangjiatang Silver Monkey Tea Cooperative' }).waitFor();
    expect(chinese(await page.locator('.org-list li').allTextContents())).toEqual([]);

    await open('/interventions/rounds', 'en');
    const candidates = page.getByLabel('a', { exact: true }).locator('option');
    await expect.poll(() => candidates.allTextContents()).toContainEqual(expect.stringMatching(/^Huang Family Compound village museum · [A-Z][a-z']+ Village$/));
    // A title with no English form stays the Chinese as written; the village is always in pinyin.
    for (const text of (await candidates.allTextContents()).filter(Boolean)) expect(text.split(' · ')[1]).toMatch(/^[A-Z][a-z']+ Village$/);

    await open('/interventions/public', 'en');
    await page.getByRole('heading', { name: 'Silver Monkey tea workshop' }).waitFor();
    await page.context().clearCookies();
  });

  it("a proposal with a point in its village is drawn on the village's Atlas map", async () => {
    const tree = await (await fetch(`${server.url}/api/v1/county`)).json();
    const yjt = tree.townships.flatMap((x: { villages: { nameZh: string }[] }) => x.villages).find((x: { nameZh: string }) => x.nameZh === '杨家堂村');
    const resident = await apiCaller(server.url, 'resident');
    const made = await resident('POST', '/interventions', proposalBody(yjt.id, { title: '村口古井修缮', lon: yjt.lon + 0.0005, lat: yjt.lat + 0.0005 }));
    await resident('POST', `/interventions/${made.id}/transitions`, { action: 'submit', from: 'draft' });
    // Signed in as the resident (on the Chinese sign-in page: the tests before left the page in English), the submitted
    // proposal is on the map of the village.
    await open('/', 'zh-CN');
    await journey.signIn('resident');
    await open(`/atlas/villages/${yjt.id}`, 'zh-CN');
    const map = page.getByTestId('atlas-map');
    await map.locator('canvas').waitFor();
    await expect.poll(() => map.getAttribute('data-proposals'), { timeout: 30_000 }).toContain(made.id);
    await expect.poll(async () => (await mapCanvas(page, 'atlas-map', '#6a4c93')).near, { timeout: 30_000 }).toBeGreaterThan(20);
    await page.context().clearCookies();
  });
});
