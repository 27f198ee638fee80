import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PILLARS, useNames, type Pillar } from './shared.ts';

type Definition = Reply<'listIndicatorDefinitions'>[number];

type History = Reply<'indicatorDefinitionVersions'>;

/** The county admin changes a definition (a new version, with why); everyone reads its versions. */
function Versions({ def, canEdit }: { def: Definition; canEdit: boolean }) {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const client = useQueryClient();
  const [form, setForm] = useState({ nameZh: def.nameZh, nameEn: def.nameEn, unit: def.unit, direction: def.direction, aggregation: def.aggregation, note: '' });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const q = useQuery({ queryKey: ['indicators', 'versions', def.id], queryFn: () => api<History>(`/indicators/definitions/${def.id}/versions`) });
  const save = useMutation({
    mutationFn: () => api(`/indicators/definitions/${def.id}`, { method: 'PATCH', body: form }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['indicators'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <div className="stack">
      {canEdit && (
        <form className="stack ind-new" onSubmit={submit}>
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
            <label>
              {t('catalogue.aggregation')}
              <select value={form.aggregation} onChange={set('aggregation')}>
                <option value="sum">{t('catalogue.sum')}</option>
                <option value="mean">{t('catalogue.mean')}</option>
              </select>
            </label>
          </div>
          <label>
            {t('catalogue.note')}
            <input required value={form.note} onChange={set('note')} />
          </label>
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('catalogue.saveVersion')}
          </button>
          <ErrorText error={save.error} />
        </form>
      )}
      <ol className="ind-versions" data-testid={`versions-${def.code}`}>
        {q.data?.versions.map((v) => (
          <li key={v.version}>
            <b>{t('catalogue.version', { version: v.version })}</b> · {names.indicator(v)} · {names.unit(v.unit) || '—'} · {t(v.direction === 'lower' ? 'catalogue.lower' : 'catalogue.higher')} ·{' '}
            {new Date(v.changedAt).toLocaleDateString()} · {t('catalogue.observations', { count: v.observations })}
            {v.note && <div className="muted">{v.note}</div>}
          </li>
        ))}
      </ol>
    </div>
  );
}

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

/** A <details> whose content exists only while open (no hidden forms with the same labels on the page). */
function Disclosure({ summary, children }: { summary: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open && children}
    </details>
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
                      {d.code} · {names.unit(d.unit) || '—'} · {t(d.direction === 'lower' ? 'catalogue.lower' : 'catalogue.higher')} · {t(`catalogue.${d.aggregation}`)} · {t('catalogue.version', { version: d.version })}
                    </span>
                    <Disclosure summary={t(hasRole(me, 'county_admin') ? 'catalogue.change' : 'catalogue.history')}>
                      <Versions def={d} canEdit={hasRole(me, 'county_admin')} />
                    </Disclosure>
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
