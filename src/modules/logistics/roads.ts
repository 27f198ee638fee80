// Road distances and times for vans: from an OSRM or Valhalla server when one is configured
// (LOGISTICS_ROAD_ENGINE=osrm|valhalla, LOGISTICS_ROAD_URL=http://host:port), otherwise estimated from the terrain
// (great-circle distance × the mountain detour factor, plus switchbacks per metre climbed; see terrain.ts).
import type { Point } from './terrain.ts';

export interface RoadMatrix {
  /** Metres by road; null where the engine found no route (the estimate is used for that pair). */
  distance: (number | null)[][];
  /** Seconds by road, likewise. */
  duration: (number | null)[][];
}

export interface RoadEngine {
  kind: 'osrm' | 'valhalla';
  url: string;
}

/** The configured road engine, if any. */
export function roadEngineFromEnv(env: NodeJS.ProcessEnv = process.env): RoadEngine | null {
  const kind = env.LOGISTICS_ROAD_ENGINE;
  const url = env.LOGISTICS_ROAD_URL;
  if (!url || (kind !== 'osrm' && kind !== 'valhalla')) return null;
  return { kind, url: url.replace(/\/+$/, '') };
}

/** Coordinates per request: OSRM's default table limit is 100 locations, so blocks of 50 sources × 50 destinations. */
const BLOCK = 50;
const TIMEOUT_MS = 20_000;

async function getJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`road engine answered HTTP ${res.status}`);
  return res.json();
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** OSRM's Table service (`/table/v1/driving/{coords}?sources=…&destinations=…&annotations=duration,distance`). */
async function osrmBlock(url: string, src: Point[], dst: Point[]) {
  const coords = [...src, ...dst].map((p) => `${p.lon.toFixed(6)},${p.lat.toFixed(6)}`).join(';');
  const sources = src.map((_, i) => i).join(';');
  const destinations = dst.map((_, j) => src.length + j).join(';');
  const body = (await getJson(`${url}/table/v1/driving/${coords}?sources=${sources}&destinations=${destinations}&annotations=duration,distance`)) as {
    code?: string;
    message?: string;
    durations?: unknown[][];
    distances?: unknown[][];
  };
  if (body.code !== 'Ok' || !Array.isArray(body.durations) || !Array.isArray(body.distances)) throw new Error(`OSRM table: ${body.code ?? 'no code'} ${body.message ?? ''}`.trim());
  return { duration: body.durations.map((row) => row.map(num)), distance: body.distances.map((row) => row.map(num)) };
}

/** Valhalla's Matrix service (`POST /sources_to_targets`, distances in km). */
async function valhallaBlock(url: string, src: Point[], dst: Point[]) {
  const loc = (p: Point) => ({ lat: p.lat, lon: p.lon });
  const body = (await getJson(`${url}/sources_to_targets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sources: src.map(loc), targets: dst.map(loc), costing: 'auto' }),
  })) as { sources_to_targets?: { distance?: unknown; time?: unknown }[][] };
  if (!Array.isArray(body.sources_to_targets)) throw new Error('Valhalla matrix: no sources_to_targets');
  return {
    duration: body.sources_to_targets.map((row) => row.map((c) => num(c.time))),
    distance: body.sources_to_targets.map((row) => row.map((c) => (num(c.distance) === null ? null : num(c.distance)! * 1000))),
  };
}

/** The full matrix between all points, asked block by block. Throws when the engine cannot be reached or answers badly. */
export async function roadMatrix(engine: RoadEngine, points: Point[]): Promise<RoadMatrix> {
  const n = points.length;
  const distance: (number | null)[][] = points.map(() => new Array<number | null>(n).fill(null));
  const duration: (number | null)[][] = points.map(() => new Array<number | null>(n).fill(null));
  const ask = engine.kind === 'osrm' ? osrmBlock : valhallaBlock;
  for (let i0 = 0; i0 < n; i0 += BLOCK)
    for (let j0 = 0; j0 < n; j0 += BLOCK) {
      const src = points.slice(i0, i0 + BLOCK);
      const dst = points.slice(j0, j0 + BLOCK);
      const block = await ask(engine.url, src, dst);
      if (block.distance.length !== src.length || block.distance.some((row) => row.length !== dst.length)) throw new Error('road engine answered a matrix of the wrong size');
      src.forEach((_, i) =>
        dst.forEach((_, j) => {
          distance[i0 + i][j0 + j] = i0 + i === j0 + j ? 0 : block.distance[i][j];
          duration[i0 + i][j0 + j] = i0 + i === j0 + j ? 0 : block.duration[i][j];
        }),
      );
    }
  return { distance, duration };
}
