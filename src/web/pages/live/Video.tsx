import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionPage } from './lib.ts';
import { formatTime } from './lib.ts';

/** Plays an HLS stream with hls.js (loaded on demand) over Media Source Extensions, natively where those are missing (iOS). */
function HlsPlayer({ src }: { src: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    let destroy = () => {};
    let cancelled = false;
    void import('hls.js').then(({ default: Hls }) => {
      if (cancelled) return;
      if (!Hls.isSupported()) {
        video.src = src;
        return;
      }
      const hls = new Hls({ liveSyncDurationCount: 2 });
      hls.loadSource(src);
      hls.attachMedia(video);
      destroy = () => hls.destroy();
    });
    return () => {
      cancelled = true;
      destroy();
    };
  }, [src]);
  return <video ref={ref} className="live-video" data-testid="live-video" controls autoPlay muted playsInline />;
}

/** The video area: the stream when there is one, otherwise a clear waiting state (never a black box). */
export function VideoArea({ session }: { session: SessionPage }) {
  const { t, i18n } = useTranslation('live');
  if (session.hlsUrl) return <HlsPlayer src={session.hlsUrl} />;
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

/** The top of a session's page for viewers and the host alike: the way back, the title and status, the video. */
export function SessionStage({ session, back }: { session: SessionPage; back: ReactNode }) {
  const { t } = useTranslation('live');
  return (
    <>
      <p>{back}</p>
      <h1>
        {session.title} <span className={`tag live-status-${session.status}`}>{t(`status.${session.status}`)}</span>
      </h1>
      <VideoArea session={session} />
    </>
  );
}
