import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { AtlasMap } from './AtlasMap.tsx';
import { PhotoUpload } from './BuildingPage.tsx';
import { photoUrl, type VillageDetail } from './api.ts';
import { ConditionBadge } from './common.tsx';
import { VillageLife } from './VillageLife.tsx';
import { useName, useNameAndOther } from '../../names.ts';

/** The visitor-facing page of a published village: story, heritage highlights, living culture, map. */
export function VillagePage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation('atlas');
  const name = useName();
  const nameAndOther = useNameAndOther();
  const navigate = useNavigate();
  const village = useQuery({ queryKey: ['atlas', 'village', id], queryFn: () => api<VillageDetail>(`/atlas/villages/${id}`) });
  const v = village.data;
  const proposals = useVillageProposals(id);
  // The label follows the reader's language.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const points = useMemo(() => (v && v.lon !== null && v.lat !== null ? [{ id: v.id, name: name(v, 'village'), lon: v.lon, lat: v.lat }] : []), [v, i18n.language]);
  const bounds = useMemo((): [number, number, number, number] | undefined => {
    if (!v) return undefined;
    const xs = [...v.buildings.map((b) => b.lon), ...(v.lon !== null ? [v.lon] : [])];
    const ys = [...v.buildings.map((b) => b.lat), ...(v.lat !== null ? [v.lat] : [])];
    if (!xs.length) return undefined;
    const pad = 0.002;
    return [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad];
  }, [v]);
  if (village.isPending) return <p>{t('loading')}</p>;
  if (village.error || !v) return <ErrorText ns="atlas" error={village.error} />;
  const level = v.listingLevel ? t(`listing.${v.listingLevel}`) : '';

  return (
    <article className="stack atlas village-page">
      <section className="card hero">
        <p>
          <Link to="/atlas">← {t('back')}</Link>
        </p>
        <h1>
          {nameAndOther(v, 'village').shown} <small className="muted">{nameAndOther(v, 'village').other}</small>
        </h1>
        <p className="stats">
          <span>{name(v.township, 'township')}</span>
          {level && <span>{v.listingBatch ? t('village.listing', { level, batch: v.listingBatch }) : t('village.listingNoBatch', { level })}</span>}
          {v.altitudeM !== null && <span>{t('village.altitude', { m: v.altitudeM })}</span>}
          {v.residentPopulation !== null && <span>{t('village.resident', { count: v.residentPopulation })}</span>}
          {v.registeredPopulation !== null && <span>{t('village.registered', { count: v.registeredPopulation })}</span>}
        </p>
        {!v.published && <p className="tag warn">{t('unpublished')}</p>}
        {v.photos.length > 0 && (
          <div className="photo-strip">
            {v.photos.map((p) => (
              <a key={p.id} href={photoUrl(p.id, 'full')}>
                <img src={photoUrl(p.id)} alt={p.caption || name(v, 'village')} loading="lazy" />
              </a>
            ))}
          </div>
        )}
      </section>

      <section className="card">
        <h2>{t('village.story')}</h2>
        <p className="description story">{v.story || v.description || t('village.noStory')}</p>
        {v.editable && <ProfileEditor village={v} />}
        {v.editable && (
          <details className="subform">
            <summary>{t('building.addPhoto')}</summary>
            <PhotoUpload path={`/atlas/villages/${v.id}/photos`} />
          </details>
        )}
      </section>

      <section className="card">
        <h2>{t('village.heritage')}</h2>
        {v.buildings.length === 0 ? (
          <p className="muted">{t('village.noBuildings')}</p>
        ) : (
          <ul className="building-list">
            {v.buildings.slice(0, 50).map((b) => (
              <li key={b.id}>
                <Link to={`/atlas/buildings/${b.id}`}>{name(b)}</Link>
                <span className="tag">{t(`types.${b.type}` as 'types.other')}</span>
                {b.protectionLevel !== 'none' && <span className="tag">{t(`protection.${b.protectionLevel}` as 'protection.none')}</span>}
                {b.era && <span className="muted">{b.era}</span>}
                <ConditionBadge grade={b.condition} />
              </li>
            ))}
          </ul>
        )}
        {v.editable && (
          <p>
            <Link className="button" to={`/atlas/buildings/new?village=${v.id}`}>
              {t('actions.newBuilding')}
            </Link>
          </p>
        )}
      </section>

      <section className="card">
        <h2>{t('village.culture')}</h2>
        {v.culture.length === 0 ? (
          <p className="muted">{t('village.noCulture')}</p>
        ) : (
          <ul className="culture-list">
            {v.culture.map((c) => (
              <li key={c.id}>
                <h3>
                  {name(c)} <span className="tag">{t(`kinds.${c.kind}` as 'kinds.craft')}</span>
                </h3>
                {c.description && <p>{c.description}</p>}
                <p className="muted">
                  {c.seasons.length > 0 && (
                    <span>
                      {t('culture.seasons')}: {c.seasons.map((s) => t(`seasons.${s}` as 'seasons.spring')).join('、')}
                    </span>
                  )}{' '}
                  {c.dates && (
                    <span>
                      {t('culture.dates')}: {c.dates}
                    </span>
                  )}{' '}
                  {c.buildings.length > 0 && (
                    <span>
                      {t('culture.buildings')}:{' '}
                      {c.buildings.map((b) => (
                        <Link key={b.id} to={`/atlas/buildings/${b.id}`}>
                          {b.name}{' '}
                        </Link>
                      ))}
                    </span>
                  )}
                </p>
              </li>
            ))}
          </ul>
        )}
        {v.editable && <CultureForm village={v} />}
      </section>

      <VillageLife villageId={v.id} />

      <section className="card">
        <h2>{t('village.map')}</h2>
        <AtlasMap label={t('village.map')} villages={points} proposals={proposals} onProposal={(pid) => navigate(`/interventions/p/${pid}`)} bounds={bounds} filter={{ villageId: v.id }} onBuilding={(bid) => navigate(`/atlas/buildings/${bid}`)} />
      </section>
    </article>
  );
}

