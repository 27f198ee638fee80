import { and, eq, sql } from 'drizzle-orm';
import { firstIds } from '../../../db/aggregates.ts';
import type { Db } from '../../../db/handle.ts';
import { elevationAt, songyangDem } from '../dem.ts';
import { atlasAssetBuildings as assetBuildings, atlasAssetVillages as assetVillages, atlasBuildings as buildings, atlasConditionAssessments as conditionAssessments, atlasCulturalAssets as culturalAssets, atlasVillageProfiles as villageProfiles } from '../schema.ts';
import { displayPinyin, searchText } from '../../../db/search-text.ts';
import { BuildingInput, buildingRow } from './buildings.ts';
import { round6 } from './map.ts';
import { villageRefs } from './villages.ts';

// ---- demo seed ----

const roundOrNull = (x: number | null) => (x === null ? null : Math.round(x));

type DemoBuilding = Omit<BuildingInput, 'villageId' | 'geometry'> & { dx: number; dy: number; grades: [string, number][] };

/**
 * Demo buildings in villages of four townships, and stories. Outside 杨家堂村 they carry no protection level: a protected
 * building is a no-fly zone for the drones, and the logistics demo plans its drone routes over these villages.
 */
const DEMO_VILLAGES: Record<string, { story?: string; buildings: DemoBuilding[] }> = {
  杨家堂村: {
    buildings: [
      { name: '宋氏宗祠', type: 'ancestral_hall', era: '清', buildYear: 1790, protectionLevel: 'provincial', structure: '穿斗式木构', materials: '木、夯土、青瓦', currentUse: 'public', ownerType: 'clan', dx: 0.0004, dy: 0.0002, notes: '村中心的宗祠，每年祭祖在此举行。', grades: [['2019-05-10', 3], ['2024-04-18', 2]] },
      { name: '杨家堂夯土民居群', type: 'dwelling', era: '清', buildYear: 1850, protectionLevel: 'county', structure: '夯土墙承重', materials: '黄泥夯土、木、青瓦', currentUse: 'residence', ownerType: 'private', dx: -0.0005, dy: 0.0003, notes: '依山而建的夯土民居群。', grades: [['2021-09-01', 3]] },
      { name: '村口古井', type: 'well', era: '明', protectionLevel: 'listed', materials: '条石', currentUse: 'public', ownerType: 'collective', dx: 0.0009, dy: -0.0006, notes: '', grades: [] },
    ],
  },
  陈家铺村: {
    story: '陈家铺村在四都乡的悬崖边上，村舍沿陡坡层层排开，云雾常从崖下升起。近年几座空置老屋改作书店和民宿，吸引了不少游客（演示）。',
    buildings: [
      { name: '崖边夯土民居', type: 'dwelling', era: '清', buildYear: 1880, protectionLevel: 'none', structure: '夯土墙承重', materials: '黄泥夯土、木、青瓦', currentUse: 'inn', ownerType: 'private', dx: 0.0006, dy: -0.0003, notes: '悬崖边的三开间老屋，已改作民宿（演示）。', grades: [['2022-06-15', 2]] },
      { name: '陈家铺观景平台', type: 'pavilion', era: '当代', protectionLevel: 'none', materials: '木、石', currentUse: 'public', ownerType: 'collective', dx: -0.0004, dy: -0.0005, notes: '', grades: [] },
    ],
  },
  山下阳村: {
    story: '山下阳村在古市镇以北的平原边上，巷弄纵横交错，老屋鳞次栉比，当地人说村子布局像八卦迷宫（演示）。',
    buildings: [
      { name: '山下阳巷弄民居群', type: 'dwelling', era: '清', buildYear: 1820, protectionLevel: 'none', structure: '砖木结构', materials: '青砖、木、青瓦', currentUse: 'residence', ownerType: 'private', dx: 0.0003, dy: 0.0004, notes: '曲折巷弄两侧的砖木民居（演示）。', grades: [['2020-10-12', 3], ['2025-03-20', 3]] },
      { name: '山下阳古戏台', type: 'temple', era: '清', protectionLevel: 'none', structure: '抬梁式木构', materials: '木、青瓦', currentUse: 'public', ownerType: 'collective', dx: -0.0006, dy: 0.0002, notes: '', grades: [['2023-08-01', 4]] },
    ],
  },
  靖居村: {
    buildings: [
      { name: '靖居渡口', type: 'other', era: '清', protectionLevel: 'none', materials: '条石', currentUse: 'public', ownerType: 'collective', dx: 0.0002, dy: -0.0008, notes: '松阴溪边的老渡口（演示）。', grades: [] },
    ],
  },
};

