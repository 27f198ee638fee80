// The county's organizations — cooperatives, family farms, workshops, inns, companies, logistics operators —
// by village, with how many people hold a role on each; the county admin registers new ones here and grants
// people roles on them from the users page.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type CountyTree, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useName } from '../../names.ts';

export const ORG_KINDS = ['cooperative', 'family_farm', 'workshop', 'inn', 'company', 'logistics_operator'] as const;
type OrgKind = (typeof ORG_KINDS)[number];

type OrgRow = Reply<'listOrganizations'>[number];
type Member = Reply<'organizationMembers'>[number];

function KindOptions() {
  const { t } = useTranslation();
  return ORG_KINDS.map((k) => (
    <option key={k} value={k}>
      {t(`orgs.kinds.${k}`)}
    </option>
  ));
}

function Members({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const members = useQuery({ queryKey: ['organizations', orgId, 'members'], queryFn: () => api<Member[]>(`/organizations/${orgId}/members`) });
  if (members.error) return <ErrorText error={members.error} />;
  if (!members.data) return null;
  if (members.data.length === 0) return <p className="muted">{t('orgs.noMembers')}</p>;
  return (
    <ul className="org-members">
      {members.data.map((m) => (
        <li key={`${m.id}-${m.role}`}>
          {m.displayName} <span className="muted">@{m.username}</span> <span className="tag">{t(`roles.${m.role}`)}</span>
        </li>
      ))}
    </ul>
  );
}

export function OrganizationsPage() {
  const { t } = useTranslation();
  const name = useName();
  const client = useQueryClient();
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const villages = new Map((county.data?.townships ?? []).flatMap((tw) => tw.villages.map((v) => [v.id, v] as const)));
  const [kind, setKind] = useState<OrgKind | ''>('');
  const orgs = useQuery({ queryKey: ['organizations', 'all', kind], queryFn: () => api<OrgRow[]>('/organizations', { query: { kind: kind || undefined } }) });
  const blank = { unitId: '', kind: 'cooperative' as OrgKind, name: '', nameEn: '', description: '' };
  const [form, setForm] = useState(blank);
  const [open, setOpen] = useState('');
  const create = useMutation({
    mutationFn: () => api<Reply<'createOrganization'>>('/organizations', { method: 'POST', body: { ...form, name: form.name.trim(), nameEn: form.nameEn.trim() || null, description: form.description.trim() } }),
    onSuccess: () => {
      setForm(blank);
      void client.invalidateQueries({ queryKey: ['organizations'] });
    },
  });
  return (
    <div className="stack">
      <section className="card">
        <h1>{t('orgs.title')}</h1>
        <p className="hint">
          {t('orgs.hint')} <Link to="/admin/users">{t('nav.admin')} →</Link>
        </p>
        <h2>{t('orgs.new')}</h2>
        <form
          className="form"
          aria-label={t('orgs.new')}
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <label>
            {t('orgs.village')}
            <select value={form.unitId} onChange={(e) => setForm({ ...form, unitId: e.target.value })} required>
              <option value="" />
              {county.data?.townships.map((tw) => (
                <optgroup key={tw.id} label={name(tw)}>
                  {tw.villages.map((v) => (
                    <option key={v.id} value={v.id}>
                      {name(v)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <label>
            {t('orgs.kind')}
            <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as OrgKind })}>
              <KindOptions />
            </select>
          </label>
          <label>
            {t('orgs.name')}
            <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required maxLength={120} />
          </label>
          <label>
            {t('common.nameEn')}
            <input name="nameEn" lang="en" value={form.nameEn} onChange={(e) => setForm({ ...form, nameEn: e.target.value })} maxLength={120} />
          </label>
          <label>
            {t('orgs.description')}
            <textarea value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} rows={2} maxLength={2000} />
          </label>
          <ErrorText error={create.error} />
          {create.data && (
            <p className="notice" role="status">
              {t('orgs.created', { name: name(create.data) })}
            </p>
          )}
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('admin.create')}
          </button>
        </form>
      </section>
      <section className="card">
        <label>
          {t('orgs.kind')}
          <select aria-label={t('orgs.filter')} value={kind} onChange={(e) => setKind(e.target.value as OrgKind | '')}>
            <option value="">{t('orgs.all')}</option>
            <KindOptions />
          </select>
        </label>
        <ErrorText error={orgs.error} />
        <ul className="org-list">
          {orgs.data?.map((o) => (
            <li key={o.id} data-org={o.name}>
              <button type="button" className="link-button" aria-expanded={open === o.id} onClick={() => setOpen(open === o.id ? '' : o.id)}>
                {name(o)}
              </button>{' '}
              <span className="tag">{t(`orgs.kinds.${o.kind}`)}</span> <span className="muted">{villages.get(o.unitId) ? name(villages.get(o.unitId)!, 'village') : o.unitName} ·</span>{' '}
              <span className="muted" data-testid="org-members">{t('orgs.members', { count: o.members })}</span>
              {open === o.id && <Members orgId={o.id} />}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
