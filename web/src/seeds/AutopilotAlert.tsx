import { Alert, Badge, Button, Group, List, Stack, Text, Tooltip } from '@mantine/core';
import { activityKindLabel, type ActivityKind } from '../activities/api';
import { useAutopilot } from '../api/autopilot';
import { formatDateTime, formatDay } from '../components/format';
import { requestPlantSeed } from './PlantSeedSection';

/**
 * "On autopilot" on the account page: the last N touchpoints were routine (same kind, steady
 * rhythm, no seed, no new topic), with those touchpoints and the reasons, and a nudge to plant a
 * seed. When the account is not on autopilot it shows nothing: silence is the good news.
 */
export function AutopilotAlert({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const verdict = useAutopilot(accountId);
  const v = verdict.data;
  if (!v?.onAutopilot) return null;
  const kind = v.touchpoints[0]?.kind;
  const kindLabel = kind ? (activityKindLabel[kind as ActivityKind] ?? kind).toLowerCase() : 'touchpoint';

  return (
    <Alert color="orange" variant="light" radius="md" title="On autopilot" data-testid="autopilot-alert">
      <Stack gap="xs">
        <Text size="sm">
          The last {v.touchpoints.length} touchpoints were the same routine {kindLabel === 'qbr' ? 'QBR' : kindLabel}, on a steady rhythm, with nothing new
          to talk about. No real change happens on autopilot: <b>plant a seed</b> — a crazy question — to jolt the conversation.
        </Text>
        <Group gap={6} wrap="wrap" data-testid="autopilot-touchpoints">
          {v.touchpoints.map((t) => (
            <Tooltip key={t.id} label={`${formatDateTime(t.at)}${t.subject ? ` · ${t.subject}` : ''}`} openDelay={200}>
              <Badge variant="outline" color="orange" tt="none" radius="sm">
                {activityKindLabel[t.kind as ActivityKind] ?? t.kind} · {formatDay(t.at)}
                {t.subject ? ` · ${t.subject.length > 28 ? `${t.subject.slice(0, 27)}…` : t.subject}` : ''}
              </Badge>
            </Tooltip>
          ))}
        </Group>
        {v.reasons.length > 0 && (
          <List size="xs" c="dimmed" spacing={0}>
            {v.reasons.map((r) => (
              <List.Item key={r}>{r}</List.Item>
            ))}
          </List>
        )}
        {canEdit && (
          <Group>
            <Button size="xs" color="orange" onClick={requestPlantSeed}>
              Plant a seed
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}
