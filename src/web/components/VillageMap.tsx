import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection } from 'geojson';
import { useEffect, useRef } from 'react';
import { addRelief, GROUND, labelLayer, MapKey, reportLabels } from './MapBase.tsx';

maplibregl.setWorkerUrl(workerUrl);

export interface MapPoint {
  id: string;
  name: string;
  lon: number;
  lat: number;
}

/** The colour of a journey's line (a batch of tea from its garden to the county seat). */
export const JOURNEY_COLOUR = '#c8882a';

/**
 * Villages as labelled dots over the county's shaded relief: it draws our own layers only, so it works with no internet.
 * A click on a dot calls onSelect with the village id. With `journey`, a line joins the points in order.
 */
export function VillageMap({ points, onSelect, label, journey = false }: { points: MapPoint[]; onSelect?: (id: string) => void; label: string; journey?: boolean }) {
  const container = useRef<HTMLDivElement>(null);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;

  useEffect(() => {
    if (!container.current || points.length === 0) return;
    const data: FeatureCollection = {
      type: 'FeatureCollection',
      features: points.map((p) => ({ type: 'Feature', id: p.id, properties: { id: p.id, name: p.name }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } })),
    };
    const bounds = points.reduce((b, p) => b.extend([p.lon, p.lat]), new maplibregl.LngLatBounds([points[0].lon, points[0].lat], [points[0].lon, points[0].lat]));
    const map = new maplibregl.Map({
      container: container.current,
      style: {
        version: 8,
        sources: {
          villages: { type: 'geojson', data },
          journey: {
            type: 'geojson',
            data: { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: journey ? points.map((p) => [p.lon, p.lat]) : [] } },
          },
        },
        layers: [
          GROUND,
          { id: 'journey', type: 'line', source: 'journey', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': JOURNEY_COLOUR, 'line-width': 3, 'line-dasharray': [2, 1.5] } },
          {
            id: 'villages',
            type: 'circle',
            source: 'villages',
            paint: { 'circle-radius': 6, 'circle-color': '#2f6b3a', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
          },
          labelLayer('village-labels', 'villages'),
        ],
      },
      bounds,
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    addRelief(map);
    reportLabels(map, container.current, 'village-labels');
    const popup = new maplibregl.Popup({ closeButton: false, offset: 8 });
    map.on('mousemove', 'villages', (e) => {
      const f = e.features?.[0];
      if (!f) return;
      map.getCanvas().style.cursor = 'pointer';
      popup.setLngLat(e.lngLat).setText(String(f.properties.name)).addTo(map);
    });
    map.on('mouseleave', 'villages', () => {
      map.getCanvas().style.cursor = '';
      popup.remove();
    });
    map.on('click', 'villages', (e) => {
      const id = e.features?.[0]?.properties.id;
      if (id) selectRef.current?.(String(id));
    });
    return () => map.remove();
  }, [points, journey]);

  return (
    <div>
      <div ref={container} className="map" role="img" aria-label={label} data-testid="village-map" />
      <MapKey />
    </div>
  );
}
