import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { elevationAt, songyangDem } from '../dem.ts';
import { atlasAssetBuildings as assetBuildings, atlasAssetVillages as assetVillages, atlasBuildings as buildings, atlasConditionAssessments as conditionAssessments, atlasCulturalAssets as culturalAssets, atlasVillageProfiles as villageProfiles } from '../schema.ts';
import { displayPinyin, searchText } from '../../../db/search-text.ts';
import { BuildingInput, buildingRow } from './buildings.ts';
import { round6 } from './map.ts';
import { villageRefs } from './villages.ts';

// ---- demo seed ----

const roundOrNull = (x: number | null) => (x === null ? null : Math.round(x));

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
  const at = (dx: number, dy: number) => ({ type: 'Point' as const, coordinates: [round6(yjt.lon! + dx), round6(yjt.lat! + dy)] });
  const seeds: (BuildingInput & { grades: [string, number][] })[] = [
    { villageId: yjt.id, name: '宋氏宗祠', type: 'ancestral_hall', era: '清', buildYear: 1790, protectionLevel: 'provincial', structure: '穿斗式木构', materials: '木、夯土、青瓦', currentUse: 'public', ownerType: 'clan', geometry: at(0.0004, 0.0002), notes: '村中心的宗祠，每年祭祖在此举行。', grades: [['2019-05-10', 3], ['2024-04-18', 2]] },
    { villageId: yjt.id, name: '杨家堂夯土民居群', type: 'dwelling', era: '清', buildYear: 1850, protectionLevel: 'county', structure: '夯土墙承重', materials: '黄泥夯土、木、青瓦', currentUse: 'residence', ownerType: 'private', geometry: at(-0.0005, 0.0003), notes: '依山而建的夯土民居群。', grades: [['2021-09-01', 3]] },
    { villageId: yjt.id, name: '村口古井', type: 'well', era: '明', protectionLevel: 'listed', materials: '条石', currentUse: 'public', ownerType: 'collective', geometry: at(0.0009, -0.0006), notes: '', grades: [] },
  ];
  for (const s of seeds) {
    const [b] = await tx.insert(buildings).values(buildingRow(yjt.countyId, yjt, s, 'wgs84')).returning({ id: buildings.id });
    for (const [on, grade] of s.grades) {
      await tx.insert(conditionAssessments).values({ countyId: yjt.countyId, buildingId: b.id, grade, assessedOn: on, assessor: '县文保所（演示）' });
      await tx.update(buildings).set({ condition: grade }).where(eq(buildings.id, b.id));
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
      ids: sql<string[]>`(array_agg(${buildings.id}::text order by ${buildings.id}) filter (where ${buildings.condition} is not null))[1:200]`,
    })
    .from(buildings)
    .where(eq(buildings.countyId, countyId))
    .groupBy(buildings.villageId);
}
