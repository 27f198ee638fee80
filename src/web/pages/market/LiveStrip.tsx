import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { formatTime } from './lib.tsx';


/** The producers' live sessions on the market page: live first, then upcoming, then replays (as /live lists them). */
export function LiveStrip() {
  const { t, i18n } = useTranslation('market');
  const list = useQuery({ queryKey: ['live', 'sessions'], queryFn: () => api<Reply<'listLiveSessions'>>('/live/sessions') });
  const shown = list.data?.items.slice(0, 4) ?? [];
  if (shown.length === 0) return null;
  return (
    <section className="card market-live" data-testid="market-live" aria-labelledby="market-live-title">
      <h2 id="market-live-title">{t('live.title')}</h2>
      <ul>
        {shown.map((s) => (
          <li key={s.id}>
            <span className={`tag live-status-${s.status}`}>{t(`live.${s.status}`)}</span> <Link to={`/live/${s.id}`}>{s.title}</Link>{' '}
            <span className="muted">{formatTime(s.scheduledAt, i18n.language)}</span>
          </li>
        ))}
      </ul>
      <Link to="/live">{t('live.all')} →</Link>
    </section>
  );
}
