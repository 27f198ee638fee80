import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { adminUnits, organizations } from '../governance/index.ts';
import { marketBatches, marketGardens, marketProducts, marketShops, marketVariants, type TraceKind } from './schema.ts';
import { appendEventTx, productSearchText } from './service.ts';
import { demoGtin } from './trace.ts';

/** GTIN and lot of the demo batch, for tests and the README: /market/01/{DEMO_GTIN}/10/{DEMO_LOT}. */
export const DEMO_GTIN = demoGtin(1);
export const DEMO_LOT = 'YH2026-0328';

/**
 * Demo products and one fully traced batch for the seeded tea cooperative; runs inside the demo seed's transaction.
 * Finds the cooperative by name (its producer account is `producer`).
 */
export async function seedMarketDemo(tx: Db, coopName = '杨家堂银猴茶叶专业合作社') {
  const [coop] = await tx
    .select({ id: organizations.id, countyId: organizations.countyId, unitId: organizations.unitId })
    .from(organizations)
    .where(eq(organizations.name, coopName));
  if (!coop) return;
  const [village] = await tx.select().from(adminUnits).where(and(eq(adminUnits.id, coop.unitId), eq(adminUnits.level, 'village')));
  await tx.insert(marketShops).values({
    orgId: coop.id,
    countyId: coop.countyId,
    intro: '海拔五百多米的杨家堂村，茶园在黄泥墙老屋背后的山坡上。合作社统一采摘、统一加工、统一检测。（演示）',
    shippingBaseFen: 1000,
    freeShippingOverFen: 19900,
    remoteSurchargeFen: 1500,
    lowStockThreshold: 10,
  });
  const [garden] = await tx
    .insert(marketGardens)
    .values({
      countyId: coop.countyId,
      orgId: coop.id,
      villageId: coop.unitId,
      name: '后山茶园 3 号地块',
      lon: village?.lon != null ? village.lon + 0.004 : null,
      lat: village?.lat != null ? village.lat + 0.002 : null,
      altitudeM: 560,
    })
    .returning();
  const products = [
    {
      kind: 'tea' as const,
      name: '松阳银猴 特级 明前',
      description: '清明前采摘的一芽一叶，条索卷曲多毫，形似猴爪；栗香持久，汤色嫩绿明亮。',
      variety: '松阳银猴',
      grade: '特级',
      season: '明前',
      gtin: DEMO_GTIN,
      variants: [
        { label: '50 克 小罐', weightG: 50, priceFen: 12800, stock: 120 },
        { label: '250 克 礼盒', weightG: 250, priceFen: 56800, stock: 40 },
      ],
    },
    {
      kind: 'tea' as const,
      name: '松阳香茶 一级 雨前',
      description: '谷雨前采制的松阳香茶，炒青工艺，香高味浓，耐冲泡，适合日常口粮。',
      variety: '松阳香茶',
      grade: '一级',
      season: '雨前',
      gtin: demoGtin(2),
      variants: [{ label: '250 克 袋装', weightG: 250, priceFen: 8800, stock: 200 }],
    },
    {
      kind: 'craft' as const,
      name: '竹编茶叶罐',
      description: '村里老篾匠手工编织的竹编茶叶罐，内衬锡箔，可装 100 克茶叶。',
      variety: null,
      grade: null,
      season: null,
      gtin: demoGtin(3),
      variants: [{ label: '一只', weightG: 180, priceFen: 16800, stock: 8 }],
    },
  ];
  let first: { productId: string } | undefined;
  for (const p of products) {
    const { variants, ...product } = p;
    const [row] = await tx
      .insert(marketProducts)
      .values({ ...product, countyId: coop.countyId, orgId: coop.id, searchText: productSearchText(product) })
      .returning({ id: marketProducts.id });
    await tx.insert(marketVariants).values(variants.map((v) => ({ ...v, countyId: coop.countyId, productId: row.id })));
    first ??= { productId: row.id };
  }
  const [batch] = await tx
    .insert(marketBatches)
    .values({
      countyId: coop.countyId,
      orgId: coop.id,
      productId: first!.productId,
      gardenId: garden.id,
      lot: DEMO_LOT,
      harvestDate: '2026-03-28',
      quantity: 160,
      notes: '明前头采（演示）',
    })
    .returning();
  await tx.update(marketVariants).set({ batchId: batch.id }).where(eq(marketVariants.productId, first!.productId));
  const events: [TraceKind, string, string, string, string?][] = [
    ['picking', '2026-03-28T06:30:00+08:00', '叶春花 等 12 人', '一芽一叶初展，晨露干后开采，鲜叶 42 公斤'],
    ['withering', '2026-03-28T11:00:00+08:00', '叶建国', '竹匾摊放 6 小时，叶质变软'],
    ['fixing', '2026-03-28T17:30:00+08:00', '叶建国', '滚筒杀青 260 ℃'],
    ['rolling', '2026-03-28T18:10:00+08:00', '叶建国', '轻揉 15 分钟，理条成猴爪形'],
    ['drying', '2026-03-28T19:00:00+08:00', '叶建国', '烘干两次，含水量 5.8%，成品干茶 10.2 公斤'],
    ['inspection', '2026-04-02T10:00:00+08:00', '松阳县农产品质量检测站', '农药残留 62 项未检出', '农残检测报告 No. SY-2026-0402-17'],
    ['certificate', '2026-04-02T10:05:00+08:00', '合作社', '绿色食品证书在有效期内', '绿色食品证书 LB-15-2303331457A'],
    ['packing', '2026-04-03T09:00:00+08:00', '合作社包装间', '分装 50 克小罐 120 罐、250 克礼盒 40 盒，每件贴批次二维码'],
  ];
  for (const [kind, at, operator, notes, documentTitle] of events) {
    await appendEventTx(tx, batch.id, { kind, occurredAt: new Date(at), operator, notes, documentTitle: documentTitle ?? null }, null);
  }
  await seedHerbalTeaShop(tx);
}

