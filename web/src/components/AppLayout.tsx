import { AppShell, Avatar, Burger, Center, Group, Loader, Menu, NavLink, ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense, useEffect } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { can, useLogout, useMe } from '../api/auth';
import { roleLabel } from './format';
import { Icon, type IconName } from './icons';
import { Logo } from './Logo';
import { NotificationBell, BellIcon } from '../notifications/NotificationBell';
import { ChangePasswordModal } from '../auth/ChangePassword';
import { EmailBanner } from './EmailBanner';

interface Item {
  to: string;
  label: string;
  icon: IconName;
  active: (path: string) => boolean;
}

export function AppLayout() {
  const me = useMe();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const logout = useLogout();
  const [passwordOpen, password] = useDisclosure();
  useEffect(close, [location.pathname, close]);

  const main: Item[] = [
    { to: '/inbox', label: 'Inbox', icon: 'inbox', active: (p) => p.startsWith('/inbox') },
    { to: '/', label: 'Portfolio', icon: 'portfolio', active: (p) => p === '/' || p.startsWith('/accounts') },
    { to: '/health', label: 'Health', icon: 'health', active: (p) => p.startsWith('/health') },
    { to: '/drivers', label: 'Drivers', icon: 'drivers', active: (p) => p.startsWith('/drivers') },
    { to: '/playbooks', label: 'Playbooks', icon: 'playbook', active: (p) => p.startsWith('/playbooks') },
    { to: '/rules', label: 'Rules', icon: 'rule', active: (p) => p.startsWith('/rules') },
    { to: '/risk', label: 'Risk radar', icon: 'escalation', active: (p) => p === '/risk' || p === '/risk/' },
    { to: '/risk/register', label: 'Risk register', icon: 'playbook', active: (p) => p.startsWith('/risk/register') },
    { to: '/risk/signals', label: 'Risk signals', icon: 'rule', active: (p) => p.startsWith('/risk/signals') },
    { to: '/escalations', label: 'Escalations', icon: 'escalation', active: (p) => p.startsWith('/escalations') },
    { to: '/team/proactive', label: 'Proactive ratio', icon: 'impact', active: (p) => p.startsWith('/team/proactive') },
    { to: '/plans', label: 'Success plans', icon: 'health', active: (p) => p.startsWith('/plans') },
    { to: '/plan-templates', label: 'Plan templates', icon: 'playbook', active: (p) => p.startsWith('/plan-templates') },
    { to: '/seeds', label: 'Seed library', icon: 'impact', active: (p) => p.startsWith('/seeds') },
    { to: '/surveys', label: 'Surveys', icon: 'docs', active: (p) => p.startsWith('/surveys') },
    { to: '/readiness', label: 'Readiness', icon: 'impact', active: (p) => p.startsWith('/readiness') },
    { to: '/change-talk', label: 'Change talk', icon: 'docs', active: (p) => p.startsWith('/change-talk') },
    { to: '/critical-dates', label: 'Critical dates', icon: 'escalation', active: (p) => p.startsWith('/critical-dates') },
    { to: '/renewals', label: 'Renewals', icon: 'impact', active: (p) => p.startsWith('/renewals') },
    { to: '/analytics/retention', label: 'Retention', icon: 'impact', active: (p) => p.startsWith('/analytics/retention') },
    { to: '/imports', label: 'Imports', icon: 'refresh', active: (p) => p.startsWith('/imports') },
    { to: '/reviews', label: 'Churn reviews', icon: 'audit', active: (p) => p.startsWith('/reviews') },
  ];
  const admin: Item[] = [
    ...(can.admin(me)
      ? ([
          { to: '/admin/users', label: 'Users', icon: 'users', active: (p) => p.startsWith('/admin/users') },
        ] satisfies Item[])
      : []),
    ...(can.audit(me)
      ? ([
          { to: '/admin/api-keys', label: 'API keys', icon: 'key', active: (p) => p.startsWith('/admin/api-keys') },
          { to: '/admin/audit', label: 'Audit log', icon: 'audit', active: (p) => p.startsWith('/admin/audit') },
          { to: '/admin/webhooks', label: 'Webhooks', icon: 'external', active: (p) => p.startsWith('/admin/webhooks') },
          { to: '/admin/outbox', label: 'Outbox', icon: 'inbox', active: (p) => p.startsWith('/admin/outbox') },
        ] satisfies Item[])
      : []),
  ];
  const link = (item: Item) => (
    <NavLink
      key={item.to}
      component={Link}
      to={item.to}
      label={item.label}
      leftSection={<Icon name={item.icon} />}
      active={item.active(location.pathname)}
      variant="light"
      style={{ borderRadius: 'var(--mantine-radius-md)' }}
    />
  );

  const signOut = () => logout.mutate();

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/" aria-label="Canopy home">
              <Logo withText />
            </UnstyledButton>
          </Group>
          <Group gap="xs" wrap="nowrap">
          <NotificationBell />
          <Menu position="bottom-end" width={240} shadow="md">
            <Menu.Target>
              <UnstyledButton aria-label="User menu" px={6} py={4} style={{ borderRadius: 8 }}>
                <Group gap={8} wrap="nowrap">
                  <Avatar name={me.name} color="initials" size={30} radius="xl" />
                  <div style={{ lineHeight: 1.1 }}>
                    <Text size="sm" fw={500} visibleFrom="xs">
                      {me.name}
                    </Text>
                    <Text size="xs" c="dimmed" visibleFrom="xs">
                      {roleLabel[me.role]}
                      {me.teamName ? ` · ${me.teamName}` : ''}
                    </Text>
                  </div>
                  <Icon name="chevronDown" size={14} />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{me.email}</Menu.Label>
              <Menu.Item leftSection={<BellIcon size={16} />} component={Link} to="/settings/notifications">
                Notification settings
              </Menu.Item>
              <Menu.Item leftSection={<Icon name="key" size={16} />} onClick={password.open}>
                Change password
              </Menu.Item>
              <Menu.Item leftSection={<Icon name="logout" size={16} />} onClick={signOut} disabled={logout.isPending}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
          <ChangePasswordModal opened={passwordOpen} onClose={password.close} />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm">
        <AppShell.Section grow component={ScrollArea}>
          {main.map(link)}
          {admin.length > 0 && (
            <>
              <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mt="lg" mb={4}>
                Admin
              </Text>
              {admin.map(link)}
            </>
          )}
        </AppShell.Section>
        <AppShell.Section>
          <NavLink
            href="/api/docs"
            component="a"
            label="API docs"
            leftSection={<Icon name="docs" />}
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
          />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main bg="var(--mantine-color-gray-0)">
        <Suspense
          fallback={
            <Center py={80}>
              <Loader aria-label="Loading" />
            </Center>
          }
        >
          {!location.pathname.startsWith('/admin/outbox') && <EmailBanner />}
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
