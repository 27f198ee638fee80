import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { PROTECTION_LEVELS, type ProtectionLevel } from '../../../modules/interventions/constants.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

type RuleParams = Reply<'getCountyRuleParams'>;
type Draft = { limits: Record<ProtectionLevel, { maxHeightChangeM: string; maxVolumeChangePct: string }>; protectedLevels: ProtectionLevel[]; materials: string };

const toDraft = (r: RuleParams): Draft => ({
  limits: Object.fromEntries(PROTECTION_LEVELS.map((l) => [l, { maxHeightChangeM: String(r.limits[l].maxHeightChangeM), maxVolumeChangePct: String(r.limits[l].maxVolumeChangePct) }])) as Draft['limits'],
  protectedLevels: r.protectedLevels,
  materials: r.compatibleMaterials.join(', '),
});
const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

/** The county admin sets the heritage-rule parameters (PUT /interventions/rules). */
export default function RuleParamsPage() {
  const { t } = useTranslation('interventions');
  const { data: me } = useMe();
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['intervention-rules'], queryFn: () => api<RuleParams>('/interventions/rules') });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (q.data && !draft) setDraft(toDraft(q.data));
  }, [q.data, draft]);
  const save = useMutation({
    mutationFn: (d: Draft) =>
      api<RuleParams>('/interventions/rules', {
        method: 'PUT',
        body: {
          limits: Object.fromEntries(PROTECTION_LEVELS.map((l) => [l, { maxHeightChangeM: num(d.limits[l].maxHeightChangeM), maxVolumeChangePct: num(d.limits[l].maxVolumeChangePct) }])),
          protectedLevels: d.protectedLevels,
          compatibleMaterials: d.materials
            .split(/[,，、\s]+/)
            .map((m) => m.trim())
            .filter(Boolean),
        },
      }),
    onSuccess: (r) => {
      setSaved(true);
      setDraft(toDraft(r));
      client.setQueryData(['intervention-rules'], r);
      void client.invalidateQueries({ queryKey: ['intervention'] });
    },
  });
  if (!hasRole(me, 'county_admin'))
    return (
      <section className="card">
        <p className="muted">{t('ruleParams.notAllowed')}</p>
      </section>
    );
  if (q.error) return <ErrorText ns="interventions" error={q.error} />;
  if (!draft) return null;
  const setLimit = (l: ProtectionLevel, key: 'maxHeightChangeM' | 'maxVolumeChangePct', v: string) => {
    setSaved(false);
    setDraft({ ...draft, limits: { ...draft.limits, [l]: { ...draft.limits[l], [key]: v } } });
  };
  return (
    <form
      className="card form iv-rule-params"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft);
      }}
    >
      <h1>{t('ruleParams.title')}</h1>
      <p className="hint">{t('ruleParams.intro')}</p>
      <table className="iv-vs">
        <thead>
          <tr>
            <th>{t('ruleParams.level')}</th>
            <th>{t('ruleParams.maxHeight')}</th>
            <th>{t('ruleParams.maxVolume')}</th>
            <th>{t('ruleParams.protected')}</th>
          </tr>
        </thead>
        <tbody>
          {PROTECTION_LEVELS.map((l) => (
            <tr key={l}>
              <td>{t(`level.${l}`)}</td>
              <td>
                <input name={`height-${l}`} aria-label={`${t('ruleParams.maxHeight')} · ${t(`level.${l}`)}`} inputMode="decimal" value={draft.limits[l].maxHeightChangeM} onChange={(e) => setLimit(l, 'maxHeightChangeM', e.target.value)} />
              </td>
              <td>
                <input name={`volume-${l}`} aria-label={`${t('ruleParams.maxVolume')} · ${t(`level.${l}`)}`} inputMode="decimal" value={draft.limits[l].maxVolumeChangePct} onChange={(e) => setLimit(l, 'maxVolumeChangePct', e.target.value)} />
              </td>
              <td>
                <input
                  type="checkbox"
                  name={`protected-${l}`}
                  aria-label={`${t('ruleParams.protected')} · ${t(`level.${l}`)}`}
                  checked={draft.protectedLevels.includes(l)}
                  onChange={(e) => {
                    setSaved(false);
                    setDraft({ ...draft, protectedLevels: e.target.checked ? [...draft.protectedLevels, l] : draft.protectedLevels.filter((x) => x !== l) });
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label>
        {t('ruleParams.materials')}
        <textarea name="materials" rows={2} value={draft.materials} onChange={(e) => (setSaved(false), setDraft({ ...draft, materials: e.target.value }))} />
      </label>
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('ruleParams.save')}
      </button>
      {saved && (
        <p className="notice" role="status">
          {t('ruleParams.saved')}
        </p>
      )}
      <ErrorText ns="interventions" error={save.error} />
    </form>
  );
}
