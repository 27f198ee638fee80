// The bell in the app shell's header: the signed-in user's unread count, leading to the notification centre.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { addStrings } from '../../modules.tsx';
import * as strings from './i18n.ts';
import './notifications.css';

addStrings('notifications', strings);

export function NotificationBell() {
  const { t } = useTranslation('notifications');
  const q = useQuery({ queryKey: ['notifications', 'unread'], queryFn: () => api<Reply<'countUnreadNotifications'>>('/notifications/unread-count'), refetchInterval: 30_000 });
  const unread = q.data?.unread ?? 0;
  return (
    <Link to="/notifications" className="nt-bell" aria-label={`${t('bell')}${unread ? ` · ${t('unread', { count: unread })}` : ''}`}>
      <svg aria-hidden width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {unread > 0 && <span className="nt-badge">{unread > 99 ? '99+' : unread}</span>}
    </Link>
  );
}
