import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import { api, ApiError, setCsrfToken, type Me } from './api.ts';

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        const me = await api<Me>('/me');
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignIn() {
  const client = useQueryClient();
  return useCallback(
    (me: Me) => {
      setCsrfToken(me.csrfToken);
      client.setQueryData(['me'], me);
    },
    [client],
  );
}

export function useSignOut() {
  const client = useQueryClient();
  return useCallback(async () => {
    await api('/auth/logout', { method: 'POST' }).catch(() => {});
    setCsrfToken(null);
    client.setQueryData(['me'], null);
    await client.invalidateQueries();
  }, [client]);
}

export const hasRole = (me: Me | null | undefined, ...roles: string[]) => !!me?.grants.some((g) => roles.includes(g.role));

/** Why a visitor is asked to sign in; the login page says it (`auth.reasons.<reason>`). */
export type SignInReason = 'checkout' | 'book' | 'propose' | 'vote' | 'page' | 'building' | 'import';

/**
 * The same-origin path to return to after signing in, or `/`: anything that could leave the site (`//evil`,
 * `/\evil`, `https://…`, `javascript:`) is refused.
 */
export function safeNext(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f]/.test(value)) return '/';
  try {
    const url = new URL(value, 'http://terrace.invalid');
    return url.origin === 'http://terrace.invalid' ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}

/** The login page, told where to come back to and why. */
export function loginPath(next: string, reason?: SignInReason) {
  return `/login?${new URLSearchParams({ next: safeNext(next), ...(reason ? { reason } : {}) })}`;
}

/** The login page for coming back to where the visitor is now. */
export function useLoginHere(reason?: SignInReason) {
  const location = useLocation();
  return loginPath(`${location.pathname}${location.search}`, reason);
}

/** A signed-out visitor on a page that needs an account goes to sign in, and comes back here afterwards. */
export function SignInRedirect({ reason = 'page' }: { reason?: SignInReason }) {
  return <Navigate to={useLoginHere(reason)} replace />;
}

/** "Sign in to …" where a visitor could act after signing in, coming back here afterwards. */
export function SignInPrompt({ reason }: { reason: SignInReason }) {
  const { t } = useTranslation();
  return (
    <p className="sign-in-prompt">
      <Link to={useLoginHere(reason)}>{t(`auth.reasons.${reason}`)}</Link>
    </p>
  );
}
