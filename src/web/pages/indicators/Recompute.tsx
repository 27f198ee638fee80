import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

type State = { kind: 'idle' } | { kind: 'running'; done: number; total: number } | { kind: 'done'; villages: number } | { kind: 'failed'; detail: string };

/** Queues the recomputation of a year and follows its job's progress until the result, then refreshes the figures. */
export function RecomputeButton({ year }: { year: number }) {
  const { t } = useTranslation('indicators');
  const client = useQueryClient();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [error, setError] = useState<unknown>(null);
  const source = useRef<EventSource | null>(null);
  useEffect(() => () => source.current?.close(), []);

  async function start() {
    setError(null);
    try {
      const { jobId } = await api<Reply<'recomputeIndicators'>>('/indicators/recompute', { method: 'POST', body: { period: year } });
      setState({ kind: 'running', done: 0, total: 1 });
      const events = new EventSource(`/api/v1/indicators/jobs/${jobId}/events`);
      source.current = events;
      events.addEventListener('progress', (e) => {
        const p = JSON.parse((e as MessageEvent).data) as { done: number; total: number };
        setState({ kind: 'running', done: p.done, total: p.total });
      });
      events.addEventListener('result', (e) => {
        events.close();
        const r = JSON.parse((e as MessageEvent).data) as { villagesScored: number };
        setState({ kind: 'done', villages: r.villagesScored });
        void client.invalidateQueries({ queryKey: ['indicators'] });
      });
      events.addEventListener('error', (e) => {
        events.close();
        const data = (e as MessageEvent).data;
        setState({ kind: 'failed', detail: data ? (JSON.parse(data) as { detail: string }).detail : '' });
      });
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="ind-recompute">
      <button type="button" className="primary" disabled={state.kind === 'running'} onClick={() => void start()}>
        {t('recompute.button', { year })}
      </button>
      <p role="status" className="hint">
        {state.kind === 'running' && t('recompute.running', state)}
        {state.kind === 'done' && t('recompute.done', { count: state.villages })}
        {state.kind === 'failed' && t('recompute.failed', { detail: state.detail })}
      </p>
      <ErrorText error={error} />
    </div>
  );
}
