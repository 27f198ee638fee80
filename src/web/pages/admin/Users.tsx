import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type CountyTree, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useName } from '../../names.ts';

type UserRow = Reply<'listUsers'>['items'][number];
type Org = Reply<'listOrganizations'>[number];

const ROLES = ['county_admin', 'town_official', 'village_official', 'resident', 'producer', 'innkeeper', 'artisan', 'logistics_operator'] as const;
type Role = (typeof ROLES)[number];
const ORG_ROLES: Role[] = ['producer', 'innkeeper', 'artisan'];

/** Which places a role can be granted on: the county, a township, a village, or an organization. */
function useScopes() {
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const orgs = useQuery({ queryKey: ['organizations'], queryFn: () => api<Org[]>('/organizations') });
  const name = useName();
  return (role: Role): { value: string; label: string; kind: 'unit' | 'org' }[] => {
    const c = county.data;
    if (!c) return [];
    if (role === 'county_admin' || role === 'logistics_operator') return [{ value: c.county.id, label: name(c.county), kind: 'unit' }];
    if (role === 'town_official') return c.townships.map((t) => ({ value: t.id, label: name(t), kind: 'unit' }));
    if (ORG_ROLES.includes(role)) {
      const village = new Map(c.townships.flatMap((t) => t.villages.map((v) => [v.id, name(v, 'village')] as const)));
      return (orgs.data ?? []).map((o) => ({ value: o.id, label: `${name(o)}（${village.get(o.unitId) ?? o.unitName}）`, kind: 'org' }));
    }
    return c.townships.flatMap((t) => t.villages.map((v) => ({ value: v.id, label: `${name(t)} · ${name(v)}`, kind: 'unit' as const })));
  };
}

function GrantPicker({ onPick, submitLabel, pending }: { onPick: (g: { role: Role; unitId?: string; orgId?: string }) => void; submitLabel: string; pending: boolean }) {
  const { t } = useTranslation();
  const scopes = useScopes();
  const [role, setRole] = useState<Role>('resident');
  const [scope, setScope] = useState('');
  const options = scopes(role);
  const chosen = options.find((o) => o.value === scope) ?? options[0];
  return (
    <div className="row wrap">
      <label>
        {t('admin.role')}
        <select name="role" value={role} onChange={(e) => { setRole(e.target.value as Role); setScope(''); }}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('admin.scope')}
        <select name="scope" value={chosen?.value ?? ''} onChange={(e) => setScope(e.target.value)} aria-label={t('admin.chooseScope')}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={!chosen || pending} onClick={() => chosen && onPick(chosen.kind === 'org' ? { role, orgId: chosen.value } : { role, unitId: chosen.value })}>
        {submitLabel}
      </button>
    </div>
  );
}

/** A one-time reset link for one user, made on request and shown once to give to the person. */
function ResetLink({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const make = useMutation({ mutationFn: () => api<Reply<'createPasswordReset'>>(`/users/${userId}/password-reset`, { method: 'POST' }) });
  return (
    <>
      <button type="button" onClick={() => make.mutate()} disabled={make.isPending}>
        {t('account.resetLink')}
      </button>
      <ErrorText error={make.error} />
      {make.data && (
        <p className="notice" role="status">
          {t('account.resetLinkMade', { hours: 24 })} <code data-testid="reset-link">{`${window.location.origin}${make.data.path}`}</code>
        </p>
      )}
    </>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [q, setQ] = useState('');
  const users = useQuery({ queryKey: ['users', q], queryFn: () => api<Reply<'listUsers'>>('/users', { query: { q, limit: 200 } }) });
  const refresh = () => client.invalidateQueries({ queryKey: ['users'] });
  const [form, setForm] = useState({ username: '', displayName: '', password: '' });
  const [notice, setNotice] = useState('');
  const create = useMutation({
    mutationFn: () => api<Reply<'createUser'>>('/users', { method: 'POST', body: form }),
    onSuccess: (u) => {
      setNotice(t('admin.created', { username: u.username }));
      setForm({ username: '', displayName: '', password: '' });
      void refresh();
    },
  });
  const act = useMutation({
    mutationFn: (call: { path: string; method: string; body?: unknown }) => api(call.path, call),
    onSuccess: () => void refresh(),
  });
  const sorted = useMemo(() => users.data?.items ?? [], [users.data]);

  return (
    <div className="stack">
      <section className="card">
        <h1>{t('admin.title')}</h1>
        <h2>{t('admin.newUser')}</h2>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          {(['username', 'displayName', 'password'] as const).map((f) => (
            <label key={f}>
              {t(`auth.${f}`)}
              <input name={`new-${f}`} type={f === 'password' ? 'password' : 'text'} autoComplete="off" value={form[f]} onChange={(e) => setForm({ ...form, [f]: e.target.value })} required />
            </label>
          ))}
          <ErrorText error={create.error} />
          {notice && <p className="notice" role="status">{notice}</p>}
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('admin.create')}
          </button>
        </form>
      </section>
      <section className="card">
        <input type="search" className="filter" placeholder={t('admin.search')} aria-label={t('admin.search')} value={q} onChange={(e) => setQ(e.target.value)} />
        <ErrorText error={users.error ?? act.error} />
        {users.data && <p className="muted">{t('admin.total', { count: users.data.total })}</p>}
        <ul className="user-list">
          {sorted.map((u) => (
            <li key={u.id} className="user" data-username={u.username}>
              <div className="row wrap">
                <strong>{u.displayName}</strong> <span className="muted">@{u.username}</span>
                {u.disabled && <span className="tag warn">{t('admin.disabled')}</span>}
                {u.lockedUntil && new Date(u.lockedUntil) > new Date() && <span className="tag warn">{t('admin.locked')}</span>}
              </div>
              <div className="grants">
                {u.grants.length === 0 && <span className="muted">{t('admin.noGrants')}</span>}
                {u.grants.map((g) => (
                  <span key={g.id} className="tag">
                    {t(`roles.${g.role}`)} · {g.unitName ?? g.orgName}
                    <button type="button" className="tag-remove" aria-label={`${t('admin.remove')} ${t(`roles.${g.role}`)}`} onClick={() => act.mutate({ path: `/grants/${g.id}`, method: 'DELETE' })}>
                      ×
                    </button>
                  </span>
                ))}
              </div>
              <details>
                <summary>{t('admin.addGrant')}</summary>
                <GrantPicker pending={act.isPending} submitLabel={t('admin.addGrant')} onPick={(g) => act.mutate({ path: `/users/${u.id}/grants`, method: 'POST', body: g })} />
              </details>
              <div className="row">
                <button type="button" onClick={() => act.mutate({ path: `/users/${u.id}`, method: 'PATCH', body: { disabled: !u.disabled } })}>
                  {u.disabled ? t('admin.enable') : t('admin.disable')}
                </button>
                {u.lockedUntil && (
                  <button type="button" onClick={() => act.mutate({ path: `/users/${u.id}`, method: 'PATCH', body: { unlock: true } })}>
                    {t('admin.unlock')}
                  </button>
                )}
              </div>
              <ResetLink userId={u.id} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
