import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { badRequest } from './problems.ts';

/**
 * Characters PostgreSQL cannot store: NUL (refused in `text` and `jsonb`) and UTF-16 surrogates without their
 * pair (they have no UTF-8 form: the driver would store U+FFFD, or `jsonb` refuses the escape).
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any request this API takes; refused before a validator or a query recurses into it. */
const MAX_DEPTH = 32;

export const isStorableText = (s: string) => !UNSTORABLE.test(s);

/**
 * The first place in a parsed value (keys included) that the database could not store, or that nests deeper
 * than MAX_DEPTH, as `[field, reason]` with the field written like the validator's (`body/items/0/name`).
 * Walks with its own stack, so a hostile depth cannot overflow the call stack.
 */
export function firstUnstorable(root: unknown, where: string): [string, string] | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: where, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return [path, 'Contains a character that cannot be stored (NUL or an unpaired surrogate)'];
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) return [path, `Nested more than ${MAX_DEPTH} levels deep`];
      for (const [key, child] of Object.entries(value)) {
        const childPath = `${path}/${key}`;
        if (UNSTORABLE.test(key)) return [childPath, 'The name contains a character that cannot be stored'];
        stack.push({ value: child, path: childPath, depth: depth + 1 });
      }
    }
  }
  return null;
}

const isEmptyObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;

/** Refuses, before any route's own validation, what no route can store or act on; answers name the field. */
function refuseUnusableInput(request: FastifyRequest) {
  for (const [where, value] of [
    ['params', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const found = firstUnstorable(value, where);
    if (found) throw badRequest(found[0], found[1]);
  }
  // A PATCH that changes nothing has no meaning, and no update statement can be built from it.
  if (request.method === 'PATCH' && request.routeOptions.schema?.body && (request.body === undefined || isEmptyObject(request.body))) {
    throw badRequest('body', 'Give at least one field to change');
  }
}

/**
 * Kernel input rules for every route at once: text the database cannot store and bodies nested absurdly deep
 * are a 400 naming the field; an empty PATCH is a 400; a JSON content type with an empty body counts as no body
 * (so a route whose body is optional takes it, and one whose body is required says `body` is missing).
 */
export function registerInputSafety(app: FastifyInstance) {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    defaultJson(request, text, done);
  });
  app.addHook('preValidation', async (request) => refuseUnusableInput(request));
}

/**
 * The zod validator compiler, except that an absent body reaches the body's schema as `undefined`: Fastify hands
 * validators `null` for a missing body, which a zod `.optional()` body refuses.
 */
export const validatorCompiler: typeof zodValidatorCompiler = (route) => {
  const validate = zodValidatorCompiler(route);
  if (route.httpPart !== 'body') return validate;
  return (data: unknown) => validate(data === null ? undefined : data);
};
