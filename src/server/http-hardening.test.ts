import net from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../test/support/app.ts';
import { describeEachDriver } from '../../test/support/db.ts';

describeEachDriver('HTTP hardening', (driver) => {
  let t: TestApp;
  let producer: Session;
  let innkeeper: Session;
  let shopId: string;
  const auditCount = async () => (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log`))[0].n;

  beforeAll(async () => {
    t = await startTestApp(driver, {
      TRUST_PROXY: 'true',
      WRITE_RATE_LIMIT_PER_USER_PER_MINUTE: '4',
      WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '7',
      REQUEST_TIMEOUT_SECONDS: '1',
    });
    producer = await signIn(t.app, 'producer');
    innkeeper = await signIn(t.app, 'innkeeper');
    shopId = (await as(t.app, producer)({ url: '/api/v1/market/my-shops' })).json()[0].id;
  });
  afterAll(() => t?.close());

  it('sends security headers on every answer: a CSP that allows no foreign script and no framing, no referrer, no sniffing', async () => {
    for (const url of ['/api/v1/county', '/api/v1/nothing-here', '/healthz']) {
      const res = await t.app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain('worker-src');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('sends HSTS only on requests that came over TLS (through a trusted proxy)', async () => {
    const tls = await t.app.inject({ url: '/api/v1/county', headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
    const plain = await t.app.inject({ url: '/api/v1/county', headers: { 'x-forwarded-proto': 'http' } });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('limits writes per user and per address with a 429 problem that says when to retry; reads stay open', async () => {
    const edit = (s: Session, address: string, intro: string) =>
      as(t.app, s)({ method: 'PATCH', url: `/api/v1/market/shops/${shopId}`, payload: { intro }, remoteAddress: address });
    for (let i = 0; i < 4; i++) expect((await edit(producer, '203.0.113.1', `intro ${i}`)).statusCode).toBe(200);
    const before = await auditCount();
    const fifth = await edit(producer, '203.0.113.2', 'intro 5');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.headers['content-type']).toContain('application/problem+json');
    expect(fifth.json()).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('by one user') });
    expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(0);
    expect(await auditCount()).toBe(before);
    // Reads are not limited.
    for (let i = 0; i < 10; i++) expect((await as(t.app, producer)({ url: '/api/v1/market/my-shops', remoteAddress: '203.0.113.2' })).statusCode).toBe(200);

    // Per address: the innkeeper's writes from the same address as the producer's count together (7 a minute).
    const innId = (await queryRows<{ id: string }>(t.db.db, sql`select id from inns limit 1`))[0].id;
    const innEdit = () => as(t.app, innkeeper)({ method: 'PATCH', url: `/api/v1/inns/${innId}`, payload: { name: '杨家堂老屋' }, remoteAddress: '203.0.113.1' });
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) answers.push((await innEdit()).statusCode);
    expect(answers).toEqual([200, 200, 200, 429]);
    // Anonymous writes from one address are limited too (the login's own limit is higher here).
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x', password: 'y' }, remoteAddress: '203.0.113.1' });
    expect(other.statusCode).toBe(429);
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x', password: 'y' }, remoteAddress: '198.51.100.7' });
    expect(elsewhere.statusCode).toBe(401);
  });

  it('answers a request whose body never finishes arriving with 408 problem+json once the request timeout passes', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as net.AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":');
      });
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 408, code: 'request_timeout' });
  });
});
