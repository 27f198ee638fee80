import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Reply } from '../../api.ts';

export type SessionSummary = Reply<'listLiveSessions'>['items'][number];
export type SessionStatus = SessionSummary['status'];
/** A session's page as a viewer receives it: products, offers and chat so far, and the event number it reflects. */
export type SessionPage = Reply<'getLiveSession'>;
/** The host's page adds the stream key, the RTMP address and whether a demo stream can be started here. */
export type HostPage = Reply<'getLiveHostView'>;
export type ChatMessage = SessionPage['messages'][number];
export type FlashOffer = SessionPage['offers'][number];
export type SessionProduct = SessionPage['products'][number];
export type Chapter = SessionPage['chapters'][number];

/** Integer fen shown as ¥12.34. */
export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export const formatTime = (iso: string, lang: string) =>
  new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' });

/** How one event of the session's socket changes the page the viewer (or host) holds. */
function applyEvent<P extends SessionPage>(page: P, type: string, data: unknown): P {
  switch (type) {
    case 'chat': {
      const m = data as ChatMessage;
      return page.messages.some((x) => x.id === m.id) ? page : { ...page, messages: [...page.messages, m].slice(-100) };
    }
    case 'chat_deleted':
      return { ...page, messages: page.messages.filter((x) => x.id !== (data as { id: string }).id) };
    case 'likes':
      return { ...page, likes: Math.max(page.likes, (data as { likes: number }).likes) };
    case 'offer': {
      const o = data as FlashOffer;
      const others = page.offers.filter((x) => x.id !== o.id);
      return { ...page, offers: o.status === 'open' ? [o, ...others] : others };
    }
    case 'sold_out': {
      const { offerId } = data as { offerId: string };
      return { ...page, offers: page.offers.map((o) => (o.id === offerId ? { ...o, remaining: 0 } : o)) };
    }
    case 'pin':
      return { ...page, pinnedProductId: (data as { productId: string | null }).productId };
    case 'viewers':
      return { ...page, viewers: (data as { viewers: number }).viewers };
    case 'status':
      return { ...page, status: (data as { status: SessionStatus }).status };
    default:
      return page;
  }
}

/** One id per browser tab, kept across reloads and reconnects: the server counts a viewer once by it. */
function clientId() {
  const stored = sessionStorage.getItem('terrace-live-client');
  if (stored) return stored;
  const id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
  sessionStorage.setItem('terrace-live-client', id);
  return id;
}

/**
 * Keeps a session page current over a WebSocket: connects with the sequence number the page reflects, applies each
 * numbered event once, and on a lost connection reconnects (1 s, 2 s, … 10 s) with the last number it applied, so
 * the server replays what was missed; a `reset` (too far behind) reads the page again.
 */
export function useSessionEvents(sessionId: string, key: QueryKey) {
  const client = useQueryClient();
  const seq = (client.getQueryData<SessionPage>(key) ?? null)?.seq;
  const loaded = seq !== undefined;
  useEffect(() => {
    if (!loaded) return;
    let last = client.getQueryData<SessionPage>(key)?.seq ?? 0;
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let stopped = false;
    const connect = () => {
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${location.host}/api/v1/live/sessions/${sessionId}/ws?after=${last}&client=${clientId()}`);
      socket.onmessage = (e) => {
        const frame = JSON.parse(String(e.data)) as { type: string; seq?: number; data?: unknown };
        if (frame.type === 'ready') {
          attempts = 0;
          return;
        }
        if (frame.type === 'reset') {
          last = frame.seq ?? last;
          void client.invalidateQueries({ queryKey: key });
          return;
        }
        if (frame.seq !== undefined) {
          if (frame.seq <= last) return;
          last = frame.seq;
        }
        client.setQueryData<SessionPage>(key, (page) => page && { ...applyEvent(page, frame.type, frame.data), seq: Math.max(page.seq, last) });
        // A status change or a stream arriving or leaving changes the video's address: read the page again.
        if (frame.type === 'status' || frame.type === 'video') void client.invalidateQueries({ queryKey: key });
      };
      socket.onclose = () => {
        if (stopped) return;
        retry = setTimeout(connect, Math.min(10_000, 1000 * 2 ** attempts++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket?.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId, client, loaded, JSON.stringify(key)]);
}
