import { and, asc, eq, exists, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/handle.ts';
import { badRequest } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { atlasAssetBuildings as assetBuildings, atlasAssetVillages as assetVillages, atlasBuildings as buildings, atlasCulturalAssets as culturalAssets, type AssetKind } from '../schema.ts';
import { displayPinyin, textMatches, searchText } from '../../../db/search-text.ts';
import { type Sight, sightOf, villageRefs, villageRefsOf } from './villages.ts';

// ---- living culture ----

export interface AssetInput {
  kind: AssetKind;
  name: string;
  description?: string;
  seasons?: string[];
  dates?: string;
  villageIds: string[];
  buildingIds?: string[];
}

export async function createAsset(db: Db, actor: Actor | null, input: AssetInput) {
  const refs = await villageRefs(db);
  for (const [i, id] of input.villageIds.entries()) if (!refs.has(id)) throw badRequest(`body/villageIds/${i}`, 'No such village');
  let who: Actor | undefined;
  for (const id of input.villageIds) who = await authorize(db, actor, 'atlas.edit', { unitId: id });
  const buildingIds = [...new Set(input.buildingIds ?? [])];
  if (buildingIds.length) {
    const found = await db.select({ id: buildings.id, villageId: buildings.villageId }).from(buildings).where(inArray(buildings.id, buildingIds));
    for (const [i, id] of buildingIds.entries()) {
      const b = found.find((f) => f.id === id);
      if (!b) throw badRequest(`body/buildingIds/${i}`, 'No such building');
      if (!input.villageIds.includes(b.villageId)) throw badRequest(`body/buildingIds/${i}`, 'The building is not in one of the given villages');
    }
  }
  const villages = input.villageIds.map((id) => refs.get(id)!);
  return db.transaction(async (tx) => {
    const [a] = await tx
      .insert(culturalAssets)
      .values({
        countyId: villages[0].countyId,
        villageId: villages[0].id,
        kind: input.kind,
        name: input.name,
        namePinyin: displayPinyin(input.name),
        description: input.description ?? '',
        seasons: [...new Set(input.seasons ?? [])],
        dates: input.dates ?? '',
        searchText: searchText([input.name], [input.description ?? '', input.dates ?? '', ...villages.map((v) => v.nameZh)]),
      })
      .returning();
    await tx.insert(assetVillages).values([...new Set(input.villageIds)].map((villageId) => ({ countyId: a.countyId, assetId: a.id, villageId })));
    if (buildingIds.length) await tx.insert(assetBuildings).values(buildingIds.map((buildingId) => ({ countyId: a.countyId, assetId: a.id, buildingId })));
    await recordAudit(tx, who!, { action: 'culture.create', entity: 'atlas_cultural_asset', entityId: a.id, details: { kind: a.kind, villages: input.villageIds } });
    return { ...a, villageIds: input.villageIds, buildingIds };
  });
}

/**
 * Cultural assets the actor may see, filtered. One query reads the assets with their visible village ids and
 * linked buildings (correlated subqueries); a second fetches those villages' names from governance.
 */
export async function listAssets(db: Db, actor: Actor | null, f: { villageId?: string; kind?: AssetKind; q?: string; limit?: number }, known?: Sight) {
  const sight = known ?? (await sightOf(db, actor));
  const seen = alias(assetVillages, 'seen_village');
  const linked = alias(assetVillages, 'linked_village');
  const link = alias(assetBuildings, 'linked_building');
  const building = alias(buildings, 'building');
  const query = db
    .select({
      id: culturalAssets.id,
      villageId: culturalAssets.villageId,
      kind: culturalAssets.kind,
      name: culturalAssets.name,
      namePinyin: culturalAssets.namePinyin,
      description: culturalAssets.description,
      seasons: culturalAssets.seasons,
      dates: culturalAssets.dates,
      villageIds: sql<string[] | null>`(${db
        .select({ ids: sql`json_agg(${linked.villageId})` })
        .from(linked)
        .where(and(eq(linked.assetId, culturalAssets.id), sight.sees(linked.villageId)))})`,
      buildings: sql<{ id: string; name: string }[] | null>`(${db
        .select({ list: sql`json_agg(json_build_object('id', ${building.id}, 'name', ${building.name}))` })
        .from(link)
        .innerJoin(building, eq(building.id, link.buildingId))
        .where(and(eq(link.assetId, culturalAssets.id), sight.sees(building.villageId)))})`,
    })
    .from(culturalAssets)
    .where(
      and(
        exists(
          db
            .select({ one: sql`1` })
            .from(seen)
            .where(and(eq(seen.assetId, culturalAssets.id), sight.sees(seen.villageId), f.villageId ? eq(seen.villageId, f.villageId) : undefined)),
        ),
        f.kind ? eq(culturalAssets.kind, f.kind) : undefined,
        f.q ? textMatches(culturalAssets.searchText, f.q) : undefined,
      ),
    )
    .orderBy(asc(culturalAssets.kind), asc(culturalAssets.name), asc(culturalAssets.id));
  const rows = f.limit ? await query.limit(f.limit) : await query;
  if (rows.length === 0) return [];
  const refs = await villageRefsOf(db, [...new Set(rows.flatMap((r) => r.villageIds ?? []))]);
  return rows.map(({ villageIds, buildings: linkedBuildings, ...r }) => ({
    ...r,
    villages: (villageIds ?? [])
      .filter((id) => refs.has(id))
      .map((id) => ({ id, nameZh: refs.get(id)!.nameZh, namePinyin: refs.get(id)!.namePinyin })),
    buildings: linkedBuildings ?? [],
  }));
}

type CraftRef = { id: string; name: string; villageId: string | null };

async function craftsWhere(db: Db, countyId: string, by: 'id' | 'name', values: readonly string[]): Promise<Map<string, CraftRef>> {
  const unique = [...new Set(values)];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: culturalAssets.id, name: culturalAssets.name, villageId: culturalAssets.villageId })
    .from(culturalAssets)
    .where(and(eq(culturalAssets.countyId, countyId), eq(culturalAssets.kind, 'craft'), inArray(by === 'id' ? culturalAssets.id : culturalAssets.name, unique)));
  return new Map(rows.map((r) => [r[by], r]));
}

/** The Atlas's crafts (living culture of kind `craft`) among these ids, for another module to link to: name and village. */
export const craftsByIds = (db: Db, countyId: string, ids: readonly string[]) => craftsWhere(db, countyId, 'id', ids);

/** Seeding: a county's crafts by their name (keyed by name). */
export const craftsByName = (db: Db, countyId: string, names: readonly string[]) => craftsWhere(db, countyId, 'name', names);
