import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readMultipart } from '../../server/multipart.ts';
import { PUBLIC, binary } from '../../server/openapi.ts';
import { Problem } from '../../server/problems.ts';
import { setSessionCookie } from '../../server/session.ts';
import { login, type LoginPolicy } from './auth.service.ts';
import { displayName, password, username } from './fields.ts';
import { previewSetup, setUpCounty, setupNeeded } from './setup.service.ts';
import { UNIT_FILE_FORMATS, unitsTemplate } from './units-file.ts';

const SETUP_FILE_MAX_BYTES = 5 * 1024 * 1024;
const tags = ['setup'];

/** The first-run form's fields (multipart, beside the file). */
const setupFields = z.strictObject({
  token: z.string().trim().min(1).max(200),
  countyName: z.string().trim().min(2).max(40),
  countyPinyin: z.string().trim().max(80).regex(/^[A-Za-z' -]*$/, 'Latin letters only').optional(),
  adminUsername: username,
  adminDisplayName: displayName,
  adminPassword: password,
});

const previewFields = z.strictObject({ token: setupFields.shape.token });
const tooLarge = () => new Problem(413, 'import_too_large', `The file is larger than ${SETUP_FILE_MAX_BYTES / 1048576} MB`, { field: 'file' });

const setupPreviewReply = z.object({
  rows: z.number(),
  townships: z.array(z.object({ name: z.string(), pinyin: z.string(), villages: z.number(), located: z.number(), sample: z.array(z.string()) })),
});

const setupReply = z.object({
  county: z.object({ id: z.string(), nameZh: z.string() }),
  townships: z.number(),
  villages: z.number(),
  admin: z.object({ id: z.string(), username: z.string() }),
  csrfToken: z.string(),
});

/** The fields' zod issues as the API's 400 problem, each naming its field and rule. */
function invalidFields(error: z.ZodError): Problem {
  const errors = error.issues.map((i) => {
    const raw = i as unknown as Record<string, unknown>;
    const params = Object.fromEntries(['minimum', 'maximum', 'origin', 'format'].filter((k) => raw[k] !== undefined).map((k) => [k, typeof raw[k] === 'bigint' ? Number(raw[k]) : raw[k]]));
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    return { field: keys.length ? String(keys[0]) : String(i.path[0] ?? 'body'), message: keys.length ? 'Unknown field' : i.message, code: i.code, params };
  });
  return new Problem(400, 'invalid_input', `${errors[0].field}: ${errors[0].message}`, { field: errors[0].field, errors });
}

/** The first-run routes: whether setup is needed, the template, and the setup itself (public, guarded by the console's code). */
export const setupRoutes = (policy: LoginPolicy): FastifyPluginAsync => async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: SETUP_FILE_MAX_BYTES, files: 1 } });

  app.get(
    '/setup',
    { schema: { tags, summary: 'Whether this instance still needs its county set up (the first-run page)', operationId: 'getSetupStatus', security: PUBLIC, response: { 200: z.object({ needed: z.boolean() }) } } },
    async () => ({ needed: await setupNeeded(app.db) }),
  );

  app.get(
    '/setup/template',
    {
      schema: {
        tags,
        summary: 'The townships-and-villages template to fill in (XLSX or CSV)',
        operationId: 'getSetupTemplate',
        security: PUBLIC,
        querystring: z.strictObject({ format: z.enum(UNIT_FILE_FORMATS).default('xlsx') }),
        response: { 200: binary('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv') },
      },
    },
    async (request, reply) => {
      const format = request.query.format;
      const data = await unitsTemplate(format);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="villages-template.${format}"`)
        .send(data);
    },
  );

  app.post(
    '/setup/preview',
    {
      schema: {
        tags,
        summary:
          'The dry run: what setting up with this file (field "file", XLSX or CSV) would create — each township with its villages — or the same 422 row report; nothing is written and the setup code (field "token") is checked, not spent.',
        consumes: ['multipart/form-data'],
        operationId: 'previewSetup',
        security: PUBLIC,
        response: { 200: setupPreviewReply },
      },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request) => {
      const { fields, file } = await readMultipart(request, SETUP_FILE_MAX_BYTES, tooLarge);
      const parsed = previewFields.safeParse(fields);
      if (!parsed.success) throw invalidFields(parsed.error);
      return previewSetup(app.db, file.data, { token: parsed.data.token });
    },
  );

  app.post(
    '/setup',
    {
      schema: {
        tags,
        summary:
          'Set up the county: its name, its townships and villages from a file (field "file", XLSX or CSV; every row checked, all written or none: a 422 problem carries `rows` and a per-row `report` of row, field, code and reason) and its first administrator, who sets their own password; needs the code the server printed at start. Signs the administrator in.',
        consumes: ['multipart/form-data'],
        operationId: 'setUpCounty',
        security: PUBLIC,
        response: { 201: setupReply },
      },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { fields, file } = await readMultipart(request, SETUP_FILE_MAX_BYTES, tooLarge);
      const parsed = setupFields.safeParse(fields);
      if (!parsed.success) throw invalidFields(parsed.error);
      const f = parsed.data;
      const done = await setUpCounty(
        app.db,
        {
          countyName: f.countyName,
          countyPinyin: f.countyPinyin || undefined,
          adminUsername: f.adminUsername,
          adminDisplayName: f.adminDisplayName,
          adminPassword: f.adminPassword,
          file: file.data,
        },
        { token: f.token },
      );
      // The administrator chose their password just now: sign them in with it.
      const session = await login(app.db, { username: f.adminUsername, password: f.adminPassword }, policy);
      setSessionCookie(request, reply, session);
      return reply.code(201).send({
        county: { id: done.countyId, nameZh: done.countyName },
        townships: done.townships,
        villages: done.villages,
        admin: { id: done.adminId, username: done.adminUsername },
        csrfToken: session.csrfToken,
      });
    },
  );
};
