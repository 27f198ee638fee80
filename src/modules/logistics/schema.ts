// The logistics module's tables: depots, the fleet, delivery requests, and day plans with their stops.
// Every key is county-keyed (county_id first) so the tables distribute by county on Citus.
import { sql } from 'drizzle-orm';
import { boolean, check, date, doublePrecision, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { adminUnits, users } from '../governance/index.ts';
import { createdAt, inList } from '../../db/columns.ts';

export const DEPOT_KINDS = ['hub', 'township'] as const;
export type DepotKind = (typeof DEPOT_KINDS)[number];
export const VEHICLE_KINDS = ['van', 'drone'] as const;
export type VehicleKind = (typeof VEHICLE_KINDS)[number];
export const REQUEST_STATUSES = ['open', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** solving → ready (or failed) → dispatched → completed once every stop is closed. */
export const PLAN_STATUSES = ['solving', 'ready', 'failed', 'dispatched', 'completed', 'superseded'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const STOP_STATUSES = ['pending', 'picked_up', 'delivered', 'failed'] as const;
export type StopStatus = (typeof STOP_STATUSES)[number];
/** A delivery brings a parcel from the depot to a village; a pickup brings one (a Market order) from a village to the depot. */
export const REQUEST_KINDS = ['delivery', 'pickup'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
/** Entered by hand, imported from a file, or created from a paid Market order. */
export const REQUEST_SOURCES = ['entered', 'import', 'market'] as const;
export type RequestSource = (typeof REQUEST_SOURCES)[number];
export const PROOF_KINDS = ['photo', 'qr'] as const;
export type ProofKind = (typeof PROOF_KINDS)[number];

const key = () =>
  uuid('id')
    .notNull()
    .$defaultFn(() => uuidv7());
const county = () =>
  uuid('county_id')
    .notNull()
    .references(() => adminUnits.id);

/** The county express hub or a township depot, where vehicles start and end their day. */
export const depots = pgTable(
  'logistics_depots',
  {
    countyId: county(),
    id: key(),
    name: text('name').notNull(),
    kind: text('kind').$type<DepotKind>().notNull(),
    /** The admin unit it serves (the county for the hub, a township for a township depot). */
    unitId: uuid('unit_id')
      .notNull()
      .references(() => adminUnits.id),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    /** Opening hours as minutes after local midnight: vehicles leave no earlier and are back no later. */
    opensMin: integer('opens_min').notNull().default(420),
    closesMin: integer('closes_min').notNull().default(1140),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    check('logistics_depots_kind_check', inList('kind', DEPOT_KINDS)),
    check('logistics_depots_hours_check', sql`${t.opensMin} >= 0 and ${t.opensMin} < ${t.closesMin} and ${t.closesMin} <= 1440`),
    check('logistics_depots_coords_check', sql`${t.lon} between -180 and 180 and ${t.lat} between -90 and 90`),
  ],
);

/** A van (capacity in kg) or a drone (payload in kg, battery in Wh, consumption per km), based at a depot. */
export const vehicles = pgTable(
  'logistics_vehicles',
  {
    countyId: county(),
    id: key(),
    depotId: uuid('depot_id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<VehicleKind>().notNull(),
    /** Van load or drone payload, kg. */
    capacityKg: doublePrecision('capacity_kg').notNull(),
    speedKmh: doublePrecision('speed_kmh').notNull(),
    /** Drones: usable battery energy per trip (Wh), level-flight consumption empty (Wh/km) and per kg carried (Wh/km/kg), mass (kg). */
    batteryWh: doublePrecision('battery_wh'),
    whPerKm: doublePrecision('wh_per_km'),
    whPerKmKg: doublePrecision('wh_per_km_kg'),
    massKg: doublePrecision('mass_kg'),
    /** Minutes at the depot between two trips (reload; battery swap for drones). */
    reloadMin: integer('reload_min').notNull().default(15),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    foreignKey({ columns: [t.countyId, t.depotId], foreignColumns: [depots.countyId, depots.id] }),
    check('logistics_vehicles_kind_check', inList('kind', VEHICLE_KINDS)),
    check('logistics_vehicles_capacity_check', sql`${t.capacityKg} > 0 and ${t.speedKmh} > 0 and ${t.reloadMin} >= 0`),
    check(
      'logistics_vehicles_drone_check',
      sql`${t.kind} <> 'drone' or (${t.batteryWh} > 0 and ${t.whPerKm} > 0 and ${t.whPerKmKg} >= 0 and ${t.massKg} > 0)`,
    ),
  ],
);

/** A parcel to drop at a village on a day, within a time window. */
export const requests = pgTable(
  'logistics_requests',
  {
    countyId: county(),
    id: key(),
    villageId: uuid('village_id')
      .notNull()
      .references(() => adminUnits.id),
    /** The drop point (the village's coordinates unless given). */
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    serviceDate: date('service_date').notNull(),
    weightKg: doublePrecision('weight_kg').notNull(),
    /** Window as minutes after local midnight of the service date. */
    windowStartMin: integer('window_start_min').notNull(),
    windowEndMin: integer('window_end_min').notNull(),
    recipient: text('recipient').notNull().default(''),
    note: text('note').notNull().default(''),
    kind: text('kind').$type<RequestKind>().notNull().default('delivery'),
    source: text('source').$type<RequestSource>().notNull().default('entered'),
    /** 0 normal, 1 high, 2 urgent. */
    priority: integer('priority').notNull().default(0),
    /** The Market order this pickup carries (Market module; no key across modules). */
    marketOrderId: uuid('market_order_id'),
    status: text('status').$type<RequestStatus>().notNull().default('open'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    index('logistics_requests_day_idx').on(t.countyId, t.serviceDate),
    check('logistics_requests_status_check', inList('status', REQUEST_STATUSES)),
    check('logistics_requests_kind_check', inList('kind', REQUEST_KINDS)),
    check('logistics_requests_source_check', inList('source', REQUEST_SOURCES)),
    check('logistics_requests_priority_check', sql`${t.priority} between 0 and 2`),
    unique('logistics_requests_market_order_unique').on(t.countyId, t.marketOrderId),
    check('logistics_requests_weight_check', sql`${t.weightKg} > 0`),
    check('logistics_requests_window_check', sql`${t.windowStartMin} >= 0 and ${t.windowStartMin} < ${t.windowEndMin} and ${t.windowEndMin} <= 1440`),
  ],
);

/** A day's plan: computed by a job, stored with its inputs and routes, then dispatched. */
export const plans = pgTable(
  'logistics_plans',
  {
    countyId: county(),
    id: key(),
    serviceDate: date('service_date').notNull(),
    status: text('status').$type<PlanStatus>().notNull().default('solving'),
    jobId: uuid('job_id'),
    /** What the solve was given (depots, vehicles, requests, settings), as JSON. */
    inputs: jsonb('inputs'),
    /** Routes per vehicle with their legs and summary figures; requests no vehicle can serve, with the reason. */
    result: jsonb('result'),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    solvedAt: timestamp('solved_at', { withTimezone: true }),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    dispatchedBy: uuid('dispatched_by').references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    index('logistics_plans_day_idx').on(t.countyId, t.serviceDate),
    check('logistics_plans_status_check', inList('status', PLAN_STATUSES)),
  ],
);

/** One delivery of a plan: a request served by a vehicle on one of its trips, at a planned time. */
export const planStops = pgTable(
  'logistics_plan_stops',
  {
    countyId: county(),
    id: key(),
    planId: uuid('plan_id').notNull(),
    requestId: uuid('request_id').notNull(),
    vehicleId: uuid('vehicle_id').notNull(),
    trip: integer('trip').notNull(),
    seq: integer('seq').notNull(),
    /** Planned start of service and the load on board on arrival. */
    plannedAt: timestamp('planned_at', { withTimezone: true }).notNull(),
    loadKg: doublePrecision('load_kg').notNull(),
    status: text('status').$type<StopStatus>().notNull().default('pending'),
    reason: text('reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by').references(() => users.id),
    /** Proof of delivery: a photo (its storage key) or the parcel label's QR code as scanned. */
    proofKind: text('proof_kind').$type<ProofKind>(),
    proofKey: text('proof_key'),
    proofCode: text('proof_code'),
    /** Kept from an earlier plan when re-planning: its trip had already left. */
    keptFrom: uuid('kept_from'),
  },
  (t) => [
    primaryKey({ columns: [t.countyId, t.id] }),
    // A plan serves each request once.
    unique('logistics_plan_stops_request_unique').on(t.countyId, t.planId, t.requestId),
    unique('logistics_plan_stops_order_unique').on(t.countyId, t.planId, t.vehicleId, t.trip, t.seq),
    foreignKey({ columns: [t.countyId, t.planId], foreignColumns: [plans.countyId, plans.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.countyId, t.requestId], foreignColumns: [requests.countyId, requests.id] }),
    foreignKey({ columns: [t.countyId, t.vehicleId], foreignColumns: [vehicles.countyId, vehicles.id] }),
    check('logistics_plan_stops_status_check', inList('status', STOP_STATUSES)),
    check('logistics_plan_stops_proof_check', sql`${t.proofKind} is null or ${t.proofKind} in ('photo', 'qr')`),
  ],
);

/** A zone drones must not fly through, drawn by the county (a polygon ring of [lon, lat]). */
export const noFlyZones = pgTable(
  'logistics_no_fly_zones',
  {
    countyId: county(),
    id: key(),
    name: text('name').notNull(),
    ring: jsonb('ring').$type<[number, number][]>().notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.countyId, t.id] })],
);

export const TERRAIN_FORMATS = ['hgt', 'geotiff'] as const;
export type TerrainFormat = (typeof TERRAIN_FORMATS)[number];

/**
 * Elevation files a county uploaded to plan on instead of the bundled model. The original is in the file storage
 * (`storageKey`); the part around the county's depots and villages is kept here (`grid`: big-endian 16-bit metres,
 * base64, rows north to south) so every instance plans on it. At most one is active per county; none: the bundled one.
 */
export const terrainFiles = pgTable(
  'logistics_terrain_files',
  {
    countyId: county(),
    id: key(),
    fileName: text('file_name').notNull(),
    format: text('format').$type<TerrainFormat>().notNull(),
    storageKey: text('storage_key').notNull(),
    bytes: integer('bytes').notNull(),
    arcSeconds: doublePrecision('arc_seconds').notNull(),
    /** The file's extent in degrees. */
    minLon: doublePrecision('min_lon').notNull(),
    minLat: doublePrecision('min_lat').notNull(),
    maxLon: doublePrecision('max_lon').notNull(),
    maxLat: doublePrecision('max_lat').notNull(),
    minElevationM: doublePrecision('min_elevation_m').notNull(),
    maxElevationM: doublePrecision('max_elevation_m').notNull(),
    /** The kept grid: columns, rows, lower-left corner and cell (degrees), and its values. */
    ncols: integer('ncols').notNull(),
    nrows: integer('nrows').notNull(),
    xll: doublePrecision('xll').notNull(),
    yll: doublePrecision('yll').notNull(),
    cell: doublePrecision('cell').notNull(),
    grid: text('grid').notNull(),
    /** Depots and villages the file covers (all of them when it was accepted). */
    covered: integer('covered').notNull(),
    active: boolean('active').notNull().default(true),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    createdAt: createdAt(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.countyId, t.id] }), index('logistics_terrain_files_active').on(t.countyId, t.active), check('logistics_terrain_files_format_check', inList('format', TERRAIN_FORMATS))],
);
