import { FileField } from '../../components/FileField.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { AtlasMap } from './AtlasMap.tsx';
import { photoUrl, upload, type BuildingDetail } from './api.ts';
import { ConditionBadge } from './common.tsx';
import { useName, useNameAndOther } from '../../names.ts';
import { ConditionChart } from './ConditionChart.tsx';

export function BuildingPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('atlas');
  const name = useName();
  const nameAndOther = useNameAndOther();
  const building = useQuery({ queryKey: ['atlas', 'building', id], queryFn: () => api<BuildingDetail>(`/atlas/buildings/${id}`) });
  const b = building.data;
  const points = useMemo(() => [] as { id: string; name: string; lon: number; lat: number }[], []);
  const bounds = useMemo((): [number, number, number, number] | undefined => {
    if (!b) return undefined;
    const ring = b.geometry.type === 'Polygon' ? b.geometry.coordinates[0] : [b.geometry.coordinates];
    const pad = 0.0008;
    return [Math.min(...ring.map((p) => p[0])) - pad, Math.min(...ring.map((p) => p[1])) - pad, Math.max(...ring.map((p) => p[0])) + pad, Math.max(...ring.map((p) => p[1])) + pad];
  }, [b]);
  if (building.isPending) return <p>{t('loading')}</p>;
  if (building.error || !b) return <ErrorText ns="atlas" error={building.error} />;
  const facts: [string, string][] = [
    [t('building.type'), t(`types.${b.type}` as 'types.other')],
    [t('building.era'), [b.era, b.buildYear ?? ''].filter(Boolean).join(' · ')],
    [t('building.protection'), t(`protection.${b.protectionLevel}` as 'protection.none')],
    [t('building.structure'), b.structure],
    [t('building.materials'), b.materials],
    [t('building.currentUse'), t(`uses.${b.currentUse}` as 'uses.other')],
    [t('building.ownerType'), t(`owners.${b.ownerType}` as 'owners.unknown')],
  ];

  return (
    <article className="stack atlas building-page">
      <section className="card">
        <p>
          <Link to={`/atlas/villages/${b.village.id}`}>← {name(b.village, 'village')}</Link>
        </p>
        <h1>
          {nameAndOther(b).shown} <small className="muted">{nameAndOther(b).other}</small>
        </h1>
        <p>
          {t('building.condition')}: <ConditionBadge grade={b.condition} />
        </p>
        <dl className="facts">
          {facts
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
        {b.notes && <p className="description">{b.notes}</p>}
        {b.editable && <BuildingEditor building={b} />}
        <p className="muted">
          {t('building.coordinates', { lon: b.lon.toFixed(6), lat: b.lat.toFixed(6) })}{' '}
          <Link to={`/atlas?focus=${b.lon},${b.lat}`}>{t('building.openMap')}</Link>
        </p>
        {b.culture.length > 0 && (
          <p>
            {t('building.culture')}:{' '}
            {b.culture.map((c) => (
              <span key={c.id} className="tag">
                {name(c)}
              </span>
            ))}
          </p>
        )}
      </section>

      <section className="card">
        <h2>{t('building.photos')}</h2>
        {b.photos.length === 0 ? (
          <p className="muted">{t('building.noPhotos')}</p>
        ) : (
          <div className="photo-strip">
            {b.photos.map((p) => (
              <a key={p.id} href={photoUrl(p.id, 'full')}>
                <img src={photoUrl(p.id)} alt={p.caption || b.name} loading="lazy" />
              </a>
            ))}
          </div>
        )}
        {b.editable && <PhotoUpload path={`/atlas/buildings/${b.id}/photos`} />}
      </section>

      <section className="card">
        <h2>{t('building.history')}</h2>
        {b.history.length === 0 ? <p className="muted">{t('building.noHistory')}</p> : <ConditionChart history={b.history} />}
        {b.history.length > 0 && (
          <table className="history">
            <thead>
              <tr>
                <th>{t('building.assessedOn')}</th>
                <th>{t('building.grade')}</th>
                <th>{t('building.assessor')}</th>
              </tr>
            </thead>
            <tbody>
              {[...b.history].reverse().map((a) => (
                <tr key={a.id}>
                  <td>{a.assessedOn}</td>
                  <td>{t(`grades.${a.grade}` as 'grades.1')}</td>
                  <td>
                    {a.assessor}
                    {a.notes && <div className="muted">{a.notes}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {b.editable && <AssessmentForm buildingId={b.id} />}
      </section>

      <section className="card">
        <h2>{t('building.location')}</h2>
        <AtlasMap label={t('building.location')} villages={points} bounds={bounds} highlight={b.geometry} filter={{ villageId: b.villageId }} />
      </section>
    </article>
  );
}

function AssessmentForm({ buildingId }: { buildingId: string }) {
  const { t } = useTranslation('atlas');
  const client = useQueryClient();
  const { data: me } = useMe();
  const [grade, setGrade] = useState('3');
  const [assessedOn, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [assessor, setAssessor] = useState(me?.displayName ?? '');
  const [notes, setNotes] = useState('');
  const [done, setDone] = useState(false);
  const save = useMutation({
    mutationFn: () => api(`/atlas/buildings/${buildingId}/assessments`, { method: 'POST', body: { grade: Number(grade), assessedOn, assessor, notes } }),
    onSuccess: async () => {
      setDone(true);
      setNotes('');
      await client.invalidateQueries({ queryKey: ['atlas'] });
    },
  });
  return (
    <details className="subform">
      <summary>{t('building.addAssessment')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(false);
          save.mutate();
        }}
      >
        <div className="row wrap">
          <label>
            {t('building.grade')}
            <select value={grade} onChange={(e) => setGrade(e.target.value)}>
              {[1, 2, 3, 4, 5].map((g) => (
                <option key={g} value={g}>
                  {t(`grades.${g}` as 'grades.1')}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('building.assessedOn')}
            <input type="date" required value={assessedOn} onChange={(e) => setDate(e.target.value)} />
          </label>
        </div>
        <label>
          {t('building.assessor')}
          <input required maxLength={120} value={assessor} onChange={(e) => setAssessor(e.target.value)} />
        </label>
        <label>
          {t('building.assessmentNotes')}
          <textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <ErrorText ns="atlas" error={save.error} />
        {done && (
          <p className="notice" role="status">
            {t('building.assessmentAdded')}
          </p>
        )}
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('building.saveAssessment')}
        </button>
      </form>
    </details>
  );
}

/** Uploads a photo to a building, village or cultural asset (the API path given). */
export function PhotoUpload({ path }: { path: string }) {
  const { t } = useTranslation('atlas');
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [caption, setCaption] = useState('');
  const [done, setDone] = useState(false);
  const send = useMutation({
    mutationFn: () => upload(path, file!, { caption }),
    onSuccess: async () => {
      setDone(true);
      setCaption('');
      await client.invalidateQueries({ queryKey: ['atlas'] });
    },
  });
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        setDone(false);
        if (file) send.mutate();
      }}
    >
      <label>
        {t('building.photo')}
        <FileField kind="photo" required onFile={setFile} />
      </label>
      <label>
        {t('building.caption')}
        <input maxLength={200} value={caption} onChange={(e) => setCaption(e.target.value)} />
      </label>
      <ErrorText ns="atlas" error={send.error} />
      {done && (
        <p className="notice" role="status">
          {t('building.uploaded')}
        </p>
      )}
      <button type="submit" disabled={send.isPending || !file}>
        {t('building.addPhoto')}
      </button>
    </form>
  );
}

const LEVELS = ['none', 'listed', 'county', 'provincial', 'national'] as const;
const USES = ['vacant', 'residence', 'inn', 'workshop', 'public', 'religious', 'commercial', 'storage', 'other'] as const;

/** The facts that change most: protection level, current use, era, structure, materials, notes. */
function BuildingEditor({ building: b }: { building: BuildingDetail }) {
  const { t } = useTranslation('atlas');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: b.name, nameEn: b.nameEn ?? '', protectionLevel: b.protectionLevel, currentUse: b.currentUse, era: b.era, structure: b.structure, materials: b.materials, notes: b.notes });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const save = useMutation({
    mutationFn: () => api(`/atlas/buildings/${b.id}`, { method: 'PATCH', body: form }),
    onSuccess: async () => {
      setOpen(false);
      await client.invalidateQueries({ queryKey: ['atlas'] });
    },
  });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t('building.edit')}
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
        {t('building.name')}
        <input name="name" required maxLength={120} value={form.name} onChange={set('name')} />
      </label>
      <label>
        {t('building.nameEn')}
        <input name="nameEn" lang="en" maxLength={120} value={form.nameEn} onChange={set('nameEn')} />
      </label>
      <div className="row wrap">
        <label>
          {t('building.protection')}
          <select value={form.protectionLevel} onChange={set('protectionLevel')}>
            {LEVELS.map((v) => (
              <option key={v} value={v}>
                {t(`protection.${v}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('building.currentUse')}
          <select value={form.currentUse} onChange={set('currentUse')}>
            {USES.map((v) => (
              <option key={v} value={v}>
                {t(`uses.${v}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row wrap">
        <label>
          {t('building.era')}
          <input maxLength={200} value={form.era} onChange={set('era')} />
        </label>
        <label>
          {t('building.structure')}
          <input maxLength={200} value={form.structure} onChange={set('structure')} />
        </label>
        <label>
          {t('building.materials')}
          <input maxLength={200} value={form.materials} onChange={set('materials')} />
        </label>
      </div>
      <label>
        {t('building.notes')}
        <textarea rows={3} value={form.notes} onChange={set('notes')} />
      </label>
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
