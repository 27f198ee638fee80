// Atlas: villages, heritage buildings with their condition history, living culture, photos, on a map.
import { and, eq, ne } from 'drizzle-orm';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../db/handle.ts';
import { defineModule } from '../../server/module.ts';
import { ATLAS_PERMISSIONS } from './permissions.ts';
import { atlasRoutes } from './routes.ts';
import * as schema from './schema.ts';
import { seedAtlas } from './service.ts';

export const atlasModule = defineModule({
  name: 'atlas',
  schema,
  migrations: { folder: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations') },
  routes: atlasRoutes,
  seed: (tx) => seedAtlas(tx),
  permissions: ATLAS_PERMISSIONS,
});

export { buildingConditionByVillage, getBuilding, getBuildingFacts, listBuildings } from './service.ts';
export { craftsByIds, craftsByName } from './services/culture.ts';
export type { BuildingFacts } from './service.ts';
export { HERITAGE_LEVELS, type HeritageLevel } from './schema.ts';
export { elevationAt, songyangDem, type Grid } from './dem.ts';

/** For logistics' no-fly zones: the extent of every protected building (any protection level but none) of a county. */
export async function protectedBuildingExtents(db: Db, countyId: string) {
  const b = schema.atlasBuildings;
  return db
    .select({ id: b.id, name: b.name, protectionLevel: b.protectionLevel, minLon: b.minLon, minLat: b.minLat, maxLon: b.maxLon, maxLat: b.maxLat })
    .from(b)
    .where(and(eq(b.countyId, countyId), ne(b.protectionLevel, 'none')));
}
