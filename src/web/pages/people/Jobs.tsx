import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { PeopleError } from './PeopleError.tsx';
import { yuan } from './shared.ts';
import { NameEnField } from '../../components/NameEnField.tsx';
import { useName, useTitle } from '../../names.ts';

const PAY_UNITS = ['day', 'hour', 'month', 'piece'] as const;
/** A job as the list shows it; its own page adds whether the viewer may apply or manage, and their application. */
type Job = Reply<'listJobs'>[number] & Partial<Pick<Reply<'getJob'>, 'canApply' | 'canManage' | 'myApplication'>>;
type Options = Reply<'jobPostingOptions'>;

function JobFacts({ j }: { j: Job }) {
  const { t } = useTranslation('people');
  return (
    <div className="muted">
      {[j.posterKind === 'project' ? `${t('jobs.project')} · ${j.posterName}` : j.posterName, j.unitName, t('jobs.pay', { amount: yuan(j.payFen), unit: t(`jobs.units.${j.payUnit}`) }), t('jobs.positions', { n: j.positions }), j.open ? t('jobs.closes', { date: j.closesOn }) : t('jobs.closed')].join(' · ')}
    </div>
  );
}

function NewJob({ options }: { options: Options }) {
  const { t } = useTranslation('people');
  const name = useName();
  const title = useTitle();
  const client = useQueryClient();
  const post = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Reply<'postJob'>>('/people/jobs', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people', 'jobs'] }),
  });
  return (
    <details className="card">
      <summary>{t('jobs.post')}</summary>
      <form
        className="form"
        aria-label={t('jobs.post')}
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const [kind, id] = String(f.get('poster')).split(':');
          post.mutate({
            ...(kind === 'org' ? { orgId: id } : { projectId: id }),
            title: String(f.get('title')),
            titleEn: String(f.get('titleEn') ?? '').trim() || null,
            description: String(f.get('description') ?? ''),
            payFen: Math.round(Number(f.get('pay')) * 100),
            payUnit: String(f.get('payUnit')),
            positions: Number(f.get('positions')),
            closesOn: String(f.get('closesOn')),
          });
        }}
      >
        <label>
          {t('jobs.posterLabel')}
          <select name="poster" required>
            {options.organizations.map((o) => (
              <option key={o.id} value={`org:${o.id}`}>
                {name(o)}
              </option>
            ))}
            {options.projects.map((p) => (
              <option key={p.id} value={`project:${p.id}`}>
                {t('jobs.project')} · {title(p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('jobs.jobTitle')}
          <input name="title" required minLength={2} maxLength={120} />
        </label>
        <NameEnField name="titleEn" maxLength={160} />
        <label>
          {t('jobs.description')}
          <textarea name="description" maxLength={4000} rows={3} />
        </label>
        <div className="iv-pair">
          <label>
            {t('jobs.payYuan')}
            <input name="pay" type="number" inputMode="decimal" min="0" step="0.01" required />
          </label>
          <label>
            {t('jobs.payUnit')}
            <select name="payUnit">
              {PAY_UNITS.map((u) => (
                <option key={u} value={u}>
                  {t(`jobs.units.${u}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="iv-pair">
          <label>
            {t('jobs.count')}
            <input name="positions" type="number" inputMode="numeric" min="1" max="500" defaultValue="1" required />
          </label>
          <label>
            {t('jobs.closesOn')}
            <input name="closesOn" type="date" required />
          </label>
        </div>
        <PeopleError error={post.error} />
        <button type="submit" className="primary" disabled={post.isPending}>
          {t('jobs.submitPost')}
        </button>
      </form>
    </details>
  );
}

/** The local jobs board (/people/jobs): open jobs for everyone; posting for those who hire; the resident's applications. */
export function JobsPage() {
  const { t } = useTranslation('people');
  const title = useTitle();
  const { data: me } = useMe();
  const list = useQuery({ queryKey: ['people', 'jobs'], queryFn: () => api<Reply<'listJobs'>>('/people/jobs') });
  const options = useQuery({ queryKey: ['people', 'jobs', 'options'], queryFn: () => api<Options>('/people/jobs/posting-options'), enabled: !!me });
  const mine = useQuery({
    queryKey: ['people', 'me'],
    queryFn: () => api<Reply<'myPeopleRecord'>>('/people/me'),
    enabled: !!me,
  });
  const canPost = !!options.data && options.data.organizations.length + options.data.projects.length > 0;
  return (
    <div className="stack people">
      <section className="card">
        <h2>{t('jobs.title')}</h2>
        <p className="hint">{t('jobs.hint')}</p>
        <PeopleError error={list.error} />
        {list.data?.length === 0 && <p className="hint">{t('jobs.none')}</p>}
        <ul className="people-list">
          {list.data?.map((j) => (
            <li key={j.id} className="people-row" data-testid="job">
              <Link to={`/people/jobs/${j.id}`} className="people-title">
                {title(j)}
              </Link>
              <JobFacts j={j} />
            </li>
          ))}
        </ul>
      </section>
      {!!mine.data?.jobApplications.length && (
        <section className="card">
          <h2>{t('jobs.mine')}</h2>
          <ul className="people-list">
            {mine.data.jobApplications.map((a) => (
              <li key={a.id} className="people-row" data-testid="my-job-application">
                <Link to={`/people/jobs/${a.jobId}`}>{title(a)}</Link> · {a.posterName} <span className="tag">{t(`jobs.statuses.${a.status}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {canPost && <NewJob options={options.data!} />}
    </div>
  );
}

function Applications({ jobId }: { jobId: string }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['people', 'jobs', jobId, 'applications'],
    queryFn: () => api<Reply<'listJobApplications'>>(`/people/jobs/${jobId}/applications`),
  });
  const decide = useMutation({
    mutationFn: (v: { id: string; action: 'accept' | 'decline' }) => api(`/people/job-applications/${v.id}/decisions`, { method: 'POST', body: { action: v.action } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people', 'jobs', jobId] }),
  });
  return (
    <section className="card">
      <h2>{t('jobs.applications')}</h2>
      <PeopleError error={list.error ?? decide.error} />
      {list.data?.length === 0 && <p className="hint">{t('jobs.noApplications')}</p>}
      <ul className="people-list">
        {list.data?.map((a) => (
          <li key={a.id} className="people-row" data-testid="job-applicant">
            <div className="row wrap">
              <strong>{a.name}</strong> <a href={`tel:${a.contact}`}>{a.contact}</a> <span className="tag">{t(`jobs.statuses.${a.status}`)}</span>
            </div>
            {a.note && <div className="muted">{a.note}</div>}
            <div className="row wrap">
              {a.status !== 'accepted' && a.status !== 'withdrawn' && (
                <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate({ id: a.id, action: 'accept' })}>
                  {t('jobs.accept')}
                </button>
              )}
              {a.status !== 'declined' && a.status !== 'withdrawn' && (
                <button type="button" disabled={decide.isPending} onClick={() => decide.mutate({ id: a.id, action: 'decline' })}>
                  {t('jobs.decline')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One job: its facts; the apply form for a resident; the applicants and the decisions for its poster. */
export function JobPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('people');
  const title = useTitle();
  const { data: me } = useMe();
  const client = useQueryClient();
  const [contact, setContact] = useState('');
  const job = useQuery({ queryKey: ['people', 'jobs', id], queryFn: () => api<Reply<'getJob'>>(`/people/jobs/${id}`) });
  const apply = useMutation({
    mutationFn: (body: { contact?: string; note?: string }) => api(`/people/jobs/${id}/applications`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  const close = useMutation({ mutationFn: () => api(`/people/jobs/${id}/close`, { method: 'POST' }), onSuccess: () => client.invalidateQueries({ queryKey: ['people', 'jobs'] }) });
  const j = job.data;
  return (
    <div className="stack people">
      <PeopleError error={job.error} />
      {j && (
        <section className="card">
          <h2>{title(j)}</h2>
          <JobFacts j={j} />
          {j.description && <p>{j.description}</p>}
          {j.myApplication && <p className="notice" data-testid="job-applied">{t('jobs.applied', { status: t(`jobs.statuses.${j.myApplication.status}`) })}</p>}
          {me && j.open && !j.myApplication && !j.canApply && !j.canManage && <p className="hint">{t('jobs.notResident')}</p>}
          {j.open && j.canApply && !j.myApplication && (
            <form
              className="form"
              aria-label={t('jobs.apply')}
              onSubmit={(e) => {
                e.preventDefault();
                const note = String(new FormData(e.currentTarget).get('note') ?? '');
                apply.mutate({ ...(contact.trim() ? { contact: contact.trim() } : {}), ...(note ? { note } : {}) });
              }}
            >
              <label>
                {t('jobs.contact')}
                <input type="tel" inputMode="tel" value={contact} onChange={(e) => setContact(e.target.value)} placeholder={t('jobs.contactHint')} />
              </label>
              <label>
                {t('jobs.note')}
                <textarea name="note" rows={2} maxLength={2000} />
              </label>
              <PeopleError error={apply.error} />
              <button type="submit" className="primary" disabled={apply.isPending}>
                {t('jobs.apply')}
              </button>
            </form>
          )}
          {j.canManage && j.status === 'open' && (
            <>
              <PeopleError error={close.error} />
              <button type="button" disabled={close.isPending} onClick={() => close.mutate()}>
                {t('jobs.closeJob')}
              </button>
            </>
          )}
        </section>
      )}
      {j?.canManage && <Applications jobId={j.id} />}
    </div>
  );
}
