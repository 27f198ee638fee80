import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
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
