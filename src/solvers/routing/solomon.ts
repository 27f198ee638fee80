import { InstanceFormatError } from './errors.ts';
import type { Instance } from './model.ts';

/**
 * Reads a Solomon VRPTW text file: name, a VEHICLE block (number, capacity), a CUSTOMER block whose first row
 * is the depot. Distances are Euclidean truncated to one decimal and travel time equals distance (the
 * DIMACS/CVRPLIB convention); at most the given number of vehicles. Errors name the offending line.
 */
export function readSolomon(text: string, file = 'instance.txt'): Instance {
  const lines = text.split(/\r?\n|\r/);
  let name: string | undefined;
  let vehicles: number | undefined;
  let capacity: number | undefined;
  const rows: { line: number; values: number[] }[] = [];
  let block = '';
  const fail = (line: number, detail: string): never => {
    throw new InstanceFormatError(file, line, detail);
  };
  for (let k = 0; k < lines.length; k++) {
    const lineNo = k + 1;
    const line = lines[k].trim();
    if (line === '') continue;
    const upper = line.toUpperCase();
    if (name === undefined) {
      name = line;
      continue;
    }
    if (upper === 'VEHICLE' || upper === 'CUSTOMER') {
      block = upper;
      continue;
    }
    if (/^[A-Z]/.test(upper)) {
      if (block === '') fail(lineNo, `unexpected line "${line.slice(0, 40)}" before the VEHICLE block`);
      continue; // column headers
    }
    const values = line.split(/\s+/).map((s) => {
      const v = Number(s);
      if (!Number.isFinite(v)) fail(lineNo, `"${s}" is not a number`);
      return v;
    });
    if (block === 'VEHICLE') {
      if (values.length !== 2) fail(lineNo, `expected vehicle number and capacity, found ${values.length} values`);
      [vehicles, capacity] = values;
    } else if (block === 'CUSTOMER') {
      if (values.length !== 7) fail(lineNo, `expected 7 values (no, x, y, demand, ready, due, service), found ${values.length}`);
      const [, , , , ready, due] = values;
      if (ready > due) fail(lineNo, `ready time ${ready} is after due date ${due}`);
      rows.push({ line: lineNo, values });
    } else {
      fail(lineNo, 'numbers before the VEHICLE block');
    }
  }
  if (vehicles === undefined || capacity === undefined) fail(lines.length, 'missing VEHICLE block');
  if (rows.length === 0) fail(lines.length, 'missing CUSTOMER block');
  const [depot, ...customers] = rows;
  const [, dx, dy, , dOpen, dClose] = depot.values;
  return {
    name,
    depots: [{ x: dx, y: dy, open: dOpen, close: dClose }],
    stops: customers.map(({ values: [no, x, y, demand, ready, due, service] }) => ({ x, y, demand, early: ready, late: due, service, label: no })),
    vehicleTypes: [{ count: vehicles, capacity }],
    metric: { kind: 'euclidean', rounding: 'decimal1' },
  };
}
