import type { Db } from '../../../db/handle.ts';
import { type Actor } from '../../governance/index.ts';
import { atlasBuildings as buildings } from '../schema.ts';
import { listBuildings } from './buildings.ts';
import { listAssets } from './culture.ts';
import { listVillages } from './profiles.ts';
import { visibleVillages } from './villages.ts';

// ---- search ----

/** Villages, buildings and living culture whose names or descriptions match, in Chinese or pinyin. */
export async function search(db: Db, actor: Actor | null, q: string, limit = 20) {
  const vis = await visibleVillages(db, actor);
  const [villages, bs, culture] = await Promise.all([
    listVillages(db, actor, { q }, vis),
    listBuildings(db, actor, { q, limit, offset: 0 }, vis),
    listAssets(db, actor, { q }, vis),
  ]);
  return { villages: villages.slice(0, limit).map(({ id, nameZh, namePinyin, township }) => ({ id, nameZh, namePinyin, township })), buildings: bs.items, culture: culture.slice(0, limit) };
}
