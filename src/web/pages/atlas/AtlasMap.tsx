import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection, Geometry } from 'geojson';
import { useEffect, useRef } from 'react';
import { api, type Reply } from '../../api.ts';
import { addRelief, GROUND, labelLayer, MapKey, reportLabels } from '../../components/MapBase.tsx';

maplibregl.setWorkerUrl(workerUrl);

export type ColourBy = 'condition' | 'protection';
export const CONDITION_COLOURS: [number, string][] = [
  [1, '#2e7d32'],
  [2, '#7cb342'],
  [3, '#f9a825'],
  [4, '#ef6c00'],
  [5, '#c62828'],
];
export const PROTECTION_COLOURS: [string, string][] = [
  ['national', '#6a1b9a'],
  ['provincial', '#1565c0'],
  ['county', '#00838f'],
  ['listed', '#8d6e63'],
  ['none', '#9e9e9e'],
];
export const UNKNOWN_COLOUR = '#9e9e9e';
const BASEMAP_KEY = 'terrace.atlas.basemap';
export const getBasemap = () => (typeof localStorage !== 'undefined' ? (localStorage.getItem(BASEMAP_KEY) ?? '') : '');
export const setBasemap = (url: string) => (url ? localStorage.setItem(BASEMAP_KEY, url) : localStorage.removeItem(BASEMAP_KEY));

const colour = (by: ColourBy): maplibregl.ExpressionSpecification =>
  by === 'condition'
    ? ['match', ['coalesce', ['get', 'condition'], 0], ...CONDITION_COLOURS.flat(), UNKNOWN_COLOUR] as unknown as maplibregl.ExpressionSpecification
    : ['match', ['coalesce', ['get', 'protection'], 'none'], ...PROTECTION_COLOURS.flat(), UNKNOWN_COLOUR] as unknown as maplibregl.ExpressionSpecification;

const NO_POINTS: VillagePoint[] = [];
/** Proposals on a village's map: a colour of their own, apart from the condition and protection scales. */
export const PROPOSAL_COLOUR = '#6a4c93';

export interface VillagePoint {
  id: string;
  name: string;
  lon: number;
  lat: number;
}

interface Props {
  label: string;
  villages: VillagePoint[];
  /** Intervention proposals with a position (a village's page): drawn and named, a click opens one. */
  proposals?: VillagePoint[];
  /** Initial view: fit these bounds [w, s, e, n]; otherwise the villages. */
  bounds?: [number, number, number, number];
  /** Draw this footprint or point highlighted (a building page). */
  highlight?: Geometry;
  colourBy?: ColourBy;
  filter?: { type?: string; protectionLevel?: string; villageId?: string };
  onVillage?: (id: string) => void;
  onBuilding?: (id: string) => void;
  onProposal?: (id: string) => void;
  onLayer?: (info: { total: number; clustered: boolean }) => void;
  className?: string;
}

/**
 * Villages and heritage buildings, labelled, on our own layers over the county's shaded relief (no internet needed);
 * a basemap tile URL can be set. Buildings come from the map-layer endpoint for the visible box and zoom, as single
 * buildings or grid clusters; a click opens a building, zooms into a cluster, or opens a village.
 */
