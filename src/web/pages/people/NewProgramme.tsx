import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type CountyTree, type Me, type Reply } from '../../api.ts';
import { PROGRAMME_KINDS } from '../../../modules/people/constants.ts';
import { useUnitName } from '../County.tsx';
import { PeopleError } from './PeopleError.tsx';
import { NameEnField } from '../../components/NameEnField.tsx';

/** The units a programme may be set for: the county (its admin) or the townships a township official holds. */
function unitsFor(tree: CountyTree | undefined, me: Me) {
  if (!tree) return [];
  const held = new Set(me.grants.filter((g) => g.role === 'county_admin' || g.role === 'town_official').map((g) => g.unitId));
  return [tree.county, ...tree.townships].filter((u) => held.has(u.id) || (held.has(tree.county.id) && u.level === 'township'));
}

/** The county admin or a township official sets up a support programme. */
export function NewProgramme({ me }: { me: Me }) {
  const { t } = useTranslation('people');
  const unitName = useUnitName();
  const client = useQueryClient();
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county'), staleTime: 3_600_000 });
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Reply<'createProgramme'>>('/people/programmes', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  const units = unitsFor(county.data, me);
  const fen = (v: FormDataEntryValue | null) => Math.round(Number(v) * 100);
  return (
    <details className="card">
      <summary>{t('newProgramme.title')}</summary>
      <form
        className="form"
        aria-label={t('newProgramme.title')}
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          save.mutate({
            unitId: String(f.get('unitId')),
            kind: String(f.get('kind')),
            title: String(f.get('title')),
            titleEn: String(f.get('titleEn') ?? '').trim() || null,
            description: String(f.get('description') ?? ''),
            criteria: String(f.get('criteria') ?? ''),
            returneesOnly: f.get('returneesOnly') === 'on',
            budgetFen: fen(f.get('budget')),
            maxAwardFen: fen(f.get('maxAward')),
            deadline: String(f.get('deadline')),
            documents: String(f.get('documents') ?? '')
              .split(/[、,，;；]/)
              .map((d) => d.trim())
              .filter(Boolean),
          });
        }}
      >
        <label>
          {t('newProgramme.unit')}
          <select name="unitId" required>
            {units.map((u) => (
              <option key={u.id} value={u.id}>
                {unitName(u)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('newProgramme.kind')}
          <select name="kind">
            {PROGRAMME_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`programmes.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('newProgramme.name')}
          <input name="title" required minLength={2} maxLength={120} />
        </label>
        <NameEnField name="titleEn" maxLength={160} />
        <label>
          {t('newProgramme.description')}
          <textarea name="description" rows={3} maxLength={10_000} />
        </label>
        <label>
          {t('programmes.criteria')}
          <textarea name="criteria" rows={2} maxLength={4_000} />
        </label>
        <label>
          {t('documents.required')}
          <input name="documents" maxLength={600} placeholder={t('documents.placeholder')} />
        </label>
        <label className="check">
          <input name="returneesOnly" type="checkbox" /> {t('programmes.returneesOnly')}
        </label>
        <div className="iv-pair">
          <label>
            {t('newProgramme.budget')}
            <input name="budget" type="number" inputMode="decimal" min={0.01} step={0.01} required />
          </label>
          <label>
            {t('newProgramme.maxAward')}
            <input name="maxAward" type="number" inputMode="decimal" min={0.01} step={0.01} required />
          </label>
        </div>
        <label>
          {t('newProgramme.deadline')}
          <input name="deadline" type="date" required />
        </label>
        <PeopleError error={save.error} />
        {save.isSuccess && <p className="notice">{t('newProgramme.saved')}</p>}
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('newProgramme.save')}
        </button>
      </form>
    </details>
  );
}
