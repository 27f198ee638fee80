import type { operations } from './api-types.ts';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Responses<Op extends keyof operations> = operations[Op]['responses'];
/**
 * An operation's success reply (its 200, 201 or 202), typed from the route's own zod schema through the OpenAPI document
 * (`src/web/api-types.ts`, made by `npm run api:types`): pages name the operation instead of writing the shape.
 */
export type Reply<Op extends keyof operations> = Json<Responses<Op>[Extract<keyof Responses<Op>, 200 | 201 | 202>]>;
/** An operation's JSON request body. */
export type RequestBody<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** One field a request got wrong, and the rule it broke (zod's issue code and the parameters a sentence needs). */
export interface FieldProblem {
  field: string;
  message: string;
  code?: string;
  params?: { minimum?: number; maximum?: number; origin?: string; format?: string; expected?: string; values?: string[] };
}

/** A problem+json answer from the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly field?: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail);
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

export async function api<T>(path: string, init: { method?: string; body?: unknown; query?: Record<string, string | number | undefined> } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const qs = init.query
    ? `?${new URLSearchParams(Object.entries(init.query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, String(v)]))}`
    : '';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${qs}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Network error');
  }
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const code = res.status === 429 ? 'rate_limited' : (body.code ?? 'generic');
    throw new ApiError(res.status, code, body.detail ?? res.statusText, body.field, Array.isArray(body.errors) ? body.errors : []);
  }
  return body as T;
}

/**
 * A multipart upload (the fields, then the file as "file") with the session's CSRF header, for what the JSON
 * `api()` cannot send. Empty fields are left out, as if absent. Problems come back as ApiError, with the answer's
 * body kept on it (an import's per-row report).
 */
export async function upload<T>(path: string, file: File, fields: Record<string, string> = {}): Promise<T> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v) form.append(k, v);
  form.append('file', file);
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    });
  } catch {
    throw new ApiError(0, 'network', 'Network error');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new ApiError(res.status, body.code ?? 'generic', body.detail ?? res.statusText, body.field, Array.isArray(body.errors) ? body.errors : []), { body });
  return body as T;
}

/** The signed-in user, their role grants and their session's CSRF token. */
export type Me = Reply<'getMe'>;
export type Grant = Me['grants'][number];
/** The county, a township or a village. */
export type Unit = Reply<'getUnit'>;
export type CountyTree = Reply<'getCountyTree'>;
