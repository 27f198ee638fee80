import type { Problem } from './model.ts';

/** Weights that turn constraint violations into cost, so the search may cross infeasible space. */
export interface Penalties {
  /** Per unit of load above capacity. */
  capacity: number;
  /** Per unit of time warp, of duration above the maximum, and of distance above the maximum. */
  time: number;
  /** Per unit of energy above the battery. */
  energy: number;
}

/** Cost of one leg that cannot be flown at all: large enough that no saving elsewhere pays for it. */
export const FORBIDDEN_LEG = 1e9;

export function scaledPenalties(p: Penalties, factor: number): Penalties {
  return { capacity: p.capacity * factor, time: p.time * factor, energy: p.energy * factor };
}

/**
 * The extra cost of a vehicle when vehicles come first: any solution's distance is below 2 (n + 1) times the
 * longest arc, so one vehicle less always pays.
 */
export function vehicleWeight(p: Problem, vehiclesFirst: boolean): number {
  return vehiclesFirst ? 2 * (p.nCustomers + 1) * p.maxDistance : 0;
}

/**
 * Starting weights: an excess of the largest demand costs about the longest arc (as in HGS-CVRP); when
 * vehicles come first, about one vehicle, so that saving a vehicle by breaking windows or capacity does not
 * look free.
 */
export function initialPenalties(p: Problem, vehiclesFirst: boolean): Penalties {
  const scale = vehiclesFirst ? vehicleWeight(p, true) / Math.max(1, p.maxDistance) : 1;
  return {
    capacity: Math.max(0.1, Math.min(1000 * scale, (scale * p.maxDistance) / Math.max(1, p.maxDemand))),
    time: scale,
    energy: scale,
  };
}
