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
