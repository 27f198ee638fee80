import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { Problem, TITLES, type FieldError } from './problems.ts';

/** Answers with an RFC 9457 problem. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, status: number, code: string, detail: string, extra = {}) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `https://terrace.example/problems/${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      instance: request.url.split('?')[0],
      requestId: request.id,
      ...extra,
    });
}

/** Maps a PostgreSQL error raised by a constraint to the client's mistake it reveals, if any. */
function fromDatabase(error: unknown): Problem | undefined {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const pgCode = (cause as { code?: string }).code;
  const constraint = (cause as { constraint?: string }).constraint;
  if (pgCode === '23505') return new Problem(409, 'duplicate', `Already exists (${constraint ?? 'unique'})`);
  if (pgCode === '23503') return new Problem(409, 'reference', `Refers to a record that does not exist (${constraint ?? ''})`);
  if (pgCode === '23514') return new Problem(400, 'invalid_input', `Violates ${constraint ?? 'a check'}`);
  // Text the kernel's input rules did not see (a file's contents) with a character the database cannot store.
  if (pgCode === '22021' || pgCode === '22P05') return new Problem(400, 'invalid_input', 'A value contains a character that cannot be stored');
  if (pgCode === '22P02' || pgCode === '22007' || pgCode === '22008' || pgCode === '22003')
    return new Problem(400, 'invalid_input', 'A value has the wrong format or is out of range');
  return undefined;
}

/** The parameters of a zod issue that a translated sentence needs; never the input itself, nor a regex's source. */
const RULE_PARAMS = ['minimum', 'maximum', 'inclusive', 'origin', 'format', 'expected', 'values'];
function ruleParams(params: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of RULE_PARAMS) {
    const v = (params as Record<string, unknown> | undefined)?.[k];
    if (v === undefined) continue;
    out[k] = typeof v === 'bigint' ? Number(v) : k === 'values' && Array.isArray(v) ? v.map(String).slice(0, 20) : v;
  }
  return out;
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof Problem) {
      return sendProblem(reply, request, error.status, error.code, error.detail, error.extra);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const errors: FieldError[] = error.validation.flatMap((v) => {
        const base = `${where}${v.instancePath === '/' ? '' : v.instancePath}`;
        const keys = (v.params as { keys?: string[] }).keys;
        if (v.keyword === 'unrecognized_keys' && keys?.length)
          return keys.map((k) => ({ field: `${base}/${k}`, message: 'Unknown field' }));
        return [{ field: base, message: v.message ?? 'Invalid value', code: v.keyword, params: ruleParams(v.params) }];
      });
      const first = errors[0];
      return sendProblem(reply, request, 400, 'invalid_input', `${first.field}: ${first.message}`, {
        field: first.field,
        errors,
      });
    }
    const dbProblem = fromDatabase(error);
    if (dbProblem) return sendProblem(reply, request, dbProblem.status, dbProblem.code, dbProblem.detail);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, body too large, rate limits.
      const code = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code?.startsWith('FST_ERR_CTP') ? 'malformed_body' : (error.code ?? 'client_error').toLowerCase();
      const field = code === 'malformed_body' ? 'body' : undefined;
      return sendProblem(reply, request, status, code, error.message, field ? { field } : {});
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 500, 'internal', 'Something went wrong on our side; the request id helps us find it.');
  });

  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, 404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
}
