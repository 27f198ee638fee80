// The notification centre: every notification in the reader's language, mark read; and the channel preferences.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { localize } from '../../../modules/notifications/messages.ts';
import type { Channel, NotificationKind } from '../../../modules/notifications/schema.ts';
import './notifications.css';

type Item = Reply<'listNotifications'>['items'][number];
type Prefs = Reply<'getNotificationPreferences'>;
const CHANNELS: Channel[] = ['in_app', 'push', 'email', 'sms', 'wechat'];

function Centre() {
  const { t, i18n } = useTranslation('notifications');
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['notifications', 'list'], queryFn: () => api<Reply<'listNotifications'>>('/notifications') });
  const refresh = () => client.invalidateQueries({ queryKey: ['notifications'] });
  const read = useMutation({ mutationFn: (id?: string) => api(id ? `/notifications/${id}/read` : '/notifications/read-all', { method: 'POST' }), onSuccess: refresh });
  return (
    <section className="stack">
      <div className="nt-actions">
        <h1>{t('title')}</h1>
        <Link to="/notifications/preferences">{t('preferences')}</Link>
      </div>
      {q.error && <ErrorText error={q.error} />}
      {read.error && <ErrorText error={read.error} />}
      {(q.data?.unread ?? 0) > 0 && (
        <button type="button" onClick={() => read.mutate(undefined)}>
          {t('markAll')}
        </button>
      )}
      {q.data && !q.data.items.length && <p className="muted">{t('empty')}</p>}
      <ul className="nt-list">
        {q.data?.items.map((n) => (
          <li key={n.id} className={`nt-item ${n.read ? '' : 'unread'}`}>
            <h2>{t(`kind.${n.kind}.title`)}</h2>
            <p>{t(`kind.${n.kind}.body`, { ...localize(n.kind, n.params, i18n.language), interpolation: { escapeValue: false } })}</p>
            <div className="nt-actions">
              <span className="muted">{new Date(n.createdAt).toLocaleString(i18n.language)}</span>
              {n.link && (
                <Link to={n.link} onClick={() => !n.read && read.mutate(n.id)}>
                  {t('open')}
                </Link>
              )}
              {!n.read && (
                <button type="button" className="link-button" onClick={() => read.mutate(n.id)}>
                  {t('markRead')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

const urlB64ToBytes = (s: string) => Uint8Array.from(atob((s + '='.repeat((4 - (s.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

function Preferences() {
  const { t } = useTranslation('notifications');
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['notifications', 'prefs'], queryFn: () => api<Prefs>('/notifications/preferences') });
  const [draft, setDraft] = useState<Prefs | null>(null);
  useEffect(() => setDraft(q.data ?? null), [q.data]);
  const save = useMutation({
    mutationFn: (p: Prefs) =>
      api<Prefs>('/notifications/preferences', {
        method: 'PUT',
        body: { kinds: p.kinds, contacts: { email: p.contacts.email || null, phone: p.contacts.phone || null, wechatOpenId: p.contacts.wechatOpenId || null } },
      }),
    onSuccess: (p) => client.setQueryData(['notifications', 'prefs'], p),
  });
  const push = useMutation({
    mutationFn: async () => {
      const reg = await navigator.serviceWorker.register('/notifications-sw.js');
      const { publicKey } = await api<Reply<'getPushKey'>>('/notifications/push/key');
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlB64ToBytes(publicKey) });
      return api('/notifications/push/subscriptions', { method: 'POST', body: sub.toJSON() });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['notifications', 'prefs'] }),
  });
  if (!draft) return q.error ? <ErrorText error={q.error} /> : null;
  const toggle = (kind: NotificationKind, c: Channel) =>
    setDraft({ ...draft, kinds: draft.kinds.map((k) => (k.kind !== kind ? k : { kind, channels: k.channels.includes(c) ? k.channels.filter((x) => x !== c) : [...k.channels, c] })) });
  const contact = (field: keyof Prefs['contacts']) => (
    <label>
      {t(field)}
      <input value={draft.contacts[field] ?? ''} onChange={(e) => setDraft({ ...draft, contacts: { ...draft.contacts, [field]: e.target.value } })} />
    </label>
  );
  return (
    <section className="stack nt-prefs">
      <h1>{t('preferences')}</h1>
      <ul className="nt-list">
        {draft.kinds.map((k) => (
          <li key={k.kind} className="nt-item">
            <h2>{t(`kind.${k.kind}.title`)}</h2>
            <div className="nt-channels">
              {CHANNELS.map((c) => (
                <label key={c} className="check">
                  <input
                    type="checkbox"
                    aria-label={`${t(`kind.${k.kind}.title`)} · ${t(`channel.${c}`)}`}
                    checked={c === 'in_app' || k.channels.includes(c)}
                    disabled={c === 'in_app'}
                    onChange={() => toggle(k.kind, c)}
                  />
                  {t(`channel.${c}`)}
                </label>
              ))}
            </div>
          </li>
        ))}
      </ul>
      <fieldset className="card stack">
        <legend>{t('contacts')}</legend>
        {contact('email')}
        {contact('phone')}
        {contact('wechatOpenId')}
      </fieldset>
      <div className="nt-actions">
        <button type="button" onClick={() => save.mutate(draft)}>
          {t('save')}
        </button>
        {save.isSuccess && <span role="status">{t('saved')}</span>}
        {'PushManager' in window ? (
          draft.pushSubscriptions > 0 ? (
            <span>{t('pushOn')}</span>
          ) : (
            <button type="button" onClick={() => push.mutate()}>
              {t('pushEnable')}
            </button>
          )
        ) : (
          <span className="muted">{t('pushUnsupported')}</span>
        )}
      </div>
      {save.error && <ErrorText error={save.error} ns="notifications" />}
      {push.error && <ErrorText error={push.error} ns="notifications" />}
    </section>
  );
}

export default function NotificationsPages() {
  return (
    <Routes>
      <Route path="preferences" element={<Preferences />} />
      <Route path="*" element={<Centre />} />
    </Routes>
  );
}
