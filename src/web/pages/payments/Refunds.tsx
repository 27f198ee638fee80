// The county administrator's refunds: failed ones first (send them again), then those being sent.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { formatTime, yuan } from '../market/lib.tsx';

type CountyRefund = Reply<'listRefunds'>[number];

export function RefundStatus({ status }: { status: CountyRefund['status'] }) {
  const { t } = useTranslation('payments');
  return (
    <span className={`tag ${status === 'succeeded' ? '' : 'warn'}`} data-refund-status={status}>
      {t(`refunds.status.${status}`)}
    </span>
  );
}

export function RefundsPage() {
  const { t, i18n } = useTranslation('payments');
  const client = useQueryClient();
  const [all, setAll] = useState(false);
  const q = useQuery({ queryKey: ['refunds', all], queryFn: () => api<CountyRefund[]>('/payments/refunds', { query: all ? {} : { status: 'failed' } }) });
  const retry = useMutation({ mutationFn: (id: string) => api(`/payments/refunds/${id}/retry`, { method: 'POST' }), onSuccess: () => client.invalidateQueries({ queryKey: ['refunds'] }) });
  return (
    <section className="stack">
      <h1>{t('refunds.title')}</h1>
      <label className="check">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('refunds.all')}
      </label>
      <ErrorText ns="payments" error={q.error ?? retry.error} />
      {q.data?.length === 0 && <p className="muted">{t('refunds.none')}</p>}
      <ul className="st-list">
        {q.data?.map((r) => (
          <li key={r.id} className="card" data-refund={r.id}>
            <h2 className="row spread">
              <span>{yuan(r.amountFen)}</span>
              <RefundStatus status={r.status} />
            </h2>
            <p>
              {r.payment.description} <span className="muted">({yuan(r.payment.amountFen)} · {r.payment.provider})</span>
            </p>
            <p className="muted">
              {r.reason} · {formatTime(r.createdAt, i18n.language)} · {t('refunds.attempts', { count: r.attempts })}
            </p>
            {r.lastError && <p className="hint">{t('refunds.lastError', { error: r.lastError })}</p>}
            {r.status === 'failed' && (
              <button type="button" disabled={retry.isPending} onClick={() => retry.mutate(r.id)}>
                {t('refunds.retry')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
