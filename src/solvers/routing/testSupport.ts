/** Helpers shared by the routing tests: fixture files and CVRPLIB .sol parsing. */
import { readFileSync } from 'node:fs';

export { readSol as parseSol } from './solution.ts';

export function fixture(path: string): string {
  return readFileSync(new URL(`../../../fixtures/${path}`, import.meta.url), 'utf8');
}
