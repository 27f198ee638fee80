import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAsciiGrid, type Grid } from './grid.ts';

export { elevationAt, readAsciiGrid, type Grid } from './grid.ts';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed-data', 'songyang_dem_30arcsec.asc');

let cached: Grid | undefined;
/** The Songyang elevation grid bundled with the seed (see seed-data/README.md). */
export function songyangDem(): Grid {
  cached ??= readAsciiGrid(fs.readFileSync(FILE, 'utf8'));
  return cached;
}
