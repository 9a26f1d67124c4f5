import { Anchor, Badge, Stack, Text, Tooltip } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router';
import type { AccountListItem } from '../api/types';
import { StageBadge } from '../components/Badges';
import { daysLabel, daysUntil, formatDateTime, formatDay, money, moneyFull, relative } from '../components/format';
import { HealthCell } from '../components/HealthBadge';
import { UsageCell } from '../components/Sparkline';
import { LevelBadge } from '../risk/RiskBadges';
import type { RiskLevel } from '../risk/schemas';

const col = createColumnHelper<AccountListItem>();

export const RENEWAL_WARNING_DAYS = 60;

export const portfolioColumns = [
  col.accessor('name', {
    header: 'Account',
    sortDescFirst: false,
    cell: ({ row }) => (
      <Stack gap={0}>
        <Anchor component={Link} to={`/accounts/${row.original.id}`} fw={600} size="sm" c="var(--mantine-color-text)">
          {row.original.name}
        </Anchor>
        {row.original.domain && (
          <Text size="xs" c="dimmed">
            {row.original.domain}
          </Text>
        )}
      </Stack>
    ),
  }),
  col.accessor('health', {
    header: 'Health',
    // Worst first: the accounts that need someone.
    sortDescFirst: false,
    cell: ({ row }) => (
      <HealthCell
        score={row.original.health ?? null}
        band={row.original.healthBand ?? null}
        change={row.original.healthChange30d ?? null}
        computed={row.original.healthSource === 'override' ? { score: row.original.computedHealth ?? null } : undefined}
      />
    ),
  }),
  col.accessor((r) => (r as AccountListItem & { riskScore?: number | null }).riskScore ?? null, {
    id: 'risk',
    header: 'Risk',
    // Riskiest first: compound risk, the accounts where small signals add up.
    sortDescFirst: true,
    cell: ({ row }) => {
      const r = row.original as AccountListItem & { riskScore?: number | null; riskLevel?: RiskLevel | null };
      return r.riskLevel ? (
        <LevelBadge level={r.riskLevel} score={r.riskScore ?? null} />
      ) : (
        <Text span size="sm" c="dimmed">
          —
        </Text>
      );
    },
  }),
  col.accessor((r) => (r as AccountListItem & { onAutopilot?: boolean }).onAutopilot ?? false, {
    id: 'onAutopilot',
    header: 'Autopilot',
    // On autopilot first: the conversations that need a seed.
    sortDescFirst: true,
    cell: ({ getValue }) =>
      getValue() ? (
        <Tooltip label="The last touchpoints were routine: same kind, steady rhythm, nothing new. Plant a seed." openDelay={300} multiline w={260}>
          <Badge variant="light" color="orange" radius="sm" tt="none" data-testid="autopilot-badge">
            Autopilot
          </Badge>
        </Tooltip>
      ) : null,
  }),
  col.accessor('ownerName', {
    header: 'Owner',
    enableSorting: false,
    cell: ({ getValue }) =>
      getValue() ?? (
        <Text span size="sm" c="dimmed">
          Unassigned
        </Text>
      ),
  }),
  col.accessor('stage', {
    header: 'Stage',
    enableSorting: false,
    cell: ({ getValue }) => <StageBadge stage={getValue()} />,
  }),
  col.accessor('segment', {
    header: 'Segment',
    enableSorting: false,
    cell: ({ getValue }) => getValue() ?? <Text span size="sm" c="dimmed">—</Text>,
  }),
  col.accessor('arr', {
    header: 'ARR',
    sortDescFirst: true,
    meta: { align: 'right' },
    cell: ({ getValue }) => (
      <Tooltip label={moneyFull(getValue())} openDelay={400}>
        <Text span size="sm" fw={500} className="canopy-num">
          {money(getValue())}
        </Text>
      </Tooltip>
    ),
  }),
  col.accessor('renewalDate', {
    header: 'Renewal',
    sortDescFirst: false,
    cell: ({ getValue }) => {
      const day = getValue();
      const days = daysUntil(day);
      if (!day || days === null) return <Text span size="sm" c="dimmed">—</Text>;
      const soon = days < RENEWAL_WARNING_DAYS;
      return (
        <Stack gap={0}>
          <Text size="sm" className="canopy-num">
            {formatDay(day)}
          </Text>
          <Text size="xs" c={soon ? 'red.7' : 'dimmed'} fw={soon ? 600 : 400}>
            {daysLabel(days)}
          </Text>
        </Stack>
      );
    },
  }),
  col.accessor('lastActivityAt', {
    header: 'Last product use',
    sortDescFirst: true,
    cell: ({ getValue }) => <WhenCell at={getValue()} none="No product use" />,
  }),
  col.accessor('lastTouchAt', {
    header: 'Last touch',
    sortDescFirst: true,
    cell: ({ getValue }) => <WhenCell at={getValue()} none="Never touched" />,
  }),
  col.display({
    id: 'usage',
    header: 'Usage (30 days)',
    cell: ({ row }) => <UsageCell usage={row.original.usage} change={row.original.usageChange} />,
  }),
];

function WhenCell({ at, none }: { at: string | null; none: string }) {
  if (!at) {
    return (
      <Text span size="sm" c="dimmed">
        {none}
      </Text>
    );
  }
  return (
    <Tooltip label={formatDateTime(at)} openDelay={400}>
      <Text span size="sm">
        {relative(at)}
      </Text>
    </Tooltip>
  );
}
