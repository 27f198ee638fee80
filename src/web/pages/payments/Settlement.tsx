// Settlement statements: the county's (every seller, the fee, payouts) and each seller's own, with its lines and XLSX.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, useMe, SignInRedirect } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { formatTime, yuan } from '../market/lib.tsx';

type Statement = Reply<'countyStatement'>;
type OrgStatement = Reply<'orgStatement'>;
type Sums = Statement['totals'];

const thisMonth = () => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 8)}01`, to: today };
};

/** The period in the address (so a statement can be linked), this month by default. */
function usePeriod() {
  const [params, setParams] = useSearchParams();
  const period = { from: params.get('from') ?? thisMonth().from, to: params.get('to') ?? thisMonth().to };
  return [period, (p: { from: string; to: string }) => setParams(p)] as const;
}

function PeriodForm({ period, onChange }: { period: { from: string; to: string }; onChange: (p: { from: string; to: string }) => void }) {
  const { t } = useTranslation('payments');
  const [draft, setDraft] = useState(period);
  useEffect(() => setDraft(period), [period.from, period.to]);
  return (
    <form
      className="st-period"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(draft);
      }}
    >
      <label>
        {t('settlement.from')} <input type="date" value={draft.from} required onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
      </label>
      <label>
        {t('settlement.to')} <input type="date" value={draft.to} required onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
      </label>
      <button type="submit">{t('settlement.show')}</button>
    </form>
  );
}

/** A seller's (or the county's) figures: sales, refunds, fee, net, paid out, owed. */
function Figures({ s }: { s: Sums }) {
  const { t } = useTranslation('payments');
  return (
    <dl className="st-figures">
      <dt>{t('settlement.gross')}</dt>
      <dd>
        {yuan(s.grossFen)} <span className="muted">{t('settlement.payments', { count: s.payments })}</span>
      </dd>
      <dt>{t('settlement.refunded')}</dt>
      <dd>
        −{yuan(s.refundsFen)} <span className="muted">{t('settlement.refunds', { count: s.refunds })}</span>
      </dd>
      <dt>{t('settlement.feeAmount')}</dt>
      <dd>−{yuan(s.feeFen)}</dd>
      <dt>{t('settlement.net')}</dt>
      <dd className="total" data-testid="net">
        {yuan(s.netFen)}
      </dd>
      <dt>{t('settlement.paidOut')}</dt>
      <dd>{yuan(s.paidOutFen)}</dd>
      <dt>{t('settlement.owed')}</dt>
      <dd className="total">{yuan(s.owedFen)}</dd>
    </dl>
  );
}

const query = (p: { from: string; to: string }) => `from=${p.from}&to=${p.to}`;

function FeeRate({ bps }: { bps: number }) {
  const { t } = useTranslation('payments');
  const client = useQueryClient();
  const [draft, setDraft] = useState(String(bps));
  useEffect(() => setDraft(String(bps)), [bps]);
  const save = useMutation({
    mutationFn: () => api('/payments/settlement/fee-rate', { method: 'PUT', body: { feeBps: Number(draft) } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['settlement'] }),
  });
  return (
    <form
      className="st-period"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        {t('settlement.fee')} <input type="number" min={0} max={10000} step={1} value={draft} onChange={(e) => setDraft(e.target.value)} /> ({(Number(draft) / 100).toFixed(2)}%)
      </label>
      <button type="submit" disabled={save.isPending}>
        {t('settlement.feeSave')}
      </button>
      <span className="hint">{t('settlement.feeHint')}</span>
      {save.isSuccess && <span role="status">{t('settlement.feeSaved')}</span>}
      <ErrorText ns="payments" error={save.error} />
    </form>
  );
}

/** The county's officials: every seller of the county for the period. */
function CountyStatement() {
  const { t } = useTranslation('payments');
  const [period, setPeriod] = usePeriod();
  const q = useQuery({ queryKey: ['settlement', 'county', period], queryFn: () => api<Statement>(`/payments/settlement?${query(period)}`) });
  return (
    <section className="stack">
      <h1 className="row spread">
        <span>{t('settlement.county')}</span>
        <Link to="/payments/refunds">{t('refunds.title')}</Link>
      </h1>
      <PeriodForm period={period} onChange={setPeriod} />
      {q.data && <FeeRate bps={q.data.feeBps} />}
      <ErrorText ns="payments" error={q.error} />
      {q.data && (
        <>
          <a className="button" href={`/api/v1/payments/settlement/export?${query(period)}`} download>
            {t('settlement.download')}
          </a>
          {q.data.rows.length === 0 && <p className="muted">{t('settlement.none')}</p>}
          <ul className="st-list">
            {q.data.rows.map((r) => (
              <li key={r.orgId} className="card" data-org={r.orgId}>
                <h2 className="row spread">
                  <span>{r.name}</span>
                  <Link to={`/payments/settlement/orgs/${r.orgId}?${query(period)}`}>{t('settlement.open')}</Link>
                </h2>
                <Figures s={r} />
              </li>
            ))}
          </ul>
          <div className="card st-total">
            <h2>{t('settlement.total')}</h2>
            <Figures s={q.data.totals} />
          </div>
        </>
      )}
    </section>
  );
}

function Payout({ orgId, period, owedFen }: { orgId: string; period: { from: string; to: string }; owedFen: number }) {
  const { t } = useTranslation('payments');
  const client = useQueryClient();
  const [amount, setAmount] = useState((owedFen / 100).toFixed(2));
  const [reference, setReference] = useState('');
  useEffect(() => setAmount((owedFen / 100).toFixed(2)), [owedFen]);
  const save = useMutation({
    mutationFn: () => api('/payments/settlement/payouts', { method: 'POST', body: { orgId, ...period, amountFen: Math.round(Number(amount) * 100), reference } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['settlement'] }),
  });
  return (
    <form
      className="stack st-payout"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h2>{t('settlement.payout')}</h2>
      <label>
        {t('settlement.payoutAmount')} <input type="number" min={0.01} step={0.01} value={amount} required onChange={(e) => setAmount(e.target.value)} />
      </label>
      <label>
        {t('settlement.payoutReference')} <input value={reference} required maxLength={100} onChange={(e) => setReference(e.target.value)} />
      </label>
      <button type="submit" disabled={save.isPending}>
        {t('settlement.payout')}
      </button>
      {save.isSuccess && <span role="status">{t('settlement.payoutSaved')}</span>}
      <ErrorText ns="payments" error={save.error} />
    </form>
  );
}

/** One seller's statement: its figures, its lines, the workbook; the county's officials record payouts here. */
function OrgStatementPage() {
  const { orgId = '' } = useParams();
  const { t, i18n } = useTranslation('payments');
  const { data: me } = useMe();
  const [period, setPeriod] = usePeriod();
  const q = useQuery({ queryKey: ['settlement', 'org', orgId, period], queryFn: () => api<OrgStatement>(`/payments/settlement/orgs/${orgId}?${query(period)}`) });
  const row = q.data?.rows[0];
  return (
    <section className="stack">
      <h1>{q.data?.org.name ?? t('settlement.title')}</h1>
      <PeriodForm period={period} onChange={setPeriod} />
      <ErrorText ns="payments" error={q.error} />
      {q.data && (
        <>
          <a className="button" href={`/api/v1/payments/settlement/orgs/${orgId}/export?${query(period)}`} download>
            {t('settlement.download')}
          </a>
          <p className="muted">
            {t('settlement.fee')} {(q.data.feeBps / 100).toFixed(2)}%
          </p>
          {row ? <Figures s={row} /> : <p className="muted">{t('settlement.none')}</p>}
          {row && hasRole(me, 'county_admin') && row.owedFen > 0 && <Payout orgId={orgId} period={period} owedFen={row.owedFen} />}
          {q.data.lines.length > 0 && <h2>{t('settlement.lines')}</h2>}
          <ul className="st-lines">
            {q.data.lines.map((l, i) => (
              <li key={i} data-kind={l.kind}>
                <span>
                  <span className={`tag ${l.kind === 'refund' ? 'warn' : ''}`}>{t(`settlement.line.${l.kind}`)}</span> {l.description}
                  <br />
                  <span className="muted">{formatTime(l.at, i18n.language)}</span>
                </span>
                <strong>
                  {l.kind === 'sale' ? '' : '−'}
                  {yuan(l.amountFen)}
                </strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Settlement's landing: the county's statement for its officials, else the statements of the user's businesses. */
export function SettlementHome() {
  const { t } = useTranslation('payments');
  const { data: me, isPending } = useMe();
  if (!isPending && !me) return <SignInRedirect />;
  if (!me) return null;
  if (hasRole(me, 'county_admin')) return <CountyStatement />;
  const orgs = [...new Set(me.grants.flatMap((g) => (g.orgId ? [g.orgId] : [])))];
  return (
    <section className="stack">
      <h1>{t('settlement.mine')}</h1>
      {orgs.length === 0 && <p className="muted">{t('settlement.noOrg')}</p>}
      {orgs.map((id) => (
        <OrgLink key={id} orgId={id} />
      ))}
    </section>
  );
}

function OrgLink({ orgId }: { orgId: string }) {
  const q = useQuery({ queryKey: ['settlement', 'org', orgId, thisMonth()], queryFn: () => api<OrgStatement>(`/payments/settlement/orgs/${orgId}?${query(thisMonth())}`), retry: false });
  if (!q.data) return null;
  return (
    <div className="card">
      <h2>
        <Link to={`/payments/settlement/orgs/${orgId}`}>{q.data.org.name}</Link>
      </h2>
      {q.data.rows[0] && <Figures s={q.data.rows[0]} />}
    </div>
  );
}

export { OrgStatementPage };
