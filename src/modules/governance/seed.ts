import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { pinyin } from 'pinyin-pro';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import type { SeedContext } from '../../server/module.ts';
import { hashPassword } from './passwords.ts';
import { adminUnits, organizations, roleGrants, users, type Role } from './schema.ts';

const CSV = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed-data', 'songyang_traditional_villages.csv');
const BATCH: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const SUFFIXES = ['自然村', '街道', '畲族乡', '县', '乡', '镇', '村'];

export interface VillageRow {
  township: string;
  village: string;
  batch: number;
  lon: number;
  lat: number;
}

export function readVillagesCsv(text = fs.readFileSync(CSV, 'utf8')): VillageRow[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const cells = line.split(',');
    return {
      township: cells[at('Town')],
      village: cells[at('Village')],
      batch: BATCH[cells[at('Batch')]] ?? 0,
      lon: Number(cells[at('lng_wgs84')]),
      lat: Number(cells[at('lat_wgs84')]),
    };
  });
}

/**
 * "杨家堂村" → "Yangjiatang", "赤岸村" → "Chi'an": the pinyin of the name without its administrative suffix (kept when
 * the name is nothing without it: "七村" → "Qicun"), an apostrophe where a syllable starting with a, o or e would
 * otherwise run into the one before.
 */
export function pinyinName(nameZh: string): string {
  const suffix = SUFFIXES.find((s) => nameZh.endsWith(s) && nameZh.length > s.length + 1);
  const base = suffix ? nameZh.slice(0, -suffix.length) : nameZh;
  const syllables = pinyin(base, { toneType: 'none', type: 'array', v: true }).filter((s) => s.trim());
  const joined = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}

export const DEMO_ACCOUNTS: { username: string; displayName: string; role: Role | null; on: string }[] = [
  { username: 'admin', displayName: '县管理员（演示）', role: 'county_admin', on: '松阳县' },
  { username: 'town', displayName: '三都乡干部（演示）', role: 'town_official', on: '三都乡' },
  { username: 'village', displayName: '杨家堂村干部（演示）', role: 'village_official', on: '杨家堂村' },
  { username: 'resident', displayName: '杨家堂村民（演示）', role: 'resident', on: '杨家堂村' },
  { username: 'producer', displayName: '茶叶合作社（演示）', role: 'producer', on: '杨家堂银猴茶叶专业合作社' },
  { username: 'innkeeper', displayName: '老屋民宿主人（演示）', role: 'innkeeper', on: '杨家堂老屋民宿' },
  { username: 'logistics', displayName: '乡村物流调度（演示）', role: 'logistics_operator', on: '松阳县' },
  { username: 'buyer', displayName: '城市买家（演示）', role: null, on: '' },
];

/** The demo organizations: a tea cooperative and an inn in 杨家堂村 (the demo accounts'), and one of each in two other townships. */
export const DEMO_ORGANIZATIONS = [
  { name: '杨家堂银猴茶叶专业合作社', nameEn: 'Yangjiatang Silver Monkey Tea Cooperative', village: '杨家堂村', kind: 'cooperative' as const, description: '种植和制作松阳银猴茶的村级合作社（演示）。' },
  { name: '杨家堂老屋民宿', village: '杨家堂村', kind: 'inn' as const, description: '由百年夯土老屋改造的民宿（演示）。' },
  { name: '山下阳端午茶合作社', village: '山下阳村', kind: 'cooperative' as const, description: '采集山间草木、按老方子配制端午茶的合作社（演示）。' },
  { name: '陈家铺崖居民宿', nameEn: 'Chenjiapu Cliffside Inn', village: '陈家铺村', kind: 'inn' as const, description: '悬崖边的夯土老屋改造的民宿（演示）。' },
];

/** The demo county: Songyang's townships and listed villages, two organizations, the demo accounts and their roles. */
export async function seedGovernance(tx: Db, ctx: SeedContext): Promise<void> {
  const password = ctx.password;
  const passwordHashes = await Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(password)));
  const rows = readVillagesCsv();
  {
    const countyId = uuidv7();
    const idsByName = new Map<string, string>([['松阳县', countyId]]);
    await tx.insert(adminUnits).values({
      id: countyId,
      countyId,
      level: 'county',
      path: [countyId],
      nameZh: '松阳县',
      namePinyin: 'Songyang',
      description: '浙江省丽水市松阳县：保存着上百座传统村落的“最后的江南秘境”。',
      lon: 119.482,
      lat: 28.449,
    });
    const townships = [...new Set(rows.map((r) => r.township))];
    for (const t of townships) {
      const villages = rows.filter((r) => r.township === t);
      const id = uuidv7();
      idsByName.set(t, id);
      await tx.insert(adminUnits).values({
        id,
        countyId,
        parentId: countyId,
        level: 'township',
        path: [countyId, id],
        nameZh: t,
        namePinyin: pinyinName(t),
        lon: villages.reduce((s, v) => s + v.lon, 0) / villages.length,
        lat: villages.reduce((s, v) => s + v.lat, 0) / villages.length,
      });
    }
    for (const r of rows) {
      const townshipId = idsByName.get(r.township)!;
      const id = uuidv7();
      idsByName.set(r.village, id);
      await tx.insert(adminUnits).values({
        id,
        countyId,
        parentId: townshipId,
        level: 'village',
        path: [countyId, townshipId, id],
        nameZh: r.village,
        namePinyin: pinyinName(r.village),
        lon: r.lon,
        lat: r.lat,
        listingBatch: r.batch,
      });
    }
    for (const o of DEMO_ORGANIZATIONS) {
      const id = uuidv7();
      idsByName.set(o.name, id);
      await tx.insert(organizations).values({ id, countyId, unitId: idsByName.get(o.village)!, kind: o.kind, name: o.name, nameEn: 'nameEn' in o ? o.nameEn : null, description: o.description });
    }
    for (const [i, a] of DEMO_ACCOUNTS.entries()) {
      const userId = uuidv7();
      await tx.insert(users).values({ id: userId, countyId, username: a.username, displayName: a.displayName, passwordHash: passwordHashes[i] });
      if (a.role) {
        const isOrg = DEMO_ORGANIZATIONS.some((o) => o.name === a.on);
        await tx.insert(roleGrants).values({
          countyId,
          userId,
          role: a.role,
          unitId: isOrg ? null : idsByName.get(a.on)!,
          orgId: isOrg ? idsByName.get(a.on)! : null,
        });
      }
    }
    ctx.countyId = countyId;
    await recordAudit(tx, { id: null, countyId }, {
      action: 'seed.demo_county',
      entity: 'admin_unit',
      entityId: countyId,
      details: { townships: townships.length, villages: rows.length, accounts: DEMO_ACCOUNTS.length },
    });
  }
}
