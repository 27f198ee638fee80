import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, type CountyTree, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { addStrings } from '../../modules.tsx';
import * as strings from './audit-i18n.ts';
import { useName, type UnitLevel } from '../../names.ts';

addStrings('audit', strings);

type AuditPage = Reply<'listAudit'>;
type AuditRow = AuditPage['items'][number];
type Names = AuditPage['names'];

const PAGE = 50;
const FILTERS = ['who', 'entity', 'unitId', 'from', 'to'] as const;

/** Where a record of each type is shown, for the entry's link. */
const RECORD_PAGES: Partial<Record<string, (id: string, d: Record<string, unknown>) => string | null>> = {
  admin_unit: (id) => `/units/${id}`,
  atlas_village: (id) => `/atlas/villages/${id}`,
  atlas_building: (id) => `/atlas/buildings/${id}`,
  intervention: (id) => `/interventions/p/${id}`,
  intervention_comment: (_id, d) => (typeof d.interventionId === 'string' ? `/interventions/p/${d.interventionId}` : null),
  budget_round: () => '/interventions/rounds',
  intervention_rules: () => '/interventions/rules',
  inn: (id) => `/inns/${id}`,
  inn_room: (_id, d) => (typeof d.innId === 'string' ? `/inns/${d.innId}` : null),
  inn_photo: (_id, d) => (typeof d.innId === 'string' ? `/inns/${d.innId}` : null),
  market_product: (id) => `/market/products/${id}`,
  market_batch: (id) => `/market/trace/${id}`,
  market_order: (id) => `/market/orders/${id}`,
  live_session: (id) => `/live/${id}`,
  logistics_plan: (id) => `/logistics/plans/${id}`,
  people_programme: (id) => `/people/programmes/${id}`,
  organization: () => '/admin/organizations',
  user: () => '/admin/users',
  role_grant: () => '/admin/users',
  indicator_definition: () => '/indicators/catalogue',
};

export function recordLink(row: Pick<AuditRow, 'entity' | 'entityId' | 'details'>): string | null {
  const page = RECORD_PAGES[row.entity];
  return page && row.entityId ? page(row.entityId, row.details) : null;
}