function ProfileEditor({ village: v }: { village: VillageDetail }) {
  const { t } = useTranslation('atlas');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [story, setStory] = useState(v.story);
  const [resident, setResident] = useState(v.residentPopulation?.toString() ?? '');
  const [registered, setRegistered] = useState(v.registeredPopulation?.toString() ?? '');
  const [altitude, setAltitude] = useState(v.altitudeM?.toString() ?? '');
  const { data: me } = useMe();
  const mayPublish = hasRole(me, 'county_admin', 'town_official');
  const [published, setPublished] = useState(v.published);
  const num = (s: string) => (s.trim() === '' ? null : Number(s));
  const save = useMutation({
    mutationFn: () =>
      api(`/atlas/villages/${v.id}`, {
        method: 'PATCH',
        body: { story, residentPopulation: num(resident), registeredPopulation: num(registered), altitudeM: num(altitude), ...(mayPublish ? { published } : {}) },
      }),
    onSuccess: () => {
      setOpen(false);
      void client.invalidateQueries({ queryKey: ['atlas'] });
    },
  });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t('village.edit')}
      </button>
    );
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        {t('village.storyLabel')}
        <textarea rows={6} value={story} onChange={(e) => setStory(e.target.value)} />
      </label>
      <div className="row wrap">
        <label>
          {t('village.residentLabel')}
          <input type="number" min={0} value={resident} onChange={(e) => setResident(e.target.value)} />
        </label>
        <label>
          {t('village.registeredLabel')}
          <input type="number" min={0} value={registered} onChange={(e) => setRegistered(e.target.value)} />
        </label>
        <label>
          {t('village.altitudeLabel')}
          <input type="number" value={altitude} onChange={(e) => setAltitude(e.target.value)} />
        </label>
      </div>
      {mayPublish && (
        <label className="check">
          <input type="checkbox" checked={published} onChange={(e) => setPublished(e.target.checked)} /> {t('village.published')}
        </label>
      )}
      <ErrorText ns="atlas" error={save.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('village.save')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('village.cancel')}
        </button>
      </div>
    </form>
  );
}

const KINDS = ['craft', 'festival', 'cuisine', 'custom', 'performing_art'] as const;
const SEASONS = ['spring', 'summer', 'autumn', 'winter', 'all_year'] as const;

function CultureForm({ village: v }: { village: VillageDetail }) {
  const { t } = useTranslation('atlas');
  const client = useQueryClient();
  const [kind, setKind] = useState<string>('craft');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [dates, setDates] = useState('');
  const [seasons, setSeasons] = useState<string[]>([]);
  const [buildingIds, setBuildingIds] = useState<string[]>([]);
  const toggle = (list: string[], x: string) => (list.includes(x) ? list.filter((y) => y !== x) : [...list, x]);
  const save = useMutation({
    mutationFn: () => api('/atlas/culture', { method: 'POST', body: { kind, name, description, dates, seasons, villageIds: [v.id], buildingIds } }),
    onSuccess: async () => {
      setName('');
      setDescription('');
      setDates('');
      setSeasons([]);
      setBuildingIds([]);
      await client.invalidateQueries({ queryKey: ['atlas'] });
    },
  });
  return (
    <details className="subform">
      <summary>{t('culture.add')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="row wrap">
          <label>
            {t('culture.kind')}
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('culture.name')}
            <input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        </div>
        <label>
          {t('culture.description')}
          <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <fieldset>
          <legend>{t('culture.seasons')}</legend>
          <div className="row wrap">
            {SEASONS.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={seasons.includes(s)} onChange={() => setSeasons(toggle(seasons, s))} /> {t(`seasons.${s}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <label>
          {t('culture.dates')}
          <input maxLength={200} placeholder={t('culture.datesHint')} value={dates} onChange={(e) => setDates(e.target.value)} />
        </label>
        {v.buildings.length > 0 && (
          <fieldset>
            <legend>{t('culture.buildings')}</legend>
            <div className="row wrap">
              {v.buildings.slice(0, 30).map((b) => (
                <label key={b.id} className="check">
                  <input type="checkbox" checked={buildingIds.includes(b.id)} onChange={() => setBuildingIds(toggle(buildingIds, b.id))} /> {b.name}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <ErrorText ns="atlas" error={save.error} />
        {save.isSuccess && (
          <p className="notice" role="status">
            {t('culture.saved')}
          </p>
        )}
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('culture.add')}
        </button>
      </form>
    </details>
  );
}

/**
 * The village's intervention proposals that have a position: approved projects for everyone, and for a signed-in
 * user also those they may see (the interventions module decides which).
 */
function useVillageProposals(villageId: string) {
  const { data: me } = useMe();
  const open = useQuery({ queryKey: ['interventions', 'public'], queryFn: () => api<Reply<'listPublic'>>('/interventions/public') });
  const mine = useQuery({
    queryKey: ['interventions', 'list', villageId],
    queryFn: () => api<Reply<'listProposals'>>('/interventions', { query: { villageId } }),
    enabled: !!me,
  });
  return useMemo(() => {
    const all = new Map<string, { id: string; name: string; lon: number; lat: number }>();
    for (const p of [...(open.data ?? []), ...(mine.data ?? [])])
      if (p.villageId === villageId && p.lon !== null && p.lat !== null) all.set(p.id, { id: p.id, name: p.title, lon: p.lon, lat: p.lat });
    return [...all.values()];
  }, [open.data, mine.data, villageId]);
}
