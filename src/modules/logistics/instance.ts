// A day's routing instance in a form that crosses threads (plain JSON), and its translation into the routing
// solver's model with the drones' energy functions attached. Used by the worker that solves and the job that checks.
import type { InstanceSource } from '../../runtime/routing/index.ts';
import type { Instance, VehicleType } from '../../solvers/routing/index.ts';

export interface DroneEnergy {
  /** Level-flight consumption empty (Wh/km) and per kg carried (Wh/km/kg). */
  whPerKm: number;
  whPerKmKg: number;
  massKg: number;
}

export interface PlanInstance {
  /** Locations: depots first, then stops, as the solver numbers them. Times in seconds after local midnight. */
  depots: { x: number; y: number; open: number; close: number }[];
  stops: { x: number; y: number; demand: number; service: number; early: number; late: number; /** 0–2: on a full day, higher is served first. */ priority?: number }[];
  /** One type per vehicle (count 1), energy attached from `drones` by the type's index. */
  vehicleTypes: Omit<VehicleType, 'energy'>[];
  drones: Record<number, DroneEnergy>;
  /** What the solver minimises (road metres, straight-line metres on a drone's legs from and to its depot)… */
  distance: number[][];
  /** …and travel time as road-equivalent metres, divided by each vehicle's speed. */
  time: number[][];
  /** Road metres (engine or estimate) between every pair, for the road a drone's leg spares. */
  road: number[][];
  /** Straight-line metres and a drone's climb, for the energy model. */
  air: number[][];
  climb: number[][];
  /** 1 where a drone cannot fly the straight leg (it enters a no-fly zone, or the ceiling leaves no corridor). */
  blocked: number[][];
  /**
   * 1 at the locations of pickups (carried back to the depot). The solver's payload on a leg counts the stops still
   * to visit, which is right for deliveries only; a drone therefore takes a pickup on a trip of its own (depot →
   * pickup → depot: out empty, back loaded), and a drone leg between a pickup and any other stop cannot be flown.
   */
  pickupAt: number[];
}

const G = 9.81;
/** Share of battery energy that becomes lift when climbing. */
const CLIMB_EFFICIENCY = 0.7;

/** Energy (Wh) to fly a leg carrying `payload` kg: level flight by distance and load, plus lifting drone and load. */
export function legEnergyWh(d: DroneEnergy, airM: number, climbM: number, payload: number): number {
  return (airM / 1000) * (d.whPerKm + d.whPerKmKg * payload) + (climbM * (d.massKg + payload) * G) / 3600 / CLIMB_EFFICIENCY;
}

/** Where a worker thread builds the same solver instance: this file's `toSolverInstance` on the plan's plain data. */
export function planSource(p: PlanInstance): InstanceSource {
  return { module: import.meta.url, name: 'toSolverInstance', data: p };
}

/**
 * The solver's instance. Times are road-equivalent metres over a speed: a drone's speed is scaled by the winding
 * factor, so that its time on a leg priced by air is its straight-line time.
 */
export function toSolverInstance(p: PlanInstance): Instance {
  return {
    depots: p.depots,
    stops: p.stops,
    metric: { kind: 'matrix', distance: p.distance, time: p.time },
    vehicleTypes: p.vehicleTypes.map((t, k) => {
      const d = p.drones[k];
      if (!d) return { ...t };
      const nd = p.depots.length;
      return { ...t, energy: (from: number, to: number, payload: number) => droneLegWh(p, d, from, to, payload, nd) };
    }),
  };
}

/**
 * A drone's energy on the leg from → to, as the solver asks for it (payload: the demand of the stops left on the trip,
 * `to` included). A pickup is flown to empty and back loaded, alone on its trip; Infinity where the leg cannot be flown.
 */
function droneLegWh(p: PlanInstance, d: DroneEnergy, from: number, to: number, payload: number, nd: number): number {
  if (p.blocked[from][to]) return Infinity;
  const toPickup = p.pickupAt[to] === 1;
  const fromPickup = p.pickupAt[from] === 1;
  if ((toPickup && from >= nd) || (fromPickup && to >= nd)) return Infinity;
  if (toPickup) return legEnergyWh(d, p.air[from][to], p.climb[from][to], 0);
  if (fromPickup) return legEnergyWh(d, p.air[from][to], p.climb[from][to], p.stops[from - nd].demand);
  return legEnergyWh(d, p.air[from][to], p.climb[from][to], payload);
}
