import { eq, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/handle.ts';
import { badRequest } from '../../../server/problems.ts';
import { type Actor } from '../../governance/index.ts';
import { ATLAS_PERMISSIONS } from '../permissions.ts';
import { getCountyTree, villageIdsWithin, villagesByIds, type VillageWithTownship } from '../../governance/index.ts';
import { GeometryError } from '../geo.ts';
import { atlasVillageProfiles as villageProfiles } from '../schema.ts';

// ---- villages as governance has them, and who may see or edit what ----

export interface VillageRef {
  id: string;
  countyId: string;
  townshipId: string;
  townshipZh: string;
  townshipPinyin: string;
  nameZh: string;
  namePinyin: string;
  description: string;
  lon: number | null;
  lat: number | null;
  listingBatch: number | null;
}

/** Every village of the county, through governance's service. */
export async function villageRefs(db: Db): Promise<Map<string, VillageRef>> {
  const tree = await getCountyTree(db);
  const map = new Map<string, VillageRef>();
  for (const t of tree.townships)
    for (const v of t.villages)
      map.set(v.id, {
        id: v.id,
        countyId: tree.county.id,
        townshipId: t.id,
        townshipZh: t.nameZh,
        townshipPinyin: t.namePinyin,
        nameZh: v.nameZh,
        namePinyin: v.namePinyin,
        description: v.description,
        lon: v.lon,
        lat: v.lat,
        listingBatch: v.listingBatch,
      });
  return map;
}

const EDIT_ROLES: readonly string[] = ATLAS_PERMISSIONS['atlas.edit'];

/** Whether the actor may edit the village's atlas records (a grant on it, its township or the county). */
export function mayEdit(actor: Actor | null | undefined, v: VillageRef): boolean {
  return !!actor?.grants.some((g) => EDIT_ROLES.includes(g.role) && g.unitId !== null && [v.countyId, v.townshipId, v.id].includes(g.unitId));
}

async function publishedIds(db: Db): Promise<Set<string>> {
  const rows = await db.select({ id: villageProfiles.unitId }).from(villageProfiles).where(eq(villageProfiles.published, true));
  return new Set(rows.map((r) => r.id));
}

/** The villages whose atlas records the actor may see: the published ones, and those they edit. */
export async function visibleVillages(db: Db, actor: Actor | null | undefined) {
  const [refs, published] = await Promise.all([villageRefs(db), publishedIds(db)]);
  const ids = [...refs.values()].filter((v) => published.has(v.id) || mayEdit(actor, v)).map((v) => v.id);
  return { refs, published, ids, set: new Set(ids) };
}

/** Which villages an actor sees, worked out once for a request that lists several kinds of record. */
export type Visibility = Awaited<ReturnType<typeof visibleVillages>>;

/**
 * Who sees which village, as a condition the database checks (published, or edited by the actor), so a search
 * reads only the rows it returns instead of every village of the county.
 */
export interface Sight {
  /** The villages the actor edits (through grants on them, their township or the county). */
  editable: string[];
  /** A condition that the village id in `column` is one the actor sees. */
  sees(column: AnyPgColumn | SQL): SQL;
  /** The same condition on the village profiles' own rows: their `published` flag, without a subquery per row. */
  seesProfile(): SQL;
}

export async function sightOf(db: Db, actor: Actor | null | undefined): Promise<Sight> {
  const grantUnits = [...new Set(actor?.grants.filter((g) => EDIT_ROLES.includes(g.role) && g.unitId !== null).map((g) => g.unitId!) ?? [])];
  const editable = await villageIdsWithin(db, grantUnits);
  const list = `{${editable.join(',')}}`;
  const editing = (column: AnyPgColumn | SQL) => sql`${column} = any(${list}::uuid[])`;
  return {
    editable,
    seesProfile: () => (editable.length ? or(sql`${villageProfiles.published}`, editing(villageProfiles.unitId))! : sql`${villageProfiles.published}`),
    sees: (column) => {
      const published = sql`${column} in (select ${villageProfiles.unitId} from ${villageProfiles} where ${villageProfiles.published})`;
      return editable.length ? or(published, editing(column))! : published;
    },
  };
}

/** The villages with these ids as `VillageRef`s, through governance, for a page of results. */
export async function villageRefsOf(db: Db, ids: readonly string[]): Promise<Map<string, VillageRef>> {
  const found = await villagesByIds(db, ids);
  return new Map([...found.values()].map((v) => [v.id, refOf(v)]));
}

const refOf = (v: VillageWithTownship): VillageRef => ({
  id: v.id,
  countyId: v.countyId,
  townshipId: v.township.id,
  townshipZh: v.township.nameZh,
  townshipPinyin: v.township.namePinyin,
  nameZh: v.nameZh,
  namePinyin: v.namePinyin,
  description: v.description,
  lon: v.lon,
  lat: v.lat,
  listingBatch: v.listingBatch,
});

export async function villageFor(db: Db, villageId: string, field: string): Promise<VillageRef> {
  const v = (await villageRefs(db)).get(villageId);
  if (!v) throw badRequest(field, 'No such village');
  return v;
}

export const geometryProblem = (field: string, error: unknown) => {
  if (error instanceof GeometryError) return badRequest(error.where ? `${field}/${error.where}` : field, error.message);
  return error;
};
