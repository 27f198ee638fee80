import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, SignInPrompt, SignInRedirect, useMe } from '../../auth.tsx';
import { FileGallery, FileUpload } from './Files.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PILLARS, toFen, useRuleText, yuan, type Action, type Pillar, type Proposal } from './shared.ts';
import { useName, useTitle } from '../../names.ts';

export function RulesReport({ rules }: { rules: Proposal['rules'] }) {
  const { t } = useTranslation('interventions');
  const text = useRuleText();
  return (
    <section className="iv-rules" aria-label={t('rules.title')}>
      <h2>{t('rules.title')}</h2>
      <p className={rules.passed ? 'notice' : 'error'}>{rules.passed ? t('rules.allPass') : t('rules.someFail')}</p>
      <ul>
        {rules.results.map((r) => (
          <li key={r.code} className={r.passed ? 'pass' : 'fail'} data-rule={r.code}>
            <span aria-hidden>{r.passed ? '✓' : '✗'}</span> {text(r)}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Timeline({ items }: { items: { to: string; note: string; at: string }[] }) {
  const { t, i18n } = useTranslation('interventions');
  if (!items.length) return <p className="muted">{t('detail.noTimeline')}</p>;
  return (
    <ol className="iv-timeline">
      {items.map((x, i) => (
        <li key={i}>
          <strong>{t(`status.${x.to as 'draft'}`)}</strong> <time className="muted">{new Date(x.at).toLocaleString(i18n.language)}</time>
          {x.note && <p className="description">{x.note}</p>}
        </li>
      ))}
    </ol>
  );
}

export const Outcomes = ({ values }: { values: Record<Pillar, number> }) => {
  const { t } = useTranslation('interventions');
  return (
    <dl className="iv-outcomes">
      {PILLARS.map((k) => (
        <div key={k}>
          <dt>{t(`pillar.${k}`)}</dt>
          <dd>{k === 'incomeFen' ? yuan(values[k]) : values[k].toLocaleString()}</dd>
        </div>
      ))}
    </dl>
  );
};

function ActionPanel({ p, act, pending }: { p: Proposal; act: (body: Record<string, unknown>) => void; pending: boolean }) {
  const { t } = useTranslation('interventions');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [funded, setFunded] = useState(String(p.costFen / 100));
  if (!p.actions.length) return null;
  const simple = (a: Action) => (
    <button key={a} type="button" className="primary" disabled={pending} onClick={() => act({ action: a, from: p.status, ...(note ? { note } : {}) })}>
      {t(`action.${a}`)}
    </button>
  );
  return (
    <section className="iv-actions card">
      {p.actions.some((a) => a === 'approve' || a === 'start' || a === 'complete') && (
        <label>
          {t('detail.note')}
          <textarea name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
      )}
      <div className="row wrap">{p.actions.filter((a) => ['submit', 'approve', 'start', 'complete'].includes(a)).map(simple)}</div>
      {p.actions.includes('fund') && (
        <div className="row wrap">
          <label>
            {t('detail.fundedAmount')}
            <input name="fundedAmount" inputMode="decimal" value={funded} onChange={(e) => setFunded(e.target.value)} />
          </label>
          <button type="button" className="primary" disabled={pending} onClick={() => act({ action: 'fund', from: p.status, fundedFen: toFen(funded) })}>
            {t('action.fund')}
          </button>
        </div>
      )}
      {p.actions.includes('reject') && (
        <div className="form">
          <label>
            {t('detail.reason')}
            <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="button" disabled={pending || reason.trim().length < 2} onClick={() => act({ action: 'reject', from: p.status, reason })}>
            {t('action.reject')}
          </button>
        </div>
      )}
      {p.actions.includes('evaluate') && <EvaluationForm p={p} act={act} pending={pending} />}
    </section>
  );
}

function VsHead() {
  const { t } = useTranslation('interventions');
  return (
    <thead>
      <tr>
        <th>{t('evaluate.pillar')}</th>
        <th>{t('evaluate.expected')}</th>
        <th>{t('evaluate.actual')}</th>
      </tr>
    </thead>
  );
}

/** The official enters the actual outcome of each pillar, beside the expected one. */
function EvaluationForm({ p, act, pending }: { p: Proposal; act: (body: Record<string, unknown>) => void; pending: boolean }) {
  const { t } = useTranslation('interventions');
  const [evaluation, setEvaluation] = useState('');
  const [actual, setActual] = useState<Record<Pillar, string>>(() => Object.fromEntries(PILLARS.map((k) => [k, ''])) as Record<Pillar, string>);
  const value = (k: Pillar) => (k === 'incomeFen' ? toFen(actual[k]) : actual[k].trim() === '' ? NaN : Number(actual[k]));
  const complete = PILLARS.every((k) => Number.isFinite(value(k)) && value(k) >= 0);
  return (
    <form
      className="form iv-evaluate"
      onSubmit={(e) => {
        e.preventDefault();
        act({ action: 'evaluate', from: p.status, evaluation, actualOutcomes: Object.fromEntries(PILLARS.map((k) => [k, value(k)])) });
      }}
    >
      <h2>{t('evaluate.title')}</h2>
      <p className="hint">{t('evaluate.intro')}</p>
      <table className="iv-vs">
        <VsHead />
        <tbody>
          {PILLARS.map((k) => (
            <tr key={k}>
              <td>{t(`pillar.${k}`)}</td>
              <td>{k === 'incomeFen' ? yuan(p.outcomes[k]) : p.outcomes[k].toLocaleString()}</td>
              <td>
                <input name={`actual-${k}`} aria-label={`${t('evaluate.actual')} · ${t(`pillar.${k}`)}`} inputMode="decimal" value={actual[k]} onChange={(e) => setActual({ ...actual, [k]: e.target.value })} required />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label>
        {t('detail.evaluation')}
        <textarea name="evaluation" rows={2} value={evaluation} onChange={(e) => setEvaluation(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={pending || !complete || evaluation.trim().length < 2}>
        {t('action.evaluate')}
      </button>
    </form>
  );
}

/** Expected against actual outcomes, pillar by pillar. */
function OutcomeComparison({ expected, actual }: { expected: Record<Pillar, number>; actual: Record<Pillar, number> }) {
  const { t } = useTranslation('interventions');
  const show = (k: Pillar, v: number) => (k === 'incomeFen' ? yuan(v) : v.toLocaleString());
  return (
    <table className="iv-vs" data-testid="outcome-comparison">
      <VsHead />
      <tbody>
        {PILLARS.map((k) => (
          <tr key={k} className={actual[k] >= expected[k] ? 'met' : 'short'}>
            <td>{t(`pillar.${k}`)}</td>
            <td>{show(k, expected[k])}</td>
            <td>{show(k, actual[k])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const VOTING = ['submitted', 'village_approved', 'township_reviewed'];

function Votes({ p, onChange }: { p: Proposal; onChange: () => void }) {
  const { t } = useTranslation('interventions');
  const { data: me, isPending } = useMe();
  const vote = useMutation({ mutationFn: (stance: string) => api(`/interventions/${p.id}/vote`, { method: 'PUT', body: { stance } }), onSuccess: onChange });
  return (
    <section>
      <h2>{t('detail.votes')}</h2>
      <p className="iv-votes">{t('detail.voteSummary', p.votes)}</p>
      {p.myVote && <p className="muted">{t('detail.yourVote', { stance: t(`detail.${p.myVote}`) })}</p>}
      {p.mayVote && (
        <div className="row">
          {(['support', 'oppose'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={p.myVote === s} disabled={vote.isPending} onClick={() => vote.mutate(s)}>
              {t(`detail.${s}`)}
            </button>
          ))}
        </div>
      )}
      {!isPending && !me && VOTING.includes(p.status) && <SignInPrompt reason="vote" />}
      <ErrorText ns="interventions" error={vote.error} />
    </section>
  );
}

type Comment = Reply<'listComments'>['items'][number];

function Comments({ id }: { id: string }) {
  const { t } = useTranslation('interventions');
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['intervention-comments', id], queryFn: () => api<Reply<'listComments'>>(`/interventions/${id}/comments`) });
  const refresh = () => client.invalidateQueries({ queryKey: ['intervention-comments', id] });
  const [body, setBody] = useState('');
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const post = useMutation({
    mutationFn: () => api(`/interventions/${id}/comments`, { method: 'POST', body: { body, ...(replyTo ? { parentId: replyTo } : {}) } }),
    onSuccess: () => {
      setBody('');
      setReplyTo(null);
      void refresh();
    },
  });
  const moderate = useMutation({
    mutationFn: (x: { id: string; hidden: boolean; reason?: string }) => api(`/interventions/comments/${x.id}`, { method: 'PATCH', body: { hidden: x.hidden, reason: x.reason } }),
    onSuccess: () => void refresh(),
  });
  const [hiding, setHiding] = useState<{ id: string; reason: string } | null>(null);
  const items = list.data?.items ?? [];
  const render = (parent: string | null, depth: number): React.ReactNode =>
    items
      .filter((c) => c.parentId === parent)
      .map((c) => (
        <li key={c.id} className="iv-comment" style={{ marginLeft: `${Math.min(depth, 3)}rem` }}>
          <p className="muted">
            {c.author} · {new Date(c.createdAt).toLocaleDateString()}
          </p>
          {c.hidden && <p className="tag warn">{t('detail.hiddenBy', { reason: c.moderationReason })}</p>}
          {c.body && <p className="description">{c.body}</p>}
          <div className="row">
            {list.data?.mayComment && (
              <button type="button" className="link-button" onClick={() => setReplyTo(c.id)}>
                {t('detail.reply')}
              </button>
            )}
            {list.data?.mayModerate && (
              <button
                type="button"
                className="link-button"
                onClick={() => (c.hidden ? moderate.mutate({ id: c.id, hidden: false }) : setHiding({ id: c.id, reason: '' }))}
              >
                {c.hidden ? t('detail.show') : t('detail.hide')}
              </button>
            )}
          </div>
          {hiding?.id === c.id && (
            <form
              className="row wrap iv-hide-form"
              onSubmit={(e) => {
                e.preventDefault();
                moderate.mutate({ id: c.id, hidden: true, reason: hiding.reason.trim() }, { onSuccess: () => setHiding(null) });
              }}
            >
              <label>
                {t('detail.hideReason')}
                <input name="hideReason" value={hiding.reason} maxLength={500} onChange={(e) => setHiding({ id: c.id, reason: e.target.value })} autoFocus />
              </label>
              <button type="submit" disabled={hiding.reason.trim().length < 2 || moderate.isPending}>
                {t('detail.hideConfirm')}
              </button>
              <button type="button" className="link-button" onClick={() => setHiding(null)}>
                {t('detail.cancel')}
              </button>
            </form>
          )}
          <ul className="iv-thread">{render(c.id, depth + 1)}</ul>
        </li>
      ));
  return (
    <section>
      <h2>{t('detail.comments')}</h2>
      {items.length === 0 && <p className="muted">{t('detail.noComments')}</p>}
      <ul className="iv-thread">{render(null, 0)}</ul>
      {list.data?.mayComment && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            post.mutate();
          }}
        >
          <label>
            {replyTo ? t('detail.reply') : t('detail.comment')}
            <textarea name="comment" rows={2} value={body} onChange={(e) => setBody(e.target.value)} />
          </label>
          <button type="submit" disabled={!body.trim() || post.isPending}>
            {t('detail.send')}
          </button>
        </form>
      )}
      <ErrorText ns="interventions" error={post.error ?? moderate.error} />
    </section>
  );
}

function Execution({ p, onChange }: { p: Proposal; onChange: () => void }) {
  const { t } = useTranslation('interventions');
  const { data: me } = useMe();
  const official = hasRole(me, 'village_official', 'town_official', 'county_admin');
  const executing = p.status === 'funded' || p.status === 'in_progress';
  const [ms, setMs] = useState({ title: '', dueOn: '' });
  const [sp, setSp] = useState({ amount: '', spentOn: new Date().toISOString().slice(0, 10), note: '', override: false });
  const addMs = useMutation({ mutationFn: () => api(`/interventions/${p.id}/milestones`, { method: 'POST', body: ms }), onSuccess: () => (setMs({ title: '', dueOn: '' }), onChange()) });
  const done = useMutation({ mutationFn: (id: string) => api(`/interventions/milestones/${id}`, { method: 'PATCH', body: { doneOn: new Date().toISOString().slice(0, 10) } }), onSuccess: onChange });
  const addSp = useMutation({
    mutationFn: () => api(`/interventions/${p.id}/spend`, { method: 'POST', body: { amountFen: toFen(sp.amount), spentOn: sp.spentOn, note: sp.note, ...(sp.override ? { override: true } : {}) } }),
    onSuccess: () => (setSp({ ...sp, amount: '', note: '', override: false }), onChange()),
  });
  if (!['funded', 'in_progress', 'completed', 'evaluated'].includes(p.status)) return null;
  return (
    <section>
      <h2>{t('detail.execution')}</h2>
      <p className="iv-money">{t('detail.funded', { funded: yuan(p.fundedFen), spent: yuan(p.spentFen) })}</p>
      <div className="iv-bar" aria-hidden>
        <span style={{ width: `${Math.min(100, p.fundedFen ? (100 * p.spentFen) / p.fundedFen : 0)}%` }} className={p.spentFen > p.fundedFen ? 'over' : ''} />
      </div>
      <h3>{t('detail.milestones')}</h3>
      <ul className="iv-list">
        {p.milestones.map((m) => (
          <li key={m.id}>
            {m.title} · {m.dueOn} {m.doneOn ? <span className="tag">{t('detail.doneOn', { date: m.doneOn })}</span> : official && executing && <button type="button" onClick={() => done.mutate(m.id)}>{t('detail.done')}</button>}
          </li>
        ))}
      </ul>
      {official && executing && (
        <form className="row wrap" onSubmit={(e) => (e.preventDefault(), addMs.mutate())}>
          <label>
            {t('detail.milestoneTitle')}
            <input name="milestoneTitle" value={ms.title} onChange={(e) => setMs({ ...ms, title: e.target.value })} required />
          </label>
          <label>
            {t('detail.dueOn')}
            <input name="dueOn" type="date" value={ms.dueOn} onChange={(e) => setMs({ ...ms, dueOn: e.target.value })} required />
          </label>
          <button type="submit">{t('detail.addMilestone')}</button>
        </form>
      )}
      <h3>{t('detail.spend')}</h3>
      <ul className="iv-list">
        {p.spend.map((s) => (
          <li key={s.id}>
            {s.spentOn} · {yuan(s.amountFen)} · {s.note} {s.override && <span className="tag warn">{t('detail.override')}</span>}
          </li>
        ))}
      </ul>
      {official && p.status === 'in_progress' && (
        <form className="row wrap" onSubmit={(e) => (e.preventDefault(), addSp.mutate())}>
          <label>
            {t('detail.amount')}
            <input name="amount" inputMode="decimal" value={sp.amount} onChange={(e) => setSp({ ...sp, amount: e.target.value })} required />
          </label>
          <label>
            {t('detail.spentOn')}
            <input name="spentOn" type="date" value={sp.spentOn} onChange={(e) => setSp({ ...sp, spentOn: e.target.value })} required />
          </label>
          <label>
            {t('detail.spendNote')}
            <input name="spendNote" value={sp.note} onChange={(e) => setSp({ ...sp, note: e.target.value })} />
          </label>
          {hasRole(me, 'county_admin') && (
            <label className="check">
              <input type="checkbox" checked={sp.override} onChange={(e) => setSp({ ...sp, override: e.target.checked })} />
              {t('detail.override')}
            </label>
          )}
          <button type="submit">{t('detail.addSpend')}</button>
        </form>
      )}
      <ErrorText ns="interventions" error={addMs.error ?? done.error ?? addSp.error} />
    </section>
  );
}

function Files({ p, onChange }: { p: Proposal; onChange: () => void }) {
  const { t } = useTranslation('interventions');
  const { data: me } = useMe();
  const official = hasRole(me, 'village_official', 'town_official', 'county_admin');
  const mayAttachDraft = p.status === 'draft' && p.isMine;
  const executionPhases = (['progress', 'before', 'after'] as const).filter((ph) =>
    ph === 'progress' ? ['funded', 'in_progress'].includes(p.status) : ph === 'before' ? ['funded', 'in_progress', 'completed'].includes(p.status) : ['in_progress', 'completed'].includes(p.status),
  );
  return (
    <section className="card iv-files-card">
      <h2>{t('files.title')}</h2>
      <FileGallery files={p.files ?? []} />
      {mayAttachDraft && <FileUpload proposalId={p.id} phases={['proposal']} kinds={['photo', 'drawing']} onDone={onChange} />}
      {official && executionPhases.length > 0 && <FileUpload proposalId={p.id} phases={[...executionPhases]} kinds={['photo']} onDone={onChange} />}
    </section>
  );
}

export function DetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('interventions');
  const client = useQueryClient();
  const name = useName();
  const title = useTitle();
  const { data: me, isPending: mePending } = useMe();
  const q = useQuery({ queryKey: ['intervention', id], queryFn: () => api<Proposal>(`/interventions/${id}`) });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['intervention', id] });
    void client.invalidateQueries({ queryKey: ['interventions'] });
    void client.invalidateQueries({ queryKey: ['intervention-notifications'] });
  };
  const act = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Proposal>(`/interventions/${id}/transitions`, { method: 'POST', body }),
    onSuccess: (p) => {
      client.setQueryData(['intervention', id], p);
      refresh();
    },
    onError: refresh,
  });
  if (q.isPending) return <p>{t('title')}…</p>;
  // A proposal not yet public may be the visitor's own or their village's: signing in may show it.
  if (q.error && !mePending && !me) return <SignInRedirect />;
  if (q.error) return <ErrorText ns="interventions" error={q.error} />;
  const p = q.data;
  return (
    <article className="stack iv-detail">
      <section className="card">
        <p>
          <Link to="/interventions">← {t('detail.back')}</Link>
        </p>
        <h1>{title(p)}</h1>
        <p className="row wrap">
          <span className={`tag iv-status-${p.status}`} data-testid="status">
            {t(`status.${p.status}`)}
          </span>
          <span className="muted">{t(`type.${p.type}`)}</span>
          <span className="muted">{t('detail.place', { village: name({ nameZh: p.villageName, namePinyin: p.villagePinyin }, 'village'), township: name({ nameZh: p.townshipName, namePinyin: p.townshipPinyin }, 'township') })}</span>
        </p>
        {p.rejectionReason && <p className="error">{t('detail.rejected', { reason: p.rejectionReason })}</p>}
        {p.description && <p className="description">{p.description}</p>}
        <p>
          {t('detail.cost')}: <strong>{yuan(p.costFen)}</strong> · {t('detail.duration', { count: p.durationMonths })}
        </p>
        <ul className="iv-funding">
          {(Object.keys(p.funding) as (keyof Proposal['funding'])[])
            .filter((s) => p.funding[s] > 0)
            .map((s) => (
              <li key={s}>
                {t(`source.${s}`)} {yuan(p.funding[s])}
              </li>
            ))}
        </ul>
        {p.buildings.map((b, i) => (
          <p key={i} className="muted">
            {b.name} · {t(`level.${b.protectionLevel}`)} · {b.heightM} m · {b.volumeM3} m³
          </p>
        ))}
        {p.status === 'draft' && p.isMine && <Link to={`/interventions/p/${p.id}/edit`}>{t('detail.edit')}</Link>}
      </section>
      <section className="card">
        <RulesReport rules={p.rules} />
      </section>
      <Files p={p} onChange={refresh} />
      <ErrorText ns="interventions" error={act.error} />
      <ActionPanel p={p} act={(b) => act.mutate(b)} pending={act.isPending} />
      <section className="card">
        <h2>{t('detail.timeline')}</h2>
        <Timeline items={p.timeline} />
      </section>
      <section className="card">
        <h2>{t('detail.outcomesExpected')}</h2>
        <Outcomes values={p.outcomes} />
        {p.actualOutcomes && (
          <>
            <h2>{t('detail.actualOutcomes')}</h2>
            <OutcomeComparison expected={p.outcomes} actual={p.actualOutcomes} />
            {p.evaluation && <p className="description">{p.evaluation}</p>}
          </>
        )}
        {p.risks && (
          <>
            <h2>{t('detail.risks')}</h2>
            <p className="description">{p.risks}</p>
          </>
        )}
      </section>
      {p.status !== 'draft' && (
        <section className="card">
          <Votes p={p} onChange={refresh} />
        </section>
      )}
      <section className="card">
        <Execution p={p} onChange={refresh} />
        {p.status !== 'draft' && <Comments id={p.id} />}
      </section>
    </article>
  );
}
