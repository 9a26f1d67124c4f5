import { Center, Loader, Stack } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../api/auth';
import type { Role } from '../api/types';
import { QueryError } from '../components/feedback';
import { NotFound } from '../components/NotFound';
import { ForcedPasswordChange } from './ChangePassword';

/** Renders the signed-in area, or sends the visitor to /login?next=<where they wanted to go>. */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (session.isError) {
    return (
      <Center h="100vh" p="md">
        <Stack w={420}>
          <QueryError error={session.error} onRetry={() => void session.refetch()} title="Canopy is not reachable" />
        </Stack>
      </Center>
    );
  }
  if (!session.data) {
    const next = location.pathname + location.search;
    const to = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
    return <Navigate to={to} replace />;
  }
  if (session.data.mustChangePassword) return <ForcedPasswordChange />;
  return <Outlet />;
}

export function RequireRole({ roles }: { roles: Role[] }) {
  const { data } = useSession();
  if (!data || !roles.includes(data.user.role)) {
    return <NotFound message="This page is for administrators. Ask an admin if you need access." />;
  }
  return <Outlet />;
}

/** Only same-site paths are allowed as a post-login destination. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) return '/';
  return next;
}
