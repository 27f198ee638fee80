import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

interface AuditRow {
  id: string;
  at: string;
  action: string;
  entity: string;
  entityId: string | null;
  actor: string | null;
  details: Record<string, unknown>;
}

const PAGE = 50;

/** The county's audit log, newest first: who changed what, when. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [offset, setOffset] = useState(0);
  const rows = useQuery({ queryKey: ['audit', offset], queryFn: () => api<AuditRow[]>('/audit', { query: { limit: PAGE, offset } }) });
  return (
    <section className="card">
      <h1>{t('audit.title')}</h1>
      <ErrorText error={rows.error} />
      <ul className="audit-list">
        {rows.data?.map((r) => (
          <li key={r.id}>
            <time dateTime={r.at}>{new Date(r.at).toLocaleString(i18n.language)}</time>{' '}
            <strong>{r.actor ?? t('audit.system')}</strong> <code>{r.action}</code>{' '}
            <span className="muted">
              {r.entity}
              {r.entityId ? ` ${r.entityId.slice(0, 8)}…` : ''}
            </span>
          </li>
        ))}
      </ul>
      <div className="row">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          {t('audit.newer')}
        </button>
        <button type="button" disabled={(rows.data?.length ?? 0) < PAGE} onClick={() => setOffset(offset + PAGE)}>
          {t('audit.older')}
        </button>
      </div>
    </section>
  );
}
