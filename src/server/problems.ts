/** An RFC 9457 problem that a service or route raises; the error handler turns it into application/problem+json. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: { field?: string; errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(detail);
  }
}

export interface FieldError {
  /** The offending field as a JSON-pointer-like path, e.g. `body/username` or `body/items/0/qty`. */
  field: string;
  message: string;
  /** The rule broken, as zod names it (`too_small`, `invalid_format`, …), so a client can say it in the user's language. */
  code?: string;
  /** The rule's parameters a sentence needs (`minimum`, `maximum`, `origin`, `format`, `expected`, `values`). */
  params?: Record<string, unknown>;
}

export const badRequest = (field: string, detail: string) =>
  new Problem(400, 'invalid_input', `${field}: ${detail}`, { field, errors: [{ field, message: detail }] });
export const unauthorized = (detail = 'Authentication required') => new Problem(401, 'unauthenticated', detail);
export const forbidden = (detail = 'You do not have permission for this') => new Problem(403, 'forbidden', detail);
export const notFound = (what: string) => new Problem(404, 'not_found', `${what} not found`);
export const conflict = (code: string, detail: string, extra: Problem['extra'] = {}) =>
  new Problem(409, code, detail, extra);

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  426: 'Upgrade Required',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * The one answer to a refused state change, in every module: 409 `invalid_transition`, the record's state in
 * `current` (the problem's `status` stays the HTTP status), and what was asked in `detail`.
 */
export const refusedTransition = (detail: string, current: string | null, extra: Problem['extra'] = {}) =>
  new Problem(409, 'invalid_transition', detail, { ...extra, current });

/**
 * A conditional state change: `move` runs the `UPDATE … WHERE status IN (allowed) RETURNING …`; when it changes
 * nothing, `current` reads the record's state now and the change is refused with `refusedTransition` (a record
 * that is gone is a 404). Of two people acting at once, exactly one moves the record.
 */
export async function transition<R>(
  move: () => Promise<R[]>,
  current: () => Promise<string | undefined>,
  refuse: (current: string) => { detail: string; extra?: Problem['extra'] },
  what = 'Record',
): Promise<R> {
  const [moved] = await move();
  if (moved) return moved;
  const now = await current();
  if (now === undefined) throw notFound(what);
  const { detail, extra } = refuse(now);
  throw refusedTransition(detail, now, extra);
}
