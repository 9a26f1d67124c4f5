import { Anchor, Badge, Button, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { Task } from '../api/tasks';
import { money } from '../components/format';
import { ScorePill } from '../components/HealthBadge';
import type { TaskDialog } from './TaskModals';
import { DueText } from './taskFormat';

function PhoneIcon() {
  return (
    <svg width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d="M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1.9.4 1.8.7 2.7a2 2 0 0 1-.5 2.1L8 9.8a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.7.7a2 2 0 0 1 1.7 2z" />
    </svg>
  );
}

/**
 * Common sense over automation: when several signals hit one account, or a rule keeps firing,
 * Canopy proposes a phone call instead of another automated e-mail. These come first.
 */
export function CallThemPanel({ tasks, onDialog, canAct }: { tasks: Task[]; onDialog: (d: TaskDialog) => void; canAct: boolean }) {
  if (tasks.length === 0) return null;
  return (
    <Card padding="lg" withBorder style={{ borderColor: 'var(--mantine-color-orange-4)', background: 'var(--mantine-color-orange-0)' }} data-testid="call-them">
      <Group gap="sm" mb="sm">
        <ThemeIcon color="orange" variant="light" radius="xl" size="lg">
          <PhoneIcon />
        </ThemeIcon>
        <div>
          <Title order={4}>Call them</Title>
          <Text size="sm" c="dimmed">
            Too many signals for another automated e-mail: a conversation will do more.
          </Text>
        </div>
      </Group>
      <Stack gap="xs">
        {tasks.map((t) => (
          <Card key={t.id} padding="sm" radius="md" withBorder data-task-id={t.id}>
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Stack gap={4} style={{ minWidth: 0 }}>
                <Group gap="xs" wrap="wrap">
                  <Anchor component={Link} to={`/accounts/${t.accountId}`} fw={700} size="sm">
                    {t.accountName}
                  </Anchor>
                  <Badge variant="light" color="gray" radius="sm" tt="none" className="canopy-num">
                    {money(t.account.arr)} ARR
                  </Badge>
                  <ScorePill score={t.account.healthScore} band={t.account.healthBand} />
                  <DueText task={t} />
                </Group>
                <Text size="sm" fw={500}>
                  {t.title}
                </Text>
                {t.reason && (
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-line' }}>
                    {t.reason}
                  </Text>
                )}
                {t.assignee && (
                  <Text size="xs" c="dimmed">
                    For {t.assignee.name}
                  </Text>
                )}
              </Stack>
              {canAct && t.canAct && (
                <Group gap={6} wrap="nowrap">
                  <Button size="xs" color="orange" onClick={() => onDialog({ kind: 'complete', task: t })}>
                    I called
                  </Button>
                  <Button size="xs" variant="default" onClick={() => onDialog({ kind: 'snooze', task: t })}>
                    Later
                  </Button>
                </Group>
              )}
            </Group>
          </Card>
        ))}
      </Stack>
    </Card>
  );
}
