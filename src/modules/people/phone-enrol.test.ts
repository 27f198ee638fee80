import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { LogCapture } from '../../../test/support/log-capture.ts';
import { queryRows } from '../../db/handle.ts';

type Sms = { to: string; template: string; params: { code: string } };

describeEachDriver('people: enrolment by phone number alone', (driver) => {
  let t: TestApp;
  let gateway: http.Server;
  let gatewayUrl: string;
  const sent: Sms[] = [];
  /** How many of the next messages the gateway refuses (an outage at the SMS provider). */
  let outage = 0;
  const log = new LogCapture();
  let admin: Session, village: Session, resident: Session;
  let yjt: string;

  /** A new account of someone not on any register yet: they registered themselves, as anyone may. */
  async function newcomer(username: string) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, password: 'a-long-password', displayName: username } });
    expect(res.statusCode, res.body).toBe(201);
    return { session: await signIn(t.app, username, 'a-long-password'), id: res.json().id as string };
  }
  /** Asks for a code; the message goes out in the job queue, which this runs until nothing is due. */
  const ask = async (who: Session, phone: string) => {
    const res = await as(t.app, who)({ method: 'POST', url: '/api/v1/people/enrol/phone', payload: { phone } });
    await t.app.jobs.drain();
    return res;
  };
  const confirm = (who: Session, phone: string, code: string) => as(t.app, who)({ method: 'POST', url: '/api/v1/people/enrol/phone/confirm', payload: { phone, code } });
  /** Whether a text shows a value: digits only where they stand alone (a log's timestamps hold every short run). */
  const shows = (text: string, value: string) => new RegExp(`(?<![0-9])${value}(?![0-9])`).test(text);
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  beforeAll(async () => {
    // The county's SMS gateway, as a relay to an SMS provider receives it.
    gateway = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (outage > 0) {
          outage--;
          res.statusCode = 503;
          return res.end('{}');
        }
        sent.push(JSON.parse(body) as Sms);
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000', LOG_LEVEL: 'info' }, { logStream: log });
    [admin, village, resident] = await Promise.all(['admin', 'village', 'resident'].map((u) => signIn(t.app, u)));
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json() as { townships: { villages: { id: string; nameZh: string }[] }[] };
    yjt = tree.townships.flatMap((x) => x.villages).find((v) => v.nameZh === '杨家堂村')!.id;
  });
  afterAll(async () => {
    delete process.env.SMS_GATEWAY_URL;
    await t?.close();
    await new Promise((resolve) => gateway?.close(resolve));
  });

  it('without an SMS gateway the county is told to use a code instead', async () => {
    delete process.env.SMS_GATEWAY_URL;
    const { session } = await newcomer('nogateway');
    const res = await ask(session, '13905789870');
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('sms_unavailable');
  });

  it('a person proves the number on the register is theirs and becomes the village’s verified resident', async () => {
    process.env.SMS_GATEWAY_URL = gatewayUrl;
    const { session, id } = await newcomer('meilan-phone');
    // The register holds 叶美兰's number as 13905789870; she types it her own way.
    const asked = await ask(session, '+86 139-0578-9870');
    expect(asked.statusCode).toBe(202);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: '13905789870', template: 'people.enrol_code' });
    const { code } = sent[0].params;
    expect(code).toMatch(/^[0-9]{6}$/);

    expect((await confirm(session, '13905789870', wrong(code))).json()).toMatchObject({ code: 'invalid_code', field: 'body/code' });
    // The right code for another number is no proof.
    expect((await confirm(session, '13805781203', code)).json().code).toBe('invalid_code');
    expect((await confirm(session, '13905789870', '12ab56')).json().field).toBe('body/code');
    const done = await confirm(session, '139 0578 9870', code);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ name: '叶美兰', enrolled: true, userId: id });
    const me = (await as(t.app, session)({ url: '/api/v1/people/me' })).json();
    expect(me.resident.name).toBe('叶美兰');
    expect(await queryRows(t.db.db, sql`select role, unit_id from role_grants where user_id = ${id}`)).toEqual([{ role: 'resident', unit_id: yjt }]);
    // Used once.
    expect((await confirm(session, '13905789870', code)).statusCode).toBe(409); // she is enrolled now
    const other = await newcomer('someone-else');
    expect((await confirm(other.session, '13905789870', code)).json().code).toBe('invalid_code');
    // The message went out in a job, which succeeded; the audit says who asked, that it was sent and who enrolled,
    // naming the record, never the number or the code; the run's row and the server's log hold neither either.
    const runs = await queryRows<{ status: string; data: unknown; error: string | null }>(t.db.db, sql`select status, data, error from job_runs where name = 'people.send-enrol-code' and requested_by = ${id}`);
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    const audit = JSON.stringify(await queryRows(t.db.db, sql`select action, actor_id, details from audit_log where action like 'people.resident.enrol%' or details->>'via' like 'people.%'`));
    for (const action of ['people.resident.enrol_code_requested', 'people.resident.enrol_code_sent', 'people.resident.enrol_phone']) expect(audit).toContain(action);
    expect(log.text).toContain('/api/v1/people/enrol/phone');
    for (const secret of ['13905789870', '9870', code, '叶美兰']) {
      expect(audit).not.toContain(secret);
      expect(JSON.stringify(runs)).not.toContain(secret);
      expect(shows(log.text, secret)).toBe(false);
    }
  });

  it('a number on no register gets the same answer and no message; a number already enrolled gets no message either', async () => {
    const { session } = await newcomer('stranger');
    const before = sent.length;
    const unknown = await ask(session, '13000000000');
    expect(unknown.statusCode).toBe(202);
    expect(Object.keys(unknown.json())).toEqual(['expiresAt']);
    expect((await ask(session, '13805781203')).statusCode).toBe(202); // the demo resident's number: enrolled already
    expect(sent.length).toBe(before);
    for (const code of ['000000', '123456']) expect((await confirm(session, '13000000000', code)).json().code).toBe('invalid_code');
    // Someone already on a register asks for nothing.
    expect((await ask(resident, '13805781203')).json().code).toBe('already_enrolled');
  });

  it('while the SMS gateway is down the job retries with backoff; the message arrives when it is back', async () => {
    const res = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/residents', payload: { villageId: yjt, fullName: '宋等等', birthYear: 1990, phone: '15700002222', status: 'living', consent: true } });
    expect(res.statusCode).toBe(201);
    const { session, id } = await newcomer('patient');
    const before = sent.length;
    outage = 1;
    // The person is answered at once; the message is not sent yet.
    expect((await ask(session, '15700002222')).statusCode).toBe(202);
    expect(sent.length).toBe(before);
    const [waiting] = await queryRows<{ status: string; attempts: number; error: string }>(t.db.db, sql`select status, attempts, error from job_runs where name = 'people.send-enrol-code' and requested_by = ${id}`);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    expect(waiting.error).toContain('HTTP 503');
    // The queue's backoff is its own (tested with it): make the retry due now.
    await t.db.db.execute(sql`update job_runs set run_after = now() where name = 'people.send-enrol-code' and requested_by = ${id} and status = 'queued'`);
    await t.app.jobs.drain();
    expect(sent.length).toBe(before + 1);
    expect(sent.at(-1)!.to).toBe('15700002222');
    expect((await confirm(session, '15700002222', sent.at(-1)!.params.code)).json()).toMatchObject({ name: '宋等等', enrolled: true, userId: id });
    expect(shows(log.text, sent.at(-1)!.params.code)).toBe(false);
  });

  it('five wrong codes end the attempt: the right one no longer works', async () => {
    const res = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/residents', payload: { villageId: yjt, fullName: '宋新来', birthYear: 1996, phone: '15700001111', status: 'returned', returnedFrom: '义乌（物流）', consent: true } });
    expect(res.statusCode).toBe(201);
    const { session } = await newcomer('guesser');
    await ask(session, '15700001111');
    const { code } = sent.at(-1)!.params;
    const guesses = await Promise.all(Array.from({ length: 8 }, () => confirm(session, '15700001111', wrong(code))));
    expect(guesses.every((g) => g.json().code === 'invalid_code')).toBe(true);
    expect((await confirm(session, '15700001111', code)).json().code).toBe('invalid_code');
    // A new code (a new message) works.
    await ask(session, '15700001111');
    expect((await confirm(session, '15700001111', sent.at(-1)!.params.code)).json()).toMatchObject({ name: '宋新来' });
  });

  it('a number a household shares enrols nobody by itself: each member asks for their own code', async () => {
    for (const fullName of ['周老大', '周老二']) {
      const res = await as(t.app, village)({ method: 'POST', url: '/api/v1/people/residents', payload: { villageId: yjt, fullName, household: '周家 20 号', birthYear: 1960, phone: '0578-8123456', status: 'living', consent: true } });
      expect(res.statusCode).toBe(201);
    }
    const { session } = await newcomer('zhou');
    await ask(session, '05788123456');
    const shared = await confirm(session, '05788123456', sent.at(-1)!.params.code);
    expect(shared.statusCode).toBe(409);
    expect(shared.json()).toMatchObject({ code: 'phone_shared', field: 'body/phone' });
    expect((await as(t.app, session)({ url: '/api/v1/people/me' })).json().resident).toBeNull();
    expect((await as(t.app, admin)({ url: '/api/v1/people/residents?status=living' })).statusCode).toBe(200);
  });
});
