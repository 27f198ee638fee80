import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { listBuildings } from '../atlas/index.ts';
import { inns, rooms, seasonalRates } from './schema.ts';

type DemoRoom = Pick<typeof rooms.$inferInsert, 'name' | 'nameEn' | 'type' | 'capacity' | 'beds' | 'nightlyFen' | 'weekendFen' | 'description'>;
interface DemoInn {
  storyBefore: string;
  storyAfter: string;
  amenities: string[];
  address: string;
  /** The name of its house in the Atlas, which the Atlas seed adds first. */
  house: string;
  rooms: DemoRoom[];
}

const HOUSE_RULES = '入住 14:00 后，退房 12:00 前。老屋木构，室内禁烟，请勿使用明火。22:00 后请保持安静。';

/** The demo inns, by their organization's name: 杨家堂村's (the innkeeper account's) and one in 四都乡. */
export const DEMO_INNS: Record<string, DemoInn> = {
  杨家堂老屋民宿: {
    storyBefore: '清代宋氏族人所建的三合院夯土老屋，黄墙黛瓦，依山坡层层而上。人去屋空后木构朽坏、屋面漏雨，一度无人居住。',
    storyAfter: '2016 年起按“微改造、精提升”修缮：保留夯土墙与木构，换瓦补梁，内部加装卫浴与保温，成为四间客房的民宿，由返乡村民经营。',
    amenities: ['wifi', 'breakfast', 'heating', 'tea', 'parking'],
    address: '浙江省丽水市松阳县三都乡杨家堂村',
    house: '杨家堂夯土民居群',
    rooms: [
      { name: '望山', nameEn: 'Mountain View', type: 'double', capacity: 2, beds: '1.8 米大床', nightlyFen: 38_800, weekendFen: 45_800, description: '二楼朝南，推窗见梯田与对面山峦。' },
      { name: '听雨', nameEn: 'Rain Room', type: 'twin', capacity: 2, beds: '两张 1.2 米床', nightlyFen: 32_800, weekendFen: 39_800, description: '保留原木格窗，雨天可听瓦上雨声。' },
      { name: '晒秋', type: 'family', capacity: 4, beds: '1.8 米大床 + 上下铺', nightlyFen: 56_800, weekendFen: 66_800, description: '带小阁楼的家庭房，适合带孩子的一家。' },
      { name: '茶间', type: 'single', capacity: 1, beds: '1.2 米床', nightlyFen: 19_800, weekendFen: null, description: '小而安静，紧邻茶室。' },
    ],
  },
  陈家铺崖居民宿: {
    storyBefore: '悬崖边的三开间夯土老屋，主人迁居县城后闲置多年，屋面塌了一角（演示）。',
    storyAfter: '修缮时保留夯土外墙和木梁，朝崖的一面开了大窗，改成两间看云海的客房（演示）。',
    amenities: ['wifi', 'breakfast', 'heating'],
    address: '浙江省丽水市松阳县四都乡陈家铺村',
    house: '崖边夯土民居',
    rooms: [
      { name: '云海', nameEn: 'Sea of Clouds', type: 'double', capacity: 2, beds: '1.8 米大床', nightlyFen: 42_800, weekendFen: 49_800, description: '整面窗朝向崖下的云海。' },
      { name: '崖居', type: 'twin', capacity: 2, beds: '两张 1.2 米床', nightlyFen: 36_800, weekendFen: 42_800, description: '木梁下的双床房。' },
    ],
  },
};

/** A demo inn: its story, its house in the Atlas, its rooms with weekend prices, and a summer season. Called inside the seed's transaction, after the Atlas seed. */
export async function seedDemoInn(tx: Db, name: string, demo: DemoInn, at: { countyId: string; orgId: string; unitId: string }) {
  const [inn] = await tx
    .insert(inns)
    .values({
      countyId: at.countyId,
      orgId: at.orgId,
      unitId: at.unitId,
      name,
      storyBefore: demo.storyBefore,
      storyAfter: demo.storyAfter,
      amenities: demo.amenities,
      houseRules: HOUSE_RULES,
      address: demo.address,
      lon: null,
      lat: null,
      fullRefundDays: 7,
      partialRefundDays: 2,
      partialRefundPercent: 50,
      holdMinutes: 15,
    })
    .returning();
  for (const r of demo.rooms) {
    const [room] = await tx
      .insert(rooms)
      .values({ ...r, countyId: at.countyId, innId: inn.id, icalToken: randomBytes(18).toString('base64url') })
      .returning({ id: rooms.id });
    const year = new Date().getUTCFullYear();
    for (const y of [year, year + 1]) {
      await tx.insert(seasonalRates).values({
        countyId: at.countyId,
        roomId: room.id,
        name: '暑期',
        startDate: `${y}-07-01`,
        endDate: `${y}-09-01`,
        nightlyFen: Math.round((r.nightlyFen * 1.2) / 100) * 100,
        weekendFen: r.weekendFen ? Math.round((r.weekendFen * 1.2) / 100) * 100 : null,
      });
    }
  }
  // The house itself, in the Atlas (seeded before this).
  const { items } = await listBuildings(tx, null, { villageId: at.unitId, q: demo.house, limit: 5, offset: 0 });
  const house = items.find((b) => b.name === demo.house);
  if (house) await tx.update(inns).set({ buildingIds: [house.id] }).where(eq(inns.id, inn.id));
  return inn;
}
