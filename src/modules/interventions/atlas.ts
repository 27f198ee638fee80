// The one place this module asks the Atlas about buildings.
import type { Db } from '../../db/handle.ts';
import type { ProtectionLevel } from './schema.ts';

export interface AtlasBuilding {
  name?: string;
  villageId?: string;
  protectionLevel?: ProtectionLevel;
  heightM?: number;
  volumeM3?: number;
}

/**
 * The Atlas's facts for these building ids, or null when the Atlas cannot tell (its service exports no
 * building lookup yet): then the snapshot entered with the proposal stands.
 */
export async function lookupBuildings(_db: Db, ids: string[]): Promise<Map<string, AtlasBuilding> | null> {
  if (ids.length === 0) return null;
  return null;
}
