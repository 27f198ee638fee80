import { useTranslation } from 'react-i18next';
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
export type Action = 'submit' | 'approve' | 'reject' | 'fund' | 'start' | 'complete' | 'evaluate';

export interface RuleResult {
  code: 'no_demolition' | 'conservation_plan' | 'height' | 'volume' | 'materials';
  passed: boolean;
  values: Record<string, string | number>;
}
export interface ProposalFile {
  id: string;
  kind: 'drawing' | 'photo';
  phase: 'proposal' | 'progress' | 'before' | 'after';
  contentType: string;
  caption: string;
  hasThumb: boolean;
  createdAt: string;
}
export interface Proposal {
  id: string;
  title: string;
  type: (typeof TYPES)[number];
  status: Status;
  description: string;
  site: string;
  villageId: string;
  villageName: string;
  townshipName: string;
  villagePinyin: string;
  townshipPinyin: string;
  isMine: boolean;
  buildings: { buildingId?: string | null; name: string; protectionLevel: (typeof LEVELS)[number]; heightM: number; volumeM3: number }[];
  changes: { demolishesProtectedElements: boolean; heightChangeM: number; volumeChangePct: number; materials: string[] };
  conservationPlanUrl: string | null;
  media: { kind: string; url: string; caption?: string; phase?: string }[];
  files: ProposalFile[];
  costFen: number;
  funding: Record<(typeof SOURCES)[number], number>;
  durationMonths: number;
  outcomes: Record<Pillar, number>;
  risks: string;
  rules: { passed: boolean; results: RuleResult[] };
  rejectionReason: string | null;
  timeline: { from: Status; to: Status; note: string; at: string }[];
  votes: { support: number; oppose: number };
  myVote: 'support' | 'oppose' | null;
  mayVote: boolean;
  fundedFen: number;
  spentFen: number;
  actualOutcomes: Record<Pillar, number> | null;
  evaluation: string | null;
  milestones: { id: string; title: string; dueOn: string; doneOn: string | null }[];
  spend: { id: string; amountFen: number; note: string; spentOn: string; override: boolean }[];
  actions: Action[];
}

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

