import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, upload, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

type Terrain = Reply<'terrainInUse'>;

/** Which elevation model plans use (the bundled one with its provenance, or the county's file), upload and go back. */
export function TerrainCard() {
  const { t, i18n } = useTranslation('logistics');
  const client = useQueryClient();
  const terrain = useQuery({ queryKey: ['logistics-terrain'], queryFn: () => api<Terrain>('/logistics/terrain') });
  const done = (data: Terrain) => client.setQueryData(['logistics-terrain'], data);
  const send = useMutation({ mutationFn: (f: File) => upload<Terrain>('/logistics/terrain', f), onSuccess: done });
  const bundled = useMutation({ mutationFn: () => api<Terrain>('/logistics/terrain/bundled', { method: 'POST' }), onSuccess: done });
  const d = terrain.data;
  const u = d?.uploaded;
  const deg = (v: number) => v.toFixed(3);
  return (
    <details className="card" data-testid="terrain">
      <summary>{t('terrain.title')}</summary>
      <div className="stack">
        {d && !u && (
          <p data-testid="terrain-in-use">
            <strong>{t('terrain.bundled', { arcSeconds: d.bundled.arcSeconds })}</strong> <span className="muted">{t('terrain.provenance', { provenance: d.bundled.provenance })}</span>
          </p>
        )}
        {u && (
          <div data-testid="terrain-in-use">
            <p>
              <strong>{t('terrain.uploaded', { name: u.fileName })}</strong> <span className="tag">{t(`terrain.format.${u.format}`, { arcSeconds: u.arcSeconds })}</span>
            </p>
            <p className="muted">
              {t('terrain.details', {
                date: new Date(u.uploadedAt).toLocaleString(i18n.language),
                west: deg(u.minLon),
                east: deg(u.maxLon),
                south: deg(u.minLat),
                north: deg(u.maxLat),
                covered: u.covered,
                low: Math.round(u.minElevationM),
                high: Math.round(u.maxElevationM),
              })}
            </p>
            <button type="button" disabled={bundled.isPending} onClick={() => bundled.mutate()}>
              {t('terrain.useBundled')}
            </button>
          </div>
        )}
        <label>
          {t('terrain.file')}
          <input
            type="file"
            accept=".hgt,.tif,.tiff"
            disabled={send.isPending}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) send.mutate(f);
              e.target.value = '';
            }}
          />
        </label>
        <p className="hint">{t('terrain.hint')}</p>
        {send.isPending && <p className="muted">{t('terrain.reading')}</p>}
        <ErrorText error={terrain.error ?? send.error ?? bundled.error} />
      </div>
    </details>
  );
}
