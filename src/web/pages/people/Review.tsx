import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { api, type Me, type Reply } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { APPLICATION_STATUSES } from '../../../modules/people/constants.ts';
import { StatusTag } from './Home.tsx';
import { DocumentLinks } from './Documents.tsx';
import { PeopleError } from './PeopleError.tsx';
import { useTitle } from '../../names.ts';
import { OFFICIALS, yuan, type Application, type ApplicationStatus } from './shared.ts';

/** The status an official's level acts on: the village first, then the township, then the county (which also disburses). */
function myStep(me: Me | null | undefined): ApplicationStatus[] {
  const steps: ApplicationStatus[] = [];
  if (hasRole(me, 'village_official')) steps.push('submitted');
  if (hasRole(me, 'town_official')) steps.push('village_approved');
  if (hasRole(me, 'county_admin')) steps.push('township_approved', 'approved');
  return steps;
}

function Decision({ a, canAct }: { a: Application; canAct: boolean }) {
  const { t } = useTranslation('people');
  const title = useTitle();
  const client = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const decide = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Reply<'decideApplication'>>(`/people/applications/${a.id}/decisions`, { method: 'POST', body: { from: a.status, ...body } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <li className="people-row" data-testid="review-application">
      <div className="row wrap">
        <strong>{a.applicant}</strong>
        <span>{title({ title: a.programmeTitle, titleEn: a.programmeTitleEn })}</span>
        <StatusTag status={a.status} />
      </div>
      <div className="muted">{t('mine.amount', { amount: yuan(a.amountFen) })}</div>
      <p className="description">{a.plan}</p>
      <DocumentLinks a={a} />
      {a.steps.length > 0 && (
        <details>
          <summary>{t('review.trail')}</summary>
          <ol className="people-trail">
            {a.steps.map((s, i) => (
              <li key={i}>
                {t(`status.${s.to}`)} · {new Date(s.at).toLocaleDateString()} {s.note && `· ${s.note}`}
              </li>
            ))}
          </ol>
        </details>
      )}
      <PeopleError error={decide.error} />
      {canAct && !rejecting && (
        <div className="row wrap">
          {a.status === 'approved' ? (
            <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate({ action: 'disburse' })}>
              {t('review.disburse')} {yuan(a.amountFen)}
            </button>
          ) : (
            <>
              <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate({ action: 'approve' })}>
                {t('review.approve')}
              </button>
              <button type="button" disabled={decide.isPending} onClick={() => setRejecting(true)}>
                {t('review.reject')}
              </button>
            </>
          )}
        </div>
      )}
      {rejecting && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            decide.mutate({ action: 'reject', reason: String(new FormData(e.currentTarget).get('reason')) });
          }}
        >
          <label>
            {t('review.reason')}
            <textarea name="reason" rows={2} minLength={2} maxLength={2000} required />
          </label>
          <button type="submit" disabled={decide.isPending}>
            {t('review.confirmReject')}
          </button>
        </form>
      )}
    </li>
  );
}

export function ReviewPage() {
  const { t } = useTranslation('people');
  const { t: tc } = useTranslation();
  const { data: me, isPending } = useMe();
  const steps = myStep(me);
  const [status, setStatus] = useState<ApplicationStatus | '' | 'todo'>('todo');
  const q = useQuery({
    queryKey: ['people', 'review', status],
    queryFn: () => api<Reply<'reviewQueue'>>('/people/applications', { query: { status: status === 'todo' ? undefined : status } }),
    enabled: hasRole(me, ...OFFICIALS),
  });
  if (isPending) return <p>{tc('common.loading')}</p>;
  if (!me) return <Navigate to="/login" replace />;
  const rows = (q.data ?? []).filter((a) => status !== 'todo' || steps.includes(a.status));
  return (
    <section className="card people">
      <h2>{t('review.title')}</h2>
      <label>
        {t('review.filter')}
        <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="todo">{t('review.title')}</option>
          <option value="">{t('review.all')}</option>
          {APPLICATION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <PeopleError error={q.error} />
      {q.data && rows.length === 0 && <p className="hint">{t('review.none')}</p>}
      <ul className="people-list">
        {rows.map((a) => (
          <Decision key={a.id} a={a} canAct={steps.includes(a.status)} />
        ))}
      </ul>
    </section>
  );
}
