// `npm run bench:web`: the home, catalogue, product, trace and inn search pages in Chromium on a phone's link
// (1.6 Mbit/s, 150 ms latency, throttled through the DevTools protocol), cold cache each time: first contentful
// paint, largest contentful paint and bytes over the wire. The baseline is the same build and the same server in
// the same run, with the browser asking for no compression (`Accept-Encoding: identity`).
import type { BrowserContext } from 'playwright-core';
import { DEMO_GTIN, DEMO_LOT } from '../src/modules/market/seed.ts';
import { launchBrowser } from '../test/e2e/support/browser.ts';
import { startServerProcess } from '../test/e2e/support/server.ts';

const LINK = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (1.6e6 / 8) | 0 };
const RUNS = Number(process.env.BENCH_RUNS ?? 1);

interface Load {
  fcp: number;
  lcp: number;
  bytes: number;
}

async function load(browser: BrowserContext, url: string, compressed: boolean): Promise<Load> {
  const page = await browser.newPage();
  const cdp = await browser.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', LINK);
  if (!compressed) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
  await page.addInitScript(() => {
    const w = window as unknown as { __lcp: number };
    w.__lcp = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__lcp = e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  });
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  await page.waitForLoadState('networkidle', { timeout: 120_000 });
  const { fcp, lcp } = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    lcp: (window as unknown as { __lcp: number }).__lcp,
  }));
  await page.close();
  return { fcp, lcp, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  console.log('starting a server on a fresh embedded database and Chromium…');
  const [server, browser] = await Promise.all([startServerProcess({ timeoutMs: 180_000 }), launchBrowser()]);
  try {
    const products = (await (await fetch(`${server.url}/api/v1/market/products`)).json()) as { id: string }[] | { items: { id: string }[] };
    const productId = (Array.isArray(products) ? products : products.items)[0].id;
    const { batchId } = (await (await fetch(`${server.url}/api/v1/market/gs1/01/${DEMO_GTIN}/10/${DEMO_LOT}`)).json()) as { batchId: string };
    const pages: [string, string][] = [
      ['home', '/'],
      ['catalogue', '/market'],
      ['product', `/market/products/${productId}`],
      ['trace', `/market/trace/${batchId}`],
      ['inn search', '/inns'],
    ];
    console.log(`link: 1.6 Mbit/s, 150 ms latency; cold cache; median of ${RUNS} load(s) each\n`);
    console.log('page        | compressed: FCP   LCP     bytes  | uncompressed: FCP   LCP     bytes  | FCP ratio | bytes ratio');
    for (const [name, path] of pages) {
      const runs = { on: [] as Load[], off: [] as Load[] };
      for (let i = 0; i < RUNS; i++) {
        runs.off.push(await load(browser, server.url + path, false));
        runs.on.push(await load(browser, server.url + path, true));
      }
      const m = (ls: Load[]) => ({ fcp: median(ls.map((l) => l.fcp)), lcp: median(ls.map((l) => l.lcp)), bytes: median(ls.map((l) => l.bytes)) });
      const on = m(runs.on);
      const off = m(runs.off);
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(7);
      const kb = (b: number) => `${(b / 1024).toFixed(0)} kB`.padStart(8);
      console.log(
        `${name.padEnd(11)} | ${s(on.fcp)} ${s(on.lcp)} ${kb(on.bytes)}   | ${s(off.fcp)} ${s(off.lcp)} ${kb(off.bytes)}     | ${(on.fcp / off.fcp).toFixed(2).padStart(9)} | ${(on.bytes / off.bytes).toFixed(2).padStart(11)}`,
      );
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
