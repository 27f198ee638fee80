import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { useMe, SignInRedirect } from '../../auth.tsx';
import { yuan, type BookingView } from './shared.ts';
import { goToPayment } from '../payments/start.ts';

function ReviewForm({ booking }: { booking: BookingView }) {
  const { t } = useTranslation('inns');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const save = useMutation({
    mutationFn: (input: { rating: number; body: string }) => api(`/inns/bookings/${booking.id}/review`, { method: 'POST', body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inns'] }),
  });
  if (!open) return <button type="button" onClick={() => setOpen(true)}>{t('mine.review')}</button>;
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        save.mutate({ rating: Number(f.get('rating')), body: String(f.get('body')) });
      }}
    >
      <label>
        {t('mine.rating')}
        <input name="rating" type="number" min={1} max={5} defaultValue={5} required />
      </label>
      <label>
        {t('mine.body')}
        <textarea name="body" maxLength={2000} rows={3} />
      </label>
      <ErrorText ns="inns" error={save.error} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('mine.submit')}
      </button>
    </form>
  );
}

export function MyBookingsPage() {
  const { t } = useTranslation('inns');
  const { t: tc } = useTranslation();
  const { data: me, isPending: mePending } = useMe();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['inns', 'mine'], queryFn: () => api<BookingView[]>('/inns/bookings/mine'), enabled: !!me });
  const cancel = useMutation({
    mutationFn: (id: string) => api(`/inns/bookings/${id}/cancel`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inns'] }),
  });
  const pay = useMutation({
    mutationFn: (id: string) => api<Reply<'startBookingPayment'>>(`/inns/bookings/${id}/pay`, { method: 'POST' }),
    onSuccess: (p) => goToPayment(navigate, p),
  });
  if (mePending) return <p>{tc('common.loading')}</p>;
  if (!me) return <SignInRedirect />;
  return (
    <section className="card inns">
      <p>
        <Link to="/inns">← {t('inn.back')}</Link>
      </p>
      <h1>{t('mine.title')}</h1>
      {params.get('paid') && <p className="notice">{t('pay.paid')}</p>}
      <ErrorText ns="inns" error={list.error ?? cancel.error ?? pay.error} />
      {list.data?.length === 0 && <p className="hint">{t('mine.empty')}</p>}
      <ul className="booking-list">
        {list.data?.map((b) => (
          <li key={b.id} className="booking" data-testid="my-booking">
            <div>
              <strong>{b.innName}</strong> · {b.roomName}
              <div>
                {b.checkIn} → {b.checkOut}
              </div>
              <div>
                <span className={`tag status-${b.status}`}>{t(`status.${b.status}`)}</span> {yuan(b.amountFen)}
                {b.status === 'cancelled' && b.refundFen > 0 && <> · {t('mine.cancelled', { refund: yuan(b.refundFen) })}</>}
              </div>
              {b.refunds?.map((r) => (
                <div key={r.id} data-refund-status={r.status}>
                  <span className={`tag ${r.status === 'succeeded' ? '' : 'warn'}`}>{t(`mine.refund.${r.status}`, { amount: yuan(r.amountFen) })}</span>
                </div>
              ))}
            </div>
            <div className="row wrap">
              {b.status === 'held' && (
                <button type="button" className="primary" onClick={() => pay.mutate(b.id)}>
                  {t('mine.pay')}
                </button>
              )}
              {(b.status === 'held' || b.status === 'confirmed') && (
                <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate(b.id)}>
                  {t('mine.cancel')}
                </button>
              )}
              {b.status === 'completed' && (b.reviewed ? <span className="hint">{t('mine.reviewed')}</span> : <ReviewForm booking={b} />)}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
