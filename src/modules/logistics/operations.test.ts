import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { legEntersZone } from './nofly.ts';
import { parcelCode } from './dispatch.ts';
import { tomorrow } from './seed.ts';

type Tree = { county: { id: string }; townships: { id: string; nameZh: string; villages: { id: string; nameZh: string; lon: number; lat: number }[] }[] };
type Plan = {
  id: string;
  status: string;
  stops: { id: string; requestId: string; vehicleId: string; trip: number; status: string; proofKind: string | null; keptFrom: string | null; plannedAt: string }[];
  unserved: { requestId: string; reason: string }[];
  result: {
    routes: { vehicleId: string; kind: string; trips: { stops: { requestId: string }[] }[] }[];
    terrainCheck: { legs: number; violations: string[] };
    droneLegs: { total: number; blocked: number };
    figures: { served: number; co2Kg: number; mountainRoadKmAvoided: number };
  };
};

const ADDRESS = { name: '王小明', phone: '13800001234', province: '上海市', city: '上海市', detail: '徐汇区漕溪北路 88 号' };

/** Multipart body with one file field. */
function multipart(filename: string, type: string, data: Buffer) {
  const boundary = `----terrace${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { payload: Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describeEachDriver('logistics operations', (driver) => {
  let t: TestApp;
  let op: Session, buyer: Session, resident: Session;
  let tree: Tree;
  const date = tomorrow();

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [op, buyer, resident] = await Promise.all([signIn(t.app, 'logistics'), signIn(t.app, 'buyer'), signIn(t.app, 'resident')]);
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
  });
  afterAll(() => t?.close());

  const get = (s: Session, url: string) => as(t.app, s)({ url: `/api/v1${url}` });
  const post = (s: Session, url: string, payload?: object) => as(t.app, s)({ method: 'POST', url: `/api/v1${url}`, payload });
  const plan = async (day: string, extra: object = {}) => {
    const started = await post(op, '/logistics/plans', { serviceDate: day, timeLimitMs: 1000, ...extra });
    expect(started.statusCode, started.body).toBe(202);
    // The plan is a job: drained here, and read again until it has left the queue (a loaded machine may pick it late).
    for (let tries = 0; ; tries++) {
      await t.app.jobs.drain();
      const got = (await get(op, `/logistics/plans/${started.json().planId}`)).json() as Plan;
      if (!['queued', 'solving'].includes(got.status) || tries >= 300) return got;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  /** A job drained and read again until it has left the queue (a loaded machine may pick it late). */
  const settled = async (jobId: string) => {
    for (let tries = 0; ; tries++) {
      await t.app.jobs.drain();
      const run = await t.app.jobs.get(jobId);
      if (!run || !['queued', 'running'].includes(run.status) || tries >= 300) return run;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const villageOf = async (requestId: string, day: string) =>
    ((await get(op, `/logistics/requests?date=${day}`)).json() as { id: string; lon: number; lat: number; villageId: string }[]).find((r) => r.id === requestId)!;

  it('never flies a drone through a zone the county draws, re-checks every leg on the terrain, and refuses a bad polygon', async () => {
    const first = await plan(date);
    expect(first.status).toBe('ready');
    expect(first.result.terrainCheck.violations).toEqual([]);
    expect(first.result.terrainCheck.legs).toBeGreaterThan(0);
    const droneStop = first.result.routes.find((r) => r.kind === 'drone')!.trips[0].stops[0];
    const target = await villageOf(droneStop.requestId, date);
    // A square of about 600 m around the village the drone served.
    const d = 0.003;
    const ring: [number, number][] = [
      [target.lon - d, target.lat - d],
      [target.lon + d, target.lat - d],
      [target.lon + d, target.lat + d],
      [target.lon - d, target.lat + d],
    ];
    const zone = await post(op, '/logistics/zones', { name: '水库保护区', ring });
    expect(zone.statusCode, zone.body).toBe(201);
    const bowtie = await post(op, '/logistics/zones', { name: '交叉', ring: [ring[0], ring[2], ring[1], ring[3]] });
    expect(bowtie.statusCode).toBe(400);
    expect(bowtie.json().field).toBe('body/ring');
    expect((await post(resident, '/logistics/zones', { name: 'x', ring })).statusCode).toBe(403);
    const listed = (await get(op, '/logistics/zones')).json();
    expect(listed.drawn.map((z: { name: string }) => z.name)).toContain('水库保护区');
    // The Atlas's protected buildings are zones too, with their buffer.
    expect(listed.heritage.length).toBeGreaterThan(0);

    const second = await plan(date);
    expect(second.status).toBe('ready');
    expect(second.result.droneLegs.blocked).toBeGreaterThan(0);
    expect(second.result.terrainCheck.violations).toEqual([]);
    const reqs = (await get(op, `/logistics/requests?date=${date}`)).json() as { id: string; lon: number; lat: number }[];
    const at = new Map(reqs.map((r) => [r.id, r]));
    const depots = (await get(op, '/logistics/depots')).json() as { id: string; lon: number; lat: number }[];
    const fleet = (await get(op, '/logistics/vehicles')).json() as { id: string; depotId: string }[];
    const zoneShape = { id: 'z', name: 'z', kind: 'county' as const, ring };
    for (const route of second.result.routes.filter((r) => r.kind === 'drone')) {
      const depot = depots.find((x) => x.id === fleet.find((v) => v.id === route.vehicleId)!.depotId)!;
      for (const trip of route.trips) {
        const points = [depot, ...trip.stops.map((s) => at.get(s.requestId)!), depot];
        for (let i = 1; i < points.length; i++) expect(legEntersZone(points[i - 1], points[i], zoneShape)).toBe(false);
      }
    }
    // The parcel is still delivered, by van, or listed with its reason.
    const servedBy = second.result.routes.find((r) => r.trips.some((tr) => tr.stops.some((s) => s.requestId === droneStop.requestId)));
    expect(servedBy?.kind ?? second.unserved.find((u) => u.requestId === droneStop.requestId)?.reason).not.toBe('drone');
    await as(t.app, op)({ method: 'PATCH', url: `/api/v1/logistics/zones/${zone.json().id}`, payload: { active: false } });
  });

  it('a ceiling below the clearance leaves drones nothing to fly: every drone leg rejected, the vans carry the day', async () => {
    const low = await plan(date, { settings: { ceilingM: 20 } });
    expect(low.status).toBe('ready');
    expect(low.result.droneLegs.blocked).toBe(low.result.droneLegs.total);
    expect(low.result.routes.filter((r) => r.kind === 'drone')).toEqual([]);
    const bad = await post(op, '/logistics/plans', { serviceDate: date, settings: { ceilingM: -5 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toMatch(/ceilingM/);
  });

  it('turns paid Market orders into pickups at the producer’s village once, and the buyer follows the parcel to delivered with a photo', async () => {
    const day = '2027-03-02';
    const products = (await t.app.inject({ url: '/api/v1/market/products' })).json().items as { id: string }[];
    const variants = (await t.app.inject({ url: `/api/v1/market/products/${products[0].id}` })).json().variants as { id: string }[];
    const ordered = await as(t.app, buyer)({ method: 'POST', url: '/api/v1/market/orders', payload: { items: [{ variantId: variants[0].id, qty: 2 }], address: ADDRESS }, headers: { 'idempotency-key': randomUUID() } });
    expect(ordered.statusCode, ordered.body).toBe(201);
    const orderId = ordered.json().id as string;
    const pay = await post(buyer, `/market/orders/${orderId}/pay`);
    expect((await post(buyer, `/payments/${pay.json().paymentId}/sandbox`, { outcome: 'succeeded' })).statusCode).toBe(200);
    expect((await get(buyer, `/logistics/orders/${orderId}/delivery`)).json().state).toBe('not_planned');

    const imported = await post(op, '/logistics/requests/from-market', { serviceDate: day });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json().created).toBeGreaterThanOrEqual(1);
    expect((await post(op, '/logistics/requests/from-market', { serviceDate: day })).json().created).toBe(0);
    const reqs = (await get(op, `/logistics/requests?date=${day}`)).json() as { id: string; kind: string; source: string; marketOrderId: string; villageName: string }[];
    const pickup = reqs.find((r) => r.marketOrderId === orderId)!;
    expect(pickup).toMatchObject({ kind: 'pickup', source: 'market', villageName: '杨家堂村' });

    const p = await plan(day);
    expect(p.status).toBe('ready');
    expect((await get(buyer, `/logistics/orders/${orderId}/delivery`)).json().state).toBe('planned');
    expect((await get(resident, `/logistics/orders/${orderId}/delivery`)).statusCode).toBe(404);
    expect((await post(op, `/logistics/plans/${p.id}/dispatch`)).statusCode).toBe(200);
    const stop = p.stops.find((s) => s.requestId === pickup.id)!;
    expect((await post(op, `/logistics/plans/${p.id}/stops/${stop.id}`, { status: 'picked_up' })).json().status).toBe('picked_up');
    expect((await get(buyer, `/logistics/orders/${orderId}/delivery`)).json().state).toBe('picked_up');
    // A photo that is not an image is refused, naming the file; a real one closes the stop.
    const notImage = await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${p.id}/stops/${stop.id}/photo`, ...multipart('proof.png', 'image/png', Buffer.from('hello')) });
    expect(notImage.statusCode).toBe(415);
    expect(notImage.json().field).toBe('file');
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } }).png().toBuffer();
    const done = await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${p.id}/stops/${stop.id}/photo`, ...multipart('proof.png', 'image/png', png) });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'delivered', proofKind: 'photo' });
    const photo = await get(op, `/logistics/plans/${p.id}/stops/${stop.id}/photo`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toContain('image/webp');
    const seen = (await get(buyer, `/logistics/orders/${orderId}/delivery`)).json();
    expect(seen).toMatchObject({ state: 'delivered', proof: 'photo' });
  });

  it('takes the scanned label’s QR code as proof only when it is this parcel’s', async () => {
    const p = await plan(date);
    expect((await post(op, `/logistics/plans/${p.id}/dispatch`)).statusCode).toBe(200);
    const [a, b] = p.stops;
    const label = await get(op, `/logistics/requests/${a.requestId}/label`);
    expect(label.headers['content-type']).toContain('image/svg+xml');
    expect(label.body).toContain('<svg');
    const wrong = await post(op, `/logistics/plans/${p.id}/stops/${a.id}`, { status: 'delivered', qr: parcelCode(b.requestId) });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().field).toBe('body/qr');
    const right = await post(op, `/logistics/plans/${p.id}/stops/${a.id}`, { status: 'delivered', qr: parcelCode(a.requestId) });
    expect(right.statusCode, right.body).toBe(200);
    const after = (await get(op, `/logistics/plans/${p.id}`)).json() as Plan;
    expect(after.stops.find((s) => s.id === a.id)!.proofKind).toBe('qr');
  });

  it('re-plans after a cancellation: trips that have left are kept with their statuses, the cancelled parcel is gone', async () => {
    const day = '2027-03-09';
    const villages = tree.townships.find((x) => x.nameZh === '三都乡')!.villages.slice(0, 6);
    for (const [i, v] of villages.entries())
      expect((await post(op, '/logistics/requests', { villageId: v.id, serviceDate: day, weightKg: 20 + i, windowStartMin: 480, windowEndMin: 1080 })).statusCode).toBe(201);
    const p = await plan(day);
    expect((await post(op, `/logistics/plans/${p.id}/dispatch`)).statusCode).toBe(200);
    const delivered = p.stops[0];
    expect((await post(op, `/logistics/plans/${p.id}/stops/${delivered.id}`, { status: 'delivered' })).statusCode).toBe(200);
    const leftTrip = p.stops.filter((s) => s.vehicleId === delivered.vehicleId && s.trip === delivered.trip).map((s) => s.requestId);
    const cancelled = p.stops.find((s) => !leftTrip.includes(s.requestId));
    if (cancelled) expect((await as(t.app, op)({ method: 'PATCH', url: `/api/v1/logistics/requests/${cancelled.requestId}`, payload: { status: 'cancelled' } })).statusCode).toBe(200);
    const again = await post(op, `/logistics/plans/${p.id}/replan`, { timeLimitMs: 800 });
    expect(again.statusCode, again.body).toBe(202);
    let next: Plan;
    for (let tries = 0; ; tries++) {
      await t.app.jobs.drain();
      next = (await get(op, `/logistics/plans/${again.json().planId}`)).json() as Plan;
      if (next.status !== 'solving' || tries >= 300) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(next.status).toBe('ready');
    expect((await get(op, `/logistics/plans/${p.id}`)).json().status).toBe('superseded');
    const kept = next.stops.filter((s) => s.keptFrom === p.id).map((s) => s.requestId);
    expect(kept.sort()).toEqual([...leftTrip].sort());
    expect(next.stops.find((s) => s.requestId === delivered.requestId)!.status).toBe('delivered');
    if (cancelled) expect(next.stops.map((s) => s.requestId)).not.toContain(cancelled.requestId);
    expect(next.stops.length).toBe(p.stops.length - (cancelled ? 1 : 0));
    const stale = await post(op, `/logistics/plans/${p.id}/replan`, {});
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'invalid_transition', current: 'superseded' });
  });

  it('compares the plan with a what-if: a lower ceiling grounds the drones, an extra drone is priced side by side', async () => {
    const p = await plan(date);
    const depots = (await get(op, '/logistics/depots')).json() as { id: string }[];
    const results = [];
    for (const change of [{ ceilingM: 20 }, { addDrone: { depotId: depots[0].id } }, { batteryWh: 400 }]) {
      const started = await post(op, `/logistics/plans/${p.id}/what-if`, { ...change, timeLimitMs: 800 });
      expect(started.statusCode, started.body).toBe(202);
      const run = await settled(started.json().jobId);
      expect(run!.status).toBe('succeeded');
      results.push(run!.result as { current: Record<string, number>; variant: Record<string, number> | null });
    }
    for (const r of results) {
      expect(Object.keys(r.current).sort()).toEqual(['airKm', 'co2Kg', 'cost', 'meanDeliveryMin', 'mountainRoadKmAvoided', 'roadKm', 'served', 'unserved']);
      expect(r.variant).not.toBeNull();
    }
    expect(results[0].variant!.airKm).toBe(0);
    expect(results[0].variant!.mountainRoadKmAvoided).toBe(0);
    expect(results[0].current.airKm).toBeGreaterThan(0);
    expect((await post(op, `/logistics/plans/${p.id}/what-if`, { timeLimitMs: 800 })).statusCode).toBe(400);
  });

  it('imports requests from CSV and XLSX with a report of every refused row; a file that is not a workbook is named', async () => {
    const v = tree.townships[0].villages[0];
    const csv = ['village,date,weight_kg,window_start,window_end,kind,recipient', `${v.nameZh},2027-04-01,3.5,08:00,12:00,delivery,民宿甲`, `不存在村,2027-04-01,2,08:00,12:00,,`, `${v.id},2027-04-01,-1,13:00,12:00,,`].join('\n');
    const res = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests/import', ...multipart('inn-supplies.csv', 'text/csv', Buffer.from(csv)) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().created).toBe(1);
    expect(res.json().problems).toEqual([
      { row: 3, field: 'village', message: 'no village “不存在村” in this county' },
      { row: 4, field: 'weight_kg', message: 'a weight in kg above 0 and at most 10000' },
      { row: 4, field: 'window_end', message: 'the window closes before it opens' },
    ]);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('parcels');
    ws.addRow(['village', 'date', 'weight_kg', 'window_start', 'window_end', 'kind']);
    ws.addRow([v.nameZh, '2027-04-01', 12, '09:00', '17:00', 'pickup']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const res2 = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests/import', ...multipart('parcels.xlsx', 'application/octet-stream', xlsx) });
    expect(res2.json()).toEqual({ created: 1, problems: [] });
    const day = (await get(op, '/logistics/requests?date=2027-04-01')).json() as { kind: string; source: string; recipient: string }[];
    expect(day.map((r) => [r.kind, r.source]).sort()).toEqual([['delivery', 'import'], ['pickup', 'import']]);
    const broken = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests/import', ...multipart('broken.xlsx', 'application/octet-stream', Buffer.from('not a zip')) });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().detail).toContain('broken.xlsx');
    const noHeader = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests/import', ...multipart('x.csv', 'text/csv', Buffer.from('a,b\n1,2')) });
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().detail).toMatch(/x\.csv.*village/);
  });
});
