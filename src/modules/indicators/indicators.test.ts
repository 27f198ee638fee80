import ExcelJS from 'exceljs';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { compositeIndex, type IndicatorColumn } from './composite.ts';
import { demoPeriods } from './seed.ts';

const column = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('composite index (pure)', () => {
  const indicators: IndicatorColumn[] = [
    { id: 'income', pillar: 'economy', direction: 'higher', weight: 1 },
    { id: 'debt', pillar: 'economy', direction: 'lower', weight: 1 },
    { id: 'events', pillar: 'culture', direction: 'higher', weight: 1 },
    { id: 'forest', pillar: 'ecology', direction: 'higher', weight: 1 },
  ];

  it('normalises, flips lower-is-better, weights pillars and rescales over the pillars a village has (worked by hand)', () => {
    const values = new Map([
      ['income', column({ A: 10, B: 20, C: 30 })], // 0, .5, 1
      ['debt', column({ A: 1, B: 3, C: 2 })], // lower is better: 1, 0, .5
      ['events', column({ A: 100, B: 0 })], // 1, 0; C missing
      ['forest', column({ A: 7, B: 7, C: 7 })], // constant: tells nobody apart, left out
    ]);
    // economy: A .5, B .25, C .75; culture: A 1, B 0. Pillar weights economy 2, culture 1:
    // A = (2·.5 + 1·1) / 3 = 66.67; B = (2·.25 + 0) / 3 = 16.67; C has economy only = 75.
    const scores = compositeIndex(indicators, values, { economy: 2, culture: 1 }, ['A', 'B', 'C']);
    expect(scores).toEqual([
      { unitId: 'C', score: 75, rank: 1, pillars: { economy: 75 } },
      { unitId: 'A', score: 66.67, rank: 2, pillars: { economy: 50, culture: 100 } },
      { unitId: 'B', score: 16.67, rank: 3, pillars: { economy: 25, culture: 0 } },
    ]);
  });

  it('gives a single unit, a constant column and no data no score (never NaN), and ties share a rank', () => {
    expect(compositeIndex(indicators, new Map([['income', column({ A: 5 })]]), {}, ['A'])).toEqual([]);
    expect(compositeIndex(indicators, new Map([['forest', column({ A: 7, B: 7 })]]), {}, ['A', 'B'])).toEqual([]);
    expect(compositeIndex(indicators, new Map(), {}, ['A', 'B'])).toEqual([]);
    const tied = compositeIndex(indicators, new Map([['income', column({ A: 2, B: 2, C: 1 })]]), {}, ['A', 'B', 'C']);
    expect(tied.map((s) => [s.unitId, s.score, s.rank])).toEqual([
      ['A', 100, 1],
      ['B', 100, 1],
      ['C', 0, 3],
    ]);
  });
});

type Overview = { period: number; periods: number[]; villages: { id: string; nameZh: string; score: number | null; rank: number | null; townshipId: string; townshipZh: string }[]; trend: { period: number; average: number | null }[] };
type Detail = { canObserve: boolean; scores: { period: number; score: number }[]; indicators: { id: string; code: string; source: string; value: number | null; previous: number | null; unit: string }[] };

/** Parses a Server-Sent Events body into its events. */
const events = (body: string) =>
  body
    .split('\n\n')
    .filter(Boolean)
    .map((chunk) => ({ type: /^event: (.*)$/m.exec(chunk)![1], data: JSON.parse(/^data: (.*)$/m.exec(chunk)![1]) }));

