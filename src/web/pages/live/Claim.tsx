import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type Reply, type RequestBody } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { yuan } from './lib.ts';

type Claim = Reply<'getFlashClaim'>;
type Address = RequestBody<'orderFlashClaim'>['address'];
const FIELDS: { field: keyof Address; auto: string }[] = [
  { field: 'name', auto: 'name' },
  { field: 'phone', auto: 'tel' },
  { field: 'province', auto: 'address-level1' },
  { field: 'city', auto: 'address-level2' },
  { field: 'detail', auto: 'street-address' },
];
/** The address the market's cart saves on this device: a flash order may go there too. */
const ADDRESS_KEY = 'terrace.market.address';
const EMPTY: Address = { name: '', phone: '', province: '', city: '', detail: '' };
const complete = (a: Address) => FIELDS.every(({ field }) => a[field].trim().length > 0) && /^[0-9+\- ]{5,20}$/.test(a.phone.trim());

function savedAddress(): Address | null {
  try {
    const saved = { ...EMPTY, ...JSON.parse(localStorage.getItem(ADDRESS_KEY) ?? '{}') } as Address;
    return complete(saved) ? saved : null;
  } catch {
    return null;
  }
}
const oneLine = (a: Address) => `${a.name} ${a.phone} · ${a.province}${a.city}${a.detail}`;

/** A held unit: the buyer picks the saved delivery address or gives one, then pays the order it becomes. */
function OrderForm({ claim }: { claim: Claim }) {
  const { t } = useTranslation('live');
  const navigate = useNavigate();
  const [saved] = useState(savedAddress);
  const [useSaved, setUseSaved] = useState(saved !== null);
  const [typed, setTyped] = useState<Address>(EMPTY);
  const address = useSaved && saved ? saved : typed;
  const go = ({ redirectUrl }: { redirectUrl: string }) => (redirectUrl.startsWith('/') ? navigate(redirectUrl) : window.location.assign(redirectUrl));
  const order = useMutation({
    mutationFn: () =>
      claim.orderId
        ? api<Reply<'payOrder'>>(`/market/orders/${claim.orderId}/pay`, { method: 'POST' })
        : api<Reply<'orderFlashClaim'>>(`/live/claims/${claim.id}/order`, { method: 'POST', body: { address } }),
    onSuccess: (payment) => {
      if (!claim.orderId) localStorage.setItem(ADDRESS_KEY, JSON.stringify(address));
      go(payment);
    },
  });
  const until = new Date(claim.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <form
      className="form live-claim-form"
      onSubmit={(e) => {
        e.preventDefault();
        order.mutate();
      }}
    >
      <p className="notice">{t('claim.until', { time: until })}</p>
      {claim.orderId ? (
        <p>{t('claim.ordered')}</p>
      ) : (
        <fieldset className="live-address">
          <legend>{t('claim.address')}</legend>
          {saved && (
            <>
              <label className="check live-choice">
                <input type="radio" name="which" checked={useSaved} onChange={() => setUseSaved(true)} />
                <span>
                  {t('claim.useSaved')}：<span data-testid="saved-address">{oneLine(saved)}</span>
                </span>
              </label>
              <label className="check live-choice">
                <input type="radio" name="which" checked={!useSaved} onChange={() => setUseSaved(false)} />
                {t('claim.newAddress')}
              </label>
            </>
          )}
          {(!saved || !useSaved) &&
            FIELDS.map(({ field, auto }) => (
              <label key={field}>
                {t(`claim.${field}`)}
                <input value={typed[field]} autoComplete={auto} required onChange={(e) => setTyped({ ...typed, [field]: e.target.value })} />
              </label>
            ))}
        </fieldset>
      )}
      <ErrorText ns="live" error={order.error} />
      <button type="submit" className="primary" disabled={order.isPending || (!claim.orderId && !complete(address))}>
        {t('claim.pay', { amount: yuan(claim.amountFen) })}
      </button>
    </form>
  );
}

/** A buyer's claim on a flash offer: order and pay it while it is held; then what they got, and the way back. */
export function ClaimPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('live');
  const claim = useQuery({ queryKey: ['live', 'claim', id], queryFn: () => api<Claim>(`/live/claims/${id}`) });
  if (claim.error) return <ErrorText ns="live" error={claim.error} />;
  const c = claim.data;
  if (!c) return null;
  return (
    <section className="card narrow stack">
      <h1>{t(`claim.${c.status}`)}</h1>
      <p data-testid="claim">
        {c.label} · <strong>{yuan(c.amountFen)}</strong>
      </p>
      {c.status === 'held' && <OrderForm claim={c} />}
      {c.status === 'paid' && c.orderId && <Link to={`/market/orders/${c.orderId}`}>{t('claim.viewOrder')} →</Link>}
      <p>
        <Link to={`/live/${c.sessionId}`}>← {t('claim.back')}</Link>
      </p>
    </section>
  );
}