/** A second shop in another township (古市镇): 山下阳村's herbal-tea cooperative, one product and its traced batch. */
async function seedHerbalTeaShop(tx: Db) {
  const [coop] = await tx
    .select({ id: organizations.id, countyId: organizations.countyId, unitId: organizations.unitId, lon: adminUnits.lon, lat: adminUnits.lat })
    .from(organizations)
    .innerJoin(adminUnits, eq(adminUnits.id, organizations.unitId))
    .where(eq(organizations.name, '山下阳端午茶合作社'));
  if (!coop) return;
  await tx.insert(marketShops).values({
    orgId: coop.id,
    countyId: coop.countyId,
    intro: '端午前后上山采集草木，晒干后按村里的老方子配成端午茶。（演示）',
    shippingBaseFen: 800,
    freeShippingOverFen: 9900,
    remoteSurchargeFen: 1500,
    lowStockThreshold: 10,
  });
  const [garden] = await tx
    .insert(marketGardens)
    .values({ countyId: coop.countyId, orgId: coop.id, villageId: coop.unitId, name: '村后山坡采集地', lon: coop.lon != null ? coop.lon - 0.003 : null, lat: coop.lat != null ? coop.lat + 0.003 : null, altitudeM: 260 })
    .returning();
  const product = { kind: 'tea' as const, name: '松阳端午茶 草本拼配', description: '十余种山间草木晒干拼配，煮水代茶，松阳人夏天常喝。（演示）', variety: '端午茶', grade: null, season: '端午', gtin: demoGtin(4) };
  const [row] = await tx
    .insert(marketProducts)
    .values({ ...product, countyId: coop.countyId, orgId: coop.id, searchText: productSearchText(product) })
    .returning({ id: marketProducts.id });
  const [batch] = await tx
    .insert(marketBatches)
    .values({ countyId: coop.countyId, orgId: coop.id, productId: row.id, gardenId: garden.id, lot: 'DW2026-0531', harvestDate: '2026-05-31', quantity: 60, notes: '端午前采集（演示）' })
    .returning();
  await tx.insert(marketVariants).values({ countyId: coop.countyId, productId: row.id, batchId: batch.id, label: '200 克 袋装', weightG: 200, priceFen: 3800, stock: 60 });
  const events: [TraceKind, string, string, string][] = [
    ['picking', '2026-05-31T07:00:00+08:00', '合作社 8 人', '上山采集草木 30 公斤（演示）'],
    ['drying', '2026-06-02T15:00:00+08:00', '合作社', '晒干后拣去杂质（演示）'],
    ['packing', '2026-06-05T09:00:00+08:00', '合作社包装间', '分装 200 克袋装 60 袋（演示）'],
  ];
  for (const [kind, at, operator, notes] of events) {
    await appendEventTx(tx, batch.id, { kind, occurredAt: new Date(at), operator, notes, documentTitle: null }, null);
  }
}
