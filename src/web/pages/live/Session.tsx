import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { Chat } from './Chat.tsx';
import { Offers } from './Offers.tsx';
import { Reminder } from './Reminder.tsx';
import { SessionStage } from './Video.tsx';
import { useSessionEvents, yuan, type SessionPage } from './lib.ts';
import { useName } from '../../names.ts';

export function SessionView() {
  const { id = '' } = useParams();
  const { t } = useTranslation('live');
  const name = useName();
  const { data: me } = useMe();
  const key = ['live', 'session', id];
  const page = useQuery({ queryKey: key, queryFn: () => api<SessionPage>(`/live/sessions/${id}`) });
  useSessionEvents(id, key);
  const like = useMutation({ mutationFn: () => api<Reply<'likeLiveSession'>>(`/live/sessions/${id}/likes`, { method: 'POST' }) });
  if (page.error) return <ErrorText ns="live" error={page.error} />;
  const s = page.data;
  if (!s) return null;
  const pinned = s.products.find((p) => p.id === s.pinnedProductId);
  return (
    <article className="live-session">
      <SessionStage session={s} back={<Link to="/live">← {t('list.back')}</Link>} />
      <div className="live-bar">
        <button type="button" onClick={() => like.mutate()} disabled={!me || s.status === 'ended'} aria-label={t('like')}>
          ♥ <span data-testid="live-likes">{s.likes}</span>
        </button>
        {me && s.status === 'scheduled' && <Reminder sessionId={s.id} />}
      </div>
      <ErrorText ns="live" error={like.error} />
      <Offers offers={s.offers} />
      {pinned && (
        <section className="live-pinned card" data-testid="live-pinned">
          <span className="tag warn">{t('pinned')}</span> <Link to={`/market/products/${pinned.id}`}>{name(pinned)}</Link>
          {pinned.variants[0] && <span className="muted"> · {yuan(pinned.variants[0].priceFen)}</span>}
        </section>
      )}
      {s.products.length > 0 && (
        <section>
          <h2>{t('products')}</h2>
          <ul className="live-products">
            {s.products.map((p) => (
              <li key={p.id}>
                <Link to={`/market/products/${p.id}`}>{name(p)}</Link>
                {p.variants[0] && <span className="muted"> · {yuan(p.variants[0].priceFen)}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Chat sessionId={s.id} messages={s.messages} status={s.status} />
    </article>
  );
}
