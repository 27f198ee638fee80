/** A problem+json answer from the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly field?: string,
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
    throw new ApiError(res.status, code, body.detail ?? res.statusText, body.field);
  }
  return body as T;
}

export interface Grant {
  id: string;
  role: string;
  unitId: string | null;
  orgId: string | null;
}
export interface Me {
  id: string;
  username: string;
  displayName: string;
  countyId: string;
  grants: Grant[];
  csrfToken: string;
}
export interface Unit {
  id: string;
  parentId: string | null;
  level: 'county' | 'township' | 'village';
  nameZh: string;
  namePinyin: string;
  description: string;
  lon: number | null;
  lat: number | null;
  listingBatch: number | null;
}
export interface CountyTree {
  county: Unit;
  townships: (Unit & { villages: Unit[] })[];
}
