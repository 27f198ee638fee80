// Issue 18 item 12: a batch's trace events say where they happened (a village of the Atlas, or a position), the
// chain's hashes cover the place, and the trace's journey is drawn from those places instead of a fixed line.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../test/support/app.ts';
import { describeEachDriver } from '../test/support/db.ts';
import { eventHash, verifyChain } from './modules/market/trace.ts';

interface Unit {
  id: string;
  nameZh: string;
  namePinyin: string;
  lon: number | null;
  lat: number | null;
}

it('the hash covers the place, and an event without one keeps the hash it had before places existed', () => {
  const e = { batchId: 'b', seq: 1, kind: 'note', occurredAt: new Date('2026-05-01T00:00:00Z'), operator: '', notes: '', documentTitle: null, documentUrl: null };
  const plain = eventHash('0'.repeat(64), e);
  expect(eventHash('0'.repeat(64), { ...e, placeUnitId: null, placeLon: null, placeLat: null })).toBe(plain);
  const placed = { ...e, placeUnitId: null, placeLon: 119.5, placeLat: 28.5 };
  const hash = eventHash('0'.repeat(64), placed);
  expect(hash).not.toBe(plain);
  const chain = [{ ...placed, prevHash: '0'.repeat(64), hash }];
  expect(verifyChain(chain, hash, 1).valid).toBe(true);
  expect(verifyChain([{ ...chain[0], placeLon: 119.6 }], hash, 1)).toMatchObject({ valid: false, brokenAtSeq: 1 });
});

describeEachDriver('trace events with places', (driver) => {
  let t: TestApp;
  let producer: Session;
  let villages: Unit[];
  let townships: Unit[];
  let batchId: string;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    producer = await signIn(t.app, 'producer');
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    townships = tree.townships;
    villages = tree.townships.flatMap((x: { villages: Unit[] }) => x.villages).filter((v: Unit) => v.lon !== null);
    const { items } = (await t.app.inject({ url: '/api/v1/market/products' })).json();
    const product = (await t.app.inject({ url: `/api/v1/market/products/${items.find((p: { name: string }) => p.name === '松阳银猴 特级 明前').id}` })).json();
    batchId = product.batches[0].id;
  });
  afterAll(() => t?.close());

  const append = (body: Record<string, unknown>) =>
    as(t.app, producer)({ method: 'POST', url: `/api/v1/market/batches/${batchId}/events`, payload: { kind: 'note', occurredAt: new Date().toISOString(), ...body } });

  it('refuses a place that is not a village of the county, or half a position, naming the field', async () => {
    const township = await append({ placeUnitId: townships[0].id });
    expect(township.statusCode).toBe(400);
    expect(township.body).toContain('placeUnitId');
    const unknown = await append({ placeUnitId: '01a22c24-0000-7000-8000-000000000000' });
    expect(unknown.statusCode).toBe(400);
    const half = await append({ lon: 119.5 });
    expect(half.statusCode).toBe(400);
    expect(half.body).toContain('body/lat');
  });

  it('draws the journey from where the events happened, in their order; the chain still verifies', async () => {
    const before = (await t.app.inject({ url: `/api/v1/market/trace/${batchId}` })).json();
    expect(before.events.every((e: { place: unknown }) => e.place === null)).toBe(true);
    const [a, b] = [villages[0], villages.find((v) => v.lon !== villages[0].lon)!];
    expect((await append({ kind: 'drying', placeUnitId: a.id })).statusCode).toBe(201);
    expect((await append({ kind: 'packing', placeUnitId: b.id, lon: 119.61, lat: 28.52 })).statusCode).toBe(201);
    expect((await append({ kind: 'note', lon: 119.3, lat: 28.6 })).statusCode).toBe(201);

    const trace = (await t.app.inject({ url: `/api/v1/market/trace/${batchId}` })).json();
    expect(trace.verification.valid).toBe(true);
    const placed = trace.events.filter((e: { place: unknown }) => e.place);
    expect(placed.map((e: { kind: string; place: { name: string | null; lon: number; lat: number } }) => [e.kind, e.place.name, e.place.lon, e.place.lat])).toEqual([
      ['drying', a.nameZh, a.lon, a.lat],
      ['packing', b.nameZh, 119.61, 28.52],
      ['note', null, 119.3, 28.6],
    ]);
    const events = trace.journey.filter((p: { id: string }) => p.id.startsWith('event-'));
    expect(events.map((p: { name: string; namePinyin: string | null; kind: string; lon: number }) => [p.name, p.namePinyin, p.kind, p.lon])).toEqual([
      [a.nameZh, a.namePinyin, 'drying', a.lon],
      [b.nameZh, b.namePinyin, 'packing', 119.61],
      ['', null, 'note', 119.3],
    ]);
    // No fixed garden → village → county line any more.
    expect(trace.journey.map((p: { id: string }) => p.id)).not.toContain('county');
  });
});
