import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { yuan } from './lib.tsx';

type Payment = Reply<'getPaymentForPayer'>;

/** The sandbox provider's simulated payment page (what WeChat Pay or Alipay would show). */
export function PayPage() {
  const { paymentId = '' } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const payment = useQuery({ queryKey: ['payment', paymentId], queryFn: () => api<Payment>(`/payments/${paymentId}`) });
  const complete = useMutation({
    mutationFn: ({ outcome, callback = 'deliver' }: { outcome: 'succeeded' | 'failed'; callback?: 'deliver' | 'lose' }) =>
      api<Reply<'sandboxComplete'>>(`/payments/${paymentId}/sandbox`, { method: 'POST', body: { outcome, callback } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['payment', paymentId] }),
  });
  if (payment.error) return <ErrorText ns="market" error={payment.error} />;
  if (!payment.data) return null;
  const p = payment.data;
  // Only a path on this site: '//host' or '/\\host' would leave it (an open redirect).
  const asked = params.get('return') ?? '';
  const back = /^\/(?![/\\])/.test(asked) ? asked : p.returnUrl;
  const outcome = complete.data?.status ?? p.status;
  // Paid, but the provider's notification never reached us: the server asks the provider after a while.
  const lost = complete.data?.callback === 'lost' && p.status === 'pending';
  return (
    <section className="card narrow sandbox-pay">
      <h1>{t('pay.title')}</h1>
      <p className="hint">{t('pay.note')}</p>
      <p className="pay-amount">
        <span className="muted">{t('pay.amount')}</span>
        <strong data-testid="pay-amount">{yuan(p.amountFen)}</strong>
      </p>
      <p>
        <span className="muted">{t('pay.for')}：</span>
        {p.description}
      </p>
      {lost ? (
        <p className="notice" role="status">
          {t('pay.lost')}
        </p>
      ) : outcome === 'pending' ? (
        <div className="stack">
          <button type="button" className="primary" disabled={complete.isPending} onClick={() => complete.mutate({ outcome: 'succeeded' })}>
            {t('pay.pay')} {yuan(p.amountFen)}
          </button>
          <button type="button" disabled={complete.isPending} onClick={() => complete.mutate({ outcome: 'failed' })}>
            {t('pay.fail')}
          </button>
          <button type="button" className="link-button" disabled={complete.isPending} onClick={() => complete.mutate({ outcome: 'succeeded', callback: 'lose' })}>
            {t('pay.lose')}
          </button>
        </div>
      ) : (
        <p className={outcome === 'paid' ? 'notice' : 'error'} role="status">
          {outcome === 'paid' ? t('pay.done') : outcome === 'refunded' ? t('pay.refunded') : t('pay.failed')}
        </p>
      )}
      <ErrorText ns="market" error={complete.error} />
      <Link to={back}>{t('pay.back')} →</Link>
    </section>
  );
}
