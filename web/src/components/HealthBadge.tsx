import { Badge, Group, Text, Tooltip } from '@mantine/core';
import type { Band } from '../api/healthTypes';
import { bandColor, bandLabel } from './health';

export function BandBadge({ band, size = 'sm' }: { band: Band | null; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const key = band ?? 'none';
  return (
    <Badge variant="light" color={bandColor[key]} radius="sm" size={size} data-band={key}>
      {bandLabel[key]}
    </Badge>
  );
}

/** A score in a band-colored pill: "72". */
export function ScorePill({ score, band }: { score: number | null; band: Band | null }) {
  if (score === null) {
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  }
  const color = bandColor[band ?? 'none'];
  return (
    <Badge variant="filled" color={color} radius="sm" w={38} px={0} className="canopy-num" aria-label={`Health ${score}, ${bandLabel[band ?? 'none']}`}>
      {score}
    </Badge>
  );
}

/** ▲ 5 / ▼ 12 points against 30 days ago. */
export function HealthChange({ change }: { change: number | null | undefined }) {
  if (change === null || change === undefined) return null;
  if (change === 0) {
    return (
      <Text span size="xs" c="dimmed" className="canopy-num">
        ±0
      </Text>
    );
  }
  const up = change > 0;
  return (
    <Text span size="xs" fw={600} c={up ? 'teal.7' : 'red.7'} className="canopy-num" aria-label={`${up ? 'up' : 'down'} ${Math.abs(change)} points in 30 days`}>
      {up ? '▲' : '▼'} {Math.abs(change)}
    </Text>
  );
}

/** "overridden (computed 42)": health is a CSM's override; the computed score beside it. */
export function OverrideMark({ computed }: { computed: number | null }) {
  return (
    <Text span size="xs" c="grape.8" fw={500} data-testid="override-mark" style={{ whiteSpace: 'nowrap' }}>
      overridden (computed {computed ?? 'none'})
    </Text>
  );
}

/**
 * The portfolio's health cell: pill, band and the 30-day change of the computed score. With
 * `computed`, the pill is a CSM's override (the effective health) and the computed score shows beside it.
 */
export function HealthCell({ score, band, change, computed }: { score: number | null; band: Band | null; change: number | null; computed?: { score: number | null } | undefined }) {
  if (score === null) {
    return (
      <Tooltip label="No health yet: no drivers for this stage, or no data" openDelay={400}>
        <Text span size="sm" c="dimmed">
          No data
        </Text>
      </Tooltip>
    );
  }
  return (
    <Tooltip
      label={`${bandLabel[band ?? 'none']}${computed ? ` by a CSM's override; computed ${computed.score ?? 'none'}` : ''}${change === null ? '' : ` · computed ${change > 0 ? '+' : ''}${change} points in 30 days`}`}
      openDelay={400}
    >
      <Group gap={8} wrap="nowrap">
        <ScorePill score={score} band={band} />
        {computed ? <OverrideMark computed={computed.score} /> : <HealthChange change={change} />}
      </Group>
    </Tooltip>
  );
}
