import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Feature, FeatureCollection } from 'geojson';
import { useEffect, useRef } from 'react';
import { ROUTE_COLOURS, type PlanRoute } from './shared.ts';
import { addRelief, GROUND, MapKey } from '../../components/MapBase.tsx';

maplibregl.setWorkerUrl(workerUrl);

/**
 * Each vehicle's route as a coloured line (drones dashed) with its stops, over the county's shaded relief: it draws our own
 * layers only, so it works with no internet.
 */
export function RouteMap({ routes, label }: { routes: PlanRoute[]; label: string }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const coords = routes.flatMap((r) => r.path);
    if (!container.current || coords.length === 0) return;
    const lines: Feature[] = routes.map((r, i) => ({
      type: 'Feature',
      properties: { colour: ROUTE_COLOURS[i % ROUTE_COLOURS.length], drone: r.kind === 'drone' },
      geometry: { type: 'LineString', coordinates: r.path },
    }));
    const stops: FeatureCollection = {
      type: 'FeatureCollection',
      features: routes.flatMap((r, i) =>
        r.path.map((p, j) => ({ type: 'Feature' as const, properties: { colour: ROUTE_COLOURS[i % ROUTE_COLOURS.length], depot: j === 0 || j === r.path.length - 1 }, geometry: { type: 'Point' as const, coordinates: p } })),
      ),
    };
    const bounds = coords.reduce((b, c) => b.extend(c), new maplibregl.LngLatBounds(coords[0], coords[0]));
    const map = new maplibregl.Map({
      container: container.current,
      style: {
        version: 8,
        sources: { routes: { type: 'geojson', data: { type: 'FeatureCollection', features: lines } }, stops: { type: 'geojson', data: stops } },
        layers: [
          GROUND,
          { id: 'van-routes', type: 'line', source: 'routes', filter: ['!', ['get', 'drone']], layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': ['get', 'colour'], 'line-width': 3 } },
          { id: 'drone-routes', type: 'line', source: 'routes', filter: ['get', 'drone'], paint: { 'line-color': ['get', 'colour'], 'line-width': 2.5, 'line-dasharray': [2, 1.5] } },
          { id: 'stops', type: 'circle', source: 'stops', paint: { 'circle-radius': ['case', ['get', 'depot'], 8, 5], 'circle-color': ['case', ['get', 'depot'], '#ffffff', ['get', 'colour']], 'circle-stroke-color': ['get', 'colour'], 'circle-stroke-width': 2 } },
        ],
      },
      bounds,
      fitBoundsOptions: { padding: 28 },
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    addRelief(map);
    map.once('idle', () => container.current?.setAttribute('data-drawn', 'true'));
    return () => map.remove();
  }, [routes]);

  return (
    <div>
      <div ref={container} className="map lg-map" role="img" aria-label={label} data-testid="route-map" />
      <MapKey dot={false} />
    </div>
  );
}
