import { ActionIcon, Anchor, Box, Button, Divider, Group, Indicator, Popover, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useBell, useMarkAllRead, useMarkRead, type AppNotification } from '../api/notifications';
import { notifyError } from '../components/feedback';
import { relative } from '../components/format';

export function BellIcon({ size = 20 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0" />
    </svg>
  );
}

/** The header bell: unread count (polled every 30 s) and the latest notifications; opening one marks it read. */
export function NotificationBell() {
  const bell = useBell();
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const unread = bell.data?.unreadCount ?? 0;
  const items = bell.data?.items ?? [];

  const open = (n: AppNotification) => {
    if (!n.readAt) markRead.mutate(n.id, { onError: (err) => notifyError(err, 'Could not mark it read') });
    const to = n.link ?? (n.accountId ? `/accounts/${n.accountId}` : null);
    if (to) {
      setOpened(false);
      void navigate(to);
    }
  };

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} shadow="md" withinPortal>
      <Popover.Target>
        <Indicator label={unread > 99 ? '99+' : unread} size={18} disabled={unread === 0} offset={4} color="red">
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            radius="xl"
            onClick={() => setOpened((o) => !o)}
            aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
          >
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" px="md" py="xs">
          <Text fw={600} size="sm">
            Notifications
          </Text>
          <Button size="compact-xs" variant="subtle" disabled={unread === 0} loading={markAll.isPending} onClick={() => markAll.mutate()}>
            Mark all read
          </Button>
        </Group>
        <Divider />
        <ScrollArea.Autosize mah={420}>
          {bell.isPending && (
            <Text size="sm" c="dimmed" ta="center" py="lg">
              Loading…
            </Text>
          )}
          {bell.isError && (
            <Text size="sm" c="red" ta="center" py="lg">
              Could not load notifications.
            </Text>
          )}
          {bell.data && items.length === 0 && (
            <Text size="sm" c="dimmed" ta="center" py="lg">
              Nothing yet. You will hear here when something needs you.
            </Text>
          )}
          <Stack gap={0}>
            {items.map((n) => (
              <UnstyledButton
                key={n.id}
                onClick={() => open(n)}
                px="md"
                py="sm"
                style={{ borderBottom: '1px solid var(--mantine-color-gray-2)', background: n.readAt ? undefined : 'var(--mantine-color-blue-0)' }}
                aria-label={`${n.readAt ? '' : 'Unread: '}${n.title}`}
              >
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Box w={8} h={8} mt={6} style={{ borderRadius: 4, flex: 'none', background: n.readAt ? 'transparent' : 'var(--mantine-color-blue-6)' }} />
                  <div style={{ minWidth: 0 }}>
                    <Text size="sm" fw={n.readAt ? 400 : 600} lineClamp={2}>
                      {n.title}
                    </Text>
                    {n.body && (
                      <Text size="xs" c="dimmed" lineClamp={2} style={{ whiteSpace: 'pre-line' }}>
                        {n.body}
                      </Text>
                    )}
                    <Text size="xs" c="dimmed" mt={2}>
                      {n.accountName ? `${n.accountName} · ` : ''}
                      {relative(n.createdAt)}
                    </Text>
                  </div>
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
        </ScrollArea.Autosize>
        <Divider />
        <Group justify="flex-end" px="md" py="xs">
          <Anchor component={Link} to="/settings/notifications" size="xs" onClick={() => setOpened(false)}>
            Notification settings
          </Anchor>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
