import { ErrorText } from '../../components/ErrorText.tsx';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { AtlasMap, CONDITION_COLOURS, getBasemap, PROTECTION_COLOURS, setBasemap, UNKNOWN_COLOUR, type ColourBy } from './AtlasMap.tsx';
import { BuildingPage } from './BuildingPage.tsx';
import { EditorsOnly, OFFICIAL_ROLES, useAtlasVillages } from './common.tsx';
import { useName } from '../../names.ts';
import { ImportPage } from './ImportPage.tsx';
import { NewBuildingPage } from './NewBuilding.tsx';
import { VillagePage } from './VillagePage.tsx';

const BUILDING_TYPES = ['dwelling', 'ancestral_hall', 'temple', 'bridge', 'well', 'pavilion', 'tea_house', 'workshop', 'school', 'gate', 'pagoda', 'other'] as const;
const LEVELS = ['national', 'provincial', 'county', 'listed', 'none'] as const;

/** The atlas module's pages, mounted at /atlas/*. */
export default function AtlasPages() {
  return (
    <Routes>
      <Route index element={<AtlasHome />} />
      <Route path="villages/:id" element={<VillagePage />} />
      <Route path="buildings/new" element={<EditorsOnly reason="building"><NewBuildingPage /></EditorsOnly>} />
      <Route path="buildings/:id" element={<BuildingPage />} />
      <Route path="import" element={<EditorsOnly reason="import"><ImportPage /></EditorsOnly>} />
    </Routes>
  );
}

