import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Feature } from 'geojson';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { addRelief, GROUND, MapKey } from '../../components/MapBase.tsx';

maplibregl.setWorkerUrl(workerUrl);

type Ring = [number, number][];
type Zones = Reply<'listNoFlyZones'>;

const closed = (r: Ring): Ring => (r.length ? [...r, r[0]] : r);

/** The zones on a plain map (no internet tiles); a click adds a corner to the zone being drawn. */
function ZoneMap({ zones, draft, onClick, label }: { zones: Zones; draft: Ring; onClick: (p: [number, number]) => void; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const features = (): Feature[] => [
    ...zones.drawn.filter((z) => z.active).map((z) => ({ type: 'Feature' as const, properties: { kind: 'county' }, geometry: { type: 'Polygon' as const, coordinates: [closed(z.ring)] } })),
    ...zones.heritage.map((z) => ({ type: 'Feature' as const, properties: { kind: 'heritage' }, geometry: { type: 'Polygon' as const, coordinates: [closed(z.ring)] } })),
  ];
  useEffect(() => {
    if (!container.current) return;
    const all = [...zones.drawn.flatMap((z) => z.ring), ...zones.heritage.flatMap((z) => z.ring)];
    const m = new maplibregl.Map({
      container: container.current,
      style: {
        version: 8,
        sources: { zones: { type: 'geojson', data: { type: 'FeatureCollection', features: features() } }, draft: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } } },
        layers: [
          GROUND,
          { id: 'zones', type: 'fill', source: 'zones', paint: { 'fill-color': ['case', ['==', ['get', 'kind'], 'heritage'], '#a33b5b', '#c8882a'], 'fill-opacity': 0.35 } },
          { id: 'zone-edges', type: 'line', source: 'zones', paint: { 'line-color': '#7a2a40', 'line-width': 1.5 } },
          { id: 'draft', type: 'line', source: 'draft', paint: { 'line-color': '#3a6ea5', 'line-width': 2, 'line-dasharray': [2, 1] } },
          { id: 'draft-corners', type: 'circle', source: 'draft', paint: { 'circle-radius': 4, 'circle-color': '#3a6ea5' } },
        ],
      },
      ...(all.length ? { bounds: all.reduce((b, c) => b.extend(c), new maplibregl.LngLatBounds(all[0], all[0])), fitBoundsOptions: { padding: 40, maxZoom: 13 } } : { center: [119.48, 28.45], zoom: 9 }),
      attributionControl: false,
    });
    m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    addRelief(m);
    m.on('click', (e) => click.current([Math.round(e.lngLat.lng * 1e6) / 1e6, Math.round(e.lngLat.lat * 1e6) / 1e6]));
    map.current = m;
    return () => {
      map.current = null;
      m.remove();
    };
    // The map is made once; the data effects below keep its sources current.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    const src = map.current?.getSource('zones') as maplibregl.GeoJSONSource | undefined;
    src?.setData({ type: 'FeatureCollection', features: features() });
  });
  useEffect(() => {
    const src = map.current?.getSource('draft') as maplibregl.GeoJSONSource | undefined;
    src?.setData({
      type: 'FeatureCollection',
      features: draft.length ? [{ type: 'Feature', properties: {}, geometry: draft.length > 1 ? { type: 'LineString', coordinates: closed(draft) } : { type: 'Point', coordinates: draft[0] } }] : [],
    });
  }, [draft]);
  return (
    <div>
      <div ref={container} className="map lg-map" role="img" aria-label={label} data-testid="zone-map" />
      <MapKey dot={false} />
    </div>
  );
}

/** No-fly zones: the Atlas's protected buildings (read only) and the county's own, drawn on the map or typed. */
export default function ZonesPage() {
  const { t } = useTranslation('logistics');
  const client = useQueryClient();
  const zones = useQuery({ queryKey: ['logistics-zones'], queryFn: () => api<Zones>('/logistics/zones') });
  const [name, setName] = useState('');
  const [corners, setCorners] = useState('');
  const draft: Ring = corners
    .split(/\n|;/)
    .map((l) => l.split(/[,\s]+/).filter(Boolean).map(Number))
    .filter((p) => p.length === 2 && p.every(Number.isFinite)) as Ring;
  const refresh = () => client.invalidateQueries({ queryKey: ['logistics-zones'] });
  const add = useMutation({
    mutationFn: () => api('/logistics/zones', { method: 'POST', body: { name, ring: draft } }),
    onSuccess: () => {
      setName('');
      setCorners('');
      return refresh();
    },
  });
  const retire = useMutation({ mutationFn: (id: string) => api(`/logistics/zones/${id}`, { method: 'PATCH', body: { active: false } }), onSuccess: refresh });
  if (!zones.data) return <ErrorText error={zones.error} />;
  return (
    <div className="stack">
      <section className="card">
        <h1>{t('zones.title')}</h1>
        <p className="hint">{t('zones.intro', { buffer: zones.data.bufferM })}</p>
        <ZoneMap zones={zones.data} draft={draft} label={t('zones.map')} onClick={(p) => setCorners((c) => `${c.trim() ? `${c.trim()}\n` : ''}${p[0]},${p[1]}`)} />
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <label>
            {t('zones.name')}
            <input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            {t('zones.corners')}
            <textarea rows={4} value={corners} placeholder="119.41,28.52" onChange={(e) => setCorners(e.target.value)} />
          </label>
          <button type="submit" disabled={add.isPending || draft.length < 3}>
            {t('zones.add', { n: draft.length })}
          </button>
          <ErrorText error={add.error} />
        </form>
      </section>
      <section className="card">
        <h2>{t('zones.drawn')}</h2>
        <ul className="lg-list" data-testid="zones">
          {zones.data.drawn.map((z) => (
            <li key={z.id} className="row wrap">
              <strong>{z.name}</strong> <span className="muted">{t('zones.cornerCount', { n: z.ring.length })}</span>
              {z.active ? (
                <button type="button" className="link-button" onClick={() => retire.mutate(z.id)}>
                  {t('fleet.retire')}
                </button>
              ) : (
                <span className="tag">{t('fleet.retired')}</span>
              )}
            </li>
          ))}
        </ul>
        <h2>{t('zones.heritage')}</h2>
        <ul className="lg-list">
          {zones.data.heritage.map((z) => (
            <li key={z.id}>
              {z.name} <span className="muted">{t(`zones.level.${z.protectionLevel}`, { defaultValue: z.protectionLevel })}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
