import { Anchor, Badge, Button, Code, Group, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { can, useMe } from '../api/auth';
import { useDrivers, useUpdateDriver } from '../api/drivers';
import type { Driver } from '../api/healthTypes';
import { STAGES } from '../api/types';
import { notifyError } from '../components/feedback';
import { decimal, share, stageColor, stageLabel } from '../components/format';
import { describeScoring, describeSource } from '../components/health';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';
import { RebuildHistoryOffer } from './RebuildHistoryOffer';

/** What the driver editor passes along (router state) after a save or delete. */
export type DriversPageState = { driverChanged?: string } | null;

type StageTotals = Partial<Record<(typeof STAGES)[number], number>>;

/** Per stage, the sum of the weights of its enabled drivers: the 100% their shares divide. */
function stageTotals(drivers: Driver[]): StageTotals {
  const out: StageTotals = {};
  for (const d of drivers) {
    if (!d.enabled) continue;
    for (const s of STAGES) {
      const w = d.stageWeights[s] ?? 0;
      if (w > 0) out[s] = (out[s] ?? 0) + w;
    }
  }
  return out;
}

/**
 * Each stage's weight as a share of the stage's 100% (the weights of its enabled drivers), as the
 * account page's explanation shows it; the raw weight (what the editor edits) is in the tooltip.
 */
function StageChips({ weights, totals, enabled }: { weights: Driver['stageWeights']; totals: StageTotals; enabled: boolean }) {
  const used = STAGES.filter((s) => weights[s] !== undefined);
  if (used.length === 0) {
    return (
      <Text span size="xs" c="dimmed">
        No stage
      </Text>
    );
  }
  return (
    <Group gap={4}>
      {used.map((s) => {
        const w = weights[s] ?? 0;
        const total = totals[s] ?? 0;
        const shown = enabled && w > 0 ? share(w, total) : '0%';
        return (
          <Tooltip key={s} label={`Weight ${decimal(w, 2)} of ${decimal(total, 2)} in ${stageLabel[s]}: ${shown} of the stage’s health when every driver has a value${enabled ? '' : ' (disabled: counts 0%)'}`} openDelay={300}>
            <Badge variant="light" color={stageColor[s]} radius="sm" tt="none" fw={500} data-stage={s} data-weight={w}>
              {stageLabel[s]} {shown}
            </Badge>
          </Tooltip>
        );
      })}
    </Group>
  );
}

const col = listColumns<Driver>();

export default function DriversPage() {
  const me = useMe();
  const editable = can.audit(me);
  const drivers = useDrivers();
  const update = useUpdateDriver();
  const location = useLocation();
  // After a driver change (here, or in the editor that sent us back): offer to rebuild the history.
  const totals = useMemo(() => stageTotals(drivers.data ?? []), [drivers.data]);
  const [changed, setChanged] = useState<string | null>((location.state as DriversPageState)?.driverChanged ?? null);

  const toggle = (d: Driver, enabled: boolean) =>
    update.mutate(
      { id: d.id, patch: { enabled } },
      {
        onSuccess: () => setChanged(`${d.name} ${enabled ? 'enabled' : 'disabled'}`),
        onError: (err) => notifyError(err, `Could not ${enabled ? 'enable' : 'disable'} ${d.name}`),
      },
    );

  const columns = [
    col.display({
      id: 'driver',
      header: 'Driver',
      meta: { td: { maw: 300 } },
      cell: ({ row: { original: d } }) => (
        <Stack gap={2}>
          <Anchor component={Link} to={`/drivers/${d.id}`} fw={600} size="sm" c="var(--mantine-color-text)">
            {d.name}
          </Anchor>
          <Code fz="xs" w="fit-content">
            {d.key}
          </Code>
        </Stack>
      ),
    }),
    col.display({ id: 'value', header: 'Value', meta: { td: { maw: 300 } }, cell: ({ row }) => <Text size="sm">{describeSource(row.original.source)}</Text> }),
    col.display({
      id: 'scoring',
      header: 'Scoring',
      meta: { td: { maw: 320 } },
      cell: ({ row }) => (
        <Text size="sm" c="dimmed">
          {describeScoring(row.original.scoring, row.original.source)}
        </Text>
      ),
    }),
    col.display({
      id: 'stages',
      header: 'Share of stage health',
      cell: ({ row }) => <StageChips weights={row.original.stageWeights} totals={totals} enabled={row.original.enabled} />,
    }),
    col.display({
      id: 'enabled',
      header: 'Enabled',
      cell: ({ row: { original: d } }) => (
        <Switch
          checked={d.enabled}
          disabled={!editable || (update.isPending && update.variables?.id === d.id)}
          onChange={(e) => toggle(d, e.currentTarget.checked)}
          aria-label={`${d.name} enabled`}
        />
      ),
    }),
  ];

  return (
    <ListPage
      title="Drivers"
      description="The leading indicators behind health: each stage’s score is the weighted portfolio of its drivers"
      actions={
        <Group gap="xs">
          <Button variant="default" component={Link} to="/drivers/impact" leftSection={<Icon name="impact" size={16} />}>
            Driver impact
          </Button>
          {editable && (
            <Button component={Link} to="/drivers/new" leftSection={<Icon name="plus" size={16} />}>
              New driver
            </Button>
          )}
        </Group>
      }
      query={drivers}
      rows={drivers.data}
      columns={columns}
      getRowId={(d) => d.id}
      rowProps={(d) => ({ 'data-driver-key': d.key, style: { opacity: d.enabled ? 1 : 0.6 } })}
      empty={`No drivers yet.${editable ? ' Create the first: usage per seat is a good start.' : ''}`}
      tableLabel="Drivers"
      minWidth={980}
      skeletonRows={6}
    >
      {changed && editable && <RebuildHistoryOffer key={changed} change={changed} onDismiss={() => setChanged(null)} />}
    </ListPage>
  );
}
