import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Route, Routes } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, SignInPrompt, useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { DetailPage, Timeline } from './Detail.tsx';
import { FileGallery } from './Files.tsx';
import { ProposalFormPage } from './Form.tsx';
import { STATUSES, yuan, type ProposalFile, type Status } from './shared.ts';
import { useName, useTitle } from '../../names.ts';

const DashboardPage = lazy(() => import('./Dashboard.tsx'));
const RoundsPage = lazy(() => import('./Rounds.tsx'));
const RuleParamsPage = lazy(() => import('./RuleParams.tsx'));

type Row = Reply<'listProposals'>[number];

type Notification = Reply<'listInterventionNotifications'>['items'][number];

function Bell() {
  const { t } = useTranslation('interventions');
  const title = useTitle();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const q = useQuery({ queryKey: ['intervention-notifications'], queryFn: () => api<Reply<'listInterventionNotifications'>>('/interventions/notifications'), refetchInterval: 30_000 });
  const read = useMutation({ mutationFn: () => api('/interventions/notifications/read', { method: 'POST' }), onSuccess: () => client.invalidateQueries({ queryKey: ['intervention-notifications'] }) });
  const unread = q.data?.unread ?? 0;
  return (
    <div className="iv-bell">
      <button type="button" aria-expanded={open} aria-label={`${t('bell.label')}${unread ? ` · ${t('bell.unread', { count: unread })}` : ''}`} onClick={() => setOpen(!open)}>
        <svg aria-hidden width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && <span className="iv-badge" data-testid="unread">{unread}</span>}
      </button>
      {open && (
        <div className="iv-bell-panel card" role="dialog" aria-label={t('bell.label')}>
          {q.data?.items.length ? (
            <ul className="iv-list">
              {q.data.items.map((n) => (
                <li key={n.id} className={n.unread ? 'unread' : ''}>
                  <Link to={`/interventions/p/${n.interventionId}`} onClick={() => setOpen(false)}>
                    {t(`notice.${n.kind}`, { title: title(n), status: t(`status.${n.status}`) })}
                  </Link>
                  <span className="muted"> · {new Date(n.at).toLocaleString()}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('bell.empty')}</p>
          )}
          {unread > 0 && (
            <button type="button" onClick={() => read.mutate()}>
              {t('bell.markRead')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function ModuleNav() {
  const { t } = useTranslation('interventions');
  const { data: me } = useMe();
  const official = hasRole(me, 'village_official', 'town_official', 'county_admin');
  return (
    <div className="iv-head">
      <nav className="iv-tabs" aria-label={t('title')}>
        {me && (
          <NavLink to="/interventions" end>
            {t('nav.list')}
          </NavLink>
        )}
        {me && hasRole(me, 'resident', 'village_official', 'town_official', 'county_admin') && <NavLink to="/interventions/new">{t('nav.new')}</NavLink>}
        <NavLink to="/interventions/public">{t('nav.public')}</NavLink>
        {official && <NavLink to="/interventions/dashboard">{t('nav.dashboard')}</NavLink>}
        {hasRole(me, 'county_admin') && <NavLink to="/interventions/rounds">{t('nav.rounds')}</NavLink>}
        {hasRole(me, 'county_admin') && <NavLink to="/interventions/rules">{t('ruleParams.nav')}</NavLink>}
      </nav>
      {me && <Bell />}
    </div>
  );
}

function ListPage() {
  const { t } = useTranslation('interventions');
  const { data: me, isPending } = useMe();
  const [status, setStatus] = useState<Status | ''>('');
  const name = useName();
  const title = useTitle();
  const q = useQuery({ queryKey: ['interventions', status], queryFn: () => api<Row[]>('/interventions', { query: { status } }), enabled: !!me });
  if (isPending) return null;
  if (!me) return <PublicPage />;
  return (
    <section className="card">
      <h1>{t('title')}</h1>
      <p className="hint">{t('intro')}</p>
      <select aria-label={t('list.all')} value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
        <option value="">{t('list.all')}</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>
      <ErrorText ns="interventions" error={q.error} />
      {q.data?.length === 0 && <p className="muted">{t('list.empty')}</p>}
      <ul className="iv-cards">
        {q.data?.map((r) => (
          <li key={r.id} className="iv-row">
            <Link to={`/interventions/p/${r.id}`}>{title(r)}</Link>
            <div className="row wrap">
              <span className={`tag iv-status-${r.status}`}>{t(`status.${r.status}`)}</span>
              {r.isMine && <span className="tag">{t('list.mine')}</span>}
              <span className="muted">
                {name({ nameZh: r.villageName, namePinyin: r.villagePinyin }, 'village')} · {yuan(r.costFen)}
              </span>
            </div>
            {r.status !== 'draft' && <span className="muted">{t('list.votes', r.votes)}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

type PublicProject = Reply<'listPublic'>[number];

function PublicPage() {
  const { t } = useTranslation('interventions');
  const { data: me, isPending } = useMe();
  const name = useName();
  const title = useTitle();
  const q = useQuery({ queryKey: ['interventions-public'], queryFn: () => api<PublicProject[]>('/interventions/public') });
  return (
    <section className="card">
      <h1>{t('public.title')}</h1>
      <p className="hint">{t('public.intro')}</p>
      {!isPending && !me && <SignInPrompt reason="propose" />}
      <ErrorText ns="interventions" error={q.error} />
      {q.data?.length === 0 && <p className="muted">{t('public.empty')}</p>}
      <ul className="iv-cards">
        {q.data?.map((p) => (
          <li key={p.id} className="iv-row iv-public" data-testid="public-project">
            <h2>{title(p)}</h2>
            <div className="row wrap">
              <span className={`tag iv-status-${p.status}`}>{t(`status.${p.status}`)}</span>
              <span className="muted">
                {name({ nameZh: p.townshipName, namePinyin: p.townshipPinyin }, 'township')} · {name({ nameZh: p.villageName, namePinyin: p.villagePinyin }, 'village')} · {yuan(p.costFen)}
              </span>
            </div>
            {p.description && <p className="description">{p.description}</p>}
            {p.fundedFen > 0 && (
              <>
                <p>{t('public.spent', { spent: yuan(p.spentFen), funded: yuan(p.fundedFen) })}</p>
                <div className="iv-bar" aria-hidden>
                  <span style={{ width: `${Math.min(100, (100 * p.spentFen) / p.fundedFen)}%` }} className={p.spentFen > p.fundedFen ? 'over' : ''} />
                </div>
              </>
            )}
            {p.files.length > 0 && <FileGallery files={p.files} />}
            <details>
              <summary>{t('detail.timeline')}</summary>
              <Timeline items={p.timeline} />
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The interventions module's pages, mounted at /interventions/*. */
export default function InterventionsPages() {
  return (
    <div className="stack iv">
      <ModuleNav />
      <Suspense fallback={null}>
        <Routes>
          <Route index element={<ListPage />} />
          <Route path="new" element={<ProposalFormPage />} />
          <Route path="p/:id" element={<DetailPage />} />
          <Route path="p/:id/edit" element={<ProposalFormPage />} />
          <Route path="public" element={<PublicPage />} />
          <Route path="dashboard" element={<DashboardPage />} />
          <Route path="rounds" element={<RoundsPage />} />
          <Route path="rules" element={<RuleParamsPage />} />
          <Route path="*" element={<ListPage />} />
        </Routes>
      </Suspense>
    </div>
  );
}
