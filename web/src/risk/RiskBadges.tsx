import { Anchor, Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { formatDay } from '../components/format';
import { familyLabel, LEVEL_META, pct, points, refHref } from './logic';
import type { Evidence, RiskLevel, Signal } from './schemas';

/** "High" in the level's colour; with `score`, "62 · High". */
export function LevelBadge({ level, score, size = 'sm' }: { level: RiskLevel; score?: number | null; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const meta = LEVEL_META[level];
  return (
    <Badge
      variant={level === 'low' ? 'light' : 'filled'}
      color={meta.color}
      radius="sm"
      size={size}
      tt="none"
      data-testid="risk-level"
      data-level={level}
      aria-label={score === undefined || score === null ? `Risk ${meta.label}` : `Risk ${Math.round(score)}, ${meta.label}`}
      className="canopy-num"
    >
      {score === undefined || score === null ? meta.label : `${Math.round(score)} · ${meta.label}`}
    </Badge>
  );
}

/** A signal as a chip; the tooltip says what it is, since when, and the evidence. */
export function SignalChip({ s }: { s: Signal }) {
  const label = (
    <Stack gap={2} maw={300}>
      <Text size="xs" fw={600}>
        {s.label || s.kind} · {familyLabel(s.family)}
      </Text>
      <Text size="xs">{s.evidence.summary || 'No evidence recorded.'}</Text>
      <Text size="xs" c="dimmed">
        Since {formatDay(s.startedAt.slice(0, 10))} · strength {pct(s.strength)}
        {s.effective !== undefined ? `, ${pct(s.effective)} now` : ''} · {points(s.contribution)} points
      </Text>
      {s.note && <Text size="xs">“{s.note}”</Text>}
    </Stack>
  );
  return (
    <Tooltip label={label} multiline withArrow openDelay={200} events={{ hover: true, focus: true, touch: true }}>
      <Badge variant="outline" color="gray" radius="sm" tt="none" size="sm" tabIndex={0} data-testid="signal-chip" data-kind={s.kind} style={{ cursor: 'help' }}>
        {s.label || s.kind}
      </Badge>
    </Tooltip>
  );
}

/** The evidence summary with its references as links where the app has a page for them. */
export function EvidenceText({ evidence, accountId }: { evidence: Evidence; accountId?: string }) {
  const refs = evidence.refs ?? [];
  return (
    <Stack gap={2}>
      <Text size="xs">{evidence.summary || 'No evidence recorded.'}</Text>
      {refs.length > 0 && (
        <Group gap={6}>
          {refs.slice(0, 6).map((r) => {
            const href = refHref(r, accountId);
            const text = r.label ?? `${r.type.replace(/_/g, ' ')}`;
            return href ? (
              <Anchor key={`${r.type}:${r.id}`} component={Link} to={href} size="xs">
                {text}
              </Anchor>
            ) : (
              <Text key={`${r.type}:${r.id}`} size="xs" c="dimmed">
                {text}
              </Text>
            );
          })}
        </Group>
      )}
    </Stack>
  );
}
