/**
 * Logistics benchmark: a day of N requests (default 500) at the demo county's villages — deliveries and pickups of
 * Market orders, mixed windows and weights — planned for a mixed fleet (vans and drones at the hub and three township
 * depots) and, as the baseline in the same run, for the same vans alone. Heritage no-fly zones (a protected building
 * with a 100 m buffer at every fifth village) and one zone drawn by the county are in force. Every plan goes through
 * the same path as the job (road estimate, instance, solve, routing checker, independent terrain check). Prints plan
 * time, cost, mean delivery time, road km, CO2, the ratios mixed / vans only, the share of drone legs the terrain
 * rejected (no-fly zone or ceiling), and how the best cost fell over the solve. Not a test.
 *
 * With --threads T, each solve runs one population with children improved on T worker threads (the job's default is
 * every core); the budget is then S s of CPU per thread.
 *
 *   npm run bench:logistics [-- --requests N --seconds S --threads T]
 */
import { solveInParallel } from '../src/runtime/routing/index.ts';
import { solve } from '../src/solvers/routing/index.ts';
import { readVillagesCsv } from '../src/modules/governance/index.ts';
import { planSource, toSolverInstance } from '../src/modules/logistics/instance.ts';
import { heritageZone, type Zone } from '../src/modules/logistics/nofly.ts';
import { computePlan, type Gathered, type PlanPhase, type SolveFn } from '../src/modules/logistics/planning.ts';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const n = arg('--requests', 500);
const seconds = arg('--seconds', 60);
const threads = arg('--threads', 1);

// A deterministic generator, so runs compare.
let state = 7;
const rand = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

const villages = readVillagesCsv();
const centre = (township: string) => {
  const t = villages.filter((v) => v.township === township);
  return { lon: t.reduce((s, v) => s + v.lon, 0) / t.length, lat: t.reduce((s, v) => s + v.lat, 0) / t.length };
};
const townships = [...new Set(villages.map((v) => v.township))];
const towns = ['三都乡', townships.find((t) => t !== '三都乡' && t.endsWith('镇'))!, townships.find((t) => t !== '三都乡' && t.endsWith('乡'))!];
const day = { opensMin: 420, closesMin: 1140 };
const depots = [{ id: 'hub', name: 'hub', lon: 119.482, lat: 28.449, ...day }, ...towns.map((t, i) => ({ id: `town${i}`, name: t, ...centre(t), ...day }))];
const droneSpec = { kind: 'drone' as const, capacityKg: 10, speedKmh: 54, batteryWh: 1000, whPerKm: 25, whPerKmKg: 3, massKg: 25, reloadMin: 10 };
const vanSpec = { kind: 'van' as const, batteryWh: null, whPerKm: null, whPerKmKg: null, massKg: null, reloadMin: 15 };
// A fleet sized for the day: about one van per 25 requests (half at the hub), two drones per depot.
const vansAtHub = Math.max(2, Math.round(n / 50));
const vansPerTown = Math.max(1, Math.round(n / 150));
const range = (k: number) => Array.from({ length: k }, (_, i) => i + 1);
const fleet = [
  ...range(vansAtHub).map((k) => ({ id: `van-hub-${k}`, name: `van-hub-${k}`, depotId: 'hub', capacityKg: 800, speedKmh: 40, ...vanSpec })),
  ...depots.slice(1).flatMap((d) => range(vansPerTown).map((k) => ({ id: `van-${d.id}-${k}`, name: `van-${d.id}-${k}`, depotId: d.id, capacityKg: 500, speedKmh: 35, ...vanSpec }))),
  ...depots.flatMap((d) => range(2).map((k) => ({ id: `drone-${d.id}-${k}`, name: `drone-${d.id}-${k}`, depotId: d.id, ...droneSpec }))),
];
const windows = [
  [480, 720],
  [540, 1020],
  [780, 1080],
  [480, 1080],
];
const requests = Array.from({ length: n }, (_, i) => {
  const v = villages[Math.floor(rand() * villages.length)];
  const w = windows[Math.floor(rand() * windows.length)];
  // Mostly small parcels, some heavy loads; one in five a pickup (a Market order leaving its village).
  const weightKg = rand() < 0.6 ? Math.round((0.5 + rand() * 8) * 10) / 10 : Math.round(10 + rand() * 60);
  const kind = rand() < 0.2 ? ('pickup' as const) : ('delivery' as const);
  return { id: `r${i}`, lon: v.lon + (rand() - 0.5) * 0.002, lat: v.lat + (rand() - 0.5) * 0.002, weightKg, windowStartMin: w[0], windowEndMin: w[1], kind };
});
// Heritage: a protected building ~45 m from every fifth village's point, 100 m buffer; one zone the county drew.
const zones: Zone[] = [
  ...villages
    .filter((_, i) => i % 5 === 0)
    .map((v, i) => heritageZone({ id: `h${i}`, name: `${v.village} hall`, minLon: v.lon + 0.0004, minLat: v.lat + 0.0002, maxLon: v.lon + 0.0006, maxLat: v.lat + 0.0003 }, 100)),
  { id: 'drawn', name: 'reservoir', kind: 'county', ring: [[119.3, 28.48], [119.33, 28.48], [119.33, 28.51], [119.3, 28.51]] },
];

