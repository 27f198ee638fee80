import { useTranslation } from 'react-i18next';
import type { Reply } from '../../api.ts';
import { FUNDING_SOURCES, INTERVENTION_TYPES, PILLARS, PROTECTION_LEVELS, STATUSES, type Pillar, type Status } from '../../../modules/interventions/constants.ts';

/** Integer fen shown as yuan: 123456 → ¥1,234.56. */
export const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** A yuan amount typed by a person → integer fen (NaN when it is not a number). */
export const toFen = (text: string) => (text.trim() === '' ? NaN : Math.round(Number(text.replace(/[,，¥\s]/g, '')) * 100));

export { PILLARS, STATUSES };
export type { Pillar, Status };
export const TYPES = INTERVENTION_TYPES;
export const LEVELS = PROTECTION_LEVELS;
export const SOURCES = FUNDING_SOURCES;
export const MATERIALS = ['rammed_earth', 'timber', 'stone', 'grey_tile', 'bamboo', 'lime_plaster', 'blue_brick'] as const;
export type Proposal = Reply<'getProposal'>;
export type ProposalFile = Proposal['files'][number];
export type RuleResult = Proposal['rules']['results'][number];
export type Action = Proposal['actions'][number];


/** A heritage-rule result in plain words, in the reader's language. */
export function useRuleText() {
  const { t } = useTranslation('interventions');
  return (r: RuleResult) => {
    const values: Record<string, string | number> = { ...r.values, level: r.values.level ? t(`level.${r.values.level as (typeof LEVELS)[number]}`) : '' };
    if (r.code === 'materials' && values.materials) {
      values.materials = String(values.materials)
        .split(', ')
        .map((m) => (MATERIALS as readonly string[]).includes(m) ? t(`material.${m as (typeof MATERIALS)[number]}`) : m)
        .join('、');
    }
    return t(`rules.${r.code}.${r.passed ? 'pass' : 'fail'}`, values);
  };
}