export function AtlasMap({ label, villages, proposals = NO_POINTS, bounds, highlight, colourBy = 'condition', filter, onVillage, onBuilding, onProposal, onLayer, className }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const handlers = useRef({ onVillage, onBuilding, onProposal, onLayer });
  handlers.current = { onVillage, onBuilding, onProposal, onLayer };
  const filterKey = JSON.stringify(filter ?? {});
  const reload = useRef<() => void>(() => {});

  useEffect(() => {
    if (!container.current) return;
    const el = container.current;
    const vdata: FeatureCollection = {
      type: 'FeatureCollection',
      features: villages.map((v) => ({ type: 'Feature', properties: { id: v.id, name: v.name }, geometry: { type: 'Point', coordinates: [v.lon, v.lat] } })),
    };
    const fit = bounds ?? (villages.length ? villages.reduce((b, v) => [Math.min(b[0], v.lon), Math.min(b[1], v.lat), Math.max(b[2], v.lon), Math.max(b[3], v.lat)], [180, 90, -180, -90] as [number, number, number, number]) : [119.2, 28.2, 119.8, 28.7]);
    const basemap = getBasemap();
    const map = new maplibregl.Map({
      container: el,
      style: {
        version: 8,
        sources: {
          villages: { type: 'geojson', data: vdata },
          proposals: { type: 'geojson', data: { type: 'FeatureCollection', features: proposals.map((p) => ({ type: 'Feature', properties: { id: p.id, name: p.name }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } })) } },
          buildings: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
          highlight: { type: 'geojson', data: highlight ? { type: 'Feature', properties: {}, geometry: highlight } : { type: 'FeatureCollection', features: [] } },
          ...(basemap ? { basemap: { type: 'raster' as const, tiles: [basemap], tileSize: 256 } } : {}),
        },
        layers: [
          GROUND,
          ...(basemap ? [{ id: 'basemap', type: 'raster' as const, source: 'basemap' }] : []),
          { id: 'highlight-fill', type: 'fill', source: 'highlight', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#b08d57', 'fill-opacity': 0.5 } },
          { id: 'highlight-line', type: 'line', source: 'highlight', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': '#5d4037', 'line-width': 2 } },
          { id: 'villages', type: 'circle', source: 'villages', paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 5, 15, 14], 'circle-color': '#ffffff', 'circle-opacity': ['interpolate', ['linear'], ['zoom'], 13, 0.9, 16, 0.2], 'circle-stroke-color': '#2f6b3a', 'circle-stroke-width': 2.5 } },
          {
            id: 'buildings',
            type: 'circle',
            source: 'buildings',
            paint: {
              'circle-radius': ['case', ['has', 'count'], ['interpolate', ['linear'], ['get', 'count'], 1, 5, 50, 10, 2000, 20], 7],
              'circle-color': colour(colourBy),
              'circle-stroke-color': '#ffffff',
              'circle-stroke-width': 1.5,
            },
          },
          { id: 'highlight-point', type: 'circle', source: 'highlight', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 9, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#5d4037', 'circle-stroke-width': 3 } },
          // Single buildings carry a name (clusters a count only): named once the view is close enough to read them.
          labelLayer('building-labels', 'buildings', 15),
          { id: 'proposals', type: 'circle', source: 'proposals', paint: { 'circle-radius': 8, 'circle-color': PROPOSAL_COLOUR, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } },
          labelLayer('proposal-labels', 'proposals'),
          // Last, so a village's name wins its place over its buildings' names.
          labelLayer('village-labels', 'villages'),
        ],
      },
      bounds: fit,
      fitBoundsOptions: { padding: 30, maxZoom: 17 },
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    addRelief(map);
    reportLabels(map, el, 'village-labels');
    el.dataset.proposals = proposals.map((p) => p.id).join(',');

    let seq = 0;
    const load = async () => {
      const my = ++seq;
      const b = map.getBounds();
      const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
      const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((x) => x.toFixed(6)).join(',');
      try {
        const fc = await api<Reply<'mapLayer'>>('/atlas/map/buildings', {
          query: { bbox, zoom: Math.floor(map.getZoom()), ...JSON.parse(filterKeyRef.current) },
        });
        if (my !== seq || !mapRef.current) return;
        (map.getSource('buildings') as maplibregl.GeoJSONSource).setData(fc);
        el.dataset.buildings = String(fc.total);
        el.dataset.clustered = String(fc.clustered);
        el.dataset.buildingIds = fc.clustered ? '' : fc.features.map((f) => String(f.properties?.id)).join(',');
        handlers.current.onLayer?.({ total: fc.total, clustered: fc.clustered });
      } catch {
        // keep what is drawn; the next move tries again
      }
    };
    reload.current = () => void load();
    map.on('load', () => void load());
    map.on('moveend', () => void load());

    const popup = new maplibregl.Popup({ closeButton: false, offset: 8 });
    for (const layer of ['villages', 'buildings', 'proposals']) {
      map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', layer, () => {
        map.getCanvas().style.cursor = '';
        popup.remove();
      });
    }
    map.on('mousemove', 'buildings', (e) => {
      const p = e.features?.[0]?.properties;
      if (p?.name) popup.setLngLat(e.lngLat).setText(String(p.name)).addTo(map);
    });
    map.on('mousemove', 'villages', (e) => {
      const p = e.features?.[0]?.properties;
      if (p?.name) popup.setLngLat(e.lngLat).setText(String(p.name)).addTo(map);
    });
    map.on('click', (e) => {
      const hit = map.queryRenderedFeatures(e.point, { layers: ['proposals', 'buildings', 'villages'] });
      const proposal = hit.find((f) => f.layer.id === 'proposals');
      if (proposal) {
        handlers.current.onProposal?.(String(proposal.properties.id));
        return;
      }
      const b = hit.find((f) => f.layer.id === 'buildings');
      if (b) {
        if (b.properties.id) handlers.current.onBuilding?.(String(b.properties.id));
        else map.easeTo({ center: (b.geometry as GeoJSON.Point).coordinates as [number, number], zoom: map.getZoom() + 2 });
        return;
      }
      const v = hit.find((f) => f.layer.id === 'villages');
      if (v) handlers.current.onVillage?.(String(v.properties.id));
    });
    return () => {
      mapRef.current = null;
      map.remove();
    };
    // The map is made once per set of villages and view; filters and colours change it in place.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [villages, proposals, JSON.stringify(bounds), JSON.stringify(highlight)]);

  const filterKeyRef = useRef(filterKey);
  filterKeyRef.current = filterKey;
  useEffect(() => {
    reload.current();
  }, [filterKey]);
  useEffect(() => {
    const map = mapRef.current;
    if (map?.getLayer('buildings')) map.setPaintProperty('buildings', 'circle-color', colour(colourBy));
  }, [colourBy]);

  return (
    <div>
      <div ref={container} className={`map atlas-map ${className ?? ''}`} role="img" aria-label={label} data-testid="atlas-map" />
      <MapKey />
    </div>
  );
}
