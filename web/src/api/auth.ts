import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ApiError, api, setCsrfToken } from './client';
import type { Session, User } from './types';

export const meKey = ['me'] as const;

/** The signed-in session, or null when nobody is signed in. */
export function useSession() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await api<Session>('/api/auth/me', { quiet401: true });
        setCsrfToken(session.csrfToken);
        return session;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw err;
      }
    },
    staleTime: 5 * 60_000,
    retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
  });
}

/** The signed-in user; only use below the RequireAuth guard. */
export function useMe(): User {
  const { data } = useSession();
  if (!data) throw new Error('useMe() used outside a signed-in area');
  return data.user;
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) =>
      api<Session>('/api/auth/login', { method: 'POST', body: input, quiet401: true }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
      qc.setQueryData(meKey, session);
    },
  });
}

/** Signs out and lands on a plain /login (no `next`: the next person starts at the portfolio). */
export function useLogout() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => api<void>('/api/auth/logout', { method: 'POST', quiet401: true }),
    // Even when the request fails (server gone), forget the session locally.
    onSettled: () => {
      void navigate('/login', { replace: true });
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}

/** Changes the signed-in user's password (ends their other sessions), then reloads the session. */
export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) =>
      api<void>('/api/auth/password', { method: 'POST', body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  });
}

export const can = {
  write: (u: User) => u.role !== 'viewer',
  admin: (u: User) => u.role === 'admin',
  audit: (u: User) => u.role === 'admin' || u.role === 'manager',
};
