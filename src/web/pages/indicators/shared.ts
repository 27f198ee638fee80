import { useTranslation } from 'react-i18next';
import type { Reply } from '../../api.ts';
import { useName } from '../../names.ts';

export const PILLARS = ['economy', 'culture', 'ecology', 'people'] as const;
export type Pillar = (typeof PILLARS)[number];
export const INDEX_METHODS = ['weighted', 'entropy_topsis'] as const;
export type IndexMethod = (typeof INDEX_METHODS)[number];

// The replies, as the indicators routes declare them (see src/web/api-types.ts).
export type Overview = Reply<'indicatorsOverview'>;
export type PillarScores = Overview['villages'][number]['pillars'];
export type UnitDetail = Reply<'indicatorsUnit'>;
export type IndicatorRow = UnitDetail['indicators'][number];
export type Light = IndicatorRow['light'];
export type Cascade = Reply<'indicatorTargetCascade'>;
export type Weights = Reply<'indicatorWeights'>;

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
