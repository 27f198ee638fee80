// The one place this module asks the Atlas about buildings: through its service, never its tables.
import type { Db } from '../../db/handle.ts';
import { getBuildingFacts } from '../atlas/index.ts';
import type { ProtectionLevel } from './schema.ts';

export interface AtlasBuilding {
  name?: string;
  villageId?: string;
  protectionLevel?: ProtectionLevel;
  heightM?: number;
  volumeM3?: number;
}

/** The Atlas's heritage levels in the heritage rules' terms ("listed" is a historic building). */
const LEVELS: Record<string, ProtectionLevel> = { national: 'national', provincial: 'provincial', county: 'county', listed: 'historic', none: 'none' };

/**
 * The Atlas's facts for these building ids: name, village and protection level (it records no height or volume,
 * so those stay as entered with the proposal). Ids the Atlas does not know are absent from the map.
 */
export async function lookupBuildings(db: Db, ids: string[]): Promise<Map<string, AtlasBuilding> | null> {
  if (ids.length === 0) return null;
  const facts = await getBuildingFacts(db, ids);
  return new Map([...facts].map(([id, f]) => [id, { name: f.name, villageId: f.villageId, protectionLevel: LEVELS[f.protectionLevel] ?? 'none' }]));
}
