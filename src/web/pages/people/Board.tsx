import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type CountyTree, type Me, type Reply } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { ACCOUNT_CATEGORIES, ACCOUNT_DIRECTIONS, NOTICE_CATEGORIES } from '../../../modules/people/constants.ts';
import { useUnitName } from '../County.tsx';
import { PeopleError } from './PeopleError.tsx';
import { yuan } from './shared.ts';

type Direction = (typeof ACCOUNT_DIRECTIONS)[number];
type Category = (typeof ACCOUNT_CATEGORIES)[Direction][number];
type Notices = Reply<'villageNotices'>;
type Notice = Notices['notices'][number];
type Accounts = Reply<'villageAccounts'>;
type Period = Accounts['periods'][number];
type Totals = Pick<Period, 'incomeFen' | 'expenseFen' | 'balanceFen'>;
type PeriodDetail = Reply<'getAccountPeriod'>;

const shanghaiDay = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

/** The village the board opens on: the one in the address, else the person's own (as a resident or its official). */
function homeVillage(tree: CountyTree | undefined, me: Me | null | undefined) {
  const villages = new Set(tree?.townships.flatMap((t) => t.villages.map((v) => v.id)));
  return me?.grants.map((g) => g.unitId).find((u): u is string => !!u && villages.has(u)) ?? tree?.townships[0]?.villages[0]?.id;
}

function NoticeRow({ n, canManage }: { n: Notice; canManage: boolean }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const withdraw = useMutation({
    mutationFn: () => api(`/people/notices/${n.id}/withdraw`, { method: 'POST', body: { reason } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people', 'notices'] }),
  });
  return (
    <li className={`people-row${n.status === 'withdrawn' ? ' people-withdrawn' : ''}`} data-testid="notice">
      <div className="row wrap">
        {n.pinned && <span className="tag">{t('board.pinned')}</span>}
        <span className="tag">{t(`board.categories.${n.category}`)}</span>
        <span className="muted">{shanghaiDay(n.postedAt)}</span>
        {n.status === 'withdrawn' && <span className="tag warn">{t('board.withdrawn')}</span>}
      </div>
      <strong className="people-title">{n.title}</strong>
      <div className="people-body">{n.body}</div>
      {n.withdrawnReason && <div className="warn-text">{t('board.withdrawnBecause', { reason: n.withdrawnReason })}</div>}
      {canManage && n.status === 'published' && (
        <details>
          <summary>{t('board.withdraw')}</summary>
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              withdraw.mutate();
            }}
          >
            <label>
              {t('board.withdrawReason')}
              <input value={reason} onChange={(e) => setReason(e.target.value)} required minLength={2} maxLength={500} />
            </label>
            <PeopleError error={withdraw.error} />
            <button type="submit" disabled={withdraw.isPending}>
              {t('board.withdrawSubmit')}
            </button>
          </form>
        </details>
      )}
    </li>
  );
}

function PostNotice({ villageId }: { villageId: string }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const post = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/people/villages/${villageId}/notices`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people', 'notices'] }),
  });
  return (
    <details className="card">
      <summary>{t('board.post')}</summary>
      <form
        className="form"
        aria-label={t('board.post')}
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const f = new FormData(form);
          post.mutate({ category: f.get('category'), title: f.get('title'), body: f.get('body'), pinned: f.get('pinned') === 'on' }, { onSuccess: () => form.reset() });
        }}
      >
        <label>
          {t('board.category')}
          <select name="category" defaultValue="affairs">
            {NOTICE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`board.categories.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('board.noticeTitle')}
          <input name="title" required minLength={2} maxLength={120} />
        </label>
        <label>
          {t('board.noticeBody')}
          <textarea name="body" required minLength={2} maxLength={20000} rows={5} />
        </label>
        <label className="row">
          <input name="pinned" type="checkbox" /> {t('board.pin')}
        </label>
        <PeopleError error={post.error} />
        <button type="submit" className="primary" disabled={post.isPending}>
          {t('board.postSubmit')}
        </button>
      </form>
    </details>
  );
}

function TotalsLine({ p }: { p: Totals }) {
  const { t } = useTranslation('people');
  return (
    <div className="people-totals">
      <span>{t('board.income', { amount: yuan(p.incomeFen) })}</span>
      <span>{t('board.expense', { amount: yuan(p.expenseFen) })}</span>
      <strong>{t('board.balance', { amount: (p.balanceFen < 0 ? '−' : '') + yuan(Math.abs(p.balanceFen)) })}</strong>
    </div>
  );
}

