import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/handle.ts';
import { signIn, startTestApp, type Session, type TestApp } from '../../test/support/app.ts';
import { describeEachDriver } from '../../test/support/db.ts';
import { idsByTable, isWrite, operationsOf, publicTables, rowFingerprint, tablesFor, validValue, type Operation } from '../../test/support/openapi.ts';

/**
 * Every route of the OpenAPI document, anonymously and as the county admin, with bad input generated from the
 * route's own schemas and hostile values: no answer is a 5xx, every error is problem+json, and a refused write
 * changes no row anywhere. Runs per route and identity: FUZZ_RUNS, or 6 on PGlite and 5 on PostgreSQL.
 */

const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  "' or '1'='1' --",
  '<img src=x onerror=alert(1)>',
  '\u202egnp.exe',
  '𠀀𝕏😀',
  '',
  ' ',
  'null',
  '-1',
  '1e309',
  '9'.repeat(400),
  '00000000-0000-0000-0000-00000000000g',
  '01a22c62-f85f-7000-8000-00000000000',
  'x'.repeat(100_000),
];
const HOSTILE_NUMBERS = [1e308, -1e308, 2 ** 53 + 2, -(2 ** 53) - 2, -1, -2147483649, 2147483648, 0, 0.5];
const HOSTILE_VALUES: unknown[] = [null, true, [], {}, [[[[[[]]]]]], { a: { b: { c: {} } } }, ...HOSTILE_STRINGS, ...HOSTILE_NUMBERS];
/** Built once, sent now and then: a string just under the 1 MB body limit, and one well over it. */
const MEGABYTE = 'x'.repeat(1_000_000 - 64);
const OVER_LIMIT = 'é'.repeat(600_000);
const RAW_BODIES = [
  '1e400',
  '{"a":1e400}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '['.repeat(5000),
  '{"a":',
  '{"a":1,"a":2}',
  '"\\u0000"',
  `[${'1,'.repeat(100_000)}1]`,
  `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  `{"name":"${MEGABYTE}"}`,
  `{"name":"${OVER_LIMIT}"}`,
];
const HOSTILE_PATH = ['..%2F..%2Fetc%2Fpasswd', '../../etc/passwd', '..', '%00', '%ED%A0%80', '%ff', 'x'.repeat(5000), '-1', '1e309', 'null', '%20', 'a%2Fb'];
const HOSTILE_QUERY = ['%00', '%ff', '%ED%A0%80', 'a&x=1', encodeURIComponent('x'.repeat(10_000)), '..%2F..%2F', '1e309', '-1'];

/** Refusals that write by design: a failed login counts towards the account's lockout and is audited. */
const REFUSALS_THAT_RECORD = new Set(['POST /api/v1/auth/login']);

const encode = (value: unknown) => {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    return encodeURIComponent(s);
  } catch {
    return Buffer.from(s, 'utf8').toString('hex'); // a lone surrogate: still a bad value, now encodable
  }
};

/** Replaces the n-th node of a generated value (the value itself included) by a hostile one. */
function replaceNode(value: unknown, n: number, hostile: unknown): unknown {
  const nodes: { parent: Record<string, unknown> | unknown[] | null; key: string | number }[] = [{ parent: null, key: '' }];
  const visit = (v: unknown) => {
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        nodes.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
        visit(child);
      }
    }
  };
  const copy = structuredClone(value);
  visit(copy);
  const target = nodes[n % nodes.length];
  if (!target.parent) return hostile;
  (target.parent as Record<string | number, unknown>)[target.key] = hostile;
  return copy;
}

interface Attempt {
  url: string;
  body?: { json: unknown } | { raw: string; contentType: string };
}

function attempts(op: Operation, uuid: (path: string, field: string) => fc.Arbitrary<string>): fc.Arbitrary<Attempt> {
  const param = (p: Operation['pathParams'][number]) =>
    fc.oneof(
      { weight: 3, arbitrary: validValue(p.schema, (f) => uuid(op.path, f), p.name).map(encode) },
      { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_PATH) },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map(encode) },
    );
  const query = (p: Operation['queryParams'][number]) =>
    fc.option(
      fc.oneof(
        { weight: 2, arbitrary: validValue(p.schema, (f) => uuid(op.path, f), p.name).map(encode) },
        { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_QUERY) },
        { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_VALUES).map(encode) },
      ),
      { nil: undefined },
    );
  const url = fc.tuple(fc.tuple(...op.pathParams.map(param)), fc.tuple(...op.queryParams.map(query))).map(([params, values]) => {
    let path = op.path;
    op.pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, params[i])));
    const qs = op.queryParams.flatMap((p, i) => (values[i] === undefined ? [] : [`${p.name}=${values[i]}`])).join('&');
    return qs ? `${path}?${qs}` : path;
  });
  if (!isWrite(op)) return url.map((u) => ({ url: u }));
  const valid = op.body ? validValue(op.body, (f) => uuid(op.path, f)) : fc.constant({});
  const hostileValue = fc.constantFrom(...HOSTILE_VALUES);
  const body: fc.Arbitrary<Attempt['body']> = fc.oneof(
    { weight: 2, arbitrary: valid.map((json) => ({ json })) },
    { weight: 4, arbitrary: fc.tuple(valid, fc.nat(), hostileValue).map(([v, n, h]) => ({ json: replaceNode(v, n, h) })) },
    { weight: 1, arbitrary: fc.tuple(valid, hostileValue).map(([v, h]) => ({ json: v && typeof v === 'object' && !Array.isArray(v) ? { ...v, unexpected: h } : h })) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml').map((contentType) => ({ raw: 'a=1', contentType })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc.record({ url, body });
}

describeEachDriver('fuzzing every route', (driver) => {
  let t: TestApp;
  let admin: Session;
  let tables: string[];
  let ops: Operation[];
  let ids: Map<string, string[]>;

  beforeAll(async () => {
    t = await startTestApp(driver, { LOGIN_RATE_LIMIT_PER_MINUTE: '1000000' }, { runJobs: false });
    admin = await signIn(t.app, 'admin');
    ops = operationsOf((await t.app.inject({ url: '/api/docs/json' })).json());
    // The admin's own account and grants stay out of reach, or one generated request could lock the fuzzer out.
    const own = await queryRows<{ id: string }>(t.db.db, sql`select id::text from users where id = ${admin.userId} union all select id::text from role_grants where user_id = ${admin.userId}`);
    ids = await idsByTable(t.db.db, new Set(own.map((r) => r.id)));
    tables = await publicTables(t.db.db);
  });
  afterAll(() => t?.close());

  const fingerprint = () => rowFingerprint(t.db.db, tables);

  const uuid = (path: string, field: string) => {
    const real = tablesFor(path, field, [...ids.keys()]).flatMap((name) => ids.get(name) ?? []);
    const any = [...ids.values()].flat();
    return fc.oneof(
      ...(real.length ? [{ weight: 3, arbitrary: fc.constantFrom(...real) }] : []),
      { weight: 1, arbitrary: fc.constantFrom(...any) },
      { weight: 1, arbitrary: fc.uuid({ version: 7 }) },
    );
  };

  it('answers every route, anonymously and as the county admin, with no 5xx and only problem+json errors, and writes nothing it refuses', { timeout: 600_000 }, async () => {
    const runs = Number(process.env.FUZZ_RUNS ?? (driver === 'pglite' ? 6 : 5));
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    const started = Date.now();
    expect(ops.length).toBeGreaterThan(100);
    // The fingerprint sees a write, even one that leaves every value as it was.
    const untouched = await fingerprint();
    expect(await fingerprint()).toBe(untouched);
    await t.db.db.execute(sql`update admin_units set name_zh = name_zh where id = (select id from admin_units order by id limit 1)`);
    expect(await fingerprint()).not.toBe(untouched);
    for (const [index, op] of ops.entries()) {
      const route = `${op.method} ${op.path}`;
      const samples = fc.sample(attempts(op, uuid), { numRuns: runs * 2, seed: Number(process.env.FUZZ_SEED ?? 17) + index });
      for (const [i, attempt] of samples.entries()) {
        const asAdmin = i % 2 === 1;
        if (asAdmin && (await t.app.inject({ url: '/api/v1/me', headers: { cookie: admin.cookie } })).statusCode !== 200) admin = await signIn(t.app, 'admin');
        const headers: Record<string, string> = asAdmin ? { cookie: admin.cookie, ...(isWrite(op) ? { 'x-csrf-token': admin.csrfToken } : {}) } : {};
        const request: InjectOptions = { method: op.method, url: attempt.url, headers };
        if (attempt.body && 'raw' in attempt.body) {
          headers['content-type'] = attempt.body.contentType;
          request.payload = attempt.body.raw;
        } else if (attempt.body) {
          headers['content-type'] = 'application/json';
          request.payload = JSON.stringify(attempt.body.json);
        }
        const before = isWrite(op) ? await fingerprint() : '';
        const res = await t.app.inject(request);
        sent++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const input = `${attempt.url.slice(0, 160)} ${String(request.payload ?? '').slice(0, 200)}`;
        const who = asAdmin ? 'admin' : 'anonymous';
        if (res.statusCode >= 500) failures.push(`${route} as ${who}: ${res.statusCode} ${res.body.slice(0, 200)} ← ${input}`);
        else if (res.statusCode >= 400) {
          const type = String(res.headers['content-type'] ?? '');
          let body: { status?: number; code?: string } = {};
          try {
            body = res.json();
          } catch {
            // reported below
          }
          if (!type.startsWith('application/problem+json') || body.status !== res.statusCode || typeof body.code !== 'string') {
            failures.push(`${route} as ${who}: ${res.statusCode} not problem+json (${type}) ← ${input}`);
          }
          if (isWrite(op) && !REFUSALS_THAT_RECORD.has(route) && (await fingerprint()) !== before) {
            failures.push(`${route} as ${who}: refused with ${res.statusCode} (${body.code}) but changed rows ← ${input}`);
          }
        }
      }
    }
    console.log(`fuzz [${driver}]: ${sent} requests over ${ops.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failures.length} failures; answers ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    if (failures.length) console.error(failures.slice(0, 25).join("\n"));
    expect(failures.slice(0, 25)).toEqual([]);
  });
});
