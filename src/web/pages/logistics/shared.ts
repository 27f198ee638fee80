// Types of the logistics API's answers and small helpers for its pages.
export interface DeliveryRequest {
  id: string;
  villageId: string;
  villageName: string;
  serviceDate: string;
  weightKg: number;
  windowStartMin: number;
  windowEndMin: number;
  recipient: string;
  kind: 'delivery' | 'pickup';
  source: 'entered' | 'import' | 'market';
  status: 'open' | 'cancelled';
}

export interface Depot {
  id: string;
  name: string;
  kind: 'hub' | 'township';
  unitId: string;
  lon: number;
  lat: number;
  opensMin: number;
  closesMin: number;
  active: boolean;
}

export interface Vehicle {
  id: string;
  depotId: string;
  name: string;
  kind: 'van' | 'drone';
  capacityKg: number;
  speedKmh: number;
  batteryWh: number | null;
  active: boolean;
}

export type PlanStatus = 'solving' | 'ready' | 'failed' | 'dispatched' | 'completed' | 'superseded';

export interface PlanSummary {
  id: string;
  serviceDate: string;
  status: PlanStatus;
  jobId: string | null;
  createdAt: string;
}

export interface Trip {
  departAt: string;
  returnAt: string;
  energyWh?: number;
  batteryWh?: number;
  profile?: [number, number, number][];
  stops: { requestId: string; arriveAt: string; loadKg: number }[];
}

export interface PlanRoute {
  vehicleId: string;
  name: string;
  kind: 'van' | 'drone';
  depotId: string;
  distanceKm: number;
  roadKmAvoided?: number;
  trips: Trip[];
  path: [number, number][];
}

export interface PlanStop {
  id: string;
  requestId: string;
  vehicleId: string;
  trip: number;
  seq: number;
  plannedAt: string;
  status: 'pending' | 'picked_up' | 'delivered' | 'failed';
  reason: string | null;
  villageName: string;
  weightKg: number;
  kind: 'delivery' | 'pickup';
  proofKind: 'photo' | 'qr' | null;
  keptFrom: string | null;
}

export interface Figures {
  served: number;
  roadKm: number;
  airKm: number;
  mountainRoadKmAvoided: number;
  meanDeliveryMin: number;
  co2Kg: number;
}

export interface Plan extends PlanSummary {
  error: string | null;
  result: {
    cost?: number;
    roadKm?: number;
    airKm?: number;
    routes?: PlanRoute[];
    check?: { feasible: boolean; violations: string[] };
    terrainCheck?: { legs: number; violations: string[] };
    droneLegs?: { total: number; blocked: number };
    figures?: Figures;
    roads?: string;
  } | null;
  stops: PlanStop[];
  unserved: { requestId: string; reason: 'too_heavy' | 'out_of_range' | 'window_unreachable'; villageName: string; weightKg: number }[];
}

/** Minutes after midnight as HH:MM. */
export const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
/** HH:MM as minutes after midnight. */
export const minutes = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return h * 60 + m;
};
/** A time of day in the county (China Standard Time). */
export const clock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
/** Minutes after the county's midnight of that instant. */
export const minuteOfDay = (iso: string) => {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
};
/** Tomorrow's date in the county. */
export const tomorrow = () => new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);

/** One colour per route, the same on the map and the timeline. */
export const ROUTE_COLOURS = ['#2f6b3a', '#c8882a', '#3a6ea5', '#a33b5b', '#6b4fa3', '#2a8c8c', '#8c6a2a', '#555555'];
