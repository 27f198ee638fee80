import ExcelJS from 'exceljs';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { compositeIndex, type IndicatorColumn } from './composite.ts';
import { demoPeriods } from './seed.ts';
import { SENNAROGLU_TOPSIS } from './topsis.fixture.ts';
import { entropyTopsisIndex, entropyWeights, topsis } from './topsis.ts';

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

describe('entropy-weight TOPSIS (pure)', () => {
  it('reproduces the worked TOPSIS example of the literature (Sennaroğlu, 2009)', () => {
    const f = SENNAROGLU_TOPSIS;
    const { weighted, closeness } = topsis(f.matrix, f.weights, f.higherIsBetter);
    weighted.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(f.weighted[i][j], 4)));
    closeness.forEach((c, i) => expect(c).toBeCloseTo(f.closeness[i], 3));
  });

  it('weighs by entropy, worked by hand: the column that singles one unit out weighs more', () => {
    // Column 1: p = 0, 1/3, 2/3 → e = 0.6365 / ln 3 = 0.5794, d = 0.4206; column 2: p = 1, 0, 0 → e = 0, d = 1.
    const [w1, w2] = entropyWeights([
      [0, 1],
      [0.5, 0],
      [1, 0],
    ]);
    expect(w1).toBeCloseTo(0.4206 / 1.4206, 3);
    expect(w2).toBeCloseTo(1 / 1.4206, 3);
  });

  it('leaves out a constant column, takes a missing value as the mean, gives a single unit no score, never NaN', () => {
    const inds: IndicatorColumn[] = [
      { id: 'income', pillar: 'economy', direction: 'higher', weight: 1 },
      { id: 'elderly', pillar: 'people', direction: 'lower', weight: 1 },
      { id: 'flat', pillar: 'ecology', direction: 'higher', weight: 1 },
    ];
    const values = new Map([
      ['income', column({ A: 30, B: 20, C: 10 })],
      ['elderly', column({ A: 10, C: 30 })], // B missing: taken as 20
      ['flat', column({ A: 5, B: 5, C: 5 })],
    ]);
    const scores = entropyTopsisIndex(inds, values, ['A', 'B', 'C']);
    // A is best on both, C worst on both, B in the middle of both: the ideal, the anti-ideal and half-way.
    expect(scores).toEqual([
      { unitId: 'A', score: 100, rank: 1, pillars: { economy: 100, people: 100 } },
      { unitId: 'B', score: 50, rank: 2, pillars: { economy: 50, people: 50 } },
      { unitId: 'C', score: 0, rank: 3, pillars: { economy: 0, people: 0 } },
    ]);
    expect(entropyTopsisIndex(inds, new Map([['income', column({ A: 30 })]]), ['A'])).toEqual([]);
    expect(entropyTopsisIndex(inds, new Map([['flat', column({ A: 5, B: 5 })]]), ['A', 'B'])).toEqual([]);
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
    // The recurring recomputation runs once at start: let it finish, so only this file's requests move the index.
    await t.app.jobs.drain();
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
    // Sandou township's average is the mean of its villages' indices.
    const sandou = (view as unknown as { townships: { nameZh: string; average: number }[] }).townships.find((x) => x.nameZh === '三都乡')!;
    const members = view.villages.filter((v) => v.townshipZh === '三都乡').map((v) => v.score!);
    expect(sandou.average).toBeCloseTo(members.reduce((a, b) => a + b, 0) / members.length, 1);
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
    expect(evs.at(-1)).toMatchObject({ type: 'result', data: { period: thisYear, computedIndicators: 4, changedValues: 0, indexChanged: true } });
    expect(evs.filter((e) => e.type === 'progress').at(-1)!.data).toMatchObject({ step: 'index', done: 5, total: 5 });
    const after = (await get<Overview>(admin, '/api/v1/indicators/overview')).body.villages.find((x) => x.id === v.id)!;
    expect(after.score).toBeGreaterThan(v.score!);
    const indexAudit = await t.db.db.select().from(auditLog).where(and(eq(auditLog.action, 'indicators.index.compute'), eq(auditLog.actorId, admin.userId)));
    expect(indexAudit).toHaveLength(1);
    // Again with nothing changed: nothing is written, nothing audited.
    const audits = () => t.db.db.select().from(auditLog).where(eq(auditLog.action, 'indicators.index.compute')).then((r) => r.length);
    const auditsBefore = await audits();
    const again = await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/recompute', payload: { period: thisYear } });
    const last = events((await as(t.app, admin)({ url: `/api/v1/indicators/jobs/${again.json().jobId}/events` })).body).at(-1);
    expect(last).toMatchObject({ type: 'result', data: { changedValues: 0, indexChanged: false } });
    expect(await audits()).toBe(auditsBefore);
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

  it('switches the index to entropy-weight TOPSIS: audited, and the next recomputation ranks by it', async () => {
    expect((await as(t.app, town)({ method: 'PUT', url: '/api/v1/indicators/method', payload: { method: 'entropy_topsis' } })).statusCode).toBe(403);
    expect((await as(t.app, admin)({ method: 'PUT', url: '/api/v1/indicators/method', payload: { method: 'topsis' } })).statusCode).toBe(400);
    const set = await as(t.app, admin)({ method: 'PUT', url: '/api/v1/indicators/method', payload: { method: 'entropy_topsis' } });
    expect(set.json()).toEqual({ method: 'entropy_topsis' });
    const started = await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/recompute', payload: { period: lastYear } });
    const evs = events((await as(t.app, admin)({ url: `/api/v1/indicators/jobs/${started.json().jobId}/events` })).body);
    expect(evs.at(-1)).toMatchObject({ type: 'result', data: { method: 'entropy_topsis', period: lastYear } });
    const after = (await get<Overview & { method: string }>(admin, `/api/v1/indicators/overview?period=${lastYear}`)).body;
    expect(after.method).toBe('entropy_topsis');
    expect(after.villages.every((v) => v.score !== null && v.score >= 0 && v.score <= 100)).toBe(true);
    expect(after.villages[0].rank).toBe(1);
    const [audit] = await t.db.db.select().from(auditLog).where(eq(auditLog.action, 'indicators.method.set'));
    expect(audit.details).toEqual({ from: 'weighted', to: 'entropy_topsis' });
    await as(t.app, admin)({ method: 'PUT', url: '/api/v1/indicators/method', payload: { method: 'weighted' } });
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
