import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { yuan } from './lib.ts';

interface Claim {
  id: string;
  status: 'held' | 'paid' | 'released';
  amountFen: number;
  label: string;
  sessionId: string;
  expiresAt: string;
}

/** Where the payment page returns the buyer: what they got, and the way back to the session. */
export function ClaimPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('live');
  const claim = useQuery({ queryKey: ['live', 'claim', id], queryFn: () => api<Claim>(`/live/claims/${id}`) });
  if (claim.error) return <ErrorText error={claim.error} />;
  const c = claim.data;
  if (!c) return null;
  return (
    <section className="card narrow">
      <h1>{t(`claim.${c.status}`)}</h1>
      <p data-testid="claim">
        {c.label} · {yuan(c.amountFen)}
      </p>
      <p>
        <Link to={`/live/${c.sessionId}`}>← {t('claim.back')}</Link>
      </p>
    </section>
  );
}
