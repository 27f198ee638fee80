// Atlas: villages, heritage buildings with their condition history, living culture, photos, on a map.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
export type { BuildingFacts } from './service.ts';
export { elevationAt, songyangDem, type Grid } from './dem.ts';
