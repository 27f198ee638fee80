// The demo county's people: residents and returnees of 杨家堂村 (the demo resident among them), one of 周山头村, the
// county's returnee start-up grant with applications on the way, a township training course, and two masters with
// their apprentices and sessions. Runs inside the seed's transaction.
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { craftsByName } from '../atlas/index.ts';
import { listOrganizations, unitsByName, userIdsByUsername } from '../governance/index.ts';
import { accountEntries, accountPeriods, applications, applicationSteps, apprenticeships, artisans, jobs, milestones, notices, workshops, programmes, residents, trainingSessions, type ApplicationStatus, type ProgrammeKind, type ResidentStatus } from './schema.ts';

const addDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

export async function seedPeople(tx: Db, countyId: string) {
  // Seeding only: the demo accounts, villages, organizations and the Atlas's crafts are looked up by their seeded
  // names through their modules' public APIs.
  const units = await unitsByName(tx, countyId, ['杨家堂村', '周山头村', '三都乡']);
  const users = await userIdsByUsername(tx, ['resident', 'village', 'admin']);
  const yjt = units.get('杨家堂村');
  const zst = units.get('周山头村');
  const sandu = units.get('三都乡');
  if (!yjt || !zst || !sandu) return;
  const yjtOrgs = new Map((await listOrganizations(tx, { unitId: yjt.id })).map((o) => [o.name, { id: o.id, unit: o.unitId }]));
  const coop = yjtOrgs.get('杨家堂银猴茶叶专业合作社');
  const inn = yjtOrgs.get('杨家堂老屋民宿');
  const atlasCrafts = await craftsByName(tx, countyId, ['松阳银猴茶制作技艺']);
  const consentAt = new Date();

  const person = (village: typeof yjt, p: { name: string; household: string; born: number; phone: string; status: ResidentStatus; since?: string; from?: string; work: string; skills: string[]; user?: string }) => ({
    countyId,
    id: uuidv7(),
    villageId: village.id,
    townshipId: village.parentId!,
    userId: p.user ? (users.get(p.user) ?? null) : null,
    fullName: p.name,
    household: p.household,
    birthYear: p.born,
    phone: p.phone,
    status: p.status,
    statusSince: p.since ?? null,
    returnedFrom: p.from ?? null,
    occupation: p.work,
    skills: p.skills,
    consentAt,
  });
  const people = [
    person(yjt, { name: '宋晓明', household: '宋家 3 号', born: 1991, phone: '13805781203', status: 'returned', since: '2025-03-01', from: '杭州（电商运营）', work: '山货网店', skills: ['电商', '摄影'], user: 'resident' }),
    person(yjt, { name: '宋雅琴', household: '宋家 7 号', born: 1994, phone: '13905782231', status: 'returned', since: '2024-10-15', from: '上海（酒店管理）', work: '民宿管家', skills: ['接待', '英语'] }),
    person(yjt, { name: '宋建国', household: '宋家 1 号', born: 1958, phone: '13705780012', status: 'living', work: '竹编艺人', skills: ['竹编'] }),
    person(yjt, { name: '宋春华', household: '宋家 5 号', born: 1967, phone: '13605785566', status: 'living', work: '制茶师傅', skills: ['制茶', '茶园管理'] }),
    person(yjt, { name: '叶美兰', household: '叶家 2 号', born: 1988, phone: '13905789870', status: 'working_away', since: '2015-02-20', work: '温州制鞋厂', skills: ['缝纫'] }),
    person(yjt, { name: '宋小军', household: '宋家 3 号', born: 1998, phone: '15805784411', status: 'returned', since: '2025-06-01', from: '丽水（木工）', work: '学竹编', skills: ['木工'] }),
    person(yjt, { name: '周丽', household: '周家 1 号', born: 2000, phone: '15905786677', status: 'living', work: '茶园采茶', skills: ['采茶'] }),
    person(zst, { name: '周德福', household: '周家 9 号', born: 1975, phone: '13805787788', status: 'returned', since: '2023-04-01', from: '金华（建筑）', work: '夯土修缮', skills: ['夯土', '泥瓦'] }),
  ];
  await tx.insert(residents).values(people);
  const byName = new Map(people.map((p) => [p.fullName, p]));

  const grant = {
    countyId,
    id: uuidv7(),
    unitId: countyId,
    kind: 'startup_grant' as ProgrammeKind,
    title: '返乡创业启动资金',
    titleEn: 'Start-up grant for returnees' as string | null,
    description: '县里为回乡创业的村民提供一次性启动资金，用于开设网店、民宿、农家乐或手工作坊。',
    criteria: '返乡满三个月的本县村民；提交创业计划；资金须用于所述项目。',
    returneesOnly: true,
    documents: ['身份证', '创业计划书'],
    budgetFen: 50_000_000,
    maxAwardFen: 5_000_000,
    deadline: addDays(90),
    createdBy: users.get('admin') ?? null,
  };
  const course = {
    countyId,
    id: uuidv7(),
    unitId: sandu.id,
    kind: 'training' as ProgrammeKind,
    title: '三都乡传统工艺培训班',
    titleEn: null as string | null,
    description: '跟随本乡手艺人学习竹编、制茶与夯土修缮，结业发放补贴。',
    criteria: '三都乡各村村民，年满十八岁。',
    returneesOnly: false,
    documents: ['身份证'],
    budgetFen: 6_000_000,
    maxAwardFen: 300_000,
    deadline: addDays(60),
    createdBy: users.get('admin') ?? null,
  };
  await tx.insert(programmes).values([grant, course]);

  const trail: { who: string; programme: typeof grant; amount: number; plan: string; path: ApplicationStatus[] }[] = [
    { who: '宋雅琴', programme: grant, amount: 3_000_000, plan: '把祖屋改成两间客房的小民宿，与老屋民宿合作接待。', path: ['submitted', 'village_approved'] },
    { who: '周德福', programme: grant, amount: 4_000_000, plan: '成立夯土修缮小队，承接周边村落老屋修缮。', path: ['submitted', 'village_approved', 'township_approved', 'approved'] },
    { who: '宋小军', programme: course, amount: 200_000, plan: '参加竹编培训，学成后在村里开竹编体验课。', path: ['submitted'] },
  ];
  for (const t of trail) {
    const r = byName.get(t.who)!;
    const id = uuidv7();
    await tx.insert(applications).values({ countyId, id, programmeId: t.programme.id, residentId: r.id, villageId: r.villageId, amountFen: t.amount, plan: t.plan, status: t.path[t.path.length - 1] });
    for (let i = 1; i < t.path.length; i++) {
      await tx.insert(applicationSteps).values({ countyId, id: uuidv7(), applicationId: id, fromStatus: t.path[i - 1], toStatus: t.path[i], actorId: null, note: '材料齐全，同意。' });
    }
  }

  const masters = [
    { countyId, id: uuidv7(), residentId: byName.get('宋建国')!.id, publicName: '宋建国', craft: '竹编', craftAssetId: null, level: 'county' as const, orgId: null, bio: '编了五十年竹器，县级非遗传承人，擅长茶篓与米筛。', places: 3 },
    { countyId, id: uuidv7(), residentId: byName.get('宋春华')!.id, publicName: '宋春华', craft: '松阳银猴茶制作技艺', craftAssetId: atlasCrafts.get('松阳银猴茶制作技艺')?.id ?? null, level: 'provincial' as const, orgId: coop?.id ?? null, bio: '省级非遗传承人，手工炒制银猴茶三十余年。', places: 2 },
  ];
  await tx.insert(artisans).values(masters);
  const pupils = [
    { master: masters[0], who: '宋小军', sessions: [['2026-09-12', 180, '劈篾、起底'] as const, ['2026-10-10', 240, '编茶篓'] as const] },
    { master: masters[1], who: '周丽', sessions: [['2026-04-05', 300, '杀青、揉捻'] as const] },
  ];
  for (const p of pupils) {
    const id = uuidv7();
    await tx.insert(apprenticeships).values({ countyId, id, artisanId: p.master.id, residentId: byName.get(p.who)!.id, status: 'active', motivation: '想把手艺留在村里。' });
    for (const [heldOn, minutes, skills] of p.sessions) await tx.insert(trainingSessions).values({ countyId, id: uuidv7(), apprenticeshipId: id, heldOn, minutes, skills });
    await tx.insert(milestones).values({ countyId, id: uuidv7(), apprenticeshipId: id, skill: p.sessions[0][2].split('、')[0], reachedOn: p.sessions[0][0], note: '' });
  }
  // A workshop visitors may book: ten days from now, 09:30 in the county.
  const tenDays = new Date(`${addDays(10)}T09:30:00+08:00`);
  await tx.insert(workshops).values({ countyId, id: uuidv7(), artisanId: masters[0].id, title: '竹编茶杯垫体验课', description: '跟宋师傅学劈篾、编织，一个半小时编一只自己的杯垫带回家。', startsAt: tenDays, minutes: 90, seats: 8, priceFen: 8_000 });
  // The jobs board: the inn and the tea cooperative are hiring.
  const board = [
    inn && { posterKind: 'organization' as const, orgId: inn.id, posterName: '杨家堂老屋民宿', unitId: inn.unit, title: '民宿客房保洁（周末）', description: '周六、周日整理六间客房，熟悉后可兼做早餐。', payFen: 15_000, payUnit: 'day' as const, positions: 2, closesOn: addDays(30) },
    coop && { posterKind: 'organization' as const, orgId: coop.id, posterName: '杨家堂银猴茶叶专业合作社', unitId: coop.unit, title: '春茶采摘工', titleEn: 'Spring tea picker', description: '清明前后采摘一芽一叶，合作社提供午饭和接送。', payFen: 20_000, payUnit: 'day' as const, positions: 10, closesOn: addDays(45) },
  ].filter((j) => !!j);
  if (board.length) await tx.insert(jobs).values(board.map((j) => ({ ...j, countyId, id: uuidv7(), createdBy: users.get('admin') ?? null })));
  // 杨家堂村's notice board: two notices, the third quarter's accounts published, October's in draft.
  const official = users.get('village') ?? null;
  await tx.insert(notices).values([
    { countyId, id: uuidv7(), villageId: yjt.id, category: 'affairs' as const, title: '关于村道硬化工程招标结果的公示', body: '村道硬化工程（村口至祠堂段，约 800 米）经村民代表会议表决，由松阳县某建筑公司中标，中标价 ¥326,000。公示期七天，有异议请向村委会反映。', pinned: true, postedBy: official },
    { countyId, id: uuidv7(), villageId: yjt.id, category: 'notice' as const, title: '秋季茶园病虫害防治培训通知', body: '本周六上午九点在村文化礼堂举办茶园病虫害绿色防控培训，请各户派一人参加。', postedBy: official },
  ]);
  const q3 = { countyId, id: uuidv7(), villageId: yjt.id, period: '2026-Q3', note: '经村务监督委员会审核。', status: 'published' as const, createdBy: official, publishedBy: official, publishedAt: new Date() };
  const oct = { countyId, id: uuidv7(), villageId: yjt.id, period: '2026-10', note: '', status: 'draft' as const, createdBy: official };
  await tx.insert(accountPeriods).values([q3, oct]);
  const line = (periodId: string, direction: 'income' | 'expense', category: (typeof accountEntries.$inferInsert)['category'], item: string, amountFen: number, occurredOn: string) => ({ countyId, id: uuidv7(), periodId, direction, category, item, amountFen, occurredOn, createdBy: official });
  await tx.insert(accountEntries).values([
    line(q3.id, 'income', 'contracting', '集体茶园承包费', 4_800_000, '2026-07-05'),
    line(q3.id, 'income', 'subsidy', '美丽乡村建设补助', 12_000_000, '2026-08-12'),
    line(q3.id, 'income', 'operations', '老屋民宿租金分成', 1_650_000, '2026-09-30'),
    line(q3.id, 'expense', 'construction', '村道硬化工程预付款', 9_780_000, '2026-08-20'),
    line(q3.id, 'expense', 'public_welfare', '老年食堂运营补贴', 360_000, '2026-09-01'),
    line(q3.id, 'expense', 'management', '村干部误工补贴', 540_000, '2026-09-28'),
    line(oct.id, 'income', 'contracting', '集体山林承包费', 2_000_000, '2026-10-08'),
  ]);
  await recordAudit(tx, { id: null, countyId }, { action: 'seed.people', entity: 'people_programme', entityId: grant.id, details: { residents: people.length, programmes: 2, artisans: masters.length } });
}
