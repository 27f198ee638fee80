import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';

export type SessionStatus = 'scheduled' | 'live' | 'ended';

export interface SessionSummary {
  id: string;
  orgId: string;
  title: string;
  coverUrl: string | null;
  scheduledAt: string;
  status: SessionStatus;
  likes: number;
}
export interface ChatMessage {
  id: string;
  authorName: string;
  body: string;
  createdAt: string;
}
export interface FlashOffer {
  id: string;
  productId: string;
  variantId: string;
  label: string;
  priceFen: number;
  regularPriceFen: number;
  quota: number;
  remaining: number;
  status: 'open' | 'closed';
  endsAt: string | null;
}
export interface SessionProduct {
  id: string;
  name: string;
  photoUrl: string | null;
  variants: { id: string; label: string; priceFen: number; stock: number }[];
}
export interface SessionPage extends SessionSummary {
  startedAt: string | null;
  endedAt: string | null;
  hlsUrl: string | null;
  products: SessionProduct[];
  offers: FlashOffer[];
  messages: ChatMessage[];
}
export interface HostPage extends SessionPage {
  streamKey: string;
  rtmpUrl: string | null;
}

/** Integer fen shown as ¥12.34. */
export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export const formatTime = (iso: string, lang: string) =>
  new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' });

/** How one event of the session's stream changes the page the viewer (or host) holds. */
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
    case 'status':
      return { ...page, status: (data as { status: SessionStatus }).status };
    default:
      return page;
  }
}

const EVENT_TYPES = ['chat', 'chat_deleted', 'likes', 'offer', 'status', 'video'];

/** Keeps a session page current from its Server-Sent Events (EventSource reconnects by itself). */
export function useSessionEvents(sessionId: string, key: QueryKey) {
  const client = useQueryClient();
  useEffect(() => {
    const source = new EventSource(`/api/v1/live/sessions/${sessionId}/events`);
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data);
        client.setQueryData<SessionPage>(key, (page) => page && applyEvent(page, type, data));
        // A status change or a stream arriving or leaving changes the video's address: read the page again.
        if (type === 'status' || type === 'video') void client.invalidateQueries({ queryKey: key });
      });
    }
    // Anything missed while disconnected is in the page read again on reconnecting.
    source.addEventListener('ready', () => void client.invalidateQueries({ queryKey: key }));
    return () => source.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId, client, JSON.stringify(key)]);
}
