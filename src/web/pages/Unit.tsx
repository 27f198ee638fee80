import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type Unit } from '../api.ts';
import { useMe } from '../auth.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { useUnitName } from './County.tsx';

const OFFICIAL_ROLES = ['county_admin', 'town_official', 'village_official'];

export function UnitPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const name = useUnitName();
  const client = useQueryClient();
  const { data: me } = useMe();
  const unit = useQuery({ queryKey: ['unit', id], queryFn: () => api<Unit>(`/units/${id}`) });
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (description: string) => api<Unit>(`/units/${id}`, { method: 'PATCH', body: { description } }),
    onSuccess: (u) => {
      client.setQueryData(['unit', id], u);
      void client.invalidateQueries({ queryKey: ['county'] });
      setDraft(null);
    },
  });
  if (unit.isPending) return <p>{t('common.loading')}</p>;
  if (unit.error) return <ErrorText error={unit.error} />;
  const u = unit.data;
  const mayEdit = !!me?.grants.some((g) => OFFICIAL_ROLES.includes(g.role));

  return (
    <section className="card">
      <p>
        <Link to="/">← {t('unit.back')}</Link>
      </p>
      <h1>
        {name(u)} <small className="muted">{u.nameZh !== name(u) ? u.nameZh : u.namePinyin}</small>
      </h1>
      {u.listingBatch ? (
        <p className="tag">
          {t('unit.listing')} · {t('county.batch', { batch: u.listingBatch })}
        </p>
      ) : null}
      <h2>{t('unit.description')}</h2>
      {draft === null ? (
        <>
          <p className="description">{u.description || t('unit.noDescription')}</p>
          {mayEdit && (
            <button type="button" onClick={() => setDraft(u.description)}>
              {t('unit.edit')}
            </button>
          )}
        </>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(draft);
          }}
        >
          <textarea name="description" rows={6} value={draft} onChange={(e) => setDraft(e.target.value)} aria-label={t('unit.description')} />
          <ErrorText error={save.error} />
          <div className="row">
            <button type="submit" className="primary" disabled={save.isPending}>
              {t('unit.save')}
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              {t('unit.cancel')}
            </button>
          </div>
        </form>
      )}
      {u.lon !== null && u.lat !== null && (
        <p className="muted">
          {t('unit.coordinates')}: {u.lon.toFixed(4)}, {u.lat.toFixed(4)}
        </p>
      )}
    </section>
  );
}