// The budget counts this process's CPU time (as bench:routing does), so a machine shared with other work does not
// shorten it; plan time is still reported in wall seconds.
const cpuMs = () => process.cpuUsage().user / 1000;
const inProcess: SolveFn = async (instance, options, onProgress) => {
  if (threads === 1) return { ok: true, result: solve(toSolverInstance(instance), { ...options, onProgress, clock: cpuMs }) };
  // the workers build the drones' energy model from the plan's data, as the job's do
  return { ok: true, result: await solveInParallel(toSolverInstance(instance), { ...options, threads, onProgress, clock: 'cpu', source: planSource(instance) }) };
};

async function plan(vehicles: typeof fleet) {
  const g = { depots, vehicles, requests, zones, roads: null } as unknown as Gathered;
  const trace: [number, number][] = [];
  const phases: Record<PlanPhase, number> = { instance: 0, solve: 0, checks: 0 };
  const t0 = performance.now();
  const out = await computePlan(g, '2027-01-15', { timeLimitMs: seconds * 1000, solver: inProcess, onBest: (c) => trace.push([(performance.now() - t0) / 1000, c]), onPhase: (p, ms) => (phases[p] += ms / 1000) });
  const totalS = (performance.now() - t0) / 1000;
  if (!out.ok) return { totalS, phases, error: out.error, unserved: out.unserved.length, trace };
  return { totalS, phases, result: out.result, trace };
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(Math.round(m % 60)).padStart(2, '0')}`;
const ratio = (a: number, b: number) => (b === 0 ? '—' : (a / b).toFixed(3));
const mixed = await plan(fleet);
const vansOnly = await plan(fleet.filter((v) => v.kind === 'van'));

console.log(`_logistics benchmark: ${n} requests (${requests.filter((r) => r.kind === 'pickup').length} pickups), ${depots.length} depots, ${fleet.filter((v) => v.kind === 'van').length} vans and ${fleet.filter((v) => v.kind === 'drone').length} drones, ${seconds} s of CPU per solve${threads > 1 ? ` and thread, ${threads} threads` : ', one thread'}, seed 1, node ${process.version}, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}_\n`);
console.log('| fleet | served | unserved | plan s | iterations | cost (m) | mean delivery | van road km | drone air km | road km avoided | CO2 kg | checker | terrain check |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
for (const [name, r] of [['mixed', mixed], ['vans only', vansOnly]] as const) {
  if (!('result' in r) || !r.result) {
    console.log(`| ${name} | — | ${r.unserved} | ${r.totalS.toFixed(1)} | — | no plan: ${r.error} |`);
    continue;
  }
  const x = r.result;
  const f = x.figures;
  console.log(
    `| ${name} | ${f.served} | ${x.unserved.length} | ${r.totalS.toFixed(1)} | ${x.solver.iterations} | ${x.cost} | ${hhmm(f.meanDeliveryMin)} | ${f.roadKm.toFixed(1)} | ${f.airKm.toFixed(1)} | ${f.mountainRoadKmAvoided.toFixed(1)} | ${f.co2Kg.toFixed(1)} | ${x.check.feasible ? 'pass' : 'FAIL'} | ${x.terrainCheck.violations.length === 0 ? `pass (${x.terrainCheck.legs} legs)` : 'FAIL'} |`,
  );
}
// Plan time against its baseline in the same run: the same day solved by the solver alone (its wall time inside the
// plan), with what the planning path adds around it (terrain matrices and no-fly tests; repair and both checks).
console.log('\n| fleet | plan s (wall) | solver alone s | instance (terrain, no-fly) s | repair and checks s | plan / solver alone |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, r] of [['mixed', mixed], ['vans only', vansOnly]] as const)
  console.log(`| ${name} | ${r.totalS.toFixed(1)} | ${r.phases.solve.toFixed(1)} | ${r.phases.instance.toFixed(1)} | ${r.phases.checks.toFixed(1)} | ${ratio(r.totalS, r.phases.solve)} |`);
if ('result' in mixed && mixed.result && 'result' in vansOnly && vansOnly.result) {
  const a = mixed.result;
  const b = vansOnly.result;
  console.log(
    `\nratios mixed / vans only: cost ${ratio(a.cost, b.cost)}, plan time ${ratio(mixed.totalS, vansOnly.totalS)}, mean delivery time of day ${ratio(a.figures.meanDeliveryMin, b.figures.meanDeliveryMin)}, van road km ${ratio(a.figures.roadKm, b.figures.roadKm)}, CO2 ${ratio(a.figures.co2Kg, b.figures.co2Kg)}`,
  );
  console.log(`drone legs rejected by the terrain (no-fly zone or ceiling): ${a.droneLegs.blocked} of ${a.droneLegs.total} (${((100 * a.droneLegs.blocked) / Math.max(1, a.droneLegs.total)).toFixed(1)} %); ${zones.length} zones`);
}
for (const [name, r] of [['mixed', mixed], ['vans only', vansOnly]] as const) {
  const t = r.trace;
  if (t.length) console.log(`best cost over the solve (${name}): ${t.length} improvements, first ${Math.round(t[0][1])} at ${t[0][0].toFixed(1)} s, last ${Math.round(t[t.length - 1][1])} at ${t[t.length - 1][0].toFixed(1)} s`);
}
