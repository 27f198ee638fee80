import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, type CountyTree, type Reply, type RequestBody } from '../../api.ts';
import { SignInRedirect, useMe } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { LEVELS, MATERIALS, PILLARS, SOURCES, toFen, TYPES, yuan, type Proposal } from './shared.ts';
import { useName } from '../../names.ts';
import { NameEnField } from '../../components/NameEnField.tsx';

type Fields = {
  villageId: string;
  title: string;
  titleEn: string;
  type: (typeof TYPES)[number];
  description: string;
  site: string;
  lon: string;
  lat: string;
  buildingId: string;
  buildingName: string;
  protectionLevel: (typeof LEVELS)[number];
  heightM: string;
  volumeM3: string;
  demolishes: boolean;
  heightChangeM: string;
  volumeChangePct: string;
  materials: string[];
  otherMaterials: string;
  conservationPlanUrl: string;
  cost: string;
  funding: Record<(typeof SOURCES)[number], string>;
  durationMonths: string;
  outcomes: Record<(typeof PILLARS)[number], string>;
  risks: string;
};

const blank = (villageId: string): Fields => ({
  villageId,
  title: '',
  titleEn: '',
  type: 'restoration',
  description: '',
  site: '',
  lon: '',
  lat: '',
  buildingId: '',
  buildingName: '',
  protectionLevel: 'none',
  heightM: '0',
  volumeM3: '0',
  demolishes: false,
  heightChangeM: '0',
  volumeChangePct: '0',
  materials: [],
  otherMaterials: '',
  conservationPlanUrl: '',
  cost: '',
  funding: { county: '', provincial: '', village: '', private: '' },
  durationMonths: '6',
  outcomes: { jobs: '0', returningResidents: '0', visitorsPerYear: '0', incomeFen: '0', culturalValue: '0', ecologicalEffect: '0' },
  risks: '',
});

function fromProposal(p: Proposal): Fields {
  const b = p.buildings[0];
  const y = (fen: number) => String(fen / 100);
  return {
    villageId: p.villageId,
    title: p.title,
    titleEn: p.titleEn ?? '',
    type: p.type,
    description: p.description,
    site: p.site,
    lon: p.lon === null ? '' : String(p.lon),
    lat: p.lat === null ? '' : String(p.lat),
    buildingId: b?.buildingId ?? '',
    buildingName: b?.name ?? '',
    protectionLevel: b?.protectionLevel ?? 'none',
    heightM: String(b?.heightM ?? 0),
    volumeM3: String(b?.volumeM3 ?? 0),
    demolishes: p.changes.demolishesProtectedElements,
    heightChangeM: String(p.changes.heightChangeM),
    volumeChangePct: String(p.changes.volumeChangePct),
    materials: p.changes.materials.filter((m) => (MATERIALS as readonly string[]).includes(m)),
    otherMaterials: p.changes.materials.filter((m) => !(MATERIALS as readonly string[]).includes(m)).join(', '),
    conservationPlanUrl: p.conservationPlanUrl ?? '',
    cost: y(p.costFen),
    funding: { county: y(p.funding.county), provincial: y(p.funding.provincial), village: y(p.funding.village), private: y(p.funding.private) },
    durationMonths: String(p.durationMonths),
    outcomes: Object.fromEntries(PILLARS.map((k) => [k, String(k === 'incomeFen' ? p.outcomes[k] / 100 : p.outcomes[k])])) as Fields['outcomes'],
    risks: p.risks,
  };
}

type ProposalBody = RequestBody<'createProposal'>;

function toBody(f: Fields): ProposalBody {
  const num = (s: string) => (s.trim() === '' ? 0 : Number(s));
  const fen = (s: string) => (s.trim() === '' ? 0 : toFen(s));
  return {
    villageId: f.villageId,
    title: f.title,
    titleEn: f.titleEn.trim() || null,
    type: f.type,
    description: f.description,
    site: f.site,
    lon: f.lon.trim() === '' ? null : Number(f.lon),
    lat: f.lat.trim() === '' ? null : Number(f.lat),
    buildings: f.buildingName.trim() ? [{ ...(f.buildingId ? { buildingId: f.buildingId } : {}), name: f.buildingName.trim(), protectionLevel: f.protectionLevel, heightM: num(f.heightM), volumeM3: num(f.volumeM3) }] : [],
    changes: {
      demolishesProtectedElements: f.demolishes,
      heightChangeM: num(f.heightChangeM),
      volumeChangePct: num(f.volumeChangePct),
      materials: [...f.materials, ...f.otherMaterials.split(/[,，、]/).map((m) => m.trim()).filter(Boolean)],
    },
    conservationPlanUrl: f.conservationPlanUrl.trim() || null,
    costFen: fen(f.cost),
    funding: Object.fromEntries(SOURCES.map((s) => [s, fen(f.funding[s])])) as ProposalBody['funding'],
    durationMonths: num(f.durationMonths),
    outcomes: Object.fromEntries(PILLARS.map((k) => [k, k === 'incomeFen' ? fen(f.outcomes[k]) : num(f.outcomes[k])])) as ProposalBody['outcomes'],
    risks: f.risks,
  };
}