describeEachDriver('indicators', (driver) => {
  let t: TestApp;
  let admin: Session, village: Session, resident: Session, town: Session;
  let view: Overview;
  const [lastYear, thisYear] = demoPeriods();
  const yjt = () => view.villages.find((v) => v.nameZh === '杨家堂村')!;
  const other = () => view.villages.find((v) => v.townshipZh !== '三都乡')!;
  const get = <T>(s: Session | null, url: string) => as(t.app, s)({ url }).then((r) => ({ status: r.statusCode, body: r.json() as T }));

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [admin, village, resident, town] = await Promise.all(['admin', 'village', 'resident', 'town'].map((u) => signIn(t.app, u)));
    view = (await get<Overview>(admin, '/api/v1/indicators/overview')).body;
  });
  afterAll(() => t?.close());

  it('opens on this year with every village of the demo county ranked, and the trend over both years', () => {
    expect(view.period).toBe(thisYear);
    expect(view.periods).toEqual([thisYear, lastYear]);
    expect(view.villages.length).toBeGreaterThan(50);
    expect(view.villages.every((v) => v.score !== null && v.score >= 0 && v.score <= 100)).toBe(true);
    expect(view.villages[0].rank).toBe(1);
    expect(view.trend.map((x) => x.period)).toEqual([lastYear, thisYear]);
  });

  it('an official enters an observation; the recomputation job streams progress and the village index changes', async () => {
    const v = yjt();
    const before = (await get<Detail>(village, `/api/v1/indicators/villages/${v.id}`)).body;
    expect(before.canObserve).toBe(true);
    const income = before.indicators.find((i) => i.code === 'econ.income')!;
    const forest = before.indicators.find((i) => i.code === 'eco.forest')!;
    const sales = before.indicators.find((i) => i.code === 'econ.market_sales')!;
    expect(sales.source).toBe('computed');
    for (const [id, value] of [
      [income.id, 1_000_000],
      [forest.id, 100],
    ] as const) {
      const put = await as(t.app, village)({ method: 'PUT', url: '/api/v1/indicators/observations', payload: { indicatorId: id, unitId: v.id, period: thisYear, value } });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({ value, source: 'manual', period: thisYear });
    }
    const [audit] = await t.db.db.select().from(auditLog).where(eq(auditLog.action, 'indicators.observation.record')).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(1);
    expect(audit.details).toMatchObject({ code: 'eco.forest', from: forest.value, to: 100 });
    // The index has not moved yet: it changes when recomputed.
    expect((await get<Overview>(admin, '/api/v1/indicators/overview')).body.villages.find((x) => x.id === v.id)!.score).toBe(v.score);

    const started = await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/recompute', payload: { period: thisYear } });
    expect(started.statusCode, started.body).toBe(202);
    const stream = await as(t.app, admin)({ url: `/api/v1/indicators/jobs/${started.json().jobId}/events` });
    const evs = events(stream.body);
    expect(evs.at(-1)).toMatchObject({ type: 'result', data: { period: thisYear, computedIndicators: 4 } });
    const after = (await get<Overview>(admin, '/api/v1/indicators/overview')).body.villages.find((x) => x.id === v.id)!;
    expect(after.score).toBeGreaterThan(v.score!);
    const indexAudit = await t.db.db.select().from(auditLog).where(and(eq(auditLog.action, 'indicators.index.compute'), eq(auditLog.actorId, admin.userId)));
    expect(indexAudit).toHaveLength(1);
    const detail = (await get<Detail>(admin, `/api/v1/indicators/villages/${v.id}`)).body;
    expect(detail.indicators.find((i) => i.code === 'econ.income')).toMatchObject({ value: 1_000_000, previous: income.previous });
    expect(detail.scores.find((s) => s.period === thisYear)!.score).toBe(after.score);
  });

  it('refuses bad input with 4xx naming the field, and changes nothing', async () => {
    const v = yjt();
    const detail = (await get<Detail>(admin, `/api/v1/indicators/villages/${v.id}`)).body;
    const manual = detail.indicators.find((i) => i.code === 'econ.income')!;
    const pct = detail.indicators.find((i) => i.code === 'eco.sewage')!;
    const computed = detail.indicators.find((i) => i.source === 'computed')!;
    const put = (payload: unknown) => as(t.app, admin)({ method: 'PUT', url: '/api/v1/indicators/observations', payload: payload as object });
    const cases: [unknown, number, string | undefined][] = [
      [{ indicatorId: manual.id, unitId: v.id, period: thisYear, value: 'lots' }, 400, 'body/value'],
      [{ indicatorId: manual.id, unitId: v.id, period: 1990, value: 1 }, 400, 'body/period'],
      [{ indicatorId: manual.id, unitId: v.id, period: thisYear, value: 1, extra: true }, 400, undefined],
      [{ indicatorId: pct.id, unitId: v.id, period: thisYear, value: 150 }, 400, 'body/value'],
      [{ indicatorId: manual.id, unitId: v.townshipId, period: thisYear, value: 1 }, 400, 'body/unitId'],
      [{ indicatorId: computed.id, unitId: v.id, period: thisYear, value: 1 }, 409, 'body/indicatorId'],
      [{ indicatorId: '0190c1a2-0000-7000-8000-000000000000', unitId: v.id, period: thisYear, value: 1 }, 404, undefined],
    ];
    for (const [payload, status, field] of cases) {
      const res = await put(payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(res.json().field ?? res.json().errors?.[0]?.field).toBe(field);
    }
    const again = (await get<Detail>(admin, `/api/v1/indicators/villages/${v.id}`)).body;
    expect(again.indicators.find((i) => i.code === 'econ.income')!.value).toBe(manual.value);
    const dup = await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/definitions', payload: { code: 'econ.income', nameZh: '重复', nameEn: 'Dup', pillar: 'economy', unit: '元', direction: 'higher', source: 'manual' } });
    expect(dup.statusCode).toBe(409);
    const half = await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/definitions', payload: { code: 'econ.half', nameZh: '半', nameEn: 'Half', pillar: 'economy', unit: '元', direction: 'higher', source: 'computed' } });
    expect(half.statusCode).toBe(400);
    expect(half.json().field).toBe('body/computedKey');
    expect((await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/recompute', payload: { period: 'soon' } })).statusCode).toBe(400);
  });

  it('checks permissions on the village: officials of other villages, residents and visitors are refused', async () => {
    const mine = yjt();
    const notMine = other();
    const income = (await get<Detail>(admin, `/api/v1/indicators/villages/${mine.id}`)).body.indicators.find((i) => i.code === 'econ.income')!;
    const put = (s: Session | null, unitId: string) => as(t.app, s)({ method: 'PUT', url: '/api/v1/indicators/observations', payload: { indicatorId: income.id, unitId, period: thisYear, value: 20_000 } });
    expect((await put(village, notMine.id)).statusCode).toBe(403);
    expect((await put(town, notMine.id)).statusCode).toBe(403);
    expect((await put(town, mine.id)).statusCode).toBe(200);
    expect((await put(resident, mine.id)).statusCode).toBe(403);
    expect((await put(null, mine.id)).statusCode).toBe(401);
    expect((await get(resident, '/api/v1/indicators/overview')).status).toBe(403);
    expect((await get(null, '/api/v1/indicators/overview')).status).toBe(401);
    expect((await get<Detail>(village, `/api/v1/indicators/villages/${notMine.id}`)).body.canObserve).toBe(false);
    expect((await as(t.app, village)({ method: 'POST', url: '/api/v1/indicators/recompute', payload: { period: thisYear } })).statusCode).toBe(403);
    expect((await as(t.app, town)({ method: 'PUT', url: '/api/v1/indicators/targets', payload: { indicatorId: income.id, unitId: mine.id, period: thisYear, value: 1 } })).statusCode).toBe(403);
    const target = await as(t.app, admin)({ method: 'PUT', url: '/api/v1/indicators/targets', payload: { indicatorId: income.id, unitId: mine.id, period: thisYear, value: 30_000 } });
    expect(target.statusCode, target.body).toBe(200);
    const started = await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/recompute', payload: { period: thisYear } });
    expect((await as(t.app, town)({ url: `/api/v1/indicators/jobs/${started.json().jobId}/events` })).statusCode).toBe(403);
    await t.app.jobs.drain();
  });

  it('exports the ranking and the observations of a year as XLSX', async () => {
    const res = await as(t.app, admin)({ url: `/api/v1/indicators/export.xlsx?period=${lastYear}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`indicators-${lastYear}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ranking = wb.getWorksheet('Index')!;
    expect(ranking.getRow(1).getCell(2).value).toBe('Village');
    expect(ranking.getRow(2).getCell(1).value).toBe(1);
    expect(ranking.rowCount).toBe(view.villages.length + 1);
    expect(wb.getWorksheet('Observations')!.rowCount).toBeGreaterThan(view.villages.length * 9);
  });
});
