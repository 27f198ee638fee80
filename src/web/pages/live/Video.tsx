import { useTranslation } from 'react-i18next';
import type { SessionPage } from './lib.ts';
import { formatTime } from './lib.ts';

/** The video area: the stream when there is one, otherwise a clear waiting state (never a black box). */
export function VideoArea({ session }: { session: SessionPage }) {
  const { t, i18n } = useTranslation('live');
  if (session.hlsUrl) return <video className="live-video" data-testid="live-video" src={session.hlsUrl} controls autoPlay muted playsInline />;
  const detail =
    session.status === 'scheduled'
      ? t('video.startsAt', { time: formatTime(session.scheduledAt, i18n.language) })
      : session.status === 'ended'
        ? t('video.ended')
        : t('video.liveNoSignal');
  return (
    <div className="live-video live-waiting" role="status" data-testid="live-waiting">
      <strong>{session.status === 'ended' ? t('video.endedTitle') : t('video.waiting')}</strong>
      <span>{detail}</span>
    </div>
  );
}
