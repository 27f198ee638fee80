import { launchBrowser } from '/work/wt-firstuse/test/e2e/support/browser.ts';
import { startServerProcess } from '/work/wt-firstuse/test/e2e/support/server.ts';
import { TEST_PASSWORD } from '/work/wt-firstuse/test/support/constants.ts';
const width = Number(process.env.W ?? 390);
const server = await startServerProcess({ timeoutMs: 300_000 });
const browser = await launchBrowser({ width, height: 844 });
const page = await browser.newPage();
const r = await page.request.post(`${server.url}/api/v1/auth/login`, { data: { username: process.env.U ?? 'admin', password: TEST_PASSWORD } });
console.log('login', r.status());
await page.goto(server.url);
await page.evaluate(() => localStorage.setItem('terrace.lang', 'en'));
const seen = new Set<string>(['/']);
const queue = ['/'];
const HAN = /[\u4e00-\u9fff]/;
let n = 0;
while (queue.length && n < 70) {
  const path = queue.shift()!;
  n++;
  await page.goto(`${server.url}${path}`);
  await page.waitForTimeout(1200);
  const info = await page.evaluate((han) => {
    const re = new RegExp(han);
    const sel = 'h1,h2,h3,h4,label,button,th,summary,legend,nav a,header a,caption,option,[placeholder]';
    const ui = [...document.querySelectorAll(sel)].flatMap((el) => {
      const own = [...el.childNodes].filter((c) => c.nodeType === 3).map((c) => c.textContent!.trim()).join(' ');
      const ph = el.getAttribute('placeholder') ?? '';
      const txt = (own + ' ' + ph).trim();
      return re.test(txt) ? [`${el.tagName.toLowerCase()}: ${txt.slice(0, 60)}`] : [];
    });
    const links = [...document.querySelectorAll('a[href^="/"]')].map((a) => a.getAttribute('href')!);
    return { title: document.title, ui, links, overflow: document.documentElement.scrollWidth - window.innerWidth };
  }, HAN.source);
  console.log(`\n== ${path} [${info.title}] overflow=${info.overflow}`);
  for (const u of [...new Set(info.ui)].slice(0, 15)) console.log('   ', u);
  await page.screenshot({ path: `/tmp/firstuse/shots/${width}-${path.replace(/[^a-z0-9]+/gi, '_')}.png` });
  for (const l of info.links) {
    const key = l.split('?')[0].replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
    if (l.startsWith('/api') || seen.has(key)) continue;
    seen.add(key);
    queue.push(l);
  }
}
await browser.close();
await server.stop();
