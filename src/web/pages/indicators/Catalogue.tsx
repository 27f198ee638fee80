import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PILLARS, useNames, type IndicatorRow, type Pillar } from './shared.ts';

type Definition = Omit<IndicatorRow, 'value' | 'previous' | 'target' | 'recordedAt'> & { computedKey: string | null; weight: number };

const EMPTY = { code: '', nameZh: '', nameEn: '', pillar: 'economy' as Pillar, unit: '', direction: 'higher' as 'higher' | 'lower' };

/** The county admin adds a manual indicator; the officials then enter its values on each village's page. */
function NewIndicator() {
  const { t } = useTranslation('indicators');
  const client = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const create = useMutation({
    mutationFn: () => api('/indicators/definitions', { method: 'POST', body: { ...form, source: 'manual' } }),
    onSuccess: async () => {
      setForm(EMPTY);
      await client.invalidateQueries({ queryKey: ['indicators'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="stack ind-new" onSubmit={submit}>
      <h2>{t('catalogue.new')}</h2>
      <label>
        {t('catalogue.code')}
        <input required value={form.code} onChange={set('code')} placeholder="people.volunteers" />
      </label>
      <label>
        {t('catalogue.nameZh')}
        <input required value={form.nameZh} onChange={set('nameZh')} />
      </label>
      <label>
        {t('catalogue.nameEn')}
        <input required value={form.nameEn} onChange={set('nameEn')} />
      </label>
      <div className="row wrap">
        <label>
          {t('catalogue.pillar')}
          <select value={form.pillar} onChange={set('pillar')}>
            {PILLARS.map((p) => (
              <option key={p} value={p}>
                {t(`pillar.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('catalogue.unit')}
          <input value={form.unit} onChange={set('unit')} size={6} />
        </label>
        <label>
          {t('catalogue.direction')}
          <select value={form.direction} onChange={set('direction')}>
            <option value="higher">{t('catalogue.higher')}</option>
            <option value="lower">{t('catalogue.lower')}</option>
          </select>
        </label>
      </div>
      <button type="submit" className="primary" disabled={create.isPending}>
        {t('catalogue.add')}
      </button>
      {create.isSuccess && (
        <p role="status" className="hint">
          {t('catalogue.added')}
        </p>
      )}
      <ErrorText error={create.error} />
    </form>
  );
}

/** The county's indicators by pillar: how each is measured and where it comes from. */
export default function CataloguePage() {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const { data: me } = useMe();
  const q = useQuery({ queryKey: ['indicators', 'definitions'], queryFn: () => api<Definition[]>('/indicators/definitions') });
  return (
    <div className="stack">
      <section className="card">
        <Link to="/indicators">← {t('village.back')}</Link>
        <h1>{t('catalogue.title')}</h1>
        <ErrorText error={q.error} />
        {PILLARS.map((p) => (
          <div key={p} className="ind-pillar">
            <h3>{t(`pillar.${p}`)}</h3>
            <ul className="ind-rows">
              {q.data
                ?.filter((d) => d.pillar === p)
                .map((d) => (
                  <li key={d.id} data-testid={`definition-${d.code}`}>
                    <div className="row spread">
                      <strong>{names.indicator(d)}</strong>
                      <span className={`tag ${d.source === 'computed' ? '' : 'manual'}`}>{t(d.source === 'computed' ? 'village.computed' : 'village.manual')}</span>
                    </div>
                    <span className="muted">
                      {d.code} · {names.unit(d.unit) || '—'} · {t(d.direction === 'lower' ? 'catalogue.lower' : 'catalogue.higher')}
                    </span>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </section>
      {hasRole(me, 'county_admin') && (
        <section className="card">
          <NewIndicator />
        </section>
      )}
    </div>
  );
}
