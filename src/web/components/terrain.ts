// The maps' base: shaded relief drawn in the browser from the county's bundled elevation grid, so a map needs no
// tile server. The grid is the one the Atlas seed reads (src/modules/atlas/seed-data, see its README for provenance).
import demText from '../../modules/atlas/seed-data/songyang_dem_30arcsec.asc?raw';
import { elevationAt, readAsciiGrid, type Grid } from '../../modules/atlas/grid.ts';

/** Elevation stops (m) and their colours, low to high: the legend shows the same. */
export const RELIEF_STOPS: [number, [number, number, number]][] = [
  [100, [226, 236, 214]],
  [400, [205, 220, 178]],
  [800, [190, 184, 142]],
  [1200, [171, 150, 120]],
  [1500, [236, 230, 220]],
];

const tint = (m: number): [number, number, number] => {
  const i = RELIEF_STOPS.findIndex(([at]) => m < at);
  if (i === 0) return RELIEF_STOPS[0][1];
  if (i === -1) return RELIEF_STOPS[RELIEF_STOPS.length - 1][1];
  const [a, ca] = RELIEF_STOPS[i - 1];
  const [b, cb] = RELIEF_STOPS[i];
  const f = (m - a) / (b - a);
  return [0, 1, 2].map((k) => ca[k] + (cb[k] - ca[k]) * f) as [number, number, number];
};

export interface Relief {
  /** The relief, drawn once: a canvas is handed to MapLibre as it is (a data URL would be fetched, which the CSP's connect-src refuses). */
  canvas: HTMLCanvasElement;
  /** Corners for a MapLibre canvas source: NW, NE, SE, SW. */
  coordinates: [[number, number], [number, number], [number, number], [number, number]];
}

/**
 * Elevation tinted low-green to high-brown and lit from the north-west (the usual hillshade: sun at 315°, 45° up),
 * `scale` pixels per grid cell, sampled between cell centres.
 */
export function shadedRelief(g: Grid, scale = 4): { width: number; height: number; rgba: Uint8ClampedArray<ArrayBuffer> } {
  const width = g.ncols * scale;
  const height = g.nrows * scale;
  const step = g.cell / scale;
  const north = g.yll + g.nrows * g.cell;
  const inset = g.cell / 2;
  const clampLon = (x: number) => Math.min(Math.max(x, g.xll + inset), g.xll + g.ncols * g.cell - inset);
  const clampLat = (y: number) => Math.min(Math.max(y, g.yll + inset), north - inset);
  const z = new Float64Array((width + 2) * (height + 2));
  for (let y = -1; y <= height; y++) {
    for (let x = -1; x <= width; x++) {
      z[(y + 1) * (width + 2) + (x + 1)] = elevationAt(g, clampLon(g.xll + (x + 0.5) * step), clampLat(north - (y + 0.5) * step)) ?? 0;
    }
  }
  const midLat = ((g.yll + north) / 2) * (Math.PI / 180);
  const dxM = step * 111_320 * Math.cos(midLat);
  const dyM = step * 110_574;
  const zenith = (45 * Math.PI) / 180;
  const azimuth = (315 * Math.PI) / 180;
  const rgba = new Uint8ClampedArray(width * height * 4);
  const at = (x: number, y: number) => z[(y + 1) * (width + 2) + (x + 1)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dzdx = (at(x + 1, y) - at(x - 1, y)) / (2 * dxM);
      const dzdy = (at(x, y - 1) - at(x, y + 1)) / (2 * dyM); // rows run south
      const slope = Math.atan(Math.hypot(dzdx, dzdy));
      const aspect = Math.atan2(dzdy, -dzdx);
      const lit = Math.max(0, Math.cos(zenith) * Math.cos(slope) + Math.sin(zenith) * Math.sin(slope) * Math.cos(azimuth - aspect));
      const shade = 0.6 + 0.5 * lit;
      const [r, gr, b] = tint(at(x, y));
      const i = (y * width + x) * 4;
      rgba[i] = r * shade;
      rgba[i + 1] = gr * shade;
      rgba[i + 2] = b * shade;
      rgba[i + 3] = 255;
    }
  }
  return { width, height, rgba };
}

let relief: Relief | undefined;
/** The county's shaded relief as an image a map can lay under its layers (drawn once per page load). */
export function countyRelief(): Relief {
  if (relief) return relief;
  const g = readAsciiGrid(demText);
  const { width, height, rgba } = shadedRelief(g);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, width, height), 0, 0);
  const w = g.xll;
  const e = g.xll + g.ncols * g.cell;
  const s = g.yll;
  const n = g.yll + g.nrows * g.cell;
  relief = { canvas, coordinates: [[w, n], [e, n], [e, s], [w, s]] };
  return relief;
}
