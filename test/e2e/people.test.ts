import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserJourney, poll } from './support/journey.ts';
import type { ServerProcess } from './support/server.ts';

describe('people in the browser', () => {
  const journey = browserJourney();
  let server: ServerProcess;
  let browser: BrowserContext;
  let page: Page;
  beforeAll(() => void ({ server, browser, page } = journey));
  const signIn = journey.signIn;

  // The programme's title as the reader sees it: Chinese, or the English title the demo data gives it.
  const myApplication = () => page.getByTestId('my-application').filter({ hasText: /返乡创业启动资金|Start-up grant for returnees/ });

  it('a returnee applies for the start-up grant and sees it submitted', async () => {
    await signIn('resident');
    await page.goto(`${server.url}/people`);
    await page.getByRole('heading', { name: '扶持项目' }).waitFor();
    // Masters and their apprentices per craft, apprentices masked.
    await poll(() => page.getByTestId('craft').filter({ hasText: '竹编' }).textContent()).toContain('宋*军');
    await page.getByRole('link', { name: '返乡创业启动资金' }).click();
    await page.getByRole('heading', { name: '申请这个项目' }).waitFor();
    await page.getByLabel('申请金额（元）').fill('20000');
    await page.getByLabel('创业或学习计划').fill('开一家卖松阳山货的网店，带动邻居的茶叶和番薯干。');
    await page.screenshot({ path: '.test-tmp/people-apply-phone.png', fullPage: true });
    await page.getByRole('button', { name: '提交申请' }).click();
    await poll(() => myApplication().textContent()).toContain('已提交');
    expect(await myApplication().textContent()).toContain('¥20,000');
    // The grant asks for two documents: the returnee attaches the business plan as a PDF.
    await poll(() => myApplication().textContent()).toContain('还需提交：身份证、创业计划书');
    await myApplication().getByLabel('上传创业计划书（图片或 PDF）').setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await poll(() => myApplication().getByTestId('application-documents').textContent()).toContain('创业计划书');
    expect(await myApplication().textContent()).toContain('还需提交：身份证');
    expect(await page.getByRole('heading', { name: '申请这个项目' }).count()).toBe(0);
  });

  it('the village official approves it in the review queue', async () => {
    await signIn('village');
    await page.goto(`${server.url}/people/review`);
    const row = page.getByTestId('review-application').filter({ hasText: '宋晓明' });
    await poll(() => row.textContent()).toContain('返乡创业启动资金');
    expect(await row.textContent()).toContain('开一家卖松阳山货的网店');
    expect(await row.getByRole('link', { name: '创业计划书' }).count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/people-review-phone.png', fullPage: true });
    await row.getByRole('button', { name: '通过', exact: true }).click();
    // Done at the village's level: it leaves the queue.
    await poll(() => row.count()).toBe(0);
    await page.getByLabel('状态').selectOption({ label: '村级已通过' });
    await poll(() => page.getByTestId('review-application').filter({ hasText: '宋晓明' }).count()).toBe(1);
    expect(await page.getByTestId('review-application').filter({ hasText: '宋晓明' }).getByRole('button', { name: '通过', exact: true }).count()).toBe(0);
  });

  it('the resident sees the new status, in English too', async () => {
    await signIn('resident');
    await page.goto(`${server.url}/people`);
    await poll(() => myApplication().textContent()).toContain('村级已通过');
    await page.screenshot({ path: '.test-tmp/people-status-phone.png', fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'My applications' }).waitFor();
    await poll(() => myApplication().textContent()).toContain('Approved by the village');
    await poll(() => page.getByRole('heading', { name: 'Crafts and apprentices' }).count()).toBe(1);
    await page.screenshot({ path: '.test-tmp/people-status-en-phone.png', fullPage: true });
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('the township and the county approve, the county disburses, and both sides see the disbursement', async () => {
    for (const username of ['town', 'admin']) {
      await signIn(username);
      await page.goto(`${server.url}/people/review`);
      const row = page.getByTestId('review-application').filter({ hasText: '宋晓明' });
      await row.getByRole('button', { name: '通过', exact: true }).click();
      await poll(() => row.count()).toBe(username === 'admin' ? 1 : 0); // the county's next step is the disbursement
    }
    const row = page.getByTestId('review-application').filter({ hasText: '宋晓明' });
    await poll(() => row.textContent()).toContain('县级已批准');
    await row.getByRole('button', { name: '发放 ¥20,000' }).click();
    await page.getByLabel('状态').selectOption({ label: '已发放' });
    await poll(() => page.getByTestId('review-application').filter({ hasText: '宋晓明' }).textContent()).toContain('已发放');
    await page.screenshot({ path: '.test-tmp/people-disbursed-admin-phone.png', fullPage: true });

    await signIn('resident');
    await page.goto(`${server.url}/people`);
    await poll(() => myApplication().textContent()).toContain('已发放 ¥20,000');
    expect(await myApplication().textContent()).toContain('已发放');
  });

  it('the county admin publishes a programme and it is listed', async () => {
    await signIn('admin');
    await page.goto(`${server.url}/people`);
    await page.getByText('新建扶持项目').click();
    const form = page.getByRole('form', { name: '新建扶持项目' });
    await form.getByLabel('发布单位').selectOption({ label: '松阳县' });
    await form.getByLabel('类型').selectOption({ label: '免费工作室' });
    await form.getByLabel('项目名称').fill('老屋创客空间');
    await form.getByLabel('总预算（元）').fill('120000');
    await form.getByLabel('每人最高（元）').fill('12000');
    await form.getByLabel('申请截止日期').fill('2099-06-30');
    await form.getByRole('button', { name: '发布项目' }).click();
    const listed = page.getByTestId('programme').filter({ hasText: '老屋创客空间' });
    await poll(() => listed.textContent()).toContain('每人最高 ¥12,000');
    expect(await listed.textContent()).toContain('免费工作室');
  });

  it('a resident asks a master; the village official takes them on for the master and logs a session', async () => {
    await signIn('resident');
    await page.goto(`${server.url}/people`);
    await page.getByRole('button', { name: '拜师 宋建国' }).click();
    await poll(() => page.getByText('已递交拜师申请').count()).toBe(1);

    await signIn('village');
    await page.goto(`${server.url}/people`);
    await page.getByRole('link', { name: '工作室 宋建国' }).click();
    const pupil = page.getByTestId('apprentice').filter({ hasText: '宋晓明' });
    await poll(() => pupil.textContent()).toContain('申请中');
    await pupil.getByRole('button', { name: '收为徒弟' }).click();
    await poll(() => pupil.textContent()).toContain('学艺中');
    await pupil.getByLabel('时长（分钟）').fill('150');
    await pupil.getByLabel('学了什么').fill('劈篾、起底');
    await pupil.getByRole('button', { name: '记录一次学艺' }).click();
    await poll(() => pupil.textContent()).toContain('累计 2.5 小时');
    expect(await pupil.textContent()).toContain('劈篾、起底');
    await page.screenshot({ path: '.test-tmp/people-workshop-phone.png', fullPage: true });

    await signIn('resident');
    await page.goto(`${server.url}/people`);
    await poll(() => page.getByText('竹编 · 宋建国').count()).toBe(1);
  });

  it('the register shows masked rows and, on request, one full record', async () => {
    await signIn('village');
    await page.goto(`${server.url}/people/residents`);
    const row = page.getByTestId('resident').filter({ hasText: '宋*明' }).filter({ hasText: '杭州' });
    await poll(() => row.count()).toBe(1);
    expect(await page.getByText('宋晓明').count()).toBe(0);
    await row.getByRole('button', { name: '查看档案' }).click();
    await poll(() => page.getByTestId('resident-record').textContent()).toContain('宋晓明');
    expect(await page.getByTestId('resident-record').textContent()).toContain('13805781203');
    await page.screenshot({ path: '.test-tmp/people-register-phone.png', fullPage: true });

    // 叶美兰 comes back from Wenzhou: the official records it.
    const ye = page.getByTestId('resident').filter({ hasText: '叶*兰' });
    await ye.getByRole('button', { name: '查看档案' }).click();
    const form = ye.getByRole('form', { name: '更新状态' });
    await form.getByLabel('状态').selectOption({ label: '返乡' });
    await form.getByLabel('从哪里返乡（城市、行业）').fill('温州（制鞋）');
    await form.getByLabel('日期').fill('2026-11-01');
    await form.getByRole('button', { name: '更新状态' }).click();
    await poll(() => ye.textContent()).toContain('从 温州（制鞋） 返乡');
    expect(await ye.textContent()).toContain('自 2026-11-01');
  });
  it('the village official makes an enrolment code; the person links their own account with it', async () => {
    await signIn('village');
    await page.goto(`${server.url}/people/residents`);
    const row = page.getByTestId('resident').filter({ hasText: '叶*兰' });
    await row.getByRole('button', { name: '生成邀请码' }).click();
    const code = (await row.getByTestId('invite-code').locator('code').textContent())!;
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);

    await signIn('buyer');
    await page.goto(`${server.url}/people`);
    await page.getByLabel('邀请码').fill(code);
    await page.getByRole('button', { name: '绑定', exact: true }).click();
    await poll(() => page.getByTestId('my-record').textContent()).toContain('叶美兰');
    expect(await page.getByRole('form', { name: '加入村民名册' }).count()).toBe(0);
  });

  it('a master, enrolled through the code’s link, takes an apprentice on and logs a session', async () => {
    // The village official makes 宋春华's code; the QR code carries the link that redeems it.
    await signIn('village');
    await page.goto(`${server.url}/people/residents`);
    const row = page.getByTestId('resident').filter({ hasText: '宋*华' }).filter({ hasText: '制茶' });
    await row.getByRole('button', { name: '生成邀请码' }).click();
    const invite = row.getByTestId('invite-code');
    await poll(() => invite.getByRole('img', { name: '用手机扫码，登录后即可绑定' }).count()).toBe(1);
    const link = (await invite.getByRole('link').getAttribute('href'))!;
    expect(link).toMatch(/^\/people\/enrol\?code=[A-Z2-9]{5}-[A-Z2-9]{5}$/);

    // She opens the link with her own account (the demo producer of the tea cooperative): the code is filled in.
    await signIn('producer');
    await page.goto(`${server.url}${link}`);
    await page.getByRole('button', { name: '绑定', exact: true }).click();
    await poll(() => page.getByTestId('my-record').textContent()).toContain('宋春华');
    // The session's roles are read again after the record: the verified line follows.
    await poll(() => page.getByText('你已是本村认证村民').count()).toBe(1);

    // The demo resident asks her to teach them.
    await signIn('resident');
    await page.goto(`${server.url}/people`);
    await page.getByRole('button', { name: '拜师 宋春华' }).click();
    await poll(() => page.getByTestId('craft').filter({ hasText: '宋春华' }).textContent()).toContain('已递交拜师申请');

    // The master herself takes them on and logs a session.
    await signIn('producer');
    await page.goto(`${server.url}/people`);
    await page.getByRole('link', { name: '工作室 宋春华' }).click();
    const pupil = page.getByTestId('apprentice').filter({ hasText: '宋晓明' });
    await poll(() => pupil.textContent()).toContain('申请中');
    await pupil.getByRole('button', { name: '收为徒弟' }).click();
    await poll(() => pupil.textContent()).toContain('学艺中');
    await pupil.getByLabel('时长（分钟）').fill('90');
    await pupil.getByLabel('学了什么').fill('摊青、杀青');
    await pupil.getByRole('button', { name: '记录一次学艺' }).click();
    await poll(() => pupil.textContent()).toContain('累计 1.5 小时');
    expect(await pupil.textContent()).toContain('摊青、杀青');
    await page.screenshot({ path: '.test-tmp/people-master-session-phone.png', fullPage: true });
  });

  it('a resident applies for an inn’s job; the innkeeper hires them; the resident sees it', async () => {
    await signIn('resident');
    await page.goto(`${server.url}/people/jobs`);
    const job = page.getByTestId('job').filter({ hasText: '民宿客房保洁' });
    await poll(() => job.textContent()).toContain('¥150 / 天');
    expect(await job.textContent()).toContain('杨家堂老屋民宿');
    await job.getByRole('link').click();
    await page.getByLabel('想说的话（可选）').fill('周末都有空。');
    await page.getByRole('button', { name: '报名', exact: true }).click();
    await poll(() => page.getByTestId('job-applied').textContent()).toContain('已报名');
    await page.screenshot({ path: '.test-tmp/people-job-apply-phone.png', fullPage: true });

    await signIn('innkeeper');
    await page.goto(`${server.url}/people/jobs`);
    await page.getByTestId('job').filter({ hasText: '民宿客房保洁' }).getByRole('link').click();
    const applicant = page.getByTestId('job-applicant').filter({ hasText: '宋晓明' });
    await poll(() => applicant.textContent()).toContain('13805781203');
    expect(await applicant.textContent()).toContain('周末都有空。');
    await applicant.getByRole('button', { name: '录用', exact: true }).click();
    await poll(() => applicant.textContent()).toContain('已录用');

    await signIn('resident');
    await page.goto(`${server.url}/people/jobs`);
    await poll(() => page.getByTestId('my-job-application').filter({ hasText: '民宿客房保洁' }).textContent()).toContain('已录用');
    // The public board names no applicant.
    await browser.clearCookies();
    await page.goto(`${server.url}/people/jobs`);
    await page.getByTestId('job').first().waitFor();
    expect(await page.getByText('宋晓明').count()).toBe(0);
  });

  it('the village official imports a household register: a bad file is reported row by row, a good one imported', async () => {
    const book = async (rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('名册');
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const header = ['户号', '姓名', '出生年份', '手机', '状态', '状态日期', '从哪里返乡', '职业', '技能', '本人同意登记'];
    const good = ['吴家 1 号', '吴秀英', 1972, '13600003333', '在村', '', '', '种茶', '采茶', '是'];
    await signIn('village');
    await page.goto(`${server.url}/people/residents`);
    const form = page.getByRole('form', { name: '导入户籍名册（XLSX）' });
    const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await form.getByLabel('名册文件').setInputFiles({ name: 'bad.xlsx', mimeType: type, buffer: await book([header, good, ['吴家 1 号', '吴小兵', 1999, '', '返乡', '', '', '', '', '是']]) });
    await form.getByRole('button', { name: '导入' }).click();
    await poll(() => form.getByTestId('import-report').textContent()).toContain('第 3 行 · returnedFrom');
    await page.screenshot({ path: '.test-tmp/people-import-report-phone.png', fullPage: true });
    expect(await page.getByTestId('resident').filter({ hasText: '吴*英' }).count()).toBe(0);

    await form.getByLabel('名册文件').setInputFiles({ name: 'good.xlsx', mimeType: type, buffer: await book([header, good]) });
    await form.getByRole('button', { name: '导入' }).click();
    await poll(() => form.getByTestId('import-done').textContent()).toContain('已导入 1 人');
    await poll(() => page.getByTestId('resident').filter({ hasText: '吴*英' }).count()).toBe(1);
  });
});