/** The atlas part of the demo county: the 78 villages' profiles, published, with altitude from the bundled DEM, and a few records in 杨家堂村. */
export async function seedAtlas(tx: Db): Promise<void> {
  const refs = await villageRefs(tx);
  const dem = songyangDem();
  const values = [...refs.values()].map((v) => ({
    unitId: v.id,
    countyId: v.countyId,
    altitudeM: v.lon !== null && v.lat !== null ? roundOrNull(elevationAt(dem, v.lon, v.lat)) : null,
    listingLevel: 'national' as const,
    listingBatch: v.listingBatch && v.listingBatch > 0 ? v.listingBatch : null,
    published: true,
  }));
  if (values.length) await tx.insert(villageProfiles).values(values).onConflictDoNothing();
  const yjt = [...refs.values()].find((v) => v.nameZh === '杨家堂村');
  if (!yjt || yjt.lon === null || yjt.lat === null) return;
  await tx
    .update(villageProfiles)
    .set({
      registeredPopulation: 510,
      residentPopulation: 160,
      story:
        '杨家堂村坐落在三都乡的山坡上，数十座清代夯土民居依山势层层叠叠，被誉为“金色的布达拉宫”。宋氏后人在此聚居，宗祠、古道与茶园至今仍在使用。',
    })
    .where(eq(villageProfiles.unitId, yjt.id));
  for (const [name, v] of Object.entries(DEMO_VILLAGES)) {
    const ref = [...refs.values()].find((r) => r.nameZh === name);
    if (!ref || ref.lon === null || ref.lat === null) continue;
    if (v.story) await tx.update(villageProfiles).set({ story: v.story }).where(eq(villageProfiles.unitId, ref.id));
    const at = (dx: number, dy: number) => ({ type: 'Point' as const, coordinates: [round6(ref.lon! + dx), round6(ref.lat! + dy)] });
    for (const { dx, dy, grades, ...s } of v.buildings) {
      const [b] = await tx.insert(buildings).values(buildingRow(ref.countyId, ref, { ...s, villageId: ref.id, geometry: at(dx, dy) }, 'wgs84')).returning({ id: buildings.id });
      for (const [on, grade] of grades) {
        await tx.insert(conditionAssessments).values({ countyId: ref.countyId, buildingId: b.id, grade, assessedOn: on, assessor: '县文保所（演示）' });
        await tx.update(buildings).set({ condition: grade }).where(eq(buildings.id, b.id));
      }
    }
  }
  const [a] = await tx
    .insert(culturalAssets)
    .values({
      countyId: yjt.countyId,
      villageId: yjt.id,
      kind: 'festival',
      name: '杨家堂祭祖',
      namePinyin: displayPinyin('杨家堂祭祖'),
      description: '宋氏族人在宗祠举行的年度祭祖仪式。',
      seasons: ['winter'],
      dates: '农历正月',
      searchText: searchText(['杨家堂祭祖'], ['宋氏族人在宗祠举行的年度祭祖仪式。', yjt.nameZh]),
    })
    .returning({ id: culturalAssets.id });
  await tx.insert(assetVillages).values({ countyId: yjt.countyId, assetId: a.id, villageId: yjt.id });
  const [hall] = await tx.select({ id: buildings.id }).from(buildings).where(and(eq(buildings.villageId, yjt.id), eq(buildings.name, '宋氏宗祠')));
  await tx.insert(assetBuildings).values({ countyId: yjt.countyId, assetId: a.id, buildingId: hall.id });
  const [tea] = await tx
    .insert(culturalAssets)
    .values({
      countyId: yjt.countyId,
      villageId: yjt.id,
      kind: 'craft',
      name: '松阳银猴茶制作技艺',
      namePinyin: displayPinyin('松阳银猴茶制作技艺'),
      description: '采摘、摊青、杀青、揉捻、烘干，手工制作松阳银猴绿茶。',
      seasons: ['spring'],
      dates: '清明前后',
      searchText: searchText(['松阳银猴茶制作技艺'], ['采摘、摊青、杀青、揉捻、烘干，手工制作松阳银猴绿茶。', yjt.nameZh]),
    })
    .returning({ id: culturalAssets.id });
  await tx.insert(assetVillages).values({ countyId: yjt.countyId, assetId: tea.id, villageId: yjt.id });
}


/** Per village: its heritage buildings, those assessed, and those in good condition (latest grade 1 sound or 2 fair; 5 is unsafe), for the Indicators. */
export async function buildingConditionByVillage(db: Db, countyId: string) {
  return db
    .select({
      villageId: buildings.villageId,
      buildings: sql<number>`count(*)::int`,
      assessed: sql<number>`count(${buildings.condition})::int`,
      good: sql<number>`(count(*) filter (where ${buildings.condition} <= 2))::int`,
      ids: firstIds(buildings.id, sql`${buildings.condition} is not null`),
    })
    .from(buildings)
    .where(eq(buildings.countyId, countyId))
    .groupBy(buildings.villageId);
}
