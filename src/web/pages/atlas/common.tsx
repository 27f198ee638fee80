import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api.ts';
import type { AtlasVillage } from './api.ts';
import { SignInPrompt, useMe, type SignInReason } from '../../auth.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { CONDITION_COLOURS, UNKNOWN_COLOUR } from './AtlasMap.tsx';

export function ConditionBadge({ grade }: { grade: number | null }) {
  const { t } = useTranslation('atlas');
  const colour = CONDITION_COLOURS.find(([g]) => g === grade)?.[1] ?? UNKNOWN_COLOUR;
  return (
    <span className="condition-badge" style={{ borderColor: colour, color: colour }}>
      {grade ? t(`grades.${grade}` as 'grades.1') : t('building.conditionNone')}
    </span>
  );
}

export const OFFICIAL_ROLES = ['county_admin', 'town_official', 'village_official'];

export function useAtlasVillages() {
  return useQuery({ queryKey: ['atlas', 'villages'], queryFn: () => api<AtlasVillage[]>('/atlas/villages') });
}

/**
 * Pages only an official who may edit some village can use: a signed-out visitor is asked to sign in (and comes
 * back here), a signed-in user without the right is told so, instead of a form that fails on submit.
 */
export function EditorsOnly({ reason, children }: { reason: SignInReason; children: React.ReactNode }) {
  const { t } = useTranslation();
  const { data: me, isPending } = useMe();
  const villages = useAtlasVillages();
  if (isPending || (me && villages.isPending)) return <p>{t('common.loading')}</p>;
  if (!me) {
    return (
      <section className="card">
        <SignInPrompt reason={reason} />
      </section>
    );
  }
  if (!villages.data?.some((v) => v.editable)) return <p className="error">{t('errors.forbidden')}</p>;
  return <>{children}</>;
}
