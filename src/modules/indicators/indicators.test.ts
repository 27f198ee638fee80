import ExcelJS from 'exceljs';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { compositeIndex, type IndicatorColumn } from './composite.ts';
import { furthestBehindFirst, progressOf, rollUp } from './rollup.ts';
import { rankShift, spearman, weightSensitivity } from './sensitivity.ts';
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

describe('roll-ups, target progress and weight sensitivity (pure)', () => {
  it('rolls villages up as a total or a mean over those with a value, and none from none', () => {
    expect(rollUp('sum', [1, 2, undefined, 4])).toEqual({ value: 7, villages: 3, of: 4 });
    expect(rollUp('mean', [1, 2, undefined, 4])).toEqual({ value: 2.33, villages: 3, of: 4 });
    expect(rollUp('sum', [undefined, undefined])).toBeNull();
  });

  it('measures progress by direction, lights green from 100 %, amber from 90 %, red below, and sorts furthest behind first', () => {
    expect(progressOf('higher', 45, 50)).toEqual({ progress: 0.9, light: 'amber' });
    expect(progressOf('higher', 60, 50)).toEqual({ progress: 1.2, light: 'green' });
    expect(progressOf('higher', 10, 50)).toEqual({ progress: 0.2, light: 'red' });
    expect(progressOf('lower', 40, 30)).toEqual({ progress: 0.75, light: 'red' }); // a share of elderly: 40 % against 30 %
    expect(progressOf('lower', 0, 30)).toEqual({ progress: 1, light: 'green' });
    expect(progressOf('higher', 5, 0)).toEqual({ progress: 1, light: 'green' });
    expect(progressOf('higher', null, 50)).toEqual({ progress: null, light: 'none' });
    expect(progressOf('higher', 5, null)).toEqual({ progress: null, light: 'none' });
    const rows = [
      { id: 'no target', progress: null, target: null },
      { id: 'met', progress: 1.2, target: 5 },
      { id: 'no value', progress: null, target: 5 },
      { id: 'behind', progress: 0.2, target: 5 },
    ];
    expect(rows.sort(furthestBehindFirst).map((r) => r.id)).toEqual(['behind', 'met', 'no value', 'no target']);
  });

  it('measures how rankings differ (shift, Spearman) and how far a pillar weight moves the ranking', () => {
    const r = (ids: string[]) => ids.map((unitId, k) => ({ unitId, score: 100 - k, rank: k + 1, pillars: {} }));
    expect(rankShift(r(['A', 'B', 'C']), r(['C', 'B', 'A']))).toEqual({ units: 3, maxShift: 2, meanShift: 1.33, mostMoved: 'A' });
    expect(spearman(r(['A', 'B', 'C']), r(['A', 'B', 'C']))).toBe(1);
    expect(spearman(r(['A', 'B', 'C']), r(['C', 'B', 'A']))).toBe(-1);
    expect(spearman(r(['A']), r(['A']))).toBeNull();
    // A leads on economy, B on culture; with equal pillar weights they tie-break by economy's spread (A 100 / B 0 vs
    // culture A 0 / B 100 → both 50). Halving economy puts B first, raising it by half puts A first: a shift of one.
    const inds: IndicatorColumn[] = [
      { id: 'income', pillar: 'economy', direction: 'higher', weight: 1 },
      { id: 'events', pillar: 'culture', direction: 'higher', weight: 1 },
    ];
    const values = new Map([
      ['income', column({ A: 30, B: 10 })],
      ['events', column({ A: 1, B: 5 })],
    ]);
    const s = weightSensitivity(inds, values, { economy: 1, culture: 1 }, ['A', 'B']);
    expect(s.map((x) => x.pillar)).toEqual(['economy', 'culture']);
    expect(s[0].lower.maxShift + s[0].higher.maxShift).toBeGreaterThanOrEqual(1);
    for (const x of s) for (const side of [x.lower, x.higher]) expect(Number.isFinite(side.meanShift)).toBe(true);
  });
});

