import { InstanceFormatError } from './errors.ts';
import type { Instance, Metric, Stop, VehicleType } from './model.ts';

export interface VrplibInstance extends Instance {
  /** The value of the COMMENT header, if any. */
  comment?: string;
}

const SECTIONS = new Set([
  'NODE_COORD_SECTION',
  'DEMAND_SECTION',
  'DEPOT_SECTION',
  'EDGE_WEIGHT_SECTION',
  'SERVICE_TIME_SECTION',
  'TIME_WINDOW_SECTION',
]);

/**
 * Reads a CVRPLIB/TSPLIB `.vrp` file (headers `KEY : value`, then sections). Node 1..N in the file; the depot
 * becomes depot 0 and the other nodes stops labelled `node - 1`, as CVRPLIB `.sol` files number them.
 * EUC_2D distances are rounded to the nearest integer. Errors name the offending line.
 */
export function readVrplib(text: string, file = 'instance.vrp'): VrplibInstance {
  const lines = text.split(/\r?\n|\r/);
  const headers = new Map<string, { value: string; line: number }>();
  const coords = new Map<number, { x: number; y: number }>();
  const demands = new Map<number, number>();
  const services = new Map<number, number>();
  const windows = new Map<number, [number, number]>();
  const depots: number[] = [];
  const weights: number[] = [];
  let weightsLine = 0;
  let section = '';
  const fail = (line: number, detail: string): never => {
    throw new InstanceFormatError(file, line, detail);
  };
  const numbers = (line: number, raw: string[], count: number): number[] => {
    if (raw.length < count) fail(line, `expected ${count} numbers, found ${raw.length}`);
    return raw.map((s) => {
      const v = Number(s);
      if (!Number.isFinite(v)) fail(line, `"${s}" is not a number`);
      return v;
    });
  };

  for (let k = 0; k < lines.length; k++) {
    const lineNo = k + 1;
    const line = lines[k].trim();
    if (line === '') continue;
    if (line === 'EOF') break;
    const head = line.split(/[\s:]+/)[0].toUpperCase();
    if (SECTIONS.has(head)) {
      section = head;
      if (head === 'EDGE_WEIGHT_SECTION') weightsLine = lineNo;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0 && /^[A-Z_]+$/i.test(line.slice(0, colon).trim())) {
      section = '';
      headers.set(line.slice(0, colon).trim().toUpperCase(), { value: line.slice(colon + 1).trim(), line: lineNo });
      continue;
    }
    const fields = line.split(/\s+/);
    switch (section) {
      case 'NODE_COORD_SECTION': {
        const [id, x, y] = numbers(lineNo, fields, 3);
        coords.set(id, { x, y });
        break;
      }
      case 'DEMAND_SECTION': {
        const [id, d] = numbers(lineNo, fields, 2);
        demands.set(id, d);
        break;
      }
      case 'SERVICE_TIME_SECTION': {
        const [id, s] = numbers(lineNo, fields, 2);
        services.set(id, s);
        break;
      }
      case 'TIME_WINDOW_SECTION': {
        const [id, a, b] = numbers(lineNo, fields, 3);
        windows.set(id, [a, b]);
        break;
      }
      case 'DEPOT_SECTION': {
        for (const v of numbers(lineNo, fields, 1)) if (v !== -1) depots.push(v);
        break;
      }
      case 'EDGE_WEIGHT_SECTION':
        weights.push(...numbers(lineNo, fields, 1));
        break;
      default:
        fail(lineNo, `unexpected line "${line.slice(0, 40)}" outside any section`);
    }
  }

  const header = (key: string): { value: string; line: number } | undefined => headers.get(key);
  const numericHeader = (key: string): number | undefined => {
    const h = header(key);
    if (!h) return undefined;
    const v = Number(h.value);
    if (!Number.isFinite(v)) fail(h.line, `${key} is "${h.value}", not a number`);
    return v;
  };
  const dimension = numericHeader('DIMENSION');
  if (dimension === undefined) fail(1, 'missing DIMENSION header');
  const n = dimension!;
  const capacity = numericHeader('CAPACITY');
  const weightType = (header('EDGE_WEIGHT_TYPE')?.value ?? 'EUC_2D').toUpperCase();
  const depot = depots.length > 0 ? depots[0] : 1;
  if (depots.length > 1) fail(header('DIMENSION')!.line, 'more than one depot is not supported in .vrp files');
  if (depot < 1 || depot > n) fail(1, `depot ${depot} is not a node between 1 and ${n}`);

  let metric: Metric;
  if (weightType === 'EUC_2D' || weightType === 'EXACT_2D' || weightType === 'FLOOR_2D') {
    for (let id = 1; id <= n; id++) if (!coords.has(id)) fail(header('DIMENSION')!.line, `node ${id} has no coordinates in NODE_COORD_SECTION`);
    metric = { kind: 'euclidean', rounding: weightType === 'EUC_2D' ? 'nearest' : 'none' };
  } else if (weightType === 'EXPLICIT') {
    metric = { kind: 'matrix', distance: explicitMatrix(n, weights, (header('EDGE_WEIGHT_FORMAT')?.value ?? 'FULL_MATRIX').toUpperCase(), (d) => fail(weightsLine || 1, d)) };
  } else {
    fail(header('EDGE_WEIGHT_TYPE')!.line, `EDGE_WEIGHT_TYPE ${weightType} is not supported`);
    throw new Error('unreachable');
  }

  // locations in the model: the depot first, then the other nodes in file order
  const order = [depot, ...Array.from({ length: n }, (_, k) => k + 1).filter((id) => id !== depot)];
  if (metric.kind === 'matrix') {
    const full = metric.distance;
    metric = { kind: 'matrix', distance: order.map((a) => order.map((b) => full[a - 1][b - 1])) };
  }
  const stops: Stop[] = order.slice(1).map((id) => ({
    x: coords.get(id)?.x,
    y: coords.get(id)?.y,
    demand: demands.get(id) ?? 0,
    service: services.get(id) ?? numericHeader('SERVICE_TIME') ?? 0,
    early: windows.get(id)?.[0],
    late: windows.get(id)?.[1],
    label: id - 1,
  }));
  const vehicles = numericHeader('VEHICLES');
  const distanceLimit = numericHeader('DISTANCE');
  const type: VehicleType = { capacity, count: vehicles, maxDistance: distanceLimit };
  const depotWindow = windows.get(depot);
  const name = header('NAME')?.value;
  return {
    name,
    comment: header('COMMENT')?.value,
    depots: [{ x: coords.get(depot)?.x, y: coords.get(depot)?.y, open: depotWindow?.[0], close: depotWindow?.[1] }],
    stops,
    vehicleTypes: [type],
    metric,
  };
}

function explicitMatrix(n: number, w: number[], format: string, fail: (detail: string) => never): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let k = 0;
  const take = (): number => {
    if (k >= w.length) fail(`EDGE_WEIGHT_SECTION has ${w.length} values, too few for ${format} of dimension ${n}`);
    return w[k++];
  };
  for (let i = 0; i < n; i++) {
    if (format === 'FULL_MATRIX') for (let j = 0; j < n; j++) m[i][j] = take();
    else if (format === 'LOWER_ROW') for (let j = 0; j < i; j++) m[i][j] = m[j][i] = take();
    else if (format === 'LOWER_DIAG_ROW') for (let j = 0; j <= i; j++) m[i][j] = m[j][i] = take();
    else if (format === 'UPPER_ROW') for (let j = i + 1; j < n; j++) m[i][j] = m[j][i] = take();
    else if (format === 'UPPER_DIAG_ROW') for (let j = i; j < n; j++) m[i][j] = m[j][i] = take();
    else fail(`EDGE_WEIGHT_FORMAT ${format} is not supported`);
  }
  if (k !== w.length) fail(`EDGE_WEIGHT_SECTION has ${w.length} values, expected ${k} for ${format} of dimension ${n}`);
  return m;
}