/** Turns an audit row into the sentence a person reads: who did what to which record, where. */
export function useAuditSentence() {
  const { t } = useTranslation('audit');
  const name = useName();
  return (r: AuditRow, names: Names) => {
    const who = r.actor ? (r.actorName ? `${r.actorName} (${r.actor})` : r.actor) : t('system');
    const verb = t(`actions.${r.action.replaceAll('.', '_')}`, { defaultValue: r.action });
    const entity = t(`entities.${r.entity}`, { defaultValue: r.entity });
    const unit = r.unitId ? names.units[r.unitId] : undefined;
    const unitName = unit ? name(unit) : '';
    const where = unit && r.entity !== 'admin_unit' ? t('inUnit', { unit: unitName }) : '';
    const userOf = (id: unknown) => (typeof id === 'string' && names.users[id] ? names.users[id].username : t('someone'));
    if (r.entity === 'role_grant') {
      const role = typeof r.details.role === 'string' ? t(`translation:roles.${r.details.role}`, { defaultValue: r.details.role }) : '';
      return t('grant', { who, verb, user: userOf(r.details.userId), role }) + where;
    }
    const d = r.details;
    const subject =
      r.entity === 'admin_unit' || r.entity === 'atlas_village'
        ? unitName
        : r.entity === 'user'
          ? (typeof d.username === 'string' ? d.username : r.entityId && names.users[r.entityId]?.username) || ''
          : [d.name, d.title, d.code].find((x): x is string => typeof x === 'string') ?? '';
    const thing = subject ? t('thing', { entity, subject }) : t('thingBare', { entity });
    return t('sentence', { who, verb, thing }) + where;
  };
}

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The before/after pairs of a change, side by side; any other details as field and value. */
function Details({ details }: { details: Record<string, unknown> }) {
  const { t } = useTranslation('audit');
  const pair = (a: unknown, b: unknown) => (a && typeof a === 'object' && b && typeof b === 'object' ? [a as Record<string, unknown>, b as Record<string, unknown>] : null);
  const diff = pair(details.before, details.after) ?? pair(details.from, details.to);
  const rest = Object.entries(details).filter(([k]) => !(diff && ['before', 'after', 'from', 'to'].includes(k)));
  return (
    <div className="audit-details">
      {diff && (
        <table>
          <thead>
            <tr><th>{t('field')}</th><th>{t('before')}</th><th>{t('after')}</th></tr>
          </thead>
          <tbody>
            {[...new Set([...Object.keys(diff[0]), ...Object.keys(diff[1])])].map((k) => (
              <tr key={k}><td>{k}</td><td className="audit-before">{show(diff[0][k])}</td><td className="audit-after">{show(diff[1][k])}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {rest.length > 0 && (
        <table>
          <tbody>
            {rest.map(([k, v]) => (
              <tr key={k}><td>{k}</td><td>{show(v)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The start of a local calendar day as an instant the server compares with (the end date counts whole). */
function dayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function queryOf(params: URLSearchParams): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = params.get(k);
    if (!v) continue;
    q[k] = k === 'from' ? dayStart(v) : k === 'to' ? dayStart(v, 1) : v;
  }
  return q;
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${(/^[=+\-@]/.test(v) ? `'${v}` : v).replaceAll('"', '""')}"` : v;
}

/** The county's audit log, newest first: filters kept in the address, one sentence per change, its details and record. */
export function AuditPage() {
  const { t, i18n } = useTranslation('audit');
  const { t: tt } = useTranslation();
  const [params, setParams] = useSearchParams();
  const offset = Number(params.get('offset') ?? 0) || 0;
  const query = queryOf(params);
  const sentence = useAuditSentence();
  const [exporting, setExporting] = useState<Error | boolean>(false);
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const rows = useQuery({
    queryKey: ['audit', query, offset],
    queryFn: () => api<AuditPage>('/audit', { query: { ...query, limit: PAGE, offset } }),
  });
  const unitName = useName();

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const k of FILTERS) {
      const v = String(form.get(k) ?? '').trim();
      if (v) next.set(k, v);
    }
    setParams(next);
  }

  async function exportCsv() {
    setExporting(true);
    try {
      const lines: string[][] = [Object.values(t('columns', { returnObjects: true }) as Record<string, string>)];
      for (let at = 0; at < 10_000; at += 200) {
        const page = await api<AuditPage>('/audit', { query: { ...query, limit: 200, offset: at } });
        for (const r of page.items) {
          const unit = r.unitId ? page.names.units[r.unitId] : undefined;
          lines.push([new Date(r.at).toISOString(), r.actor ?? '', sentence(r, page.names), r.action, r.entity, r.entityId ?? '', unit ? unitName(unit) : '', JSON.stringify(r.details)]);
        }
        if (page.items.length < 200) break;
      }
      // A byte-order mark, so spreadsheet programs read the Chinese as UTF-8.
      const blob = new Blob(['\uFEFF' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n')], { type: 'text/csv;charset=utf-8' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      URL.revokeObjectURL(a.href);
      setExporting(false);
    } catch (error) {
      setExporting(error as Error);
    }
  }

  const total = rows.data?.total ?? 0;
  const page = (to: number) => {
    const next = new URLSearchParams(params);
    next.set('offset', String(to));
    setParams(next);
  };
  return (
    <section className="card audit">
      <h1>{tt('audit.title')}</h1>
      <form className="audit-filters" onSubmit={apply} key={params.toString()} aria-label={t('filters')}>
        <label>
          {t('who')}
          <input name="who" defaultValue={params.get('who') ?? ''} maxLength={32} autoComplete="off" />
        </label>
        <label>
          {t('what')}
          <select name="entity" defaultValue={params.get('entity') ?? ''}>
            <option value="">{t('any')}</option>
            {strings.AUDIT_ENTITIES.map((e) => (
              <option key={e} value={e}>{t(`entities.${e}`)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('unit')}
          <select name="unitId" defaultValue={params.get('unitId') ?? ''}>
            <option value="">{t('any')}</option>
            {county.data?.townships.map((town) => (
              <optgroup key={town.id} label={unitName(town)}>
                <option value={town.id}>{unitName(town)}</option>
                {town.villages.map((v) => (
                  <option key={v.id} value={v.id}>{unitName(v)}</option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          {t('from')}
          <input type="date" name="from" defaultValue={params.get('from') ?? ''} />
        </label>
        <label>
          {t('to')}
          <input type="date" name="to" defaultValue={params.get('to') ?? ''} />
        </label>
        <div className="row">
          <button type="submit">{t('apply')}</button>
          <button type="button" onClick={() => setParams(new URLSearchParams())}>{t('clear')}</button>
          <button type="button" onClick={() => void exportCsv()} disabled={exporting === true || total === 0}>
            {exporting === true ? t('exporting') : t('export')}
          </button>
        </div>
      </form>
      <ErrorText error={rows.error ?? (exporting instanceof Error ? exporting : null)} />
      {rows.data && (
        <p className="muted" role="status">
          {total === 0 ? t('none') : t('showing', { from: offset + 1, to: offset + rows.data.items.length, total })}
        </p>
      )}
      <ul className="audit-list">
        {rows.data?.items.map((r) => {
          const link = recordLink(r);
          return (
            <li key={r.id}>
              <time dateTime={r.at}>{new Date(r.at).toLocaleString(i18n.language)}</time>
              <p className="audit-sentence">{sentence(r, rows.data.names)}</p>
              {link && <Link to={link}>{t('open')}</Link>}
              {Object.keys(r.details).length > 0 && (
                <details>
                  <summary>{t('details')}</summary>
                  <Details details={r.details} />
                </details>
              )}
            </li>
          );
        })}
      </ul>
      <div className="row">
        <button type="button" disabled={offset === 0} onClick={() => page(Math.max(0, offset - PAGE))}>
          {tt('audit.newer')}
        </button>
        <button type="button" disabled={offset + PAGE >= total} onClick={() => page(offset + PAGE)}>
          {tt('audit.older')}
        </button>
      </div>
    </section>
  );
}