type Overview = { period: number; periods: number[]; villages: { id: string; nameZh: string; score: number | null; rank: number | null; townshipId: string; townshipZh: string }[]; trend: { period: number; average: number | null }[] };
type Detail = {
  canObserve: boolean;
  canPlan: boolean;
  unit: { id: string; level: string };
  scores: { period: number; score: number; rank: number | null; villages: number }[];
  indicators: { id: string; code: string; source: string; value: number | null; previous: number | null; unit: string; version: number; recordedVersion: number | null; rolledUp: { value: number; villages: number; of: number } | null; target: number | null; progress: number | null; light: string }[];
};

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
    expect(evs.at(-1)).toMatchObject({ type: 'result', data: { period: thisYear, computedIndicators: 10, changedValues: 0, indexChanged: true } });
    expect(evs.filter((e) => e.type === 'progress').at(-1)!.data).toMatchObject({ step: 'index', done: 11, total: 11 });
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

  it('computes indicators from the other modules, each value with the records it was counted from', async () => {
    type WithProvenance = Detail['indicators'][number] & { provenance: { module: string; records: number; ids: string[] } | null };
    const v = yjt();
    const indicator = async (code: string) =>
      (await get<{ indicators: WithProvenance[] }>(admin, `/api/v1/indicators/villages/${v.id}?period=${thisYear}`)).body.indicators.find((i) => i.code === code)!;
    // The Atlas: of 杨家堂村's two assessed buildings, the ancestral hall is fair (grade 2), the dwellings damaged (3).
    const good = await indicator('culture.good_buildings');
    expect(good).toMatchObject({ source: 'computed', value: 50, provenance: { module: 'atlas', records: 2 } });
    expect(good.provenance!.ids).toHaveLength(2);
    // People: a returnee registered in the village counts after the recomputation, and is among its records.
    const before = await indicator('people.returned');
    expect(before.provenance).toMatchObject({ module: 'people' });
    const registered = await as(t.app, village)({
      method: 'POST',
      url: '/api/v1/people/residents',
      payload: { villageId: v.id, fullName: '宋归乡', birthYear: 1990, status: 'returned', statusSince: `${thisYear}-03-01`, returnedFrom: '杭州', consent: true },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const started = await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/recompute', payload: { period: thisYear } });
    await as(t.app, admin)({ url: `/api/v1/indicators/jobs/${started.json().jobId}/events` });
    const after = await indicator('people.returned');
    expect(after.value).toBe((before.value ?? 0) + 1);
    expect(after.provenance!.records).toBe(after.value);
    expect(after.provenance!.ids).toContain(registered.json().id);
    // Last year's figure does not count someone who came back this year.
    const lastYearFigure = (await get<{ indicators: WithProvenance[] }>(admin, `/api/v1/indicators/villages/${v.id}?period=${lastYear}`)).body.indicators.find((i) => i.code === 'people.returned')!;
    expect(lastYearFigure.provenance?.ids ?? []).not.toContain(registered.json().id);
    // Every computed indicator of the catalogue has a value (0 where there is nothing to count), none NaN.
    const all = (await get<{ indicators: WithProvenance[] }>(admin, `/api/v1/indicators/villages/${v.id}?period=${thisYear}`)).body.indicators.filter((i) => i.source === 'computed');
    expect(all.map((i) => i.code).sort()).toEqual(
      ['culture.apprenticeships', 'culture.good_buildings', 'culture.restored', 'eco.drone_deliveries', 'eco.renewal_funds', 'eco.road_km_avoided', 'econ.inn_nights', 'econ.live_revenue', 'econ.market_sales', 'people.returned'].sort(),
    );
    for (const i of all) expect(Number.isFinite(i.value), i.code).toBe(true);
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
      [{ indicatorId: manual.id, unitId: '0190c1a2-0000-7000-8000-000000000001', period: thisYear, value: 1 }, 400, 'body/unitId'],
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
    // Targets cascade: a township's official splits its target over its villages, not elsewhere, not its own.
    const townTarget = (unitId: string) => as(t.app, town)({ method: 'PUT', url: '/api/v1/indicators/targets', payload: { indicatorId: income.id, unitId, period: thisYear, value: 1 } });
    expect((await townTarget(notMine.id)).statusCode).toBe(403);
    expect((await townTarget(mine.townshipId)).statusCode).toBe(403);
    expect((await townTarget(mine.id)).statusCode).toBe(200);
    expect((await as(t.app, village)({ method: 'PUT', url: '/api/v1/indicators/targets', payload: { indicatorId: income.id, unitId: mine.id, period: thisYear, value: 1 } })).statusCode).toBe(403);
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

  it('takes observations on townships and the county too, within the official\'s scope, and rolls villages up', async () => {
    const mine = yjt();
    const township = (await get<Detail>(town, `/api/v1/indicators/units/${mine.townshipId}`)).body;
    expect(township.unit.level).toBe('township');
    expect(township.canObserve).toBe(true);
    const returnees = township.indicators.find((i) => i.code === 'people.returnees')!;
    const sewage = township.indicators.find((i) => i.code === 'eco.sewage')!;
    // The roll-up: returnees are a total, sewage treatment a mean, over the township's villages.
    const members = view.villages.filter((v) => v.townshipId === mine.townshipId);
    const valuesOf = async (code: string) =>
      Promise.all(members.map(async (m) => (await get<Detail>(admin, `/api/v1/indicators/units/${m.id}`)).body.indicators.find((i) => i.code === code)!.value!));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(returnees.rolledUp).toEqual({ value: Math.round(sum(await valuesOf('people.returnees')) * 100) / 100, villages: members.length, of: members.length });
    const sewages = await valuesOf('eco.sewage');
    expect(sewage.rolledUp!.value).toBeCloseTo(sum(sewages) / sewages.length, 2);
    // Its index: the mean of its villages'.
    const mean = township.scores.find((s) => s.period === thisYear)!;
    expect(mean.villages).toBe(members.length);
    const fresh = (await get<Overview>(admin, '/api/v1/indicators/overview')).body.villages.filter((v) => v.townshipId === mine.townshipId);
    expect(mean.score).toBeCloseTo(sum(fresh.map((m) => m.score!)) / fresh.length, 1);
    // The township's own figure: by its official, not by a village's, not outside it.
    const put = (s: Session, unitId: string, value = 55) => as(t.app, s)({ method: 'PUT', url: '/api/v1/indicators/observations', payload: { indicatorId: sewage.id, unitId, period: thisYear, value } });
    expect((await put(village, mine.townshipId)).statusCode).toBe(403);
    expect((await put(town, other().townshipId)).statusCode).toBe(403);
    const ok = await put(town, mine.townshipId);
    expect(ok.statusCode, ok.body).toBe(200);
    const county = (await get<Detail>(admin, `/api/v1/indicators/units/${(township as unknown as { unit: { parentId: string } }).unit.parentId}`)).body;
    expect(county.unit.level).toBe('county');
    expect((await put(town, county.unit.id)).statusCode).toBe(403);
    expect((await put(admin, county.unit.id, 70)).statusCode).toBe(200);
    expect((await put(admin, county.unit.id, 170)).statusCode).toBe(400);
    const after = (await get<Detail>(town, `/api/v1/indicators/units/${mine.townshipId}`)).body.indicators.find((i) => i.code === 'eco.sewage')!;
    expect(after).toMatchObject({ value: 55, recordedVersion: 1 });
    expect(after.rolledUp).toEqual(sewage.rolledUp);
    expect((await get<Detail>(admin, `/api/v1/indicators/units/${county.unit.id}`)).body.indicators.find((i) => i.code === 'eco.sewage')!.value).toBe(70);
  });

  it('cascades targets county → township → village, with progress, traffic lights and the furthest behind first', async () => {
    const mine = yjt();
    const detail = (await get<Detail>(admin, `/api/v1/indicators/units/${mine.townshipId}`)).body;
    const county = (detail as unknown as { unit: { parentId: string } }).unit.parentId;
    const cascade = (unitId: string) => get<{ rows: { indicator: { code: string }; target: number | null; actual: number | null; progress: number | null; light: string; allocated: number | null; unallocated: number | null; children: { unitId: string; target: number | null; actual: number | null; progress: number | null; light: string }[] }[] }>(admin, `/api/v1/indicators/targets?unitId=${unitId}&period=${thisYear}`);
    // The demo's returnee targets: the county's, split over every township.
    const top = (await cascade(county)).body.rows.find((r) => r.indicator.code === 'people.returnees')!;
    expect(top.target).toBeGreaterThan(0);
    expect(top.unallocated).toBeCloseTo(top.target! - top.allocated!, 2);
    expect(top.children.length).toBeGreaterThan(1);
    const progresses = top.children.filter((c) => c.target !== null && c.progress !== null).map((c) => c.progress!);
    expect(progresses).toEqual([...progresses].sort((a, b) => a - b));
    for (const c of top.children) expect(c.light).toBe(c.progress === null ? 'none' : c.progress >= 1 ? 'green' : c.progress >= 0.9 ? 'amber' : 'red');
    // The township's official splits a target over its villages: one far behind comes first, red.
    const returnees = detail.indicators.find((i) => i.code === 'people.returnees')!;
    const members = view.villages.filter((v) => v.townshipId === mine.townshipId).slice(0, 2);
    const figure = async (id: string) => (await get<Detail>(admin, `/api/v1/indicators/units/${id}`)).body.indicators.find((i) => i.code === 'people.returnees')!.value!;
    const set = (unitId: string, value: number) => as(t.app, town)({ method: 'PUT', url: '/api/v1/indicators/targets', payload: { indicatorId: returnees.id, unitId, period: thisYear, value } });
    expect((await set(members[0].id, (await figure(members[0].id)) * 4 + 4)).statusCode).toBe(200);
    expect((await set(members[1].id, await figure(members[1].id))).statusCode).toBe(200);
    const split = (await cascade(mine.townshipId)).body.rows.find((r) => r.indicator.code === 'people.returnees')!;
    expect(split.children[0]).toMatchObject({ unitId: members[0].id, light: 'red' });
    expect(split.children.find((c) => c.unitId === members[1].id)).toMatchObject({ light: 'green', progress: 1 });
    // The township's progress is its villages' total against its target (it has no figure of its own).
    expect(split.actual).toBe(returnees.rolledUp!.value);
    const [audit] = await t.db.db.select().from(auditLog).where(and(eq(auditLog.action, 'indicators.target.set'), eq(auditLog.actorId, town.userId))).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(1);
    expect(audit.details).toMatchObject({ code: 'people.returnees', level: 'village', period: thisYear });
  });

  it('versions a definition: a change adds a version, observations keep theirs, the history shows both', async () => {
    const mine = yjt();
    const artisans = (await get<Detail>(admin, `/api/v1/indicators/units/${mine.id}`)).body.indicators.find((i) => i.code === 'culture.artisans')!;
    expect(artisans.version).toBe(1);
    const patch = (s: Session, body: object) => as(t.app, s)({ method: 'PATCH', url: `/api/v1/indicators/definitions/${artisans.id}`, payload: body });
    expect((await patch(town, { nameZh: '非遗传承人', note: 'x' })).statusCode).toBe(403);
    const bad = await patch(admin, { direction: 'sideways', note: 'x' });
    expect(bad.statusCode).toBe(400);
    expect((await patch(admin, { nameZh: '传统技艺传承人' })).statusCode).toBe(400); // no note
    const same = await patch(admin, { nameZh: '传统技艺传承人', note: 'nothing changes' });
    expect(same.json().version).toBe(1);
    const changed = await patch(admin, { nameZh: '非遗及传统技艺传承人', note: '含非遗代表性传承人' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ version: 2, nameZh: '非遗及传统技艺传承人' });
    const entered = await as(t.app, village)({ method: 'PUT', url: '/api/v1/indicators/observations', payload: { indicatorId: artisans.id, unitId: mine.id, period: thisYear, value: 9 } });
    expect(entered.json().definitionVersion).toBe(2);
    const detail = (await get<Detail>(admin, `/api/v1/indicators/units/${mine.id}?period=${lastYear}`)).body.indicators.find((i) => i.id === artisans.id)!;
    expect(detail.recordedVersion).toBe(1);
    const history = (await get<{ versions: { version: number; nameZh: string; note: string; observations: number }[] }>(village, `/api/v1/indicators/definitions/${artisans.id}/versions`)).body;
    expect(history.versions.map((v) => [v.version, v.nameZh, v.note])).toEqual([
      [2, '非遗及传统技艺传承人', '含非遗代表性传承人'],
      [1, '传统技艺传承人', ''],
    ]);
    expect(history.versions[0].observations).toBe(1);
    expect(history.versions[1].observations).toBeGreaterThan(view.villages.length);
    const [audit] = await t.db.db.select().from(auditLog).where(eq(auditLog.action, 'indicators.definition.change'));
    expect(audit.details).toMatchObject({ version: 2, nameZh: { from: '传统技艺传承人', to: '非遗及传统技艺传承人' } });
  });

  it('imports observations from CSV and XLSX: all rows or none, with a report row by row, from a template', async () => {
    const mine = yjt();
    const upload = (s: Session, name: string, data: Buffer, query = 'format=csv') =>
      as(t.app, s)({ method: 'POST', url: `/api/v1/indicators/import?${query}`, ...multipart({}, { name, type: name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream', data }) });
    const valueOf = async (code: string, unitId = mine.id) => (await get<Detail>(admin, `/api/v1/indicators/units/${unitId}`)).body.indicators.find((i) => i.code === code)!.value;
    const eventsBefore = await valueOf('culture.events');
    // One wrong row: nothing is written, and the report says which row and field, and why.
    const bad = [
      '指标代码 code,单位 unit,年份 year,数值 value',
      `culture.events,${mine.nameZh},${thisYear},17`,
      `eco.sewage,${mine.nameZh},${thisYear},140`,
      `econ.market_sales,${mine.nameZh},${thisYear},5`,
      `people.returnees,${other().nameZh},${thisYear},3`,
      `people.returnees,${mine.nameZh},19xx,3`,
      `culture.events,${mine.nameZh},${thisYear},`,
      `nope,${mine.nameZh},${thisYear},1`,
    ].join('\n');
    const refused = await upload(village, 'v.csv', Buffer.from(bad));
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ accepted: false, written: 0, errors: 5, skipped: 1 });
    expect(refused.json().report.map((r: { row: number; status: string; field?: string; error?: string }) => [r.row, r.status, r.field, r.error])).toEqual([
      [2, 'valid', undefined, undefined],
      [3, 'error', 'value', 'out_of_range'],
      [4, 'error', 'code', 'computed_indicator'],
      [5, 'error', 'unit', 'not_permitted'],
      [6, 'error', 'year', 'bad_year'],
      [7, 'skipped', undefined, undefined],
      [8, 'error', 'code', 'unknown_indicator'],
    ]);
    expect(await valueOf('culture.events')).toBe(eventsBefore);
    // The good rows alone: a dry run writes nothing, then the import writes them with their audit.
    const good = Buffer.from(`\uFEFFcode,unit,year,value\r\nculture.events,${mine.nameZh},${thisYear},17\r\n"people.returnees","${mine.nameZh}",${thisYear},"6"\r\n`);
    expect((await upload(village, 'v.csv', good, 'format=csv&dryRun=true')).json()).toMatchObject({ accepted: false, dryRun: true, errors: 0, written: 0 });
    expect(await valueOf('culture.events')).toBe(eventsBefore);
    const done = await upload(village, 'v.csv', good);
    expect(done.json()).toMatchObject({ accepted: true, written: 2, errors: 0 });
    expect(await valueOf('culture.events')).toBe(17);
    const audits = await t.db.db.select().from(auditLog).where(eq(auditLog.action, 'indicators.observation.record'));
    expect(audits.filter((a) => (a.details as { importId?: string }).importId === done.json().importId)).toHaveLength(2);
    // The template: the official's units and the manual indicators, today's values in; back unchanged, nothing written.
    const tpl = await as(t.app, village)({ url: `/api/v1/indicators/import/template.xlsx?period=${thisYear}` });
    expect(tpl.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(tpl.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Observations')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('指标代码 code');
    expect(sheet.rowCount).toBe(1 + 9); // one village, nine manual indicators
    const again = await upload(village, 't.xlsx', tpl.rawPayload, 'format=xlsx');
    expect(again.json()).toMatchObject({ accepted: true, written: 0, unchanged: 9 });
    // Filled in and sent back as XLSX.
    sheet.eachRow((row, n) => {
      if (n > 1 && row.getCell(1).value === 'culture.events') row.getCell(6).value = 18;
    });
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await upload(village, 't.xlsx', filled, 'format=xlsx')).json()).toMatchObject({ accepted: true, written: 1, unchanged: 8 });
    expect(await valueOf('culture.events')).toBe(18);
    // Not a spreadsheet, no heading, no file: a 400 naming the file.
    expect((await upload(village, 'x.xlsx', Buffer.from('not a zip'), 'format=xlsx')).json().field).toBe('file');
    expect((await upload(village, 'x.csv', Buffer.from('a,b\n1,2'))).json().field).toBe('file');
    expect((await upload(resident, 'v.csv', good)).statusCode).toBe(403);
  });

  it('sets expert weights per indicator, keeps both indices, and shows entropy weights and sensitivity beside them', async () => {
    const w = (await get<{ indicators: { id: string; code: string; weight: number; expertShare: number; entropyShare: number | null }[]; sensitivity: { pillar: string }[]; agreement: { spearman: number | null; units: number } }>(admin, `/api/v1/indicators/weights?period=${thisYear}`)).body;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(w.indicators.map((i) => i.expertShare))).toBeCloseTo(1, 3);
    expect(sum(w.indicators.flatMap((i) => (i.entropyShare === null ? [] : [i.entropyShare])))).toBeCloseTo(1, 3);
    expect(w.sensitivity.map((s) => s.pillar)).toEqual(['economy', 'culture', 'ecology', 'people']);
    expect(w.agreement.units).toBeGreaterThan(50);
    expect(w.agreement.spearman).toBeGreaterThan(-1);
    const income = w.indicators.find((i) => i.code === 'econ.income')!;
    const put = (s: Session, body: object) => as(t.app, s)({ method: 'PUT', url: '/api/v1/indicators/indicator-weights', payload: body });
    expect((await put(town, { weights: [{ indicatorId: income.id, weight: 3 }] })).statusCode).toBe(403);
    expect((await put(admin, { weights: [{ indicatorId: income.id, weight: 0 }] })).statusCode).toBe(400);
    expect((await put(admin, { weights: [{ indicatorId: '0190c1a2-0000-7000-8000-000000000000', weight: 2 }] })).json().field).toBe('body/weights/0/indicatorId');
    expect((await put(admin, { weights: [{ indicatorId: income.id, weight: 3 }] })).json()).toEqual({ changed: 1 });
    const after = (await get<typeof w>(admin, `/api/v1/indicators/weights?period=${thisYear}`)).body.indicators.find((i) => i.code === 'econ.income')!;
    expect(after.expertShare).toBeGreaterThan(income.expertShare);
    const [audit] = await t.db.db.select().from(auditLog).where(eq(auditLog.action, 'indicators.weights.indicators'));
    expect(audit.details).toEqual({ changes: [{ code: 'econ.income', from: 1, to: 3 }] });
    const started = await as(t.app, admin)({ method: 'POST', url: '/api/v1/indicators/recompute', payload: { period: thisYear } });
    await as(t.app, admin)({ url: `/api/v1/indicators/jobs/${started.json().jobId}/events` });
    const o = (await get<{ method: string; villages: { score: number | null; weightedScore: number | null; entropyScore: number | null }[] }>(admin, '/api/v1/indicators/overview')).body;
    expect(o.method).toBe('weighted');
    expect(o.villages.every((v) => v.weightedScore === v.score && v.entropyScore !== null && v.entropyScore >= 0 && v.entropyScore <= 100)).toBe(true);
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
