import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useLogin, useSession } from '../api/auth';
import { ApiError, errorMessage } from '../api/client';
import { Logo } from '../components/Logo';
import { safeNext } from './RequireAuth';

export function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const session = useSession();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  if (session.data) return <Navigate to={next} replace />;

  const error = login.error;
  const fields = error instanceof ApiError ? error.fieldMap() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password }, { onSuccess: () => void navigate(next, { replace: true }) });
  };

  return (
    <Center mih="100vh" bg="var(--mantine-color-gray-0)" p="md">
      <Box w={380}>
        <Stack align="center" gap={6} mb="lg">
          <Logo size={40} />
          <Title order={2}>Sign in to Canopy</Title>
          <Text c="dimmed" size="sm">
            Your customers, their health, and what needs you today.
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              {error && !fields.email && !fields.password && (
                <Alert color="red" variant="light" role="alert" title={titleFor(error)}>
                  {errorMessage(error)}
                </Alert>
              )}
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                withAsterisk={false}
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={fields.email}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                // keeps getByLabel('Password') unambiguous: the toggle must not be labelled "…password…"
                visibilityToggleButtonProps={{ 'aria-label': 'Show or hide what you typed' }}
                required
                withAsterisk={false}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={fields.password}
              />
              <Button type="submit" fullWidth loading={login.isPending} disabled={!email || !password}>
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
        <Text size="xs" c="dimmed" ta="center" mt="md">
          Forgot your password? Ask a Canopy admin to reset it.
        </Text>
      </Box>
    </Center>
  );
}

function titleFor(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'auth.rate_limited') return 'Too many attempts';
    if (err.code === 'auth.invalid_credentials') return 'Sign-in failed';
    if (err.status === 0) return 'Server unreachable';
  }
  return 'Could not sign in';
}
