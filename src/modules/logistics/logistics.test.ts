import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/handle.ts';
import { checkSolution } from '../../solvers/routing/index.ts';
import { toSolverInstance, type PlanInstance } from './instance.ts';
import { droneDeliveriesByVillage } from './indicators.ts';
import { tomorrow } from './seed.ts';

/** Parses a Server-Sent Events body into its events. */
const sse = (body: string) =>
  body
    .split('\n\n')
    .filter(Boolean)
    .map((chunk) => ({ type: /^event: (.*)$/m.exec(chunk)![1], data: JSON.parse(/^data: (.*)$/m.exec(chunk)![1]) }));

type Tree = { county: { id: string }; townships: { id: string; nameZh: string; villages: { id: string; nameZh: string; lon: number; lat: number }[] }[] };

describeEachDriver('logistics', (driver) => {
  let t: TestApp;
  let op: Session, resident: Session;
  let tree: Tree;
  const date = tomorrow();

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [op, resident] = await Promise.all([signIn(t.app, 'logistics'), signIn(t.app, 'resident')]);
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
  });
  afterAll(() => t?.close());

  const auditActions = async (ids: string[]) =>
    (await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity_id in ${sql.raw(`('${ids.join("','")}')`)} order by at, id`)).map((r) => r.action);

  it('shows the demo county’s depots, fleet and tomorrow’s requests to the operator, and nothing to a resident', async () => {
    const depots = await as(t.app, op)({ url: '/api/v1/logistics/depots' });
    expect(depots.statusCode).toBe(200);
    expect(depots.json().map((d: { kind: string }) => d.kind).sort()).toEqual(['hub', 'township']);
    const fleet = (await as(t.app, op)({ url: '/api/v1/logistics/vehicles' })).json();
    expect(fleet.filter((v: { kind: string }) => v.kind === 'van')).toHaveLength(3);
    expect(fleet.filter((v: { kind: string }) => v.kind === 'drone')).toHaveLength(2);
    const reqs = (await as(t.app, op)({ url: `/api/v1/logistics/requests?date=${date}` })).json();
    expect(reqs).toHaveLength(20);
    expect(reqs[0].villageName).toMatch(/村/);
    const denied = await as(t.app, resident)({ url: '/api/v1/logistics/depots' });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toContain('application/problem+json');
  });

  it('plans a day: every request served once, within capacity, windows and drone batteries, as the checker confirms', async () => {
    const day = '2027-01-15';
    const village = tree.townships.find((x) => x.nameZh === '三都乡')!.villages[0];
    // One parcel too heavy for anything, and one more to serve.
    const heavy = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests', payload: { villageId: village.id, serviceDate: day, weightKg: 2000, windowStartMin: 480, windowEndMin: 1080 } });
    expect(heavy.statusCode, heavy.body).toBe(201);
    // And one due before any depot opens.
    const night = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests', payload: { villageId: village.id, serviceDate: day, weightKg: 3, windowStartMin: 0, windowEndMin: 30 } });
    expect(night.statusCode, night.body).toBe(201);
    const reqs = (await as(t.app, op)({ url: `/api/v1/logistics/requests?date=${date}` })).json() as { id: string; villageId: string; weightKg: number; windowStartMin: number; windowEndMin: number }[];
    for (const r of reqs.slice(0, 6)) {
      const created = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests', payload: { villageId: r.villageId, serviceDate: day, weightKg: r.weightKg, windowStartMin: r.windowStartMin, windowEndMin: r.windowEndMin } });
      expect(created.statusCode).toBe(201);
    }
    const started = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/plans', payload: { serviceDate: day, timeLimitMs: 1500 } });
    expect(started.statusCode, started.body).toBe(202);
    const events = sse((await as(t.app, op)({ url: `/api/v1/logistics/jobs/${started.json().jobId}/events` })).body);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.at(-1)!.type).toBe('result');
    const plan = (await as(t.app, op)({ url: `/api/v1/logistics/plans/${started.json().planId}` })).json();
    expect(plan.status).toBe('ready');
    expect(plan.unserved).toEqual([
      { requestId: heavy.json().id, reason: 'too_heavy', villageName: village.nameZh, weightKg: 2000, priority: 0 },
      { requestId: night.json().id, reason: 'window_unreachable', villageName: village.nameZh, weightKg: 3, priority: 0 },
    ]);
    const served = plan.stops.map((s: { requestId: string }) => s.requestId);
    expect(served).toHaveLength(6);
    expect(new Set(served).size).toBe(6);
    expect(plan.result.check).toEqual({ feasible: true, violations: [] });
    // By default the search uses every core: the workers build the drones' energy model from the plan's data.
    expect(plan.result.solver.threads).toBe(availableParallelism());
    // Loads and batteries as the routes state them.
    const fleet = (await as(t.app, op)({ url: '/api/v1/logistics/vehicles' })).json() as { id: string; capacityKg: number }[];
    for (const route of plan.result.routes)
      for (const trip of route.trips) {
        expect(trip.stops[0].loadKg).toBeLessThanOrEqual(fleet.find((v) => v.id === route.vehicleId)!.capacityKg);
        if (route.kind === 'drone') expect(trip.energyWh).toBeLessThanOrEqual(trip.batteryWh);
      }
    expect(await auditActions([started.json().planId])).toEqual(['logistics.plan.start', 'logistics.plan.solve']);
  });

  it('the checker the job relies on refuses a drone trip beyond its battery', () => {
    const instance: PlanInstance = {
      depots: [{ x: 0, y: 0, open: 0, close: 86_400 }],
      stops: [{ x: 0, y: 0, demand: 5, service: 0, early: 0, late: 86_400 }],
      vehicleTypes: [{ depot: 0, count: 1, capacity: 10, speed: 10, battery: 100, multiTrip: true, reloadTime: 0 }],
      drones: { 0: { whPerKm: 25, whPerKmKg: 3, massKg: 25 } },
      distance: [[0, 5000], [5000, 0]],
      time: [[0, 8000], [8000, 0]],
      road: [[0, 8000], [8000, 0]],
      air: [[0, 5000], [5000, 0]],
      climb: [[0, 300], [0, 0]],
      blocked: [[0, 0], [0, 0]],
      pickupAt: [0, 0],
    };
    const check = checkSolution(toSolverInstance(instance), { routes: [{ vehicleType: 0, trips: [[0]]}] });
    expect(check.feasible).toBe(false);
    expect(check.violations.join(' ')).toMatch(/energy/);
  });

  it('dispatches a plan and closes stops, each change audited; refuses what breaks the rules with problem+json', async () => {
    const started = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/plans', payload: { serviceDate: date, timeLimitMs: 1000, threads: 1 } });
    expect(started.statusCode).toBe(202);
    await t.app.jobs.drain();
    let plan = (await as(t.app, op)({ url: `/api/v1/logistics/plans/${started.json().planId}` })).json();
    expect(plan.status).toBe('ready');
    expect(plan.result.solver.threads).toBe(1);
    expect(plan.stops.length + plan.unserved.length).toBe(20);
    // Light parcels near a depot go by drone: shorter by air than by the winding road.
    expect(plan.result.routes.filter((r: { kind: string }) => r.kind === 'drone').length).toBeGreaterThan(0);
    expect(plan.result.airKm).toBeGreaterThan(0);
    // Each drone trip carries its elevation profile: it starts and ends on the ground and flies above it.
    for (const trip of plan.result.routes.filter((r: { kind: string }) => r.kind === 'drone').flatMap((r: { trips: unknown[] }) => r.trips) as { profile: number[][] }[]) {
      expect(trip.profile[0][1]).toBe(trip.profile[0][2]);
      expect(trip.profile.every(([, ground, flight]) => flight >= ground && flight <= ground + 120)).toBe(true);
    }
    const stop = plan.stops[0];
    const early = await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${plan.id}/stops/${stop.id}`, payload: { status: 'delivered' } });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'invalid_transition', current: 'ready' });
    expect((await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${plan.id}/dispatch` })).statusCode).toBe(200);
    const twice = await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${plan.id}/dispatch` });
    expect(twice.statusCode).toBe(409);
    expect(twice.headers['content-type']).toContain('application/problem+json');
    expect(twice.json()).toMatchObject({ status: 409, code: 'invalid_transition', current: 'dispatched' });
    const done = await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${plan.id}/stops/${stop.id}`, payload: { status: 'delivered' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe('delivered');
    const again = await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${plan.id}/stops/${stop.id}`, payload: { status: 'delivered' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invalid_transition', current: 'delivered' });
    const noReason = await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${plan.id}/stops/${plan.stops[1].id}`, payload: { status: 'failed' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0].field).toMatch(/reason/);
    plan = (await as(t.app, op)({ url: `/api/v1/logistics/plans/${plan.id}` })).json();
    expect(plan.status).toBe('dispatched');
    expect(plan.stops.find((s: { id: string }) => s.id === stop.id).status).toBe('delivered');
    expect(await auditActions([plan.id, stop.id])).toEqual(expect.arrayContaining(['logistics.plan.start', 'logistics.plan.solve', 'logistics.plan.dispatch', 'logistics.stop.delivered']));
    // The rest: one failed with its reason, the others delivered; then the plan is complete.
    const failed = await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${plan.id}/stops/${plan.stops[1].id}`, payload: { status: 'failed', reason: '收件人不在家' } });
    expect(failed.json()).toMatchObject({ status: 'failed', reason: '收件人不在家' });
    for (const s of plan.stops.slice(2)) expect((await as(t.app, op)({ method: 'POST', url: `/api/v1/logistics/plans/${plan.id}/stops/${s.id}`, payload: { status: 'delivered' } })).statusCode).toBe(200);
    expect((await as(t.app, op)({ url: `/api/v1/logistics/plans/${plan.id}` })).json().status).toBe('completed');
    expect(await auditActions([plan.id])).toContain('logistics.plan.complete');
    // The Indicators count what the drones delivered, per village, with the mountain road their trips spared.
    type Route = { kind: string; vehicleId: string; roadKmAvoided: number; trips: { stops: unknown[] }[] };
    const drones = (plan.result.routes as Route[]).filter((r) => r.kind === 'drone');
    const byDrone = new Set(drones.map((r) => r.vehicleId));
    const droneStops = (plan.stops as { id: string; vehicleId: string }[]).filter((s) => byDrone.has(s.vehicleId));
    const deliveredByDrone = droneStops.filter((s) => s.id !== plan.stops[1].id);
    expect(deliveredByDrone.length).toBeGreaterThan(0);
    const [{ county_id: countyId }] = await queryRows<{ county_id: string }>(t.db.db, sql`select county_id from logistics_plans where id = ${plan.id}`);
    const year = Number(date.slice(0, 4));
    const figures = await droneDeliveriesByVillage(t.db.db, countyId, `${year}-01-01`, `${year + 1}-01-01`);
    expect(figures.flatMap((f) => f.ids).sort()).toEqual(deliveredByDrone.map((s) => s.id).sort());
    expect(figures.reduce((n, f) => n + f.deliveries, 0)).toBe(deliveredByDrone.length);
    const spared = drones.reduce((km, r) => km + r.roadKmAvoided * (deliveredByDrone.filter((s) => s.vehicleId === r.vehicleId).length / r.trips.reduce((n, trip) => n + trip.stops.length, 0)), 0);
    expect(figures.reduce((km, f) => km + f.roadKmAvoided, 0)).toBeCloseTo(spared, 0);
    expect(await droneDeliveriesByVillage(t.db.db, countyId, `${year - 1}-01-01`, `${year}-01-01`)).toEqual([]);
  });

  it('describes every route in the OpenAPI document, with its operation id and answer', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json();
    const ops = Object.entries(doc.paths as Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>)
      .filter(([path]) => path.startsWith('/api/v1/logistics/'))
      .flatMap(([, methods]) => Object.values(methods));
    expect(ops.length).toBe(30);
    expect(ops.every((o) => o.operationId)).toBe(true);
    expect(doc.paths['/api/v1/logistics/plans'].post.operationId).toBe('planDay');
    expect(doc.paths['/api/v1/logistics/plans/{id}'].get.responses['200']).toBeDefined();
  });

  it('refuses bad input with problem+json naming the field', async () => {
    const village = tree.townships[0].villages[0];
    const cases = [
      [{ villageId: village.id, serviceDate: date, weightKg: -1, windowStartMin: 480, windowEndMin: 600 }, 'weightKg'],
      [{ villageId: village.id, serviceDate: date, weightKg: 1, windowStartMin: 700, windowEndMin: 600 }, 'windowEndMin'],
      [{ villageId: tree.county.id, serviceDate: date, weightKg: 1, windowStartMin: 480, windowEndMin: 600 }, 'villageId'],
      [{ villageId: village.id, serviceDate: '2027-02-30', weightKg: 1, windowStartMin: 480, windowEndMin: 600 }, 'serviceDate'],
      [{ villageId: village.id, serviceDate: date, weightKg: 1, windowStartMin: 480, windowEndMin: 600, extra: 1 }, ''],
    ] as const;
    for (const [payload, field] of cases) {
      const res = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(res.json().errors.map((e: { field: string }) => e.field).join(' ')).toContain(field);
    }
    const depots = (await as(t.app, op)({ url: '/api/v1/logistics/depots' })).json();
    const drone = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/vehicles', payload: { depotId: depots[0].id, name: '无电池', kind: 'drone', capacityKg: 5, speedKmh: 50 } });
    expect(drone.statusCode).toBe(400);
    expect(drone.json().field).toBe('body/batteryWh');
    const emptyDay = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/plans', payload: { serviceDate: '2030-01-01' } });
    expect(emptyDay.statusCode).toBe(400);
    expect(emptyDay.json().field).toBe('body/serviceDate');
    for (const threads of [0, 1.5, -2, '2', 1000]) {
      const bad = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/plans', payload: { serviceDate: date, threads } });
      expect(bad.statusCode, String(threads)).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.json().field).toBe('body/threads');
    }
    const hub = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/depots', payload: { name: '新站', kind: 'township', unitId: tree.county.id, lon: 119.5, lat: 28.4 } });
    expect(hub.statusCode).toBe(400);
    const ok = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/depots', payload: { name: '新站', kind: 'township', unitId: tree.townships[0].id, lon: 119.5, lat: 28.4 } });
    expect(ok.statusCode).toBe(201);
  });
});
