import { expect } from 'vitest';
import { TEST_PASSWORD } from '../../support/constants.ts';

/** A signed-in API client over real HTTP, as the browser holds it: session cookie plus CSRF header. */
export async function apiSession(baseUrl: string, username: string, password = TEST_PASSWORD) {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
}

/** The same, for calls that must succeed: answers the body, failing the test (naming the call) on any other status. */
export async function apiCaller(baseUrl: string, username: string, password = TEST_PASSWORD) {
  const call = await apiSession(baseUrl, username, password);
  return async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    expect(r.status, `${method} ${path}`).toBeLessThan(300);
    return r.body;
  };
}
