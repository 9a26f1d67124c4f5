import { Badge, Group, List, Progress as Bar, Text, Tooltip } from '@mantine/core';
import type { Criterion, MilestoneOwner, PlanStatus, Progress } from '../api/planTypes';
import type { Driver } from '../api/healthTypes';
import { decimal } from '../components/format';
import { formatDriverValue } from '../components/health';

export const statusLabel: Record<PlanStatus, string> = {
  achieved: 'Achieved',
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
};
export const statusColor: Record<PlanStatus, string> = {
  achieved: 'teal',
  on_track: 'blue',
  at_risk: 'orange',
  off_track: 'red',
};

/**
 * A goal (or plan) with no success criterion measures nothing: the API calls it on track, but
 * it is not measured yet, and says so rather than "On track".
 */
export function isUnmeasured(x: { status: PlanStatus; progress: Pick<Progress, 'criteriaTotal'> }): boolean {
  return x.status === 'on_track' && x.progress.criteriaTotal === 0;
}

export function PlanStatusBadge({ status, size = 'md', unmeasured = false }: { status: PlanStatus; size?: 'sm' | 'md' | 'lg'; unmeasured?: boolean }) {
  if (unmeasured && status === 'on_track') {
    return (
      <Tooltip label="Add a success criterion to measure this goal">
        <Badge variant="light" color="gray" radius="sm" size={size} data-status="not_measured">
          Not measured yet
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Badge variant="light" color={statusColor[status]} radius="sm" size={size} data-status={status}>
      {statusLabel[status]}
    </Badge>
  );
}

/** The status's reasons in words, as the API wrote them. */
export function Reasons({ reasons, max }: { reasons: string[]; max?: number }) {
  if (reasons.length === 0) return null;
  const shown = max ? reasons.slice(0, max) : reasons;
  return (
    <List size="sm" spacing={2} c="dimmed" data-testid="status-reasons">
      {shown.map((r, i) => (
        <List.Item key={i}>{r}</List.Item>
      ))}
      {max && reasons.length > max && <List.Item>and {reasons.length - max} more</List.Item>}
    </List>
  );
}

/**
 * A progress bar that tells "no data yet" apart from 0%: nothing measured shows a dashed empty
 * track and says so, because a plan nobody measures is not a plan at zero.
 */
export function ProgressBar({ percent, status, label = 'Progress' }: { percent: number | null; status: PlanStatus; label?: string }) {
  if (percent === null) {
    return (
      <Group gap="xs" wrap="nowrap" data-testid="progress" data-percent="none">
        <div style={{ flex: 1, height: 8, borderRadius: 4, border: '1px dashed var(--mantine-color-gray-4)' }} aria-hidden />
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          No data yet
        </Text>
      </Group>
    );
  }
  const value = Math.max(0, Math.min(100, percent));
  return (
    <Group gap="xs" wrap="nowrap" data-testid="progress" data-percent={String(Math.round(value))}>
      <Bar value={value} color={statusColor[status]} size="md" radius="sm" style={{ flex: 1 }} aria-label={label} />
      <Text size="xs" fw={600} style={{ whiteSpace: 'nowrap', minWidth: 34 }} ta="right">
        {Math.round(value)}%
      </Text>
    </Group>
  );
}

export function progressLine(p: Progress): string {
  return `${p.criteriaMet}/${p.criteriaTotal} criteria met · ${p.milestonesDone}/${p.milestonesTotal} milestones done`;
}

export function SideBadge({ side }: { side: 'vendor' | 'customer' }) {
  return (
    <Badge variant="outline" size="xs" radius="sm" color={side === 'customer' ? 'grape' : 'gray'} tt="none">
      {side === 'customer' ? 'Customer' : 'Our side'}
    </Badge>
  );
}

export function OwnerLabel({ owner }: { owner: MilestoneOwner | null }) {
  if (!owner) return <Text size="xs" c="dimmed">No owner</Text>;
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="xs">{owner.name}</Text>
      <SideBadge side={owner.side} />
    </Group>
  );
}

export function HiddenBadge() {
  return (
    <Tooltip label="Not on the page the customer sees">
      <Badge variant="dot" color="gray" size="xs" radius="sm" tt="none">
        Hidden from customer
      </Badge>
    </Tooltip>
  );
}

export const kindLabel: Record<Criterion['kind'], string> = {
  driver: 'Health driver',
  metric: 'Usage metric',
  manual: 'Number entered by hand',
  rating: 'Rating 1–5, both sides',
};

export const measureLabel = { count: 'event count', active_users: 'active users', active_days: 'active days' } as const;

/**
 * How a criterion's values (current, target, baseline, chart) are shown: a driver criterion in its
 * driver's unit, the way the health card shows it ("3.1% of seats"); everything else as a plain number.
 */
export function criterionFormatter(c: Pick<Criterion, 'kind'>, driver?: Pick<Driver, 'source' | 'scoring'>): (v: number) => string {
  if (c.kind === 'driver' && driver) return (v) => formatDriverValue(v, driver);
  return (v) => decimal(v, 2);
}

/** "4 of 10 (↑)" — a criterion's value against its target in words. */
export function valueVsTarget(c: Criterion, fmt: (v: number) => string = (v) => decimal(v, 2)): string {
  if (c.kind === 'rating') {
    const r = c.ratings;
    const v = r?.vendor == null ? '—' : decimal(r.vendor, 1);
    const cu = r?.customer == null ? '—' : decimal(r.customer, 1);
    return `us ${v} · customer ${cu}${c.target == null ? '' : ` (target ${decimal(c.target, 1)})`}`;
  }
  const current = c.current == null ? 'no data yet' : fmt(c.current);
  // No target: the value alone; the line under it says to set a target (progressNote).
  if (c.target == null) return current;
  const arrow = c.direction === 'down' ? 'at most' : 'at least';
  return `${current} → ${arrow} ${fmt(c.target)}`;
}

/** The line under a criterion's value: how far along it is, or what it needs before that can be said. */
export function progressNote(c: Criterion): string {
  if (c.target == null && c.kind !== 'rating') return 'No target yet: set one to measure progress';
  if (c.progress != null) return `${Math.round(c.progress)}% of the way`;
  if (c.state === 'no_baseline') return 'Progress needs a baseline';
  return c.current == null && c.kind !== 'rating' ? 'Progress: no data yet' : 'Progress not computed yet';
}

export function describeCriterionSource(c: Criterion): string {
  if (c.kind === 'driver') return c.driverName ? `Driver: ${c.driverName}` : 'Driver';
  if (c.kind === 'metric' && c.metric) return `${c.metric.event}: ${measureLabel[c.metric.measure]} over ${c.metric.windowDays} days`;
  return kindLabel[c.kind];
}
