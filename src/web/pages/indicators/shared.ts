import { useTranslation } from 'react-i18next';
import { useName } from '../../names.ts';

export const PILLARS = ['economy', 'culture', 'ecology', 'people'] as const;
export type Pillar = (typeof PILLARS)[number];
export const INDEX_METHODS = ['weighted', 'entropy_topsis'] as const;
export type IndexMethod = (typeof INDEX_METHODS)[number];
export type PillarScores = Partial<Record<Pillar, number>>;

export interface Village {
  id: string;
  nameZh: string;
  namePinyin: string;
  townshipId: string;
  townshipZh: string;
  townshipPinyin: string;
  lon: number | null;
  lat: number | null;
}

export interface Overview {
  countyId: string;
  period: number | null;
  periods: number[];
  computedAt: string | null;
  pillarWeights: Record<Pillar, number>;
  method: IndexMethod;
  villages: (Village & { score: number | null; rank: number | null; pillars: PillarScores; previousScore: number | null; weightedScore: number | null; entropyScore: number | null })[];
  townships: { id: string; nameZh: string; namePinyin: string; average: number | null; villages: number }[];
  pillarAverages: Record<Pillar, number | null>;
  trend: { period: number; average: number | null; villages: number }[];
}

export interface IndicatorRow {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  pillar: Pillar;
  unit: string;
  direction: 'higher' | 'lower';
  source: 'manual' | 'computed';
  value: number | null;
  previous: number | null;
  target: number | null;
  recordedAt: string | null;
  version: number;
  aggregation: 'sum' | 'mean';
  rolledUp: { value: number; villages: number; of: number } | null;
  progress: number | null;
  light: Light;
  recordedVersion: number | null;
}

export type Light = 'green' | 'amber' | 'red' | 'none';
export type Level = 'county' | 'township' | 'village';

export interface UnitDetail {
  unit: { id: string; level: Level; nameZh: string; namePinyin: string; parentId: string | null; parentZh: string | null; parentPinyin: string | null };
  children: { id: string; level: Level; nameZh: string; namePinyin: string }[];
  period: number | null;
  periods: number[];
  canObserve: boolean;
  canPlan: boolean;
  scores: { period: number; score: number; rank: number | null; pillars: PillarScores; villages: number }[];
  indicators: IndicatorRow[];
}

export interface CascadeLine {
  unitId: string;
  level: Level;
  nameZh: string;
  namePinyin: string;
  target: number | null;
  actual: number | null;
  progress: number | null;
  light: Light;
}

export interface Cascade {
  unit: { id: string; level: Level; nameZh: string; namePinyin: string; parentId: string | null };
  period: number;
  rows: (CascadeLine & { indicator: { id: string; code: string; nameZh: string; nameEn: string; unit: string; aggregation: 'sum' | 'mean' }; allocated: number | null; unallocated: number | null; childrenWithTarget: number; children: CascadeLine[] })[];
}

export interface Shift {
  units: number;
  maxShift: number;
  meanShift: number;
  mostMoved: string | null;
}

export interface Weights {
  period: number | null;
  method: IndexMethod;
  pillarWeights: Record<Pillar, number>;
  indicators: { id: string; code: string; nameZh: string; nameEn: string; pillar: Pillar; weight: number; expertShare: number; entropyShare: number | null }[];
  agreement: Shift & { spearman: number | null };
  sensitivity: { pillar: Pillar; weight: number; lower: Shift; higher: Shift }[];
}

/** Where a unit's page is. */
export const unitPath = (id: string, period?: number | null) => `/indicators/u/${id}${period ? `?year=${period}` : ''}`;

/** Names and numbers in the reader's language: places by the one rule of src/web/names.ts, indicators by their English name. */
export function useNames() {
  const { t, i18n } = useTranslation('indicators');
  const en = i18n.language.startsWith('en');
  return {
    place: useName(),
    indicator: (d: { nameZh: string; nameEn: string }) => (en ? d.nameEn : d.nameZh),
    unit: (u: string) => t(`unit.${u}`, { defaultValue: u }),
    number: (x: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(x),
  };
}

/** The map and ranking colours, from a dry ochre (the county's lowest index this year) to a deep green (its highest). */
export const SCALE = ['#c8882a', '#d9b25c', '#b9c77a', '#6fa05a', '#2f6b3a'];
export const NO_SCORE = '#b8b8b8';

/** Colours relative to the year's spread of indices, so the map tells villages apart even when all are mid-range. */
export function colourScale(scores: (number | null)[]) {
  const xs = scores.filter((x): x is number => x !== null);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return (score: number | null) => {
    if (score === null) return NO_SCORE;
    if (max === min) return SCALE[SCALE.length - 1];
    return SCALE[Math.min(SCALE.length - 1, Math.floor(((score - min) / (max - min)) * SCALE.length))];
  };
}
