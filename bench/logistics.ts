/**
 * Logistics benchmark: a day of N delivery requests (default 100) at the demo county's villages, planned for the
 * mixed fleet (3 vans, 2 drones) and, as the baseline in the same run, for the vans alone. Prints plan time, cost,
 * van road km, drone air km and the mean delivery time of day, with the ratios mixed / vans only. Every plan is
 * re-checked by the routing solver's checker. Not a test.
 *
 *   npm run bench:logistics [-- --requests N --seconds S]
 */
import { checkSolution, solve } from '../src/solvers/routing/index.ts';
import { readVillagesCsv } from '../src/modules/governance/index.ts';
import { toSolverInstance } from '../src/modules/logistics/instance.ts';
import { buildInstance, describeRoutes, searchParams, type Gathered } from '../src/modules/logistics/planning.ts';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const n = arg('--requests', 100);
const seconds = arg('--seconds', 30);

// A deterministic generator, so runs compare.
let state = 7;
const rand = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

const villages = readVillagesCsv();
const town = villages.filter((v) => v.township === '三都乡');
const townCentre = { lon: town.reduce((s, v) => s + v.lon, 0) / town.length, lat: town.reduce((s, v) => s + v.lat, 0) / town.length };
const depots = [
  { id: 'hub', name: 'hub', lon: 119.482, lat: 28.449, opensMin: 420, closesMin: 1140 },
  { id: 'town', name: 'town', lon: townCentre.lon, lat: townCentre.lat, opensMin: 420, closesMin: 1140 },
];
const drone = { kind: 'drone' as const, capacityKg: 10, speedKmh: 54, batteryWh: 1000, whPerKm: 25, whPerKmKg: 3, massKg: 25, reloadMin: 10 };
const van = { kind: 'van' as const, batteryWh: null, whPerKm: null, whPerKmKg: null, massKg: null, reloadMin: 15 };
const fleet = [
  { id: 'van1', name: 'van1', depotId: 'hub', capacityKg: 800, speedKmh: 40, ...van },
  { id: 'van2', name: 'van2', depotId: 'hub', capacityKg: 800, speedKmh: 40, ...van },
  { id: 'van3', name: 'van3', depotId: 'town', capacityKg: 500, speedKmh: 35, ...van },
  { id: 'drone1', name: 'drone1', depotId: 'hub', ...drone },
  { id: 'drone2', name: 'drone2', depotId: 'town', ...drone },
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
  // Mostly small parcels, some heavy loads.
  const weightKg = rand() < 0.6 ? Math.round((0.5 + rand() * 8) * 10) / 10 : Math.round(10 + rand() * 60);
  return { id: `r${i}`, lon: v.lon + (rand() - 0.5) * 0.002, lat: v.lat + (rand() - 0.5) * 0.002, weightKg, windowStartMin: w[0], windowEndMin: w[1] };
});

function plan(vehicles: typeof fleet) {
  const g = { depots, vehicles, requests } as unknown as Gathered;
  const t0 = performance.now();
  const { instance, keep, unserved } = buildInstance(g);
  const built = performance.now() - t0;
  const result = solve(toSolverInstance(instance), { seed: 1, timeLimitMs: seconds * 1000, params: searchParams(instance.stops.length) });
  const total = performance.now() - t0;
  const check = checkSolution(toSolverInstance(instance), result);
  const routes = describeRoutes(g, instance, keep, result, '2027-01-15');
  const arrivals = routes.flatMap((r) => r.trips.flatMap((t) => t.stops.map((s) => (new Date(s.arriveAt).getTime() - Date.parse('2027-01-14T16:00:00Z')) / 60_000)));
  return {
    buildS: built / 1000,
    totalS: total / 1000,
    cost: result.cost,
    roadKm: routes.filter((r) => r.kind === 'van').reduce((s, r) => s + r.distanceKm, 0),
    airKm: routes.filter((r) => r.kind === 'drone').reduce((s, r) => s + r.distanceKm, 0),
    served: arrivals.length,
    unserved: unserved.length,
    meanArrivalMin: arrivals.reduce((s, a) => s + a, 0) / Math.max(1, arrivals.length),
    feasible: result.feasible && check.feasible,
    iterations: result.iterations,
  };
}

if (process.env.DBG) { const b = buildInstance({ depots, vehicles: fleet, requests } as unknown as Gathered); console.log(b.instance.vehicleTypes.map((t) => [t.name, t.maxTrips])); }
if (process.env.DUMP) { (await import("node:fs")).writeFileSync(process.env.DUMP, JSON.stringify({ depots, vehicles: fleet, requests })); process.exit(0); }
const mixed = plan(fleet);
const vansOnly = plan(fleet.filter((v) => v.kind === 'van'));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(Math.round(m % 60)).padStart(2, '0')}`;
const ratio = (a: number, b: number) => (b === 0 ? '—' : (a / b).toFixed(3));
console.log(`_logistics benchmark: ${n} requests, ${seconds} s per solve, seed 1, node ${process.version}_\n`);
console.log('| fleet | served | unserved | build s | plan s | iterations | cost (m) | van road km | drone air km | mean delivery | checked |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const [name, r] of [['mixed', mixed], ['vans only', vansOnly]] as const)
  console.log(
    `| ${name} | ${r.served} | ${r.unserved} | ${r.buildS.toFixed(2)} | ${r.totalS.toFixed(2)} | ${r.iterations} | ${Math.round(r.cost)} | ${r.roadKm.toFixed(1)} | ${r.airKm.toFixed(1)} | ${hhmm(r.meanArrivalMin)} | ${r.feasible ? 'yes' : 'NO'} |`,
  );
console.log(`\nratios mixed / vans only: cost ${ratio(mixed.cost, vansOnly.cost)}, van road km ${ratio(mixed.roadKm, vansOnly.roadKm)}, plan time ${ratio(mixed.totalS, vansOnly.totalS)}, mean delivery time of day ${ratio(mixed.meanArrivalMin, vansOnly.meanArrivalMin)}`);
