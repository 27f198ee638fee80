/** Helpers shared by the routing tests: fixture files and CVRPLIB .sol parsing. */
import { readFileSync } from 'node:fs';
import type { Instance } from './model.ts';
import type { Solution } from './solution.ts';

export function fixture(path: string): string {
  return readFileSync(new URL(`../../../fixtures/${path}`, import.meta.url), 'utf8');
}

/** Routes of a .sol file, mapped from stop labels to stop indices, all on vehicle type 0. */
export function parseSol(instance: Instance, text: string): Solution & { cost: number } {
  const byLabel = new Map<number, number>();
  instance.stops.forEach((s, i) => byLabel.set(s.label ?? i + 1, i));
  const routes: Solution['routes'] = [];
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
