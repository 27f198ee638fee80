import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { hasRole, SignInRedirect, useMe } from '../../auth.tsx';
import { AttachDocuments, DocumentLinks } from './Documents.tsx';
import { Experiences } from './Experiences.tsx';
import { NewProgramme } from './NewProgramme.tsx';
import { PeopleError } from './PeopleError.tsx';
import { useTitle } from '../../names.ts';
import { OFFICIALS, yuan, type Application, type Craft, type Master, type MyPeople, type Programme, type ResidentRow } from './shared.ts';

export function useMyPeople(enabled: boolean) {
  return useQuery({ queryKey: ['people', 'me'], queryFn: () => api<Reply<'myPeopleRecord'>>('/people/me'), enabled });
}

export function StatusTag({ status }: { status: Application['status'] }) {
  const { t } = useTranslation('people');
  return <span className={`tag people-status-${status}${status === 'rejected' ? ' warn' : ''}`}>{t(`status.${status}`)}</span>;
}

/** An application as its applicant follows it: the status, the amounts, the reason of a refusal. */
export function MyApplication({ a }: { a: Application }) {
  const { t } = useTranslation('people');
  const title = useTitle();
  const client = useQueryClient();
  const withdraw = useMutation({
    mutationFn: () => api(`/people/applications/${a.id}/decisions`, { method: 'POST', body: { action: 'withdraw', from: a.status } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  const pending = ['submitted', 'village_approved', 'township_approved'].includes(a.status);
  return (
    <li className="people-row" data-testid="my-application">
      <div className="row wrap">
        <Link to={`/people/programmes/${a.programmeId}`}>{title({ title: a.programmeTitle, titleEn: a.programmeTitleEn })}</Link>
        <StatusTag status={a.status} />
      </div>
      <div className="muted">
        {t('mine.amount', { amount: yuan(a.amountFen) })}
        {a.disbursedFen > 0 && ` · ${t('mine.disbursedTo', { amount: yuan(a.disbursedFen) })}`}
      </div>
      {a.reason && <div className="warn-text">{t('mine.reason', { reason: a.reason })}</div>}
      <DocumentLinks a={a} />
      {['submitted', 'village_approved', 'township_approved'].includes(a.status) && <AttachDocuments a={a} />}
      <PeopleError error={withdraw.error} />
      {pending && (
        <button type="button" className="people-withdraw" disabled={withdraw.isPending} onClick={() => window.confirm(t('mine.confirmWithdraw')) && withdraw.mutate()}>
          {t('mine.withdraw')}
        </button>
      )}
    </li>
  );
}

function ProgrammeCard({ p }: { p: Programme }) {
  const { t } = useTranslation('people');
  const title = useTitle();
  return (
    <li className="people-row" data-testid="programme">
      <Link to={`/people/programmes/${p.id}`} className="people-title">
        {title(p)}
      </Link>
      <div className="row wrap">
        <span className="tag">{t(`programmes.kinds.${p.kind}`)}</span>
        {p.returneesOnly && <span className="tag">{t('programmes.returneesOnly')}</span>}
        {p.open ? <span className="muted">{t('programmes.deadline', { date: p.deadline })}</span> : <span className="tag warn">{t('programmes.closed')}</span>}
      </div>
      <div className="muted">
        {t('programmes.maxAward', { amount: yuan(p.maxAwardFen) })} · {t('programmes.budget', { amount: yuan(p.budgetFen) })}
      </div>
    </li>
  );
}

function Crafts({ canAsk, asked, runs }: { canAsk: boolean; asked: Set<string>; runs: (m: Master) => boolean }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const crafts = useQuery({ queryKey: ['people', 'crafts'], queryFn: () => api<Reply<'listCrafts'>>('/people/crafts') });
  const ask = useMutation({
    mutationFn: (artisanId: string) => api(`/people/artisans/${artisanId}/apprenticeships`, { method: 'POST', body: {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <section className="card" aria-labelledby="people-crafts">
      <h2 id="people-crafts">{t('crafts.title')}</h2>
      <PeopleError error={crafts.error ?? ask.error} />
      {crafts.data?.length === 0 && <p className="hint">{t('crafts.none')}</p>}
      {crafts.data?.map((c) => (
        <div key={c.craft} className="people-craft" data-testid="craft">
          <h3>
            {c.craft} <span className="muted">· {t('crafts.apprentices', { count: c.apprentices })}</span>
          </h3>
          <ul className="people-list">
            {c.masters.map((m) => (
              <li key={m.id} className="people-row">
                <div className="row wrap">
                  <strong>{m.publicName}</strong>
                  <span className="tag">{t(`crafts.levels.${m.level}`)}</span>
                  {m.places > 0 && <span className="muted">{t('crafts.places', { count: m.places })}</span>}
                  {m.atlasCraft && (
                    <Link to={m.atlasCraft.path} className="muted" data-testid="atlas-craft">
                      {t('crafts.inAtlas', { name: m.atlasCraft.name })}
                    </Link>
                  )}
                  {runs(m) && (
                    <Link to={`/people/artisans/${m.id}`}>
                      {t('workshop.open')} {m.publicName}
                    </Link>
                  )}
                </div>
                {m.bio && <div className="muted">{m.bio}</div>}
                {m.apprentices.length > 0 && (
                  <div>
                    {m.apprentices.map((a, i) => (
                      <span key={i} className="tag">
                        {a.name} · {t(`crafts.apprenticeStatus.${a.status}`)}
                      </span>
                    ))}
                  </div>
                )}
                {canAsk && m.places > 0 && (
                  asked.has(m.id) ? (
                    <span className="notice">{t('crafts.asked')}</span>
                  ) : (
                    <button type="button" onClick={() => ask.mutate(m.id)} disabled={ask.isPending}>
                      {t('crafts.apply')} {m.publicName}
                    </button>
                  )
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

/** Someone signed in but not (yet) on a village's register redeems the code their village official gave them. */
function Enrol() {
  const { t } = useTranslation('people');
  const [params] = useSearchParams();
  const client = useQueryClient();
  const enrol = useMutation({
    mutationFn: (code: string) => api('/people/enrol', { method: 'POST', body: { code } }),
    // The account now holds the village's resident role: the session's grants change too.
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: ['people'] }), client.invalidateQueries({ queryKey: ['me'] })]),
  });
  return (
    <form
      className="form"
      aria-label={t('enrol.title')}
      onSubmit={(e) => {
        e.preventDefault();
        enrol.mutate(String(new FormData(e.currentTarget).get('code')));
      }}
    >
      <h2>{t('enrol.title')}</h2>
      <p className="hint">{t('enrol.hint')}</p>
      <label>
        {t('enrol.code')}
        <input name="code" required autoComplete="off" autoCapitalize="characters" maxLength={20} defaultValue={params.get('code') ?? ''} />
      </label>
      <PeopleError error={enrol.error} />
      <button type="submit" className="primary" disabled={enrol.isPending}>
        {t('enrol.submit')}
      </button>
    </form>
  );
}

function Enrolment() {
  return (
    <div className="card stack">
      <Enrol />
      <EnrolByPhone />
    </div>
  );
}

/** Enrolment by the phone number on the register: a code comes by text message, and goes back here. */
function EnrolByPhone() {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const [phone, setPhone] = useState('');
  const ask = useMutation({ mutationFn: () => api('/people/enrol/phone', { method: 'POST', body: { phone } }) });
  const confirm = useMutation({
    mutationFn: (code: string) => api('/people/enrol/phone/confirm', { method: 'POST', body: { phone, code } }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: ['people'] }), client.invalidateQueries({ queryKey: ['me'] })]),
  });
  return (
    <div className="stack">
      <h3>{t('enrol.byPhone')}</h3>
      <p className="hint">{t('enrol.byPhoneHint')}</p>
      <form
        className="form"
        aria-label={t('enrol.byPhone')}
        onSubmit={(e) => {
          e.preventDefault();
          ask.mutate();
        }}
      >
        <label>
          {t('enrol.phone')}
          <input type="tel" inputMode="tel" autoComplete="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required pattern="[+0-9 \-]{5,20}" />
        </label>
        <PeopleError error={ask.error} />
        <button type="submit" disabled={ask.isPending}>
          {t('enrol.sendCode')}
        </button>
      </form>
      {ask.isSuccess && (
        <form
          className="form"
          aria-label={t('enrol.confirm')}
          onSubmit={(e) => {
            e.preventDefault();
            confirm.mutate(String(new FormData(e.currentTarget).get('code')).trim());
          }}
        >
          <p className="notice">{t('enrol.sent')}</p>
          <label>
            {t('enrol.smsCode')}
            <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required />
          </label>
          <PeopleError error={confirm.error} />
          <button type="submit" className="primary" disabled={confirm.isPending}>
            {t('enrol.confirm')}
          </button>
        </form>
      )}
    </div>
  );
}

function MyRecord({ r }: { r: ResidentRow }) {
  const { t } = useTranslation('people');
  return (
    <p data-testid="my-record">
      <strong>{r.name}</strong> <span className="tag">{t(`residents.statuses.${r.status}`)}</span>{' '}
      <span className="muted">{[r.returnedFrom && t('residents.from', { place: r.returnedFrom }), r.occupation].filter(Boolean).join(' · ')}</span>
    </p>
  );
}

export function HomePage() {
  const { t } = useTranslation('people');
  const { data: me } = useMe();
  const programmes = useQuery({ queryKey: ['people', 'programmes'], queryFn: () => api<Reply<'listProgrammes'>>('/people/programmes') });
  const mine = useMyPeople(!!me);
  const asked = new Set(mine.data?.apprenticeships.map((a) => a.artisanId));
  return (
    <div className="stack people">
      <p className="hint">{t('intro')}</p>
      {mine.data?.resident && (
        <section className="card" aria-labelledby="people-mine">
          <h2 id="people-mine">{t('mine.title')}</h2>
          <MyRecord r={mine.data.resident} />
          {hasRole(me, 'resident') && <p className="hint">{t('enrol.verified')}</p>}
          {mine.data.applications.length === 0 && <p className="hint">{t('mine.none')}</p>}
          <ul className="people-list">
            {mine.data.applications.map((a) => (
              <MyApplication key={a.id} a={a} />
            ))}
          </ul>
          {mine.data.apprenticeships.length > 0 && (
            <>
              <h3>{t('mine.apprenticeships')}</h3>
              <ul className="people-list">
                {mine.data.apprenticeships.map((s) => (
                  <li key={s.id} className="people-row">
                    <Link to={`/people/apprenticeships/${s.id}`}>
                      {s.craft} · {s.master}
                    </Link>{' '}
                    <span className="tag">{t(`crafts.apprenticeStatus.${s.status}`)}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      {mine.data && !mine.data.resident && !hasRole(me, ...OFFICIALS) && <Enrolment />}
      <section className="card" aria-labelledby="people-programmes">
        <h2 id="people-programmes">{t('programmes.title')}</h2>
        <PeopleError error={programmes.error} />
        {programmes.data?.length === 0 && <p className="hint">{t('programmes.none')}</p>}
        <ul className="people-list">
          {programmes.data?.map((p) => (
            <ProgrammeCard key={p.id} p={p} />
          ))}
        </ul>
      </section>
      {me && hasRole(me, 'county_admin', 'town_official') && <NewProgramme me={me} />}
      <Crafts canAsk={!!mine.data?.resident} asked={asked} runs={(m) => hasRole(me, ...OFFICIALS) || !!mine.data?.masterOf.some((x) => x.id === m.id)} />
      <Experiences />
    </div>
  );
}

/** The page an enrolment link or QR code opens: sign in first (coming back here), then redeem the code. */
export function EnrolPage() {
  const { data: me, isPending } = useMe();
  if (isPending) return null;
  if (!me) return <SignInRedirect />;
  return <HomePage />;
}
