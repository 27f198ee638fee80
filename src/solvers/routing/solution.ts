import type { Instance } from './model.ts';

/** A vehicle's work: one or more trips from its depot and back, each a list of stop indices. */
export interface VehicleRoute {
  vehicleType: number;
  trips: number[][];
}

export interface Solution {
  routes: VehicleRoute[];
}

/** Formats a solution as a CVRPLIB .sol file: one `Route #k:` line per trip, stops by label, then the cost. */
export function formatSol(instance: Instance, solution: Solution, cost: number): string {
  const lines: string[] = [];
  let k = 1;
  for (const route of solution.routes) {
    for (const trip of route.trips) {
      lines.push(`Route #${k++}: ${trip.map((i) => instance.stops[i].label ?? i + 1).join(' ')}`);
    }
  }
  lines.push(`Cost ${formatCost(cost)}`);
  return lines.join('\n') + '\n';
}

/** Costs print without floating-point noise: integers as integers, others to at most 6 decimals. */
export function formatCost(cost: number): string {
  return String(Number(cost.toFixed(6)));
}

/**
 * Reads a CVRPLIB .sol text (ours or another solver's): one trip per `Route #k:` line, stops by label, all on
 * vehicle type 0; `cost` is the `Cost` line (NaN without one).
 */
export function readSol(instance: Instance, text: string): Solution & { cost: number } {
  const byLabel = new Map<number, number>();
  instance.stops.forEach((s, i) => byLabel.set(s.label ?? i + 1, i));
  const routes: VehicleRoute[] = [];
  let cost = NaN;
  for (const line of text.split(/\r?\n/)) {
    const route = /^Route #\d+:(.*)$/.exec(line.trim());
    if (route) {
      const trip = route[1].trim().split(/\s+/).filter(Boolean).map((s) => {
        const i = byLabel.get(Number(s));
        if (i === undefined) throw new Error(`unknown stop label ${s}`);
        return i;
      });
      routes.push({ vehicleType: 0, trips: [trip] });
    }
    const c = /^Cost\s+([\d.]+)/.exec(line.trim());
    if (c) cost = Number(c[1]);
  }
  return { routes, cost };
}
