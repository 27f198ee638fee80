// "Gentle transformation" heritage rules: pure checks of a proposal against the county's parameters.
import { z } from 'zod';
import { PROTECTION_LEVELS, type BuildingSnapshot, type PhysicalChanges, type ProtectionLevel } from './schema.ts';

const limit = z.strictObject({ maxHeightChangeM: z.number().min(0).max(100), maxVolumeChangePct: z.number().min(0).max(1000) });

export const ruleParamsSchema = z.strictObject({
  /** Limits on height (metres) and volume (percent) changes, per protection level. */
  limits: z.strictObject(Object.fromEntries(PROTECTION_LEVELS.map((l) => [l, limit])) as Record<ProtectionLevel, typeof limit>),
  /** Levels whose buildings are "protected": no demolition of their elements, and a conservation plan is required. */
  protectedLevels: z.array(z.enum(PROTECTION_LEVELS)).max(PROTECTION_LEVELS.length),
  /** Materials compatible with the traditional fabric. */
  compatibleMaterials: z.array(z.string().trim().min(1).max(40)).min(1).max(50),
});
export type RuleParams = z.infer<typeof ruleParamsSchema>;

export const DEFAULT_RULE_PARAMS: RuleParams = {
  limits: {
    national: { maxHeightChangeM: 0, maxVolumeChangePct: 0 },
    provincial: { maxHeightChangeM: 0, maxVolumeChangePct: 5 },
    county: { maxHeightChangeM: 0.5, maxVolumeChangePct: 10 },
    historic: { maxHeightChangeM: 1, maxVolumeChangePct: 15 },
    traditional: { maxHeightChangeM: 2, maxVolumeChangePct: 30 },
    none: { maxHeightChangeM: 4, maxVolumeChangePct: 60 },
  },
  protectedLevels: ['national', 'provincial', 'county', 'historic'],
  compatibleMaterials: ['rammed_earth', 'timber', 'stone', 'grey_tile', 'bamboo', 'lime_plaster', 'blue_brick'],
};

export type RuleCode = 'no_demolition' | 'conservation_plan' | 'height' | 'volume' | 'materials';

/** One check's outcome; `values` fill the plain-language sentence the client shows for `code` and `passed`. */
export interface RuleResult {
  code: RuleCode;
  passed: boolean;
  message: string;
  values: Record<string, string | number>;
}

export interface RuleReport {
  passed: boolean;
  strictestLevel: ProtectionLevel | null;
  results: RuleResult[];
}

const strictness = (l: ProtectionLevel) => PROTECTION_LEVELS.indexOf(l);

export function checkHeritageRules(
  proposal: { buildings: BuildingSnapshot[]; changes: PhysicalChanges; conservationPlanUrl: string | null | undefined },
  params: RuleParams,
): RuleReport {
  const levels = proposal.buildings.map((b) => b.protectionLevel);
  const strictest = levels.length ? levels.reduce((a, b) => (strictness(b) < strictness(a) ? b : a)) : null;
  const level: ProtectionLevel = strictest ?? 'none';
  const protectedOnes = proposal.buildings.filter((b) => params.protectedLevels.includes(b.protectionLevel));
  const names = protectedOnes.map((b) => b.name).join('、');
  const { changes } = proposal;
  const results: RuleResult[] = [];

  results.push(
    protectedOnes.length && changes.demolishesProtectedElements
      ? { code: 'no_demolition', passed: false, message: `Demolishing protected elements of ${names} is not allowed.`, values: { buildings: names } }
      : { code: 'no_demolition', passed: true, message: 'No protected element is demolished.', values: { buildings: names } },
  );
  if (protectedOnes.length) {
    const has = !!proposal.conservationPlanUrl?.trim();
    results.push({
      code: 'conservation_plan',
      passed: has,
      message: has ? 'A conservation plan is attached.' : `${names} is protected: attach a conservation plan document.`,
      values: { buildings: names },
    });
  }
  const lim = params.limits[level];
  const height = changes.heightChangeM;
  results.push({
    code: 'height',
    passed: height <= lim.maxHeightChangeM,
    message:
      height <= lim.maxHeightChangeM
        ? `The height change (${height} m) is within the ${lim.maxHeightChangeM} m allowed for level ${level}.`
        : `The height change (${height} m) exceeds the ${lim.maxHeightChangeM} m allowed for level ${level}.`,
    values: { change: height, max: lim.maxHeightChangeM, level },
  });
  const volume = changes.volumeChangePct;
  results.push({
    code: 'volume',
    passed: volume <= lim.maxVolumeChangePct,
    message:
      volume <= lim.maxVolumeChangePct
        ? `The volume change (${volume} %) is within the ${lim.maxVolumeChangePct} % allowed for level ${level}.`
        : `The volume change (${volume} %) exceeds the ${lim.maxVolumeChangePct} % allowed for level ${level}.`,
    values: { change: volume, max: lim.maxVolumeChangePct, level },
  });
  const foreign = changes.materials.filter((m) => !params.compatibleMaterials.includes(m));
  results.push({
    code: 'materials',
    passed: foreign.length === 0,
    message: foreign.length ? `Not compatible with the traditional fabric: ${foreign.join(', ')}.` : 'All materials are compatible.',
    values: { materials: foreign.join(', ') },
  });
  return { passed: results.every((r) => r.passed), strictestLevel: strictest, results };
}
