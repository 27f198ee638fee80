import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, type CountyTree, type Unit } from '../api.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { useName } from '../names.ts';

// MapLibre is the heaviest part of the client: it loads after the page's text.
const VillageMap = lazy(() => import('../components/VillageMap.tsx').then((m) => ({ default: m.VillageMap })));

/** Pages that import the unit-name helper from here get the one rule of src/web/names.ts. */
export { useName as useUnitName } from '../names.ts';

export function CountyPage() {
  const { t, i18n } = useTranslation();
  const name = useName();
  const navigate = useNavigate();
  const [filter, setFilter] = useState('');
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });

  const villages = useMemo(() => county.data?.townships.flatMap((t) => t.villages) ?? [], [county.data]);
  const points = useMemo(
    () => villages.filter((v) => v.lon !== null && v.lat !== null).map((v) => ({ id: v.id, name: name(v), lon: v.lon!, lat: v.lat! })),
    // The labels follow the reader's language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [villages, i18n.language],
  );
  if (county.isPending) return <p>{t('common.loading')}</p>;
  if (county.error) return <ErrorText error={county.error} />;
  const { county: c, townships } = county.data;
  const q = filter.trim().toLowerCase();
  const matches = (v: Unit) => !q || v.nameZh.includes(q) || v.namePinyin.toLowerCase().includes(q);

  return (
    <div className="stack">
      <section className="card hero">
        <h1>{t('county.title', { name: name(c) })}</h1>
        <p className="stats">
          <span>{t('county.townships', { count: townships.length })}</span>
          <span>{t('county.villages', { count: villages.length })}</span>
        </p>
        {c.description && <p>{c.description}</p>}
      </section>
      <Suspense fallback={<div className="map" aria-busy="true" />}>
        <VillageMap points={points} label={t('county.mapLabel')} onSelect={(id) => navigate(`/units/${id}`)} />
      </Suspense>
      <input className="filter" type="search" placeholder={t('county.filter')} aria-label={t('county.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
      <div className="townships">
        {townships
          .filter((tw) => tw.villages.some(matches))
          .map((tw) => (
            <section key={tw.id} className="card township" aria-labelledby={`tw-${tw.id}`}>
              <h2 id={`tw-${tw.id}`}>
                <Link to={`/units/${tw.id}`}>{name(tw)}</Link> <small>({tw.villages.length})</small>
              </h2>
              <ul className="villages">
                {tw.villages.filter(matches).map((v) => (
                  <li key={v.id}>
                    <Link to={`/units/${v.id}`}>{name(v)}</Link>
                    {v.listingBatch ? <span className="tag">{t('county.batch', { batch: v.listingBatch })}</span> : null}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        {q && !villages.some(matches) && <p>{t('county.noMatch')}</p>}
      </div>
    </div>
  );
}
