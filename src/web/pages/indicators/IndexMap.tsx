import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection, Point } from 'geojson';
import { useEffect, useRef } from 'react';
import { colourScale } from './shared.ts';
import { addRelief, GROUND, labelLayer, MapKey, reportLabels } from '../../components/MapBase.tsx';

maplibregl.setWorkerUrl(workerUrl);

export interface ScoredPlace {
  id: string;
  name: string;
  lon: number;
  lat: number;
  score: number | null;
}

/**
 * The villages as dots coloured by their index, on a plain background (our own layers only: it works offline).
 * A click on a dot opens the village.
 */
export function IndexMap({ places, label, onOpen, focus }: { places: ScoredPlace[]; label: string; onOpen: (id: string) => void; focus?: string | null }) {
  const box = useRef<HTMLDivElement>(null);
  const open = useRef(onOpen);
  open.current = onOpen;

  useEffect(() => {
    if (!box.current || places.length === 0) return;
    const colourOf = colourScale(places.map((p) => p.score));
    const villages: FeatureCollection<Point> = {
      type: 'FeatureCollection',
      features: places.map((p) => ({
        type: 'Feature',
        properties: { id: p.id, name: p.name, label: p.score === null ? p.name : `${p.name} ${p.score.toFixed(1)}`, colour: colourOf(p.score) },
        geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      })),
    };
    const focused = places.find((p) => p.id === focus);
    if (focused) box.current.setAttribute('data-focus-colour', colourOf(focused.score));
    const lons = places.map((p) => p.lon);
    const lats = places.map((p) => p.lat);
    const map = new maplibregl.Map({
      container: box.current,
      style: {
        version: 8,
        sources: { scored: { type: 'geojson', data: villages } },
        layers: [
          GROUND,
          {
            id: 'scored',
            type: 'circle',
            source: 'scored',
            paint: { 'circle-radius': 7, 'circle-color': ['get', 'colour'], 'circle-stroke-color': '#333333', 'circle-stroke-width': 0.8 },
          },
          // The village asked for (from its page's "on the map"): a wide ring in its own colour around it.
          {
            id: 'focus',
            type: 'circle',
            source: 'scored',
            filter: ['==', ['get', 'id'], focus ?? ''],
            paint: { 'circle-radius': 16, 'circle-color': ['get', 'colour'], 'circle-opacity': 0.9, 'circle-stroke-color': '#111111', 'circle-stroke-width': 2 },
          },
          labelLayer('village-labels', 'scored'),
        ],
      },
      ...(focused ? { center: [focused.lon, focused.lat] as [number, number], zoom: 12 } : { bounds: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)] as [number, number, number, number], fitBoundsOptions: { padding: 28 } }),
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    addRelief(map);
    reportLabels(map, box.current, 'village-labels');
    const tip = new maplibregl.Popup({ closeButton: false, offset: 9 });
    map.on('mousemove', 'scored', (e) => {
      const f = e.features?.[0];
      if (!f) return;
      map.getCanvas().style.cursor = 'pointer';
      tip.setLngLat(e.lngLat).setText(String(f.properties.label)).addTo(map);
    });
    map.on('mouseleave', 'scored', () => {
      map.getCanvas().style.cursor = '';
      tip.remove();
    });
    map.on('click', 'scored', (e) => {
      const id = e.features?.[0]?.properties.id;
      if (id) open.current(String(id));
    });
    box.current.setAttribute('data-rendered', 'false');
    map.once('idle', () => box.current?.setAttribute('data-rendered', 'true'));
    return () => map.remove();
  }, [places, focus]);

  return (
    <div>
      <div ref={box} className="map ind-map" role="img" aria-label={label} data-testid="index-map" />
      <MapKey dot={false} />
    </div>
  );
}
