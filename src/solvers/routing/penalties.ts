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
