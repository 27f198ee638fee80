import type { Db } from '../../../db/handle.ts';
import { type Actor } from '../../governance/index.ts';
import { listBuildings } from './buildings.ts';
import { listAssets } from './culture.ts';
import { listVillages } from './profiles.ts';
import { sightOf } from './villages.ts';

// ---- search ----

/** Villages, buildings and living culture whose names or descriptions match, in Chinese or pinyin. */
export async function search(db: Db, actor: Actor | null, q: string, limit = 20) {
  const sight = await sightOf(db, actor);
  const [villages, bs, culture] = await Promise.all([
    listVillages(db, actor, { q, limit }, sight),
    listBuildings(db, actor, { q, limit, offset: 0 }, sight, false),
    listAssets(db, actor, { q, limit }, sight),
  ]);
  return { villages: villages.map(({ id, nameZh, namePinyin, township }) => ({ id, nameZh, namePinyin, township })), buildings: bs.items, culture };
}
