import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, type Reply } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import type { ChatMessage, SessionStatus } from './lib.ts';

/** The chat: messages as text (never HTML), a box to send one, and for the host a delete button on each. */
export function Chat({ sessionId, messages, status, moderate }: { sessionId: string; messages: ChatMessage[]; status: SessionStatus; moderate?: boolean }) {
  const { t } = useTranslation('live');
  const { data: me } = useMe();
  const [body, setBody] = useState('');
  const send = useMutation({
    mutationFn: (text: string) => api<Reply<'postLiveMessage'>>(`/live/sessions/${sessionId}/messages`, { method: 'POST', body: { body: text } }),
    onSuccess: () => setBody(''),
  });
  const remove = useMutation({ mutationFn: (id: string) => api(`/live/messages/${id}`, { method: 'DELETE' }) });
  const mute = useMutation({ mutationFn: (id: string) => api(`/live/messages/${id}/mute`, { method: 'POST' }) });
  return (
    <section className="live-chat" aria-label={t('chat.title')}>
      <h2>{t('chat.title')}</h2>
      <ol className="live-messages" data-testid="live-messages">
        {messages.length === 0 && <li className="hint">{t('chat.empty')}</li>}
        {messages.map((m) => (
          <li key={m.id} data-testid="live-message">
            <span className="live-author">{m.authorName}</span> <span className="live-body">{m.body}</span>
            {moderate && (
              <>
                <button type="button" className="live-delete" onClick={() => remove.mutate(m.id)}>
                  {t('chat.delete')}
                </button>
                <button type="button" className="live-delete" onClick={() => mute.mutate(m.id)}>
                  {t('chat.mute')}
                </button>
              </>
            )}
          </li>
        ))}
      </ol>
      {send.error instanceof ApiError && send.error.code === 'muted' ? (
        <p className="error" role="alert">
          {t('chat.muted')}
        </p>
      ) : (
        <ErrorText ns="live" error={send.error ?? remove.error ?? mute.error} />
      )}
      {status === 'ended' ? null : me ? (
        <form
          className="live-send"
          onSubmit={(e) => {
            e.preventDefault();
            if (body.trim()) send.mutate(body.trim());
          }}
        >
          <input value={body} onChange={(e) => setBody(e.target.value)} maxLength={200} placeholder={t('chat.placeholder')} aria-label={t('chat.placeholder')} />
          <button type="submit" className="primary" disabled={send.isPending}>
            {t('chat.send')}
          </button>
        </form>
      ) : (
        <p className="hint">
          <Link to="/login">{t('chat.signIn')}</Link>
        </p>
      )}
    </section>
  );
}
