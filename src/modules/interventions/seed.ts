// Demo proposals in 杨家堂村 at various stages, seeded with the demo county (inside its transaction).
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { unitsByName, userIdsByUsername } from '../governance/index.ts';
import { checkHeritageRules, DEFAULT_RULE_PARAMS } from './rules.ts';
import { interventionMilestones, interventions, interventionSpend, interventionTransitions, interventionVotes, type Outcomes, type Status } from './schema.ts';

const ORDER: Status[] = ['draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'completed', 'evaluated'];
const WHO: Partial<Record<Status, 'resident' | 'village' | 'town' | 'admin'>> = {
  submitted: 'resident',
  village_approved: 'village',
  township_reviewed: 'town',
  county_approved: 'admin',
  funded: 'admin',
  in_progress: 'village',
  completed: 'village',
  evaluated: 'town',
};

const outcomes = (jobs: number, back: number, visitors: number, incomeYuan: number, culture: number, eco: number): Outcomes => ({
  jobs,
  returningResidents: back,
  visitorsPerYear: visitors,
  incomeFen: incomeYuan * 100,
  culturalValue: culture,
  ecologicalEffect: eco,
});

export async function seedInterventions(tx: Db, countyId: string) {
  // Seeding only: the demo accounts and 杨家堂村 are looked up by their seeded names.
  const users = await userIdsByUsername(tx, ['resident', 'village', 'town', 'admin']);
  const yangjiatang = (await unitsByName(tx, countyId, ['杨家堂村'])).get('杨家堂村');
  const place = yangjiatang && { village: yangjiatang.id, township: yangjiatang.parentId! };
  if (!place || users.size < 4) return;
  const yuan = (y: number) => y * 100;
  const demos: { title: string; titleEn?: string; type: string; status: Status; costYuan: number; split: [number, number, number, number]; months: number; out: Outcomes; building?: [string, 'county' | 'historic' | 'traditional']; description: string }[] = [
    { title: '夯土老屋改民宿（草稿）', type: 'reuse_inn', status: 'draft', costYuan: 800_000, split: [0, 0, 0.2, 0.8], months: 8, out: outcomes(5, 2, 3000, 400_000, 4, 1), building: ['村东夯土老屋', 'traditional'], description: '将空置的夯土老屋改为六间客房的民宿。' },
    { title: '宋氏宗祠屋面修缮', titleEn: 'Song Ancestral Hall roof repair', type: 'restoration', status: 'submitted', costYuan: 450_000, split: [0.5, 0.4, 0.1, 0], months: 6, out: outcomes(0, 0, 1500, 0, 8, 1), building: ['宋氏宗祠', 'county'], description: '更换糟朽椽木，按原样铺设小青瓦。' },
    { title: '村口古道石阶修复', type: 'infra_paths', status: 'village_approved', costYuan: 260_000, split: [0.6, 0.3, 0.1, 0], months: 4, out: outcomes(1, 0, 4000, 0, 6, 3), description: '修复通往松阴溪的古道石阶约 800 米。' },
    { title: '雨污分流管网', type: 'infra_sewage', status: 'township_reviewed', costYuan: 900_000, split: [0.5, 0.5, 0, 0], months: 10, out: outcomes(0, 0, 0, 0, 1, 9), description: '全村雨污分流，接入生态处理池。' },
    { title: '黄家大院村史馆', titleEn: 'Huang Family Compound village museum', type: 'reuse_museum', status: 'county_approved', costYuan: 1_200_000, split: [0.5, 0.35, 0.15, 0], months: 10, out: outcomes(4, 2, 6000, 300_000, 9, 2), building: ['黄家大院', 'county'], description: '修缮黄家大院，改作村史馆与研学教室。' },
    { title: '竹编手工作坊', type: 'reuse_craft_workshop', status: 'county_approved', costYuan: 500_000, split: [0.4, 0.2, 0.1, 0.3], months: 6, out: outcomes(6, 2, 1500, 250_000, 7, 1), building: ['老粮仓', 'traditional'], description: '老粮仓改为竹编传习与销售工坊。' },
    { title: '农家书屋', type: 'reuse_library', status: 'county_approved', costYuan: 180_000, split: [0.6, 0.2, 0.2, 0], months: 3, out: outcomes(1, 0, 800, 0, 5, 0), description: '在村委会旧址设书屋与自习室。' },
    { title: '古村夜间照明', type: 'infra_lighting', status: 'county_approved', costYuan: 220_000, split: [0.7, 0.3, 0, 0], months: 2, out: outcomes(0, 0, 2000, 50_000, 2, 1), description: '低色温、低亮度的巷道照明。' },
    { title: '银猴茶工坊', titleEn: 'Silver Monkey tea workshop', type: 'reuse_tea_workshop', status: 'in_progress', costYuan: 650_000, split: [0.3, 0.2, 0.2, 0.3], months: 6, out: outcomes(8, 3, 2500, 600_000, 5, 2), building: ['老茶厂', 'historic'], description: '老茶厂改为手工制茶体验工坊。' },
  ];
  const now = Date.now();
  for (const [k, d] of demos.entries()) {
    const cost = yuan(d.costYuan);
    const parts = d.split.map((s) => Math.round(cost * s));
    parts[3] = cost - parts[0] - parts[1] - parts[2];
    const id = uuidv7();
    const reached = ORDER.indexOf(d.status);
    const day = (n: number) => new Date(now - (60 - k * 2 - n * 3) * 86_400_000);
    const buildings = d.building ? [{ name: d.building[0], protectionLevel: d.building[1], heightM: 8, volumeM3: 1200 }] : [];
    const changes = { demolishesProtectedElements: false, heightChangeM: 0, volumeChangePct: 0, materials: ['rammed_earth', 'timber', 'grey_tile'] };
    const conservationPlanUrl = d.building && d.building[1] !== 'traditional' ? 'https://example.org/demo/conservation-plan.pdf' : null;
    const report = checkHeritageRules({ buildings, changes, conservationPlanUrl }, DEFAULT_RULE_PARAMS);
    const funded = reached >= ORDER.indexOf('funded');
    await tx.insert(interventions).values({
      id,
      countyId,
      townshipId: place.township,
      villageId: place.village,
      proposerId: users.get('resident')!,
      title: d.title,
      titleEn: d.titleEn ?? null,
      type: d.type as never,
      description: d.description,
      buildings,
      changes,
      conservationPlanUrl,
      costFen: cost,
      fundCountyFen: parts[0],
      fundProvincialFen: parts[1],
      fundVillageFen: parts[2],
      fundPrivateFen: parts[3],
      durationMonths: d.months,
      outcomes: d.out,
      risks: '雨季施工需避让',
      status: d.status,
      ruleReport: reached >= 1 ? report : null,
      reviewFinishedAt: reached >= ORDER.indexOf('county_approved') ? day(4) : null,
      fundedFen: funded ? cost : 0,
      spentFen: d.status === 'in_progress' ? Math.round(cost * 0.4) : 0,
      startedAt: reached >= ORDER.indexOf('in_progress') ? new Date(now - 100 * 86_400_000) : null,
      createdAt: day(0),
      updatedAt: day(reached),
    });
    for (let s = 1; s <= reached; s++) {
      const to = ORDER[s];
      await tx.insert(interventionTransitions).values({ countyId, interventionId: id, fromStatus: ORDER[s - 1], toStatus: to, actorId: users.get(WHO[to]!)!, note: s === 2 ? '村民代表会议讨论通过' : '', at: day(s) });
    }
    if (reached >= 1 && reached <= 3) {
      await tx.insert(interventionVotes).values({ countyId, interventionId: id, userId: users.get('resident')!, villageId: place.village, stance: 'support' });
    }
    if (d.status === 'in_progress') {
      const date = (offsetDays: number) => new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);
      await tx.insert(interventionMilestones).values([
        { countyId, interventionId: id, title: '结构加固', dueOn: date(-60), doneOn: date(-62) },
        { countyId, interventionId: id, title: '制茶设备安装', dueOn: date(-10) },
        { countyId, interventionId: id, title: '试运营', dueOn: date(45) },
      ]);
      await tx.insert(interventionSpend).values([
        { countyId, interventionId: id, amountFen: Math.round(cost * 0.25), note: '木料与夯土修补', spentOn: date(-70), recordedBy: users.get('village')! },
        { countyId, interventionId: id, amountFen: Math.round(cost * 0.4) - Math.round(cost * 0.25), note: '设备首付款', spentOn: date(-20), recordedBy: users.get('village')! },
      ]);
    }
  }
}
