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
