import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { queryRows } from '../../db/handle.ts';
import { proposalBody } from '../../../test/support/proposal.ts';

type Tree = { county: { id: string }; townships: { id: string; nameZh: string; villages: { id: string; nameZh: string }[] }[] };
type Resident = { id: string; name: string; phone: string; status: string; returnedFrom: string | null; ageBand: string; birthYear?: number };

describeEachDriver('people: residents and privacy', (driver) => {
  let t: TestApp;
  let tree: Tree;
  let resident: Session, village: Session, town: Session, admin: Session, buyer: Session, outsider: Session, otherOfficial: Session;
  let outsiderUserId: string;
  const v = (name: string) => tree.townships.flatMap((x) => x.villages).find((x) => x.nameZh === name)!;
  const auditCount = async (action: string, entityId: string) =>
    (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = ${action} and entity_id = ${entityId}`))[0].n;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    tree = (await t.app.inject({ url: '/api/v1/county' })).json();
    [resident, village, town, admin, buyer] = await Promise.all(['resident', 'village', 'town', 'admin', 'buyer'].map((u) => signIn(t.app, u)));
    // A resident of another village (in another township) and that village's official.
    const other = v('陈家铺村').id;
    for (const [username, role] of [
      ['outsider', 'resident'],
      ['official2', 'village_official'],
    ] as const) {
      const res = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: username, password: 'a-long-password', grants: [{ role, unitId: other }] } });
      expect(res.statusCode).toBe(201);
      if (username === 'outsider') outsiderUserId = res.json().id;
    }
    outsider = await signIn(t.app, 'outsider', 'a-long-password');
    otherOfficial = await signIn(t.app, 'official2', 'a-long-password');
  });
  afterAll(() => t?.close());

  it('the village official registers a returnee with consent; the list masks names and phones', async () => {
    const res = await as(t.app, village)({
      method: 'POST',
      url: '/api/v1/people/residents',
      payload: { villageId: v('杨家堂村').id, fullName: '宋丽华', birthYear: 1993, phone: '13912345678', status: 'returned', statusSince: '2026-05-01', returnedFrom: '宁波（外贸）', occupation: '茶叶直播', consent: true },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as Resident;
    expect(created).toMatchObject({ name: '宋丽华', returnedFrom: '宁波（外贸）', status: 'returned' });
    expect(await auditCount('people.resident.register', created.id)).toBe(1);

    const list = (await as(t.app, village)({ url: `/api/v1/people/residents?villageId=${v('杨家堂村').id}&status=returned` })).json() as Resident[];
    const row = list.find((r) => r.id === created.id)!;
    expect(row).toMatchObject({ name: '宋*华', phone: '139****5678', ageBand: '30s', returnedFrom: '宁波（外贸）' });
    expect(row.birthYear).toBeUndefined();
    expect(list.every((r) => r.status === 'returned')).toBe(true);
    expect(JSON.stringify(list)).not.toContain('宋晓明');
  });

  it('a full view is for the person and the officials of their village and above, and each leaves an audit row', async () => {
    const me = (await as(t.app, resident)({ url: '/api/v1/people/me' })).json();
    expect(me.resident).toMatchObject({ name: '宋晓明', status: 'returned', returnedFrom: '杭州（电商运营）' });
    const id = me.resident.id as string;
    const before = await auditCount('people.resident.view', id);

    for (const who of [resident, village, town, admin]) {
      const res = await as(t.app, who)({ url: `/api/v1/people/residents/${id}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: '宋晓明', phone: '13805781203', birthYear: 1991 });
    }
    expect(await auditCount('people.resident.view', id)).toBe(before + 4);

    // A resident of another village, that village's official, a buyer, nobody: no.
    for (const [who, codes] of [
      [outsider, [403, 404]],
      [otherOfficial, [403, 404]],
      [buyer, [403, 404]],
      [null, [401]],
    ] as const) {
      const res = await as(t.app, who)({ url: `/api/v1/people/residents/${id}` });
      expect(codes).toContain(res.statusCode);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toContain('宋晓明');
    }
    expect(await auditCount('people.resident.view', id)).toBe(before + 4);
    // Nor do they read the register.
    for (const who of [outsider, buyer, resident]) expect((await as(t.app, who)({ url: '/api/v1/people/residents' })).statusCode).toBe(403);
    const theirs = (await as(t.app, otherOfficial)({ url: '/api/v1/people/residents' })).json() as Resident[];
    expect(theirs).toEqual([]);
  });

  it("an entrepreneur's record links to the shop and the inn they run", async () => {
    const ids = new Map((await queryRows<{ username: string; id: string }>(t.db.db, sql`select username, id from users where username in ('producer', 'innkeeper')`)).map((u) => [u.username, u.id]));
    const [coop] = await queryRows<{ id: string }>(t.db.db, sql`select id from organizations where name = '杨家堂银猴茶叶专业合作社'`);
    const [inn] = await queryRows<{ id: string }>(t.db.db, sql`select id from inns where name = '杨家堂老屋民宿'`);
    const open = async (fullName: string, userId: string | null) => {
      const made = await as(t.app, village)({
        method: 'POST',
        url: '/api/v1/people/residents',
        payload: { villageId: v('杨家堂村').id, fullName, birthYear: 1988, status: 'returned', statusSince: '2025-04-01', returnedFrom: '杭州', userId, consent: true },
      });
      expect(made.statusCode, made.body).toBe(201);
      const viewed = await as(t.app, village)({ url: `/api/v1/people/residents/${made.json().id}` });
      expect(viewed.statusCode, viewed.body).toBe(200);
      return viewed.json().ventures;
    };
    expect(await open('宋茶农', ids.get('producer')!)).toEqual([{ kind: 'shop', name: '杨家堂银猴茶叶专业合作社', path: `/market/shops/${coop.id}` }]);
    expect(await open('宋店主', ids.get('innkeeper')!)).toEqual([{ kind: 'inn', name: '杨家堂老屋民宿', path: `/inns/${inn.id}` }]);
    expect(await open('宋无业', null)).toEqual([]);
  });

  it('public figures for a village name nobody', async () => {
    const res = await t.app.inject({ url: `/api/v1/people/villages/${v('杨家堂村').id}/summary` });
    expect(res.statusCode).toBe(200);
    expect(res.json().returned).toBeGreaterThanOrEqual(3);
    const crafts = await t.app.inject({ url: '/api/v1/people/crafts' });
    expect(crafts.body).not.toContain('宋小军');
    expect(crafts.body).not.toMatch(/\b1[3-9][0-9]{9}\b/); // no phone number (a bare '138' can occur in an id)
  });

  it('refuses bad input with a problem naming the field, and writes nothing', async () => {
    const base = { villageId: v('杨家堂村').id, fullName: '测试', birthYear: 1990, status: 'living', consent: true };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, birthYear: 1800 }, 'body/birthYear'],
      [{ ...base, consent: false }, 'body/consent'],
      [{ ...base, status: 'returned' }, 'body/returnedFrom'],
      [{ ...base, fullName: 'a\u0000b' }, 'body/fullName'],
      [{ ...base, villageId: tree.townships[0].id }, 'body/villageId'],
      [{ ...base, phone: 'call me' }, 'body/phone'],
      [{ ...base, extra: 1 }, 'body/extra'],
    ];
    const before = (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from people_residents`))[0].n;
    for (const [payload, field] of cases) {
      const res = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/residents', payload });
      expect(res.statusCode, field).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().field).toBe(field);
    }
    expect((await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from people_residents`))[0].n).toBe(before);
    // An official of another village cannot register into 杨家堂村.
    expect((await as(t.app, otherOfficial)({ method: 'POST', url: '/api/v1/people/residents', payload: base })).statusCode).toBe(403);
  });

  it('an official enrols a resident by linking their account; they then read their own record', async () => {
    const res = await as(t.app, otherOfficial)({
      method: 'POST',
      url: '/api/v1/people/residents',
      payload: { villageId: v('陈家铺村').id, fullName: '陈一帆', birthYear: 1985, status: 'working_away', occupation: '上海快递', userId: outsiderUserId, consent: true },
    });
    expect(res.statusCode).toBe(201);
    const me = (await as(t.app, outsider)({ url: '/api/v1/people/me' })).json();
    expect(me.resident).toMatchObject({ name: '陈一帆', status: 'working_away' });
    // The 杨家堂村 official does not see them.
    expect((await as(t.app, village)({ url: `/api/v1/people/residents/${me.resident.id}` })).statusCode).toBe(403);
  });
  it('an official hands a resident a one-time code; the person redeems it with their own account', async () => {
    const row = ((await as(t.app, village)({ url: `/api/v1/people/residents?villageId=${v('杨家堂村').id}&status=working_away` })).json() as Resident[]).find((r) => r.name === '叶*兰')!;
    expect((await as(t.app, otherOfficial)({ method: 'POST', url: `/api/v1/people/residents/${row.id}/invitation` })).statusCode).toBe(403);
    const invite = await as(t.app, village)({ method: 'POST', url: `/api/v1/people/residents/${row.id}/invitation` });
    expect(invite.statusCode).toBe(200);
    const { code } = invite.json() as { code: string };
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);

    const made = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'meilan', displayName: 'meilan', password: 'a-long-password' } });
    expect(made.statusCode).toBe(201);
    const meilan = await signIn(t.app, 'meilan', 'a-long-password');
    const bad = await as(t.app, meilan)({ method: 'POST', url: '/api/v1/people/enrol', payload: { code: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body/code');
    expect((await as(t.app, meilan)({ method: 'POST', url: '/api/v1/people/enrol', payload: { code: 'AAAAA-AAAAA' } })).json()).toMatchObject({ code: 'invalid_code', field: 'body/code' });
    const enrolled = await as(t.app, meilan)({ method: 'POST', url: '/api/v1/people/enrol', payload: { code: code.toLowerCase() } });
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.json()).toMatchObject({ name: '叶美兰', status: 'working_away', enrolled: true });
    expect((await as(t.app, meilan)({ url: `/api/v1/people/residents/${row.id}` })).statusCode).toBe(200);
    // Used once; an enrolled resident gets no new code.
    expect((await as(t.app, outsider)({ method: 'POST', url: '/api/v1/people/enrol', payload: { code } })).statusCode).toBe(409); // outsider is already someone
    expect((await as(t.app, buyer)({ method: 'POST', url: '/api/v1/people/enrol', payload: { code } })).json().code).toBe('invalid_code');
    expect((await as(t.app, village)({ method: 'POST', url: `/api/v1/people/residents/${row.id}/invitation` })).json().code).toBe('already_enrolled');
    // The audit trail names records, never a person's data or their code.
    const audit = await queryRows<{ details: unknown }>(t.db.db, sql`select details from audit_log where action like 'people.%'`);
    const text = JSON.stringify(audit);
    for (const secret of ['叶美兰', '宋丽华', '13912345678', code, code.replace('-', '')]) expect(text).not.toContain(secret);
  });

  it('an enrolled person becomes a verified resident of the village: they may then propose and vote there, and only there', async () => {
    const yjt = v('杨家堂村').id;
    // A new record with a household of two, neither enrolled: one sheet of codes for the household.
    for (const [fullName, birthYear] of [
      ['宋大林', 1970],
      ['宋小林', 1999],
    ] as const) {
      const res = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/residents', payload: { villageId: yjt, fullName, household: '宋家 12 号', birthYear, status: 'living', consent: true } });
      expect(res.statusCode).toBe(201);
    }
    expect((await as(t.app, otherOfficial)({ method: 'POST', url: '/api/v1/people/households/invitations', payload: { villageId: yjt, household: '宋家 12 号' } })).statusCode).toBe(403);
    const none = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/households/invitations', payload: { villageId: yjt, household: '没有这户' } });
    expect(none.json()).toMatchObject({ code: 'no_members_to_invite', field: 'body/household' });
    const sheet = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/households/invitations', payload: { villageId: yjt, household: '宋家 12 号' } });
    expect(sheet.statusCode).toBe(200);
    const members = sheet.json().members as { name: string; code: string; link: string; qrSvg: string }[];
    expect(members.map((m) => m.name).sort()).toEqual(['宋*林', '宋*林']);
    expect(JSON.stringify(sheet.json())).not.toContain('宋大林');
    const [first] = members;
    expect(first.link).toBe(`/people/enrol?code=${first.code}`);
    expect(first.qrSvg).toContain('<svg');

    const made = await as(t.app, admin)({ method: 'POST', url: '/api/v1/users', payload: { username: 'dalin', displayName: 'dalin', password: 'a-long-password' } });
    const dalinId = made.json().id as string;
    let dalin = await signIn(t.app, 'dalin', 'a-long-password');
    // Before enrolling: no resident of 杨家堂村, so no proposal, no vote.
    expect((await as(t.app, dalin)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(yjt) })).statusCode).toBe(403);
    const open = (await queryRows<{ id: string }>(t.db.db, sql`select id from interventions where village_id = ${yjt} and status = 'submitted' limit 1`))[0];
    expect(open).toBeDefined();
    // (A proposal under review is not even visible to them: 404, or 403.)
    expect([403, 404]).toContain((await as(t.app, dalin)({ method: 'PUT', url: `/api/v1/interventions/${open.id}/vote`, payload: { stance: 'support' } })).statusCode);

    expect((await as(t.app, dalin)({ method: 'POST', url: '/api/v1/people/enrol', payload: { code: first.code } })).statusCode).toBe(200);
    dalin = await signIn(t.app, 'dalin', 'a-long-password');
    const grants = await queryRows<{ role: string; unit_id: string }>(t.db.db, sql`select role, unit_id from role_grants where user_id = ${dalinId}`);
    expect(grants).toEqual([{ role: 'resident', unit_id: yjt }]);
    expect(await queryRows(t.db.db, sql`select 1 from audit_log where action = 'grant.add' and details->>'userId' = ${dalinId} and details->>'via' = 'people.resident.enrol'`)).toHaveLength(1);
    const proposed = await as(t.app, dalin)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(yjt) });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const voted = await as(t.app, dalin)({ method: 'PUT', url: `/api/v1/interventions/${open.id}/vote`, payload: { stance: 'support' } });
    expect(voted.statusCode, voted.body).toBe(200);
    // Only there: not in another village.
    expect((await as(t.app, dalin)({ method: 'POST', url: '/api/v1/interventions', payload: proposalBody(v('陈家铺村').id) })).statusCode).toBe(403);
    // The other member's code still works; the one used does not.
    expect((await as(t.app, buyer)({ method: 'POST', url: '/api/v1/people/enrol', payload: { code: first.code } })).json().code).toBe('invalid_code');

    // An official unlinking the account withdraws the residency; a status update that leaves the link out keeps it.
    const record = (await as(t.app, dalin)({ url: '/api/v1/people/me' })).json().resident as { id: string };
    const keep = await as(t.app, village)({ method: 'PUT', url: `/api/v1/people/residents/${record.id}`, payload: { fullName: '宋大林', birthYear: 1970, status: 'working_away' } });
    expect(keep.json()).toMatchObject({ userId: dalinId, status: 'working_away' });
    expect(await queryRows(t.db.db, sql`select 1 from role_grants where user_id = ${dalinId}`)).toHaveLength(1);
    const unlink = await as(t.app, village)({ method: 'PUT', url: `/api/v1/people/residents/${record.id}`, payload: { fullName: '宋大林', birthYear: 1970, status: 'working_away', userId: null } });
    expect(unlink.json().userId).toBeNull();
    expect(await queryRows(t.db.db, sql`select 1 from role_grants where user_id = ${dalinId}`)).toHaveLength(0);
    dalin = await signIn(t.app, 'dalin', 'a-long-password');
    expect([403, 404]).toContain((await as(t.app, dalin)({ method: 'PUT', url: `/api/v1/interventions/${open.id}/vote`, payload: { stance: 'oppose' } })).statusCode);
  });

  it('exports are counts for officials; rows only for the county admin with a stated purpose, which the audit keeps', async () => {
    const summary = await as(t.app, village)({ url: '/api/v1/people/residents/export.csv' });
    expect(summary.statusCode).toBe(200);
    expect(summary.headers['content-type']).toContain('text/csv');
    expect(summary.body).toContain('village,status,age_band,people');
    expect(summary.body).toContain('杨家堂村,returned,30s,');
    for (const secret of ['宋晓明', '13805781203', '宋家 3 号']) expect(summary.body).not.toContain(secret);
    // Only their scope: another village's official sees no 杨家堂村 figures.
    expect((await as(t.app, otherOfficial)({ url: '/api/v1/people/residents/export.csv' })).body).not.toContain('杨家堂村');
    for (const who of [resident, buyer]) expect((await as(t.app, who)({ url: '/api/v1/people/residents/export.csv' })).statusCode).toBe(403);

    const purpose = '县人社局返乡创业补贴核对（2026 年第四季度）';
    // A village or township official may not export rows, with or without a purpose; a purpose is a sentence.
    for (const who of [village, town]) expect((await as(t.app, who)({ url: `/api/v1/people/residents/export.csv?purpose=${encodeURIComponent(purpose)}` })).statusCode).toBe(403);
    const short = await as(t.app, admin)({ url: '/api/v1/people/residents/export.csv?purpose=x' });
    expect(short.json().field).toBe('querystring/purpose');
    const rows = await as(t.app, admin)({ url: `/api/v1/people/residents/export.csv?purpose=${encodeURIComponent(purpose)}` });
    expect(rows.statusCode).toBe(200);
    expect(rows.body).toContain('宋晓明');
    expect(rows.body).toContain('13805781203');
    const audit = await queryRows<{ details: { purpose?: string; aggregated: boolean } }>(t.db.db, sql`select details from audit_log where action = 'people.resident.export' order by at desc limit 1`);
    expect(audit[0].details).toMatchObject({ aggregated: false, purpose });
  });
});
