import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyBaseLogger, FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, ResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { $ZodType, safeEncode } from 'zod/v4/core';

/**
 * The API contract: every route declares its summary, operationId, security and 2xx reply schema; this file adds
 * the problem+json replies each route can give, serializes replies through their schemas and publishes the
 * OpenAPI document at /api/docs (checked by `npm run lint:api`).
 */

type Security = { [scheme: string]: string[] }[];
/** Signed in with the session cookie. */
export const SESSION: Security = [{ session: [] }];
/** Open to anyone; a signed-in user may see more. */
export const OPTIONAL_SESSION: Security = [{ session: [] }, {}];
/** Open to anyone. */
export const PUBLIC: Security = [];

/** A text search's query parameter: up to 64 characters of Chinese, pinyin (run together or spaced) or initials. */
export const searchQuery = z.string().trim().max(64).optional();

/** An RFC 9457 problem as the error handler writes it (extra members such as `field` or `errors` may follow). */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int().meta({ description: 'The HTTP status' }),
    current: z.string().nullable().optional().meta({ description: 'For a refused state change (invalid_transition): the record’s state now' }),
    code: z.string().meta({ description: 'Stable, machine-readable reason, e.g. invalid_input, not_found' }),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    field: z.string().optional().meta({ description: 'The offending field, e.g. body/items/0/qty' }),
    errors: z
      .array(
        z.object({
          field: z.string(),
          message: z.string(),
          code: z.string().optional().meta({ description: "The rule broken (zod's issue code), for a message in the user's language" }),
          params: z.record(z.string(), z.unknown()).optional().meta({ description: 'The numbers and values the rule names (minimum, maximum, allowed values…)' }),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });

/** What a client receives for a value of type T: JSON, so dates arrive as ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;
/** The body of a reply declared with zod schema S, as the client receives it (for the web client's types). */
export type Reply<S extends z.ZodType> = Wire<z.output<S>>;

/** A job's progress followed over Server-Sent Events (src/server/job-events.ts). */
export const eventStream = { description: 'Server-Sent Events: `progress` events, then `result` or `error`', content: { 'text/event-stream': { schema: z.string() } } };

/** A reply without a body (204). */
export const noContent = { type: 'null', description: 'No content' } as const;

/** A file reply in one of the given media types. */
export function binary(...types: string[]) {
  const file = z.custom<Buffer | string>(() => true).meta({ type: 'string', format: 'binary' });
  return { description: 'The file', content: Object.fromEntries(types.map((t) => [t, { schema: file }])) };
}

const PROBLEMS: Record<string, string> = {
  400: 'Invalid input; `field` names the offending field',
  401: 'Not signed in',
  403: 'Not allowed for this user',
  404: 'Not found (or not visible to this user)',
  409: 'Conflicts with the current state (a refused transition, a duplicate, stock gone)',
  413: 'The upload is too large',
  429: 'Too many attempts; retry later',
  '4XX': 'A client error',
};
const problem = (status: string) => ({ description: PROBLEMS[status], content: { 'application/problem+json': { schema: problemSchema } } });

const TAGS: Record<string, string> = {
  auth: 'Accounts: register, sign in and out, who am I',
  setup: "A real county's first start: the county, its townships and villages, and its first administrator",
  units: 'The county, its townships and villages',
  organizations: 'Cooperatives, enterprises and inns, and their members',
  users: 'User accounts and their role grants',
  audit: 'The audit log of every change',
  atlas: 'Village Atlas: villages, heritage buildings, cultural assets, photos, import and export',
  market: 'Market: catalogue, shops, batches and traceability, checkout and orders',
  payments: 'Payments: the payment page, sandbox, provider callbacks and refunds',
  interventions: 'Village interventions: proposals, votes, budget rounds, milestones and spending',
  inns: 'Rural inns: rooms, rates, availability, bookings and hosts',
};

type RouteSchema = Record<string, unknown> & { response?: Record<string, unknown>; security?: Security };

/** The problem replies a route can give, from what it takes and who may call it. */
function problemResponses(route: RouteOptions, schema: RouteSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const signedIn = Array.isArray(schema.security) && schema.security.length === 1;
  if (schema.params || schema.querystring || schema.body || schema.consumes) out[400] = problem('400');
  if (signedIn) Object.assign(out, { 401: problem('401'), 403: problem('403') });
  if (schema.params) out[404] = problem('404');
  if (route.method !== 'GET' && signedIn) out[409] = problem('409');
  if (schema.consumes) out[413] = problem('413');
  if ((route.config as { rateLimit?: unknown } | undefined)?.rateLimit) out[429] = problem('429');
  if (Object.keys(out).length === 0) out['4XX'] = problem('4XX');
  return out;
}

const isZod = (s: unknown): s is $ZodType => s instanceof $ZodType;
const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * Members a reply schema leaves out on purpose everywhere: the tenant key (the caller's county is implied by the
 * session) and the search column (a derived index, not data).
 */
const INTERNAL_MEMBERS = new Set(['countyId', 'searchText']);
const deliberateOmissions = new WeakMap<object, ReadonlySet<string>>();

/**
 * Declares members a reply schema leaves out on purpose (a secret, an internal column), so that the check under
 * test, which fails on a reply schema that forgot a member, lets these through: `omitting(schema, ['streamKey'])`.
 */
export function omitting<T extends object>(schema: T, members: readonly string[]): T {
  deliberateOmissions.set(schema, new Set(members));
  return schema;
}

/** Keys the reply had that its schema dropped: a reply schema that forgot a field. */
function droppedKeys(data: unknown, out: unknown, allowed: ReadonlySet<string>, at = ''): string[] {
  if (Array.isArray(data) && Array.isArray(out)) return data.flatMap((d, i) => droppedKeys(d, out[i], allowed, `${at}/${i}`));
  if (!isPlain(data) || !isPlain(out)) return [];
  return Object.keys(data).flatMap((k) =>
    data[k] === undefined || INTERNAL_MEMBERS.has(k) || allowed.has(k)
      ? []
      : k in out
        ? droppedKeys(data[k], out[k], allowed, `${at}/${k}`)
        : [`${at}/${k}`],
  );
}

/**
 * Replies go out through their schema (dates as ISO strings, undeclared members dropped). Under test a reply that
 * does not match its schema, or loses a member, fails loudly; in production it is sent as it is and logged, so a
 * contract slip never turns a good answer into a 500.
 */
function replySerializer(log: FastifyBaseLogger, strict: boolean) {
  return ({ schema, method, url }: { schema: unknown; method: string; url: string }) => {
    if (!isZod(schema)) return (data: unknown) => JSON.stringify(data);
    return (data: unknown) => {
      const result = safeEncode(schema, data);
      if (result.error) {
        const issues = result.error.issues.map((i) => `${i.path.join('/')}: ${i.code}`);
        if (strict) {
          // The error handler answers a bare 500; say here which member broke the contract.
          console.error(`${method} ${url}: the reply does not match its schema:`, issues.slice(0, 5).join('; '));
          throw new ResponseSerializationError(method, url, { cause: result.error });
        }
        log.error({ method, url, issues }, 'reply does not match its schema');
        return JSON.stringify(data);
      }
      if (strict) {
        const dropped = droppedKeys(data, result.data, deliberateOmissions.get(schema) ?? new Set());
        if (dropped.length) {
          // A member the service returns and the schema forgot: declare it, or leave it out with `omitting`.
          const message = `${method} ${url}: the reply schema drops ${dropped.slice(0, 5).join(', ')}`;
          console.error(message);
          throw new Error(message);
        }
      }
      return JSON.stringify(result.data);
    };
  };
}

/** zod-to-JSON-Schema for the document, leaving plain JSON-Schema replies (204) as they are. */
const transform: typeof jsonSchemaTransform = (doc) => {
  const response = (doc.schema as RouteSchema | undefined)?.response;
  if (!response) return jsonSchemaTransform(doc);
  const plain = Object.fromEntries(Object.entries(response).filter(([, s]) => !isZod(s) && !(isPlain(s) && 'content' in s)));
  const zod = Object.fromEntries(Object.entries(response).filter(([k]) => !(k in plain)));
  const out = jsonSchemaTransform({ ...doc, schema: { ...doc.schema, response: zod } });
  const merged = { ...(out.schema as RouteSchema).response, ...plain };
  (out.schema as RouteSchema).response = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
  return out;
};

/** Routes that did not say who may call them (documented as an optional session); a test keeps this empty. */
export const undeclaredSecurity = new Set<string>();

/** Serializer, problem replies, and the document with its UI; call before any route is registered. */
export async function registerOpenApi(app: FastifyInstance, then?: SwaggerTransformObject) {
  app.setSerializerCompiler(replySerializer(app.log, !!process.env.VITEST));
  const tags = new Set<string>();
  app.addHook('onRoute', (route) => {
    const schema = route.schema as RouteSchema | undefined;
    if (!schema || schema.hide) return;
    for (const t of (schema.tags as string[] | undefined) ?? []) tags.add(t);
    // A route that declares no security is documented as open, with an optional session (its 401 still documented).
    if (!schema.security) undeclaredSecurity.add(`${route.method} ${route.url}`);
    route.schema = { ...schema, security: schema.security ?? OPTIONAL_SESSION, response: { ...problemResponses(route, schema), ...schema.response } };
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Terrace API',
        version: '1',
        description: 'Rural revitalization platform: county, townships, villages.',
        license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
      },
      servers: [{ url: '/', description: 'This Terrace server' }],
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'terrace_session' } } },
    },
    transform,
    transformObject: (documentObject) => {
      // Schemas with an id (the Problem) become components the operations refer to.
      const doc = jsonSchemaTransformObject(documentObject) as Record<string, unknown> & { components: { schemas: Record<string, unknown> } };
      delete doc.components.schemas.ProblemInput; // no request takes a problem
      const tagged = { ...doc, tags: [...tags].sort().map((name) => ({ name, description: TAGS[name] ?? `The ${name} module` })) };
      return then ? then({ openapiObject: tagged } as Parameters<SwaggerTransformObject>[0]) : tagged;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}
