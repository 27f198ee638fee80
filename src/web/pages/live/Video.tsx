import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionPage } from './lib.ts';
import { formatTime } from './lib.ts';
import { useName, useTitle } from '../../names.ts';

/** Plays an HLS stream with hls.js (loaded on demand) over Media Source Extensions, natively where those are missing (iOS). */
function HlsPlayer({ src, replay = false, seekTo }: { src: string; replay?: boolean; seekTo?: { at: number } | null }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video || !seekTo) return;
    video.currentTime = seekTo.at;
    void video.play().catch(() => {});
  }, [seekTo]);
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
      const hls = new Hls(replay ? {} : { liveSyncDurationCount: 2 });
      hls.loadSource(src);
      hls.attachMedia(video);
      destroy = () => hls.destroy();
    });
    return () => {
      cancelled = true;
      destroy();
    };
  }, [src, replay]);
  return <video ref={ref} className="live-video" data-testid={replay ? 'live-replay' : 'live-video'} controls autoPlay muted playsInline />;
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/** The recording of an ended session, with a chapter at each moment a product was presented: a chapter seeks there. */
function Replay({ session }: { session: SessionPage }) {
  const { t } = useTranslation('live');
  const name = useName();
  const chapterName = (c: { productId: string; name: string }) => {
    const p = session.products.find((x) => x.id === c.productId);
    return p ? name(p) : c.name;
  };
  const [seekTo, setSeekTo] = useState<{ at: number } | null>(null);
  return (
    <>
      <HlsPlayer src={session.replayUrl!} replay seekTo={seekTo} />
      {session.chapters.length > 0 && (
        <nav aria-label={t('replay.chapters')}>
          <h2>{t('replay.chapters')}</h2>
          <ol className="live-chapters">
            {session.chapters.map((c, i) => (
              <li key={`${c.productId}-${i}`}>
                <button type="button" data-testid="live-chapter" onClick={() => setSeekTo({ at: c.at })}>
                  <span className="muted">{clock(c.at)}</span> {chapterName(c)}
                </button>
              </li>
            ))}
          </ol>
        </nav>
      )}
    </>
  );
}

/** The video area: the stream when there is one, otherwise a clear waiting state (never a black box). */
export function VideoArea({ session }: { session: SessionPage }) {
  const { t, i18n } = useTranslation('live');
  if (session.hlsUrl) return <HlsPlayer src={session.hlsUrl} />;
  if (session.status === 'ended' && session.replayUrl) return <Replay session={session} />;
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
  const title = useTitle();
  return (
    <>
      <p>{back}</p>
      <h1>
        {title(session)} <span className={`tag live-status-${session.status}`}>{t(`status.${session.status}`)}</span>
      </h1>
      {session.coverUrl && session.status === 'scheduled' && <img className="live-cover" src={session.coverUrl} alt={t('host.coverAlt')} />}
      {session.status === 'live' && (
        <p className="muted" data-testid="live-viewers">
          {t('viewers', { count: session.viewers })}
        </p>
      )}
      <VideoArea session={session} />
    </>
  );
}
