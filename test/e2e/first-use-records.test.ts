import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/http.ts';
import { browserJourney, e2eDrivers } from './support/journey.ts';
import type { ServerProcess } from './support/server.ts';

// The records a county keeps, read and moved as a new administrator would: the audit log, Atlas exports and imports.
// Each journey runs on the embedded database and, when TEST_DATABASE_URL is set, on PostgreSQL.

describe.each(e2eDrivers)('first use of the records (%s)', (driver) => {
  const journey = browserJourney({ driver, timeoutMs: 240_000 });
  let server: ServerProcess;
  let page: Page;
  beforeAll(() => void ({ server, page } = journey));
  const signIn = (username: string) => journey.signIn(username);

  it('the audit log filters by who and place, reads as sentences, shows before and after, links and exports', async () => {
    const official = await apiSession(server.url, 'village');
    const county = (await official('GET', '/county')).body as { townships: { nameZh: string; villages: { id: string; nameZh: string }[] }[] };
    const yang = county.townships.flatMap((t) => t.villages).find((v) => v.nameZh === '杨家堂村')!;
    expect((await official('PATCH', `/units/${yang.id}`, { description: '审计测试：新的介绍' })).status).toBe(200);

    await signIn('admin');
    await page.goto(`${server.url}/admin/audit`);
    await page.getByLabel('操作人（用户名）').fill('village');
    await page.getByLabel('地区').selectOption({ label: '杨家堂村' });
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/共 1 条/);
    const entry = page.locator('.audit-list li').first();
    expect(await entry.locator('.audit-sentence').textContent()).toBe('杨家堂村干部（演示） (village)修改了行政单位「杨家堂村」');
    expect(await page.locator('.audit-list').textContent()).not.toMatch(/unit\.update|admin_unit/);
    await entry.getByText('详情').click();
    await expect.poll(() => entry.locator('.audit-after').first().textContent()).toBe('审计测试：新的介绍');
    await page.screenshot({ path: '.test-tmp/first-use-audit.png', fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const csv = fs.readFileSync(await (await download).path(), 'utf8');
    expect(csv.split('\r\n')).toHaveLength(2);
    expect(csv).toContain('修改了行政单位「杨家堂村」');

    await entry.getByRole('link', { name: '查看记录' }).click();
    await page.waitForURL(new RegExp(`/units/${yang.id}$`));

    // A filter that matches nothing says so; the filters live in the address, so going back restores them.
    await page.goBack();
    await expect.poll(() => page.getByLabel('操作人（用户名）').inputValue()).toBe('village');
    await page.getByLabel('起始日期').fill('2099-01-01');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('没有符合条件的记录。');
  });
});
