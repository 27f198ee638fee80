import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { undeclaredSecurity } from './openapi.ts';
import { API_TYPES_FILE, apiTypes } from '../../scripts/api-types.ts';

type Operation = {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
};
type Document = { servers?: unknown[]; paths: Record<string, Record<string, Operation>>; tags?: { name: string; description?: string }[] };

// The document does not depend on the database driver: one build on the embedded database is enough.
describe('the API contract (OpenAPI document)', () => {
  let t: TestApp;
  let doc: Document;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    doc = t.app.swagger() as unknown as Document;
  });
  afterAll(() => t.close());

  it("gives the web client its types from this document: src/web/api-types.ts is what `npm run api:types` makes of it now", async () => {
    const fresh = await apiTypes(doc);
    expect(fs.readFileSync(API_TYPES_FILE, 'utf8') === fresh, 'src/web/api-types.ts is out of date: run `npm run api:types`').toBe(true);
  });

  it('describes every operation for a client generator: operationId, summary, security, a 2xx reply schema, problem+json 4xx replies', () => {
    const gaps: string[] = [];
    const ids = new Set<string>();
    let operations = 0;
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const at = `${method.toUpperCase()} ${p}`;
        if (!op.operationId) gaps.push(`${at}: no operationId`);
        else if (ids.has(op.operationId)) gaps.push(`${at}: operationId ${op.operationId} used twice`);
        else ids.add(op.operationId);
        if (!op.summary) gaps.push(`${at}: no summary`);
        if (!Array.isArray(op.security)) gaps.push(`${at}: no security`);
        const ok = Object.entries(op.responses).filter(([s]) => s.startsWith('2'));
        if (!ok.some(([s, r]) => s === '204' || Object.values(r.content ?? {}).some((c) => c.schema && Object.keys(c.schema).length > 0)))
          gaps.push(`${at}: no 2xx reply schema`);
        const problems = Object.entries(op.responses).filter(([s]) => s.startsWith('4'));
        if (!problems.length || problems.some(([, r]) => r.content?.['application/problem+json']?.schema?.$ref !== '#/components/schemas/Problem'))
          gaps.push(`${at}: 4xx replies are not problem+json`);
      }
    }
    expect(gaps).toEqual([]);
    // Each route says who may call it (PUBLIC, SESSION or OPTIONAL_SESSION), none left to the default.
    expect([...undeclaredSecurity]).toEqual([]);
    expect(operations).toBeGreaterThan(120);
    expect(doc.servers?.length).toBeGreaterThan(0);
    expect(doc.tags?.every((tag) => tag.description)).toBe(true);
  });

  it("passes Redocly's recommended rules (redocly.yaml) without an error", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-openapi-'));
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    try {
      const run = await promisify(execFile)(path.resolve('node_modules/.bin/redocly'), ['lint', file, '--config', path.resolve('redocly.yaml'), '--format', 'summary'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
        throw new Error(`redocly lint failed (exit ${error.code}):\n${error.stdout}\n${error.stderr}`);
      });
      expect(`${run.stdout}${run.stderr}`).toContain('valid');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers dates as ISO strings through the reply schema', async () => {
    const shops = (await t.app.inject({ method: 'GET', url: '/api/v1/market/shops' })).json();
    const batches = (await t.app.inject({ method: 'GET', url: `/api/v1/market/shops/${shops[0].id}/batches` })).json();
    const trace = await t.app.inject({ method: 'GET', url: `/api/v1/market/trace/${batches[0].id}` });
    expect(trace.statusCode).toBe(200);
    const events = trace.json().events;
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
