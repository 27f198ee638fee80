import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { notFound } from '../../../server/problems.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, setupNeeded, type Actor } from '../../governance/index.ts';
import { atlasBuildings as buildings, atlasPhotos as photos, atlasVillageProfiles as villageProfiles } from '../schema.ts';
import { textMatches, searchText } from '../../../db/search-text.ts';
import { buildingSummaryColumns, photoColumns } from './buildings.ts';
import { listAssets } from './culture.ts';
import { type Sight, VillageRef, mayEdit, sightOf, villageRefs, villageRefsOf, visibleVillages } from './villages.ts';

// ---- village profiles ----

export type VillageProfile = typeof villageProfiles.$inferSelect;

function villageOut(v: VillageRef, p: VillageProfile | undefined, editable: boolean) {
  return {
    id: v.id,
    nameZh: v.nameZh,
    namePinyin: v.namePinyin,
    township: { id: v.townshipId, nameZh: v.townshipZh, namePinyin: v.townshipPinyin },
    description: v.description,
    lon: v.lon,
    lat: v.lat,
    registeredPopulation: p?.registeredPopulation ?? null,
    residentPopulation: p?.residentPopulation ?? null,
    altitudeM: p?.altitudeM ?? null,
    listingLevel: p?.listingLevel ?? (v.listingBatch ? 'national' : null),
    listingBatch: p?.listingBatch ?? v.listingBatch,
    story: p?.story ?? '',
    published: p?.published ?? false,
    editable,
  };
}

export async function listVillages(db: Db, actor: Actor | null, filter: { q?: string; limit?: number } = {}, known?: Sight) {
  if (filter.q) return findVillages(db, actor, filter.q, filter.limit, known);
  const vis = await visibleVillages(db, actor);
  const profiles = new Map((await db.select().from(villageProfiles)).map((p) => [p.unitId, p]));
  const list = vis.ids.map((id) => villageOut(vis.refs.get(id)!, profiles.get(id), mayEdit(actor, vis.refs.get(id)!)));
  return list.sort((a, b) => a.namePinyin.localeCompare(b.namePinyin));
}

/**
 * The villages whose search text matches, read through its trigram index with the actor's sight checked in the
 * same query; only the matches' names are fetched from governance. With a limit, the first by Chinese name.
 */
const profilesSeen = new WeakSet<Db>();
async function findVillages(db: Db, actor: Actor | null, q: string, limit?: number, known?: Sight) {
  // A county set up at its first start has villages but no search text yet: written on the first search.
  // Once a database has profiles it keeps them, so the check is made until it first finds one, not per search.
  if (!profilesSeen.has(db)) {
    if ((await db.select({ unitId: villageProfiles.unitId }).from(villageProfiles).limit(1)).length === 0) await refreshVillageSearch(db);
    else profilesSeen.add(db);
  }
  const sight = known ?? (await sightOf(db, actor));
  // The text is stored without spaces, so pinyin typed with or without them finds it.
  const query = db
    .select()
    .from(villageProfiles)
    .where(and(textMatches(villageProfiles.searchText, q.replace(/\s+/g, '')), sight.seesProfile()))
    .orderBy(sql`left(${villageProfiles.searchText}, 48) collate "C"`, asc(villageProfiles.unitId));
  const profiles = limit ? await query.limit(limit) : await query;
  const refs = await villageRefsOf(db, profiles.map((p) => p.unitId));
  const list = profiles.filter((p) => refs.has(p.unitId)).map((p) => villageOut(refs.get(p.unitId)!, p, mayEdit(actor, refs.get(p.unitId)!)));
  return list.sort((a, b) => a.namePinyin.localeCompare(b.namePinyin));
}

/** What finds a village: its and its township's names in Chinese, pinyin and initials, its description and story. */
function villageSearchText(v: VillageRef, story: string) {
  return searchText([v.nameZh, v.townshipZh], [v.description, story]).replace(/\s+/g, '');
}

/**
 * Writes each village's search text where it is missing or out of date (villages and their names come from
 * governance), so a search reads an index instead of computing pinyin per request. Runs when the server starts.
 */
export async function refreshVillageSearch(db: Db) {
  // A real county's first start has no county until it is set up; its villages get their text on their first search.
  if (await setupNeeded(db)) return 0;
  const refs = await villageRefs(db);
  const rows = await db.select({ unitId: villageProfiles.unitId, story: villageProfiles.story, searchText: villageProfiles.searchText }).from(villageProfiles);
  const have = new Map(rows.map((r) => [r.unitId, r]));
  const stale = [...refs.values()]
    .map((v) => ({ unitId: v.id, countyId: v.countyId, searchText: villageSearchText(v, have.get(v.id)?.story ?? '') }))
    .filter((r) => have.get(r.unitId)?.searchText !== r.searchText);
  for (let i = 0; i < stale.length; i += 500)
    await db
      .insert(villageProfiles)
      .values(stale.slice(i, i + 500))
      .onConflictDoUpdate({ target: [villageProfiles.countyId, villageProfiles.unitId], set: { searchText: sql`excluded.search_text` } });
  return stale.length;
}

/** One village with its heritage, culture and photos; 404 unless published or the actor edits it. */
export async function getVillage(db: Db, actor: Actor | null, id: string) {
  const refs = await villageRefs(db);
  const v = refs.get(id);
  if (!v) throw notFound('Village');
  const [p] = await db.select().from(villageProfiles).where(eq(villageProfiles.unitId, id));
  const editable = mayEdit(actor, v);
  if (!p?.published && !editable) throw notFound('Village');
  const [bs, assets, ph] = await Promise.all([
    db
      .select(buildingSummaryColumns)
      .from(buildings)
      .where(eq(buildings.villageId, id))
      .orderBy(asc(buildings.protectionLevel), asc(buildings.name)),
    listAssets(db, actor, { villageId: id }),
    db
      .select(photoColumns)
      .from(photos)
      .where(and(eq(photos.villageId, id), sql`${photos.buildingId} is null`, sql`${photos.assetId} is null`))
      .orderBy(asc(photos.createdAt)),
  ]);
  const rank: Record<string, number> = { national: 0, provincial: 1, county: 2, listed: 3, none: 4 };
  bs.sort((a, b) => rank[a.protectionLevel] - rank[b.protectionLevel] || a.name.localeCompare(b.name, 'zh'));
  return { ...villageOut(v, p, editable), buildings: bs, culture: assets, photos: ph };
}

export async function updateVillageProfile(
  db: Db,
  actor: Actor | null,
  id: string,
  patch: {
    registeredPopulation?: number | null;
    residentPopulation?: number | null;
    altitudeM?: number | null;
    listingLevel?: 'national' | 'provincial' | null;
    listingBatch?: number | null;
    story?: string;
    published?: boolean;
  },
) {
  const v = (await villageRefs(db)).get(id);
  if (!v) throw notFound('Village');
  const who = await authorize(db, actor, 'atlas.edit', { unitId: id });
  if (patch.published !== undefined) await authorize(db, actor, 'atlas.publish', { unitId: id });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(villageProfiles)
      .values({ unitId: id, countyId: v.countyId, ...patch, searchText: villageSearchText(v, patch.story ?? '') })
      .onConflictDoUpdate({
        target: [villageProfiles.countyId, villageProfiles.unitId],
        set: { ...patch, ...(patch.story !== undefined && { searchText: villageSearchText(v, patch.story) }), updatedAt: new Date() },
      })
      .returning();
    await recordAudit(tx, who, { action: 'village_profile.update', entity: 'atlas_village', entityId: id, details: patch });
    return villageOut(v, row, true);
  });
}
