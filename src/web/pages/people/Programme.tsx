import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { MyApplication, useMyPeople } from './Home.tsx';
import { PeopleError } from './PeopleError.tsx';
import { useTitle } from '../../names.ts';
import { yuan, type Application, type Programme } from './shared.ts';

function ApplyForm({ p }: { p: Programme }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const send = useMutation({
    mutationFn: (body: { amountFen: number; plan: string; businessLink?: string }) => api<Reply<'applyToProgramme'>>(`/people/programmes/${p.id}/applications`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <form
      className="form card people-apply"
      aria-labelledby="people-apply"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const link = String(f.get('businessLink') ?? '').trim();
        send.mutate({ amountFen: Math.round(Number(f.get('amount')) * 100), plan: String(f.get('plan')), ...(link ? { businessLink: link } : {}) });
      }}
    >
      <h2 id="people-apply">{t('apply.title')}</h2>
      <label>
        {t('apply.amount')}
        <input name="amount" type="number" inputMode="decimal" min={0.01} step={0.01} max={p.maxAwardFen / 100} required />
      </label>
      <label>
        {t('apply.plan')}
        <textarea name="plan" rows={4} minLength={10} maxLength={10_000} required />
        <span className="hint">{t('apply.planHint')}</span>
      </label>
      <label>
        {t('apply.businessLink')}
        <input name="businessLink" maxLength={300} />
      </label>
      <PeopleError error={send.error} />
      <button type="submit" className="primary" disabled={send.isPending}>
        {send.isPending ? t('apply.sending') : t('apply.submit')}
      </button>
    </form>
  );
}

export function ProgrammePage() {
  const { t } = useTranslation('people');
  const title = useTitle();
  const { t: tc } = useTranslation();
  const { id } = useParams();
  const { data: me } = useMe();
  const q = useQuery({ queryKey: ['people', 'programme', id], queryFn: () => api<Reply<'getProgramme'>>(`/people/programmes/${id}`) });
  const mine = useMyPeople(!!me);
  const p = q.data;
  const applied = mine.data?.applications.filter((a) => a.programmeId === id) ?? [];
  return (
    <div className="stack people">
      <p>
        <Link to="/people">← {t('programmes.title')}</Link>
      </p>
      <PeopleError error={q.error} />
      {!p && !q.error && <p>{tc('common.loading')}</p>}
      {p && (
        <section className="card">
          <h2>{title(p)}</h2>
          <div className="row wrap">
            <span className="tag">{t(`programmes.kinds.${p.kind}`)}</span>
            {p.returneesOnly && <span className="tag">{t('programmes.returneesOnly')}</span>}
            {p.open ? <span className="muted">{t('programmes.deadline', { date: p.deadline })}</span> : <span className="tag warn">{t('programmes.closed')}</span>}
          </div>
          <p className="description">{p.description}</p>
          {p.criteria && (
            <>
              <h2>{t('programmes.criteria')}</h2>
              <p className="description">{p.criteria}</p>
            </>
          )}
          {p.documents.length > 0 && (
            <>
              <h2>{t('documents.required')}</h2>
              <p className="description" data-testid="required-documents">
                {p.documents.join('、')}
              </p>
            </>
          )}
          <p className="stats">
            <span>{t('programmes.maxAward', { amount: yuan(p.maxAwardFen) })}</span>
            <span>{t('programmes.budget', { amount: yuan(p.budgetFen) })}</span>
            <span>{t('programmes.disbursed', { amount: yuan(p.disbursedFen) })}</span>
          </p>
          <p className="muted">{t('programmes.figures', { applied: p.applied ?? 0, approved: p.approved ?? 0 })}</p>
        </section>
      )}
      {applied.length > 0 && (
        <section className="card" aria-labelledby="people-mine">
          <h2 id="people-mine">{t('mine.title')}</h2>
          <ul className="people-list">
            {applied.map((a) => (
              <MyApplication key={a.id} a={a} />
            ))}
          </ul>
        </section>
      )}
      {p?.open && applied.length === 0 && (
        !me ? (
          <p>
            <Link to="/login">{t('apply.signIn')}</Link>
          </p>
        ) : mine.data && !mine.data.resident ? (
          <p className="hint">{t('apply.notResident')}</p>
        ) : mine.data ? (
          <ApplyForm p={p} />
        ) : null
      )}
    </div>
  );
}
