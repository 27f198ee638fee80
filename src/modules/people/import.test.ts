import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';

type Tree = { townships: { id: string; nameZh: string; villages: { id: string; nameZh: string }[] }[] };

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名册');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function multipart(data: Buffer) {
  const boundary = '----people-import';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="register.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`;
  return { payload: Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const HEADER = ['户号', '姓名', '出生年份', '手机', '状态', '状态日期', '从哪里返乡', '职业', '技能', '本人同意登记'];

describeEachDriver('people: importing a household register from XLSX', (driver) => {
  let t: TestApp;
  let village: Session, resident: Session;
  let yjt: string, other: string;
  const count = async () => (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from people_residents where village_id = ${yjt}`))[0].n;
  const upload = (who: Session, data: Buffer, query = '') => as(t.app, who)({ method: 'POST', url: `/api/v1/people/import/residents?villageId=${yjt}${query}`, ...multipart(data) });

  beforeAll(async () => {
    t = await startTestApp(driver);
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json() as Tree;
    const v = (n: string) => tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === n)!.id;
    yjt = v('杨家堂村');
    other = v('陈家铺村');
    [village, resident] = await Promise.all(['village', 'resident'].map((u) => signIn(t.app, u)));
  });
  afterAll(() => t?.close());

  it('the template downloads as a workbook whose header the import reads', async () => {
    const res = await t.app.inject({ url: '/api/v1/people/import/residents/template.xlsx' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('household-register-template.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect((wb.worksheets[0].getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    // Its example row is valid: a dry run of the template itself passes.
    const dry = await upload(village, res.rawPayload, '&dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ rows: 1, imported: 0, dryRun: true, report: [] });
  });

  it('one bad row and nothing is written; the report names each row and field', async () => {
    const before = await count();
    const data = await workbook([
      HEADER,
      ['叶家 5 号', '叶春生', 1962, '13700001111', '在村', '', '', '种田', '竹编、木工', '是'],
      ['叶家 5 号', '叶小燕', 1990, '13700002222', '返乡', '2026-02-01', '', '网店', '', '是'],
      ['叶家 6 号', '', 1850, 'call me', '出国', '昨天', '', '', '', '否'],
    ]);
    const res = await upload(village, data);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json() as { code: string; report: { row: number; field: string; code: string }[] };
    expect(body.code).toBe('import_invalid');
    expect(body.report.map((p) => `${p.row}:${p.field}:${p.code}`).sort()).toEqual(
      ['3:returnedFrom:required', '4:birthYear:out_of_range', '4:consent:no_consent', '4:name:required', '4:phone:format', '4:since:format', '4:status:unknown_value'].sort(),
    );
    expect(await count()).toBe(before);
  });

  it('a good register is written whole, masked in the list, audited without names; importing it again is refused', async () => {
    const before = await count();
    const data = await workbook([
      HEADER,
      ['叶家 5 号', '叶春生', 1962, '13700001111', '在村', '', '', '种田', '竹编、木工', '是'],
      ['叶家 5 号', '叶小燕', 1990, '13700002222', '返乡', '2026-02-01', '宁波（外贸）', '网店', '电商', 'yes'],
    ]);
    expect((await upload(resident, data)).statusCode).toBe(403);
    const otherVillage = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/import/residents?villageId=${other}`, ...multipart(data) });
    expect(otherVillage.statusCode).toBe(403);
    const res = await upload(village, data);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rows: 2, imported: 2 });
    expect(await count()).toBe(before + 2);
    const list = (await as(t.app, village)({ url: `/api/v1/people/residents?villageId=${yjt}` })).json() as { name: string; returnedFrom: string | null }[];
    expect(list).toContainEqual(expect.objectContaining({ name: '叶*燕', returnedFrom: '宁波（外贸）' }));
    const audit = JSON.stringify(await queryRows(t.db.db, sql`select details from audit_log where action = 'people.resident.import'`));
    expect(audit).toContain('"rows":2');
    expect(audit).not.toContain('叶小燕');
    const again = await upload(village, data);
    expect(again.statusCode).toBe(422);
    expect(again.json().report.every((p: { code: string }) => p.code === 'duplicate')).toBe(true);
    expect(await count()).toBe(before + 2);
  });

  it('a file that is not a workbook, or lacks the columns, is a 400 naming the file', async () => {
    const notXlsx = await upload(village, Buffer.from('name,birth\n'));
    expect(notXlsx.json()).toMatchObject({ status: 400, code: 'import_format', field: 'file' });
    const noHeader = await upload(village, await workbook([['姓名'], ['叶一']]));
    expect(noHeader.json()).toMatchObject({ status: 400, code: 'import_header', field: 'file' });
  });
});