function OpenPeriod({ villageId }: { villageId: string }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const navigate = useNavigate();
  const open = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Reply<'openAccountPeriod'>>(`/people/villages/${villageId}/accounts`, { method: 'POST', body }),
    onSuccess: async (p) => {
      await client.invalidateQueries({ queryKey: ['people', 'accounts'] });
      await navigate(`/people/accounts/${p.id}`);
    },
  });
  return (
    <form
      className="form"
      aria-label={t('board.openPeriod')}
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        open.mutate({ period: String(f.get('period')).trim(), note: f.get('note') });
      }}
    >
      <div className="iv-pair">
        <label>
          {t('board.period')}
          <input name="period" required placeholder="2026-11" pattern="[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])" />
        </label>
        <label>
          {t('board.note')}
          <input name="note" maxLength={2000} />
        </label>
      </div>
      <p className="hint">{t('board.periodHint')}</p>
      <PeopleError error={open.error} />
      <button type="submit" disabled={open.isPending}>
        {t('board.openPeriod')}
      </button>
    </form>
  );
}

/** A village's board: its notices, and its accounts a period at a time. */
export function BoardPage() {
  const { t } = useTranslation('people');
  const { t: tc } = useTranslation();
  const unitName = useUnitName();
  const navigate = useNavigate();
  const { villageId: chosen } = useParams();
  const { data: me } = useMe();
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const villageId = chosen ?? homeVillage(county.data, me);
  const notices = useQuery({ queryKey: ['people', 'notices', villageId], queryFn: () => api<Notices>(`/people/villages/${villageId}/notices`), enabled: !!villageId });
  const accounts = useQuery({ queryKey: ['people', 'accounts', villageId], queryFn: () => api<Accounts>(`/people/villages/${villageId}/accounts`), enabled: !!villageId });
  return (
    <div className="stack people">
      <p className="hint">{t('board.intro')}</p>
      <label className="people-village-pick">
        {t('board.village')}
        <select value={villageId ?? ''} onChange={(e) => navigate(`/people/board/${e.target.value}`)}>
          {county.data?.townships.map((tw) => (
            <optgroup key={tw.id} label={unitName(tw)}>
              {tw.villages.map((v) => (
                <option key={v.id} value={v.id}>
                  {unitName(v)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <section className="card" aria-labelledby="people-notices">
        <h2 id="people-notices">{t('board.notices')}</h2>
        <PeopleError error={county.error ?? notices.error} />
        {!notices.data && !notices.error && <p>{tc('common.loading')}</p>}
        {notices.data?.notices?.length === 0 && <p className="hint">{t('board.noNotices')}</p>}
        <ul className="people-list">
          {notices.data?.notices?.map((n) => (
            <NoticeRow key={n.id} n={n} canManage={notices.data.canManage} />
          ))}
        </ul>
      </section>
      {notices.data?.canManage && villageId && <PostNotice villageId={villageId} />}
      <section className="card" aria-labelledby="people-accounts">
        <h2 id="people-accounts">{t('board.accounts')}</h2>
        <p className="hint">{t('board.accountsHint')}</p>
        <PeopleError error={accounts.error} />
        {accounts.data?.periods?.length === 0 && <p className="hint">{t('board.noAccounts')}</p>}
        <ul className="people-list">
          {accounts.data?.periods?.map((p) => (
            <li key={p.id} className="people-row" data-testid="account-period">
              <div className="row wrap">
                <Link to={`/people/accounts/${p.id}`} className="people-title">
                  {t('board.periodTitle', { period: p.period })}
                </Link>
                {p.status === 'draft' && <span className="tag warn">{t('board.draft')}</span>}
              </div>
              <TotalsLine p={p} />
            </li>
          ))}
        </ul>
        {accounts.data?.canManage && villageId && <OpenPeriod villageId={villageId} />}
      </section>
    </div>
  );
}

function AddEntry({ periodId }: { periodId: string }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const [direction, setDirection] = useState<Direction>('income');
  const add = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/people/accounts/${periodId}/entries`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <form
      className="form"
      aria-label={t('board.addEntry')}
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const f = new FormData(form);
        add.mutate(
          { direction, category: f.get('category'), item: f.get('item'), amountFen: Math.round(Number(f.get('amount')) * 100), occurredOn: f.get('occurredOn') },
          { onSuccess: () => form.reset() },
        );
      }}
    >
      <h3>{t('board.addEntry')}</h3>
      <div className="iv-pair">
        <label>
          {t('board.direction')}
          <select value={direction} onChange={(e) => setDirection(e.target.value as Direction)}>
            {ACCOUNT_DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {t(`board.directions.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('board.head')}
          <select name="category" key={direction}>
            {ACCOUNT_CATEGORIES[direction].map((c) => (
              <option key={c} value={c}>
                {t(`board.heads.${c}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('board.item')}
        <input name="item" required minLength={2} maxLength={200} />
      </label>
      <div className="iv-pair">
        <label>
          {t('board.amount')}
          <input name="amount" type="number" min={0.01} step={0.01} required inputMode="decimal" />
        </label>
        <label>
          {t('board.occurredOn')}
          <input name="occurredOn" type="date" required />
        </label>
      </div>
      <PeopleError error={add.error} />
      <button type="submit" className="primary" disabled={add.isPending}>
        {t('board.addEntrySubmit')}
      </button>
    </form>
  );
}

function Heads({ title, rows }: { title: string; rows: PeriodDetail['income'] }) {
  const { t } = useTranslation('people');
  return (
    <div>
      <h3>{title}</h3>
      <dl className="people-record">
        {rows.map((r) => (
          <div key={r.category} className="people-head">
            <dt>{t(`board.heads.${r.category}`)}</dt>
            <dd>{yuan(r.amountFen)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** One period's accounts: totals by head, every line; its officials add lines to a draft and publish it. */
export function AccountsPage() {
  const { t } = useTranslation('people');
  const { t: tc } = useTranslation();
  const { id } = useParams();
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['people', 'account', id], queryFn: () => api<PeriodDetail>(`/people/accounts/${id}`) });
  const done = { onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }) };
  const remove = useMutation({ mutationFn: (entryId: string) => api(`/people/account-entries/${entryId}`, { method: 'DELETE' }), ...done });
  const publish = useMutation({ mutationFn: () => api(`/people/accounts/${id}/publish`, { method: 'POST' }), ...done });
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const unitName = useUnitName();
  const p = q.data;
  const village = county.data?.townships.flatMap((tw) => tw.villages).find((v) => v.id === p?.villageId);
  const villageName = village ? unitName(village) : (p?.villageName ?? '');
  const editable = !!p && p.canManage && p.status === 'draft';
  return (
    <div className="stack people">
      {p && (
        <p>
          <Link to={`/people/board/${p.villageId}`}>← {t('board.backTo', { village: villageName })}</Link>
        </p>
      )}
      <PeopleError error={q.error} />
      {!p && !q.error && <p>{tc('common.loading')}</p>}
      {p && (
        <section className="card" aria-labelledby="people-period">
          <h2 id="people-period">
            {villageName} · {t('board.periodTitle', { period: p.period })}
          </h2>
          <div className="row wrap">
            {p.status === 'draft' ? <span className="tag warn">{t('board.draft')}</span> : <span className="tag">{t('board.publishedOn', { date: shanghaiDay(p.publishedAt!) })}</span>}
            {p.note && <span className="muted">{p.note}</span>}
          </div>
          <TotalsLine p={p} />
          <div className="people-heads">
            <Heads title={t('board.directions.income')} rows={p.income} />
            <Heads title={t('board.directions.expense')} rows={p.expense} />
          </div>
          <h3>{t('board.lines')}</h3>
          {p.entries.length === 0 && <p className="hint">{t('board.noLines')}</p>}
          <ul className="people-list">
            {p.entries.map((e) => (
              <li key={e.id} className="people-row" data-testid="account-entry">
                <div className="row wrap people-entry">
                  <span className={`tag${e.direction === 'expense' ? ' warn' : ''}`}>{t(`board.directions.${e.direction}`)}</span>
                  <span>{e.item}</span>
                  <strong className="people-amount">{(e.direction === 'expense' ? '−' : '+') + yuan(e.amountFen)}</strong>
                </div>
                <div className="muted">
                  {t(`board.heads.${e.category}`)} · {e.occurredOn}
                </div>
                {editable && (
                  <button type="button" className="people-withdraw" disabled={remove.isPending} onClick={() => remove.mutate(e.id)}>
                    {t('board.removeLine', { item: e.item })}
                  </button>
                )}
              </li>
            ))}
          </ul>
          <PeopleError error={remove.error ?? publish.error} />
          {editable && (
            <>
              <AddEntry periodId={p.id} />
              <div className="people-publish">
                <button type="button" className="primary" disabled={publish.isPending} onClick={() => window.confirm(t('board.confirmPublish')) && publish.mutate()}>
                  {t('board.publish')}
                </button>
              </div>
            </>
          )}
        </section>
      )}
    </div>
  );
}
