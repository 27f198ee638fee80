// A day with more parcels than the fleet can carry within their windows: the plan serves what fits and lists every
// other request with its reason; every route it keeps passes the routing checker and the independent terrain check.
import { sql } from 'drizzle-orm';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';
import { checkSolution } from '../../solvers/routing/index.ts';
import { buildInstance, UNSERVED_REASONS } from './build.ts';
import { toSolverInstance } from './instance.ts';
import { gather, type PlannedRoute } from './planning.ts';
import { terrainCheck } from './terrainCheck.ts';

type Tree = { townships: { nameZh: string; villages: { id: string; nameZh: string }[] }[] };

describeEachDriver('logistics: a day over capacity and over windows', (driver) => {
  let t: TestApp;
  let op: Session;
  let tree: Tree;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    op = await signIn(t.app, 'logistics');
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
  });
  afterAll(() => t?.close());

  it('serves what fits and lists every other request with its reason, never dropping one silently', async () => {
    const day = '2027-03-02';
    const villages = tree.townships.flatMap((x) => x.villages);
    const ids: string[] = [];
    // 45 parcels of 150 kg, all due between 08:00 and 09:30: three vans cannot carry them all in time.
    for (let i = 0; i < 45; i++) {
      const v = villages[(i * 7) % villages.length];
      const res = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests', payload: { villageId: v.id, serviceDate: day, weightKg: 150, windowStartMin: 480, windowEndMin: 570 } });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    // Light parcels and a pickup the drones can take.
    for (let i = 0; i < 6; i++) {
      const v = villages[(i * 11 + 3) % villages.length];
      const res = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests', payload: { villageId: v.id, serviceDate: day, weightKg: 2, windowStartMin: 480, windowEndMin: 1080, kind: i === 0 ? 'pickup' : 'delivery' } });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const started = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/plans', payload: { serviceDate: day, timeLimitMs: 1500 } });
    expect(started.statusCode, started.body).toBe(202);
    await t.app.jobs.drain();
    const plan = (await as(t.app, op)({ url: `/api/v1/logistics/plans/${started.json().planId}` })).json();
    expect(plan.status, plan.error).toBe('ready');
    const served: string[] = plan.stops.map((s: { requestId: string }) => s.requestId);
    const unserved = plan.unserved as { requestId: string; reason: string; villageName: string }[];
    // Served and unserved are all the day's requests, each exactly once.
    expect([...served, ...unserved.map((u) => u.requestId)].sort()).toEqual([...ids].sort());
    expect(served.length).toBeGreaterThan(0);
    expect(unserved.length).toBeGreaterThan(0);
    for (const u of unserved) {
      expect(UNSERVED_REASONS).toContain(u.reason);
      expect(u.villageName).toMatch(/\S/);
    }
    // Each could be served alone: what leaves them out is the day being full.
    expect(unserved.some((u) => u.reason === 'fleet_full')).toBe(true);
    // The light parcels all fit.
    for (const id of ids.slice(45)) expect(served).toContain(id);
    expect(plan.result.check).toEqual({ feasible: true, violations: [] });
    expect(plan.result.terrainCheck.violations).toEqual([]);
    // The routes were cut back to what fits, and the plan still tells how many threads its search used.
    expect(plan.result.solver.threads).toBe(availableParallelism());

    // Re-checked here, from the database as it stands: the routing checker over the served requests, and the terrain.
    const [{ county_id: countyId }] = await queryRows<{ county_id: string }>(t.db.db, sql`select county_id from logistics_plans where id = ${plan.id}`);
    const g = await gather(t.db.db, countyId, day);
    const routes = plan.result.routes as PlannedRoute[];
    const servedSet = new Set(served);
    const sub = { ...g, requests: g.requests.filter((r) => servedSet.has(r.id)), roads: null };
    const built = buildInstance(sub);
    expect(built.unserved).toEqual([]);
    const index = new Map(built.keep.map((i, s) => [sub.requests[i].id, s]));
    const solution = { routes: routes.map((r) => ({ vehicleType: sub.vehicles.findIndex((v) => v.id === r.vehicleId), trips: r.trips.map((trip) => trip.stops.map((x) => index.get(x.requestId)!)) })) };
    const check = checkSolution(toSolverInstance(built.instance), solution);
    expect(check.violations).toEqual([]);
    expect(terrainCheck(routes, sub).violations).toEqual([]);
    // Nothing is carried over a vehicle's capacity; each stop is within its window.
    for (const r of routes)
      for (const trip of r.trips)
        for (const stop of trip.stops) {
          const req = g.requests.find((x) => x.id === stop.requestId)!;
          const minute = (Date.parse(stop.arriveAt) - Date.parse(`${day}T00:00:00+08:00`)) / 60_000;
          expect(minute).toBeGreaterThanOrEqual(req.windowStartMin - 1e-6);
          expect(minute).toBeLessThanOrEqual(req.windowEndMin + 1e-6);
        }
  });
  it('on a full day serves the higher priorities first and lists lower ones as day full', async () => {
    const day = '2027-03-03';
    const villages = tree.townships.flatMap((x) => x.villages);
    const post = async (i: number, priority: number) => {
      const v = villages[(i * 7) % villages.length];
      const res = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/requests', payload: { villageId: v.id, serviceDate: day, weightKg: 150, windowStartMin: 480, windowEndMin: 570, priority } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    // 40 parcels of ordinary priority entered first, then 4 urgent ones (one van's load): the vans cannot carry all 44
    // in the window, and the urgent ones, entered last, are the solver's last concern.
    const low: string[] = [];
    for (let i = 0; i < 40; i++) low.push(await post(i, 0));
    const high: string[] = [];
    for (let i = 40; i < 44; i++) high.push(await post(i, 2));
    const started = await as(t.app, op)({ method: 'POST', url: '/api/v1/logistics/plans', payload: { serviceDate: day, timeLimitMs: 1500 } });
    expect(started.statusCode, started.body).toBe(202);
    await t.app.jobs.drain();
    const plan = (await as(t.app, op)({ url: `/api/v1/logistics/plans/${started.json().planId}` })).json();
    expect(plan.status, plan.error).toBe('ready');
    const served = new Set<string>(plan.stops.map((s: { requestId: string }) => s.requestId));
    const unserved = plan.unserved as { requestId: string; reason: string; priority: number }[];
    // The day is overfull: ordinary parcels are left over because the day is full, and the list shows their priority.
    const leftLow = unserved.filter((u) => low.includes(u.requestId) && u.reason === 'fleet_full');
    expect(leftLow.length).toBeGreaterThan(0);
    for (const u of leftLow) expect(u.priority).toBe(0);
    // No urgent parcel is left over for a full day while ordinary ones are served: each urgent one is served, or
    // listed for a reason of its own (no vehicle could reach it in its window even alone).
    for (const id of high) {
      const u = unserved.find((x) => x.requestId === id);
      if (u) expect(u.reason).not.toBe('fleet_full');
      else expect(served.has(id)).toBe(true);
    }
    expect(high.filter((id) => served.has(id)).length).toBeGreaterThan(0);
    expect(plan.result.check).toEqual({ feasible: true, violations: [] });
    expect(plan.result.terrainCheck.violations).toEqual([]);
  });
});
