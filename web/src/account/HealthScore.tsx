import { Button, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import type { AccountHealth, HealthOverride } from '../api/healthTypes';
import { formatDateTime, formatDay, relative } from '../components/format';
import { BandBadge } from '../components/HealthBadge';
import { bandColor } from '../components/health';

/** The computed score, large, with its band. */
export function ComputedScore({ health }: { health: AccountHealth }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
        Computed
      </Text>
      <Group gap="sm" align="baseline" wrap="nowrap">
        <Text
          fz={52}
          fw={700}
          lh={1}
          className="canopy-num"
          c={health.score === null ? 'dimmed' : `${bandColor[health.band ?? 'none']}.8`}
          data-testid="health-score"
        >
          {health.score ?? '—'}
        </Text>
        <Text c="dimmed" size="sm">
          / 100
        </Text>
      </Group>
      <Group gap={6}>
        <BandBadge band={health.band} size="md" />
      </Group>
      <Tooltip label={formatDateTime(health.computedAt)} disabled={!health.computedAt} openDelay={300}>
        <Text size="xs" c="dimmed" mt={4} data-testid="health-computed-at" data-computed-at={health.computedAt ?? ''}>
          {health.computedAt ? `Computed ${relative(health.computedAt)}` : 'Not computed yet'}
        </Text>
      </Tooltip>
    </Stack>
  );
}

interface OverrideProps {
  override: HealthOverride;
  canEdit: boolean;
  clearing: boolean;
  onClear: () => void;
}

/** A CSM's override, beside (never instead of) the computed score. */
export function OverrideBox({ override: o, canEdit, clearing, onClear }: OverrideProps) {
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      bg="var(--mantine-color-yellow-light)"
      style={{ borderColor: 'var(--mantine-color-yellow-4)' }}
      data-testid="health-override"
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
          Override
        </Text>
        {canEdit && (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={onClear} loading={clearing}>
            Clear
          </Button>
        )}
      </Group>
      <Group gap="sm" align="center" mt={2}>
        <Text fz={30} fw={700} lh={1} className="canopy-num" c={`${bandColor[o.band]}.8`}>
          {o.score}
        </Text>
        <BandBadge band={o.band} />
      </Group>
      <Text size="sm" mt={6} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        “{o.reason}”
      </Text>
      <Text size="xs" c="dimmed" mt={4}>
        {o.createdByName ?? 'Someone'} · {relative(o.createdAt)} · until {formatDay(o.expiresAt)}
      </Text>
    </Paper>
  );
}
