import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { yuan, type FlashOffer } from './lib.ts';

function OfferCard({ offer, onClose }: { offer: FlashOffer; onClose?: () => void }) {
  const { t } = useTranslation('live');
  const { data: me } = useMe();
  const navigate = useNavigate();
  const claim = useMutation({
    mutationFn: () => api<Reply<'claimFlashOffer'>>(`/live/offers/${offer.id}/claims`, { method: 'POST' }),
    onSuccess: ({ claimId }) => navigate(`/live/claims/${claimId}`),
  });
  const soldOut = offer.remaining === 0;
  return (
    <li className="live-offer" data-testid="live-offer">
      <div>
        <span className="tag warn">{t('offer.flash')}</span> <strong>{offer.label}</strong>
      </div>
      <div className="live-offer-price">
        <strong>{yuan(offer.priceFen)}</strong> <s className="muted">{yuan(offer.regularPriceFen)}</s>
        <span className="muted"> · {t('offer.remaining', { remaining: offer.remaining, quota: offer.quota })}</span>
      </div>
      {onClose ? (
        <button type="button" onClick={onClose}>
          {t('host.closeOffer')}
        </button>
      ) : (
        <button type="button" className="primary" disabled={soldOut || claim.isPending} onClick={() => (me ? claim.mutate() : navigate('/login'))}>
          {soldOut ? t('offer.soldOut') : t('offer.buy')}
        </button>
      )}
      <ErrorText ns="live" error={claim.error} />
    </li>
  );
}

export function Offers({ offers, onClose }: { offers: FlashOffer[]; onClose?: (id: string) => void }) {
  if (!offers.length) return null;
  return (
    <ul className="live-offers">
      {offers.map((o) => (
        <OfferCard key={o.id} offer={o} onClose={onClose && (() => onClose(o.id))} />
      ))}
    </ul>
  );
}