function AtlasHome() {
  const { t, i18n } = useTranslation('atlas');
  const name = useName();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const { data: me } = useMe();
  const villages = useAtlasVillages();
  const [colourBy, setColourBy] = useState<ColourBy>('condition');
  const [type, setType] = useState('');
  const [protectionLevel, setProtection] = useState('');
  const [layer, setLayer] = useState<{ total: number; clustered: boolean } | null>(null);
  const [basemap, setBasemapDraft] = useState(getBasemap());
  const [mapKey, setMapKey] = useState(0);
  const [q, setQ] = useState(params.get('q') ?? '');
  const query = params.get('q') ?? '';
  const results = useQuery({
    queryKey: ['atlas', 'search', query],
    queryFn: () => api<Reply<'searchAtlas'>>('/atlas/search', { query: { q: query } }),
    enabled: query.length > 0,
  });
  const points = useMemo(
    () => (villages.data ?? []).filter((v) => v.lon !== null && v.lat !== null).map((v) => ({ id: v.id, name: name(v, 'village'), lon: v.lon!, lat: v.lat! })),
    // The labels follow the reader's language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [villages.data, i18n.language],
  );
  const focus = params.get('focus')?.split(',').map(Number);
  const bounds = focus && focus.length === 2 && focus.every(Number.isFinite) ? ([focus[0] - 0.0015, focus[1] - 0.0012, focus[0] + 0.0015, focus[1] + 0.0012] as [number, number, number, number]) : undefined;
  const official = hasRole(me, ...OFFICIAL_ROLES);

  return (
    <div className="stack atlas">
      <section className="card hero">
        <h1>{t('title')}</h1>
        <p>{t('intro')}</p>
        <form
          className="row atlas-search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setParams(q.trim() ? { q: q.trim() } : {});
          }}
        >
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('search')} aria-label={t('search')} />
          <button type="submit">{t('searchButton')}</button>
        </form>
        {official && (
          <p className="row wrap">
            <Link className="button" to="/atlas/buildings/new">
              {t('actions.newBuilding')}
            </Link>
            <Link className="button" to="/atlas/import">
              {t('actions.import')}
            </Link>
            <a className="button" href="/api/v1/atlas/export/buildings?format=xlsx">
              {t('actions.export')} XLSX
            </a>
            <a className="button" href="/api/v1/atlas/export/buildings?format=geojson">
              {t('actions.export')} GeoJSON
            </a>
          </p>
        )}
      </section>

      {query && (
        <section className="card search-results" aria-live="polite">
          <ErrorText ns="atlas" error={results.error} />
          {results.data && results.data.villages.length + results.data.buildings.length + results.data.culture.length === 0 && <p>{t('noResults')}</p>}
          {results.data && results.data.villages.length > 0 && (
            <>
              <h2>{t('results.villages')}</h2>
              <ul className="plain">
                {results.data.villages.map((v) => (
                  <li key={v.id}>
                    <Link to={`/atlas/villages/${v.id}`}>{name(v, 'village')}</Link> <span className="muted">{name(v.township, 'township')}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {results.data && results.data.buildings.length > 0 && (
            <>
              <h2>{t('results.buildings')}</h2>
              <ul className="plain">
                {results.data.buildings.map((b) => (
                  <li key={b.id}>
                    <Link to={`/atlas/buildings/${b.id}`}>{name(b)}</Link> <span className="tag">{t(`types.${b.type}` as 'types.other')}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {results.data && results.data.culture.length > 0 && (
            <>
              <h2>{t('results.culture')}</h2>
              <ul className="plain">
                {results.data.culture.map((c) => (
                  <li key={c.id}>
                    {name(c)} <span className="tag">{t(`kinds.${c.kind}` as 'kinds.craft')}</span>{' '}
                    {c.villages.map((v) => (
                      <Link key={v.id} to={`/atlas/villages/${v.id}`} className="muted">
                        {name(v, 'village')}{' '}
                      </Link>
                    ))}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      <section className="card map-card">
        <div className="row wrap map-controls">
          <label>
            {t('map.colourBy')}
            <select value={colourBy} onChange={(e) => setColourBy(e.target.value as ColourBy)}>
              <option value="condition">{t('map.byCondition')}</option>
              <option value="protection">{t('map.byProtection')}</option>
            </select>
          </label>
          <label>
            {t('map.type')}
            <select value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">{t('map.all')}</option>
              {BUILDING_TYPES.map((x) => (
                <option key={x} value={x}>
                  {t(`types.${x}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('map.protection')}
            <select value={protectionLevel} onChange={(e) => setProtection(e.target.value)}>
              <option value="">{t('map.all')}</option>
              {LEVELS.map((x) => (
                <option key={x} value={x}>
                  {t(`protection.${x}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {villages.data && (
          <AtlasMap
            key={mapKey}
            label={t('map.label')}
            villages={points}
            bounds={bounds}
            colourBy={colourBy}
            filter={{ type: type || undefined, protectionLevel: protectionLevel || undefined }}
            onVillage={(id) => navigate(`/atlas/villages/${id}`)}
            onBuilding={(id) => navigate(`/atlas/buildings/${id}`)}
            onLayer={setLayer}
          />
        )}
        <Legend colourBy={colourBy} />
        {layer && <p className="hint">{layer.clustered ? t('map.clustered', { total: layer.total }) : t('map.shown', { total: layer.total })}</p>}
        <details>
          <summary>{t('map.basemap')}</summary>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              setBasemap(basemap.trim());
              setMapKey((k) => k + 1);
            }}
          >
            <input type="url" value={basemap} onChange={(e) => setBasemapDraft(e.target.value)} aria-label={t('map.basemap')} placeholder="https://…/{z}/{x}/{y}.png" />
            <button type="submit">{t('map.basemapSave')}</button>
          </form>
          <p className="hint">{t('map.basemapHint')}</p>
        </details>
      </section>

      <section className="card">
        <h2>
          {t('villagesHeading')} <small className="muted">{t('villageCount', { count: villages.data?.length ?? 0 })}</small>
        </h2>
        <ErrorText ns="atlas" error={villages.error} />
        <ul className="villages">
          {(villages.data ?? []).map((v) => (
            <li key={v.id}>
              <Link to={`/atlas/villages/${v.id}`}>{name(v, 'village')}</Link>
              {!v.published && <span className="tag warn">{t('unpublished')}</span>}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function Legend({ colourBy }: { colourBy: ColourBy }) {
  const { t } = useTranslation('atlas');
  const items: [string, string][] =
    colourBy === 'condition'
      ? [...CONDITION_COLOURS.map(([g, c]): [string, string] => [t(`grades.${g}` as 'grades.1'), c]), [t('map.unknown'), UNKNOWN_COLOUR]]
      : PROTECTION_COLOURS.map(([l, c]): [string, string] => [t(`protection.${l}` as 'protection.none'), c]);
  return (
    <ul className="legend" aria-label={t('map.legend')}>
      <li>
        <span className="swatch village" aria-hidden /> {t('map.village')}
      </li>
      {items.map(([label, c]) => (
        <li key={label}>
          <span className="swatch" style={{ background: c }} aria-hidden /> {label}
        </li>
      ))}
    </ul>
  );
}
