import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { formatTime, type SessionSummary } from './lib.ts';
import { useTitle } from '../../names.ts';

export function SessionList({ sessions, linkTo = (id) => `/live/${id}` }: { sessions: SessionSummary[]; linkTo?: (id: string) => string }) {
  const { t, i18n } = useTranslation('live');
  const title = useTitle();
  return (
    <ul className="live-list">
      {sessions.map((s) => (
        <li key={s.id} className="card" data-testid="live-session">
          <span className={`tag live-status-${s.status}`}>{t(`status.${s.status}`)}</span> <Link to={linkTo(s.id)}>{title(s)}</Link>
          <div className="muted">{formatTime(s.scheduledAt, i18n.language)}</div>
        </li>
      ))}
    </ul>
  );
}

/** Live sessions first, then upcoming, then recently ended. */
export function SessionsPage() {
  const { t } = useTranslation('live');
  const { data: me } = useMe();
  const list = useQuery({ queryKey: ['live', 'sessions'], queryFn: () => api<Reply<'listLiveSessions'>>('/live/sessions') });
  return (
    <section className="live">
      <h1>{t('list.title')}</h1>
      {hasRole(me, 'producer', 'county_admin') && (
        <p>
          <Link to="/live/host">{t('host.console')}</Link>
        </p>
      )}
      <ErrorText ns="live" error={list.error} />
      {list.data?.items.length === 0 && <p className="hint">{t('list.empty')}</p>}
      {list.data && <SessionList sessions={list.data.items} />}
    </section>
  );
}