/** The villages this user may propose in: those under any of their grants. */
function useVillages() {
  const { data: me } = useMe();
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const name = useName();
  const units = new Set(me?.grants.map((g) => g.unitId) ?? []);
  const c = county.data;
  if (!c) return [];
  return c.townships.flatMap((t) =>
    t.villages.filter((v) => units.has(c.county.id) || units.has(t.id) || units.has(v.id)).map((v) => ({ id: v.id, label: `${name(t)} · ${name(v)}` })),
  );
}

export function ProposalFormPage() {
  const { id } = useParams();
  const { data: me, isPending } = useMe();
  const existing = useQuery({ queryKey: ['intervention', id], queryFn: () => api<Proposal>(`/interventions/${id}`), enabled: !!id });
  const villages = useVillages();
  if (!isPending && !me) return <SignInRedirect reason="propose" />;
  if (id && !existing.data) return <ErrorText ns="interventions" error={existing.error} />;
  if (!villages.length) return null;
  return <ProposalForm key={id ?? 'new'} initial={existing.data ? fromProposal(existing.data) : blank(villages[0].id)} id={id} villages={villages} />;
}

function ProposalForm({ initial, id, villages }: { initial: Fields; id?: string; villages: { id: string; label: string }[] }) {
  const { t } = useTranslation('interventions');
  const name = useName();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [f, setF] = useState<Fields>(initial);
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => setF((x) => ({ ...x, [k]: v }));
  const atlas = useQuery({
    queryKey: ['atlas-buildings', f.villageId],
    queryFn: () => api<Reply<'listBuildings'>>('/atlas/buildings', { query: { villageId: f.villageId, limit: 200 } }),
    retry: false,
  });
  const ATLAS_LEVELS: Record<string, Fields['protectionLevel']> = { national: 'national', provincial: 'provincial', county: 'county', listed: 'historic', none: 'none' };
  const save = useMutation({
    mutationFn: () => api<Proposal>(id ? `/interventions/${id}` : '/interventions', { method: id ? 'PUT' : 'POST', body: toBody(f) }),
    onSuccess: (p) => {
      client.setQueryData(['intervention', p.id], p);
      void client.invalidateQueries({ queryKey: ['interventions'] });
      navigate(`/interventions/p/${p.id}`);
    },
  });
  const cost = toFen(f.cost);
  const sourced = SOURCES.reduce((s, k) => s + (f.funding[k].trim() ? toFen(f.funding[k]) || 0 : 0), 0);
  const gap = Number.isFinite(cost) ? cost - sourced : 0;

  return (
    <form
      className="card form iv-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h1>{id ? t('form.titleEdit') : t('form.titleNew')}</h1>
      <label>
        {t('form.name')}
        <input name="title" value={f.title} onChange={(e) => set('title', e.target.value)} required minLength={2} maxLength={120} />
      </label>
      <NameEnField name="titleEn" value={f.titleEn} onChange={(e) => set('titleEn', e.target.value)} maxLength={160} />
      <label>
        {t('form.type')}
        <select name="type" value={f.type} onChange={(e) => set('type', e.target.value as Fields['type'])}>
          {TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`type.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('form.village')}
        <select name="villageId" value={f.villageId} onChange={(e) => setF((x) => ({ ...x, villageId: e.target.value, buildingId: '' }))} disabled={!!id}>
          {villages.map((v) => (
            <option key={v.id} value={v.id}>
              {v.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('form.description')}
        <textarea name="description" rows={3} value={f.description} onChange={(e) => set('description', e.target.value)} />
      </label>
      <fieldset>
        <legend>{t('form.building')}</legend>
        {!!atlas.data?.items.length && (
          <label>
            {t('form.fromAtlas')}
            <select
              name="atlasBuilding"
              value={f.buildingId}
              onChange={(e) => {
                const b = atlas.data.items.find((x) => x.id === e.target.value);
                setF((x) => ({ ...x, buildingId: b?.id ?? '', ...(b ? { buildingName: b.name, protectionLevel: ATLAS_LEVELS[b.protectionLevel] ?? 'none' } : {}) }));
              }}
            >
              <option value="">{t('form.byHand')}</option>
              {atlas.data.items.map((b) => (
                <option key={b.id} value={b.id}>
                  {name(b)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('form.buildingName')}
          <input name="buildingName" value={f.buildingName} readOnly={!!f.buildingId} onChange={(e) => set('buildingName', e.target.value)} />
        </label>
        <label>
          {t('form.protectionLevel')}
          <select name="protectionLevel" value={f.protectionLevel} disabled={!!f.buildingId} onChange={(e) => set('protectionLevel', e.target.value as Fields['protectionLevel'])}>
            {LEVELS.map((x) => (
              <option key={x} value={x}>
                {t(`level.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="iv-pair">
          <label>
            {t('form.heightM')}
            <input name="heightM" inputMode="decimal" value={f.heightM} onChange={(e) => set('heightM', e.target.value)} />
          </label>
          <label>
            {t('form.volumeM3')}
            <input name="volumeM3" inputMode="decimal" value={f.volumeM3} onChange={(e) => set('volumeM3', e.target.value)} />
          </label>
        </div>
        <label>
          {t('form.site')}
          <input name="site" value={f.site} onChange={(e) => set('site', e.target.value)} />
        </label>
        <div className="row wrap">
          <label>
            {t('form.lon')}
            <input name="lon" inputMode="decimal" value={f.lon} onChange={(e) => set('lon', e.target.value)} />
          </label>
          <label>
            {t('form.lat')}
            <input name="lat" inputMode="decimal" value={f.lat} onChange={(e) => set('lat', e.target.value)} />
          </label>
        </div>
        <p className="hint">{t('form.positionHint')}</p>
      </fieldset>
      <fieldset>
        <legend>{t('form.changes')}</legend>
        <label className="check">
          <input type="checkbox" name="demolishes" checked={f.demolishes} onChange={(e) => set('demolishes', e.target.checked)} />
          {t('form.demolishes')}
        </label>
        <div className="iv-pair">
          <label>
            {t('form.heightChange')}
            <input name="heightChangeM" inputMode="decimal" value={f.heightChangeM} onChange={(e) => set('heightChangeM', e.target.value)} />
          </label>
          <label>
            {t('form.volumeChange')}
            <input name="volumeChangePct" inputMode="decimal" value={f.volumeChangePct} onChange={(e) => set('volumeChangePct', e.target.value)} />
          </label>
        </div>
        <div role="group" aria-label={t('form.materials')} className="iv-checks">
          <span>{t('form.materials')}</span>
          {MATERIALS.map((m) => (
            <label key={m} className="check">
              <input
                type="checkbox"
                checked={f.materials.includes(m)}
                onChange={(e) => set('materials', e.target.checked ? [...f.materials, m] : f.materials.filter((x) => x !== m))}
              />
              {t(`material.${m}`)}
            </label>
          ))}
        </div>
        <label>
          {t('form.otherMaterials')}
          <input name="otherMaterials" value={f.otherMaterials} onChange={(e) => set('otherMaterials', e.target.value)} />
        </label>
        <label>
          {t('form.plan')}
          <input name="conservationPlanUrl" value={f.conservationPlanUrl} onChange={(e) => set('conservationPlanUrl', e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('form.cost')}</legend>
        <label>
          {t('form.cost')}
          <input name="cost" inputMode="decimal" value={f.cost} onChange={(e) => set('cost', e.target.value)} required />
        </label>
        <p className="hint">{t('form.funding')}</p>
        <div className="iv-pair">
          {SOURCES.map((s) => (
            <label key={s}>
              {t(`source.${s}`)}
              <input name={`fund-${s}`} inputMode="decimal" value={f.funding[s]} onChange={(e) => set('funding', { ...f.funding, [s]: e.target.value })} />
            </label>
          ))}
        </div>
        {gap !== 0 && Number.isFinite(gap) && <p className="hint warn-text">{gap > 0 ? t('form.fundingLeft', { amount: yuan(gap) }) : t('form.fundingOver', { amount: yuan(-gap) })}</p>}
        <label>
          {t('form.duration')}
          <input name="durationMonths" inputMode="numeric" value={f.durationMonths} onChange={(e) => set('durationMonths', e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('form.outcomes')}</legend>
        <div className="iv-pair">
          {PILLARS.map((k) => (
            <label key={k}>
              {t(`pillar.${k}`)}
              <input name={`outcome-${k}`} inputMode="decimal" value={f.outcomes[k]} onChange={(e) => set('outcomes', { ...f.outcomes, [k]: e.target.value })} />
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        {t('form.risks')}
        <textarea name="risks" rows={2} value={f.risks} onChange={(e) => set('risks', e.target.value)} />
      </label>
      <ErrorText ns="interventions" error={save.error} />
      <p className="hint">{t('form.filesLater')}</p>
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('form.save')}
      </button>
    </form>
  );
}
