import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { api, upload, type CountyTree, type Me, type Reply } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { RESIDENT_STATUSES } from '../../../modules/people/constants.ts';
import { useUnitName } from '../County.tsx';
import { PeopleError } from './PeopleError.tsx';
import { OFFICIALS, type ResidentRow, type ResidentStatus } from './shared.ts';

/** The villages an official's grants cover (a township's villages, or the whole county). */
function villagesInScope(tree: CountyTree | undefined, me: Me | null | undefined) {
  if (!tree || !me) return [];
  const units = new Set(me.grants.filter((g) => OFFICIALS.includes(g.role) && g.unitId).map((g) => g.unitId!));
  return tree.townships.flatMap((t) => t.villages.filter((v) => units.has(tree.county.id) || units.has(t.id) || units.has(v.id)));
}

/** The full record (opening it is audited), and the official's form to update where the person stands. */
function FullRecord({ id }: { id: string }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['people', 'resident', id], queryFn: () => api<Reply<'viewResident'>>(`/people/residents/${id}`) });
  const [status, setStatus] = useState<ResidentStatus | null>(null);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Reply<'updateResident'>>(`/people/residents/${id}`, { method: 'PUT', body }),
    onSuccess: (row) => {
      client.setQueryData(['people', 'resident', id], (before: Reply<'viewResident'> | undefined) => ({ ...row, ventures: before?.ventures ?? [] }));
      return client.invalidateQueries({ queryKey: ['people', 'residents'] });
    },
  });
  if (q.error) return <PeopleError error={q.error} />;
  const r = q.data;
  if (!r) return null;
  const now = status ?? r.status;
  return (
    <div className="stack">
      <dl className="people-record" data-testid="resident-record">
        <dt>{t('residents.fullName')}</dt>
        <dd>{r.name}</dd>
        <dt>{t('residents.household')}</dt>
        <dd>{r.household}</dd>
        <dt>{t('residents.birthYear')}</dt>
        <dd>{r.birthYear}</dd>
        <dt>{t('residents.phone')}</dt>
        <dd>{r.phone}</dd>
        <dt>{t('residents.skills')}</dt>
        <dd>{r.skills?.join('、')}</dd>
        {r.ventures.length > 0 && (
          <>
            <dt>{t('residents.ventures')}</dt>
            <dd data-testid="ventures">
              {r.ventures.map((v) => (
                <span key={v.path}>
                  <Link to={v.path}>{v.name}</Link> <span className="muted">{t(`residents.ventureKind.${v.kind}`)}</span>{' '}
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>
      <form
        className="form"
        aria-label={t('residents.update')}
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const since = String(f.get('statusSince') ?? '');
          save.mutate({
            fullName: r.name,
            household: r.household ?? '',
            birthYear: r.birthYear,
            phone: r.phone,
            skills: r.skills ?? [],
            userId: r.userId,
            status: now,
            statusSince: since || null,
            returnedFrom: now === 'returned' ? String(f.get('returnedFrom') ?? '') : null,
            occupation: String(f.get('occupation') ?? ''),
          });
        }}
      >
        <label>
          {t('residents.status')}
          <select value={now} onChange={(e) => setStatus(e.target.value as ResidentStatus)}>
            {RESIDENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`residents.statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {now === 'returned' && (
          <label>
            {t('residents.returnedFrom')}
            <input name="returnedFrom" defaultValue={r.returnedFrom ?? ''} required maxLength={120} />
          </label>
        )}
        <div className="iv-pair">
          <label>
            {t('residents.statusSince')}
            <input name="statusSince" type="date" defaultValue={r.statusSince ?? ''} />
          </label>
          <label>
            {t('residents.occupation')}
            <input name="occupation" defaultValue={r.occupation} maxLength={120} />
          </label>
        </div>
        <PeopleError error={save.error} />
        {save.isSuccess && <p className="notice">{t('residents.updated')}</p>}
        <button type="submit" disabled={save.isPending}>
          {t('residents.update')}
        </button>
      </form>
    </div>
  );
}

/** A one-time code for a resident without an account, shown once for the official to hand over. */
function Invite({ id }: { id: string }) {
  const { t } = useTranslation('people');
  const invite = useMutation({ mutationFn: () => api<Reply<'inviteResident'>>(`/people/residents/${id}/invitation`, { method: 'POST' }) });
  if (invite.data)
    return (
      <div className="notice" data-testid="invite-code">
        <p>
          {t('enrol.codeIs')} <code>{invite.data.code}</code> · {t('enrol.until', { date: invite.data.expiresAt.slice(0, 10) })}
        </p>
        <img className="people-qr" src={`data:image/svg+xml;utf8,${encodeURIComponent(invite.data.qrSvg)}`} alt={t('enrol.scan')} width={160} height={160} />
        <p className="hint">
          {t('enrol.scan')} · <a href={invite.data.link}>{invite.data.link}</a>
        </p>
      </div>
    );
  return (
    <>
      <PeopleError error={invite.error} />
      <button type="button" disabled={invite.isPending} onClick={() => invite.mutate()}>
        {t('enrol.invite')}
      </button>
    </>
  );
}

function AddResident({ villages }: { villages: { id: string; name: string }[] }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const [status, setStatus] = useState<ResidentStatus>('living');
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Reply<'registerResident'>>('/people/residents', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <form
      className="form"
      aria-label={t('residents.add')}
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const s = (k: string) => String(f.get(k) ?? '').trim();
        save.mutate({
          villageId: s('villageId'),
          fullName: s('fullName'),
          household: s('household'),
          birthYear: Number(s('birthYear')),
          phone: s('phone'),
          status,
          ...(s('statusSince') ? { statusSince: s('statusSince') } : {}),
          ...(status === 'returned' ? { returnedFrom: s('returnedFrom') } : {}),
          occupation: s('occupation'),
          skills: s('skills')
            .split(/[,，、]/)
            .map((x) => x.trim())
            .filter(Boolean),
          consent: f.get('consent') === 'on',
        });
      }}
    >
      <h2>{t('residents.add')}</h2>
      <label>
        {t('residents.village')}
        <select name="villageId" required>
          {villages.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('residents.fullName')}
        <input name="fullName" required maxLength={60} autoComplete="off" />
      </label>
      <div className="iv-pair">
        <label>
          {t('residents.birthYear')}
          <input name="birthYear" type="number" min={1900} max={new Date().getFullYear()} required />
        </label>
        <label>
          {t('residents.household')}
          <input name="household" maxLength={60} />
        </label>
      </div>
      <label>
        {t('residents.phone')}
        <input name="phone" type="tel" inputMode="tel" maxLength={20} autoComplete="off" />
      </label>
      <label>
        {t('residents.status')}
        <select value={status} onChange={(e) => setStatus(e.target.value as ResidentStatus)}>
          {RESIDENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`residents.statuses.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {status === 'returned' && (
        <label>
          {t('residents.returnedFrom')}
          <input name="returnedFrom" required maxLength={120} />
        </label>
      )}
      {status !== 'living' && (
        <label>
          {t('residents.statusSince')}
          <input name="statusSince" type="date" />
        </label>
      )}
      <label>
        {t('residents.occupation')}
        <input name="occupation" maxLength={120} />
      </label>
      <label>
        {t('residents.skills')}
        <input name="skills" maxLength={400} />
      </label>
      <label className="check">
        <input name="consent" type="checkbox" required /> {t('residents.consent')}
      </label>
      <PeopleError error={save.error} />
      {save.isSuccess && <p className="notice">{t('residents.saved')}</p>}
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('residents.save')}
      </button>
    </form>
  );
}

export function ResidentsPage() {
  const { t } = useTranslation('people');
  const { t: tc } = useTranslation();
  const unitName = useUnitName();
  const { data: me, isPending } = useMe();
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county'), staleTime: 3_600_000 });
  const [villageId, setVillageId] = useState('');
  const [status, setStatus] = useState<ResidentStatus | ''>('');
  const [open, setOpen] = useState<string | null>(null);
  const official = hasRole(me, ...OFFICIALS);
  const list = useQuery({
    queryKey: ['people', 'residents', villageId, status],
    queryFn: () => api<Reply<'listResidents'>>('/people/residents', { query: { villageId, status } }),
    enabled: official,
  });
  if (isPending) return <p>{tc('common.loading')}</p>;
  if (!me) return <Navigate to="/login" replace />;
  const villages = villagesInScope(county.data, me).map((v) => ({ id: v.id, name: unitName(v) }));
  const villageName = (id: string) => villages.find((v) => v.id === id)?.name ?? '';
  return (
    <div className="stack people">
      <section className="card">
        <h2>{t('residents.title')}</h2>
        <p className="hint">{t('residents.hint')}</p>
        <div className="iv-pair">
          <label>
            {t('residents.village')}
            <select value={villageId} onChange={(e) => setVillageId(e.target.value)}>
              <option value="">{t('residents.all')}</option>
              {villages.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('residents.status')}
            <select value={status} onChange={(e) => setStatus(e.target.value as ResidentStatus | '')}>
              <option value="">{t('residents.all')}</option>
              {RESIDENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`residents.statuses.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <PeopleError error={list.error} />
        {list.data?.length === 0 && <p className="hint">{t('residents.none')}</p>}
        <ul className="people-list">
          {list.data?.map((r) => (
            <li key={r.id} className="people-row" data-testid="resident">
              <div className="row wrap">
                <strong>{r.name}</strong>
                <span className={`tag${r.status === 'returned' ? ' people-returnee' : ''}`}>{t(`residents.statuses.${r.status}`)}</span>
                <span className="muted">{t(`residents.ageBands.${r.ageBand}`, { defaultValue: r.ageBand })}</span>
                <span className="muted">{villageName(r.villageId)}</span>
              </div>
              <div className="muted">
                {[r.returnedFrom && t('residents.from', { place: r.returnedFrom }), r.statusSince && t('residents.since', { date: r.statusSince }), r.occupation, r.phone].filter(Boolean).join(' · ')}
              </div>
              <div className="row wrap">
                {open === r.id ? (
                  <FullRecord id={r.id} />
                ) : (
                  <button type="button" onClick={() => setOpen(r.id)}>
                    {t('residents.view')}
                  </button>
                )}
                {r.enrolled ? <span className="muted">{t('residents.enrolled')}</span> : <Invite id={r.id} />}
              </div>
            </li>
          ))}
        </ul>
      </section>
      {villages.length > 0 && (
        <section className="card">
          <AddResident villages={villages} />
        </section>
      )}
      {villages.length > 0 && <ImportRegister villages={villages} />}
    </div>
  );
}

type RowProblem = { row: number; field: string; code: string; reason: string };

/** A village's household register from the XLSX template: all rows or none, with every row's problems listed. */
function ImportRegister({ villages }: { villages: { id: string; name: string }[] }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const [villageId, setVillageId] = useState(villages[0]?.id ?? '');
  const [file, setFile] = useState<File | null>(null);
  const run = useMutation({
    mutationFn: () => upload<Reply<'importRegister'>>(`/people/import/residents?villageId=${villageId}`, file!),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people', 'residents'] }),
  });
  const report = ((run.error as unknown as { body?: { report?: RowProblem[] } } | null)?.body?.report ?? []) as RowProblem[];
  return (
    <section className="card">
      <h2>{t('import.title')}</h2>
      <p className="hint">{t('import.hint')}</p>
      <p>
        <a href="/api/v1/people/import/residents/template.xlsx" download>
          {t('import.template')}
        </a>
      </p>
      <form
        className="form"
        aria-label={t('import.title')}
        onSubmit={(e) => {
          e.preventDefault();
          if (file) run.mutate();
        }}
      >
        <label>
          {t('import.village')}
          <select value={villageId} onChange={(e) => setVillageId(e.target.value)}>
            {villages.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('import.file')}
          <input type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <PeopleError error={run.error} />
        {report.length > 0 && (
          <ul className="people-list" data-testid="import-report">
            <li className="warn-text">{t('import.failed')}</li>
            {report.map((p, i) => (
              <li key={i}>{t('import.row', { row: p.row, field: p.field, reason: p.reason })}</li>
            ))}
          </ul>
        )}
        {run.data && (
          <p className="notice" data-testid="import-done">
            {t('import.done', { n: run.data.imported })}
          </p>
        )}
        <button type="submit" className="primary" disabled={run.isPending || !file}>
          {t('import.submit')}
        </button>
      </form>
    </section>
  );
}
