import { Anchor, Badge, Button, Card, Code, Group, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { useDrivers, useUpdateDriver } from '../api/drivers';
import type { Driver } from '../api/healthTypes';
import { STAGES } from '../api/types';
import { notifyError, QueryError, TableSkeleton } from '../components/feedback';
import { stageColor, stageLabel } from '../components/format';
import { describeScoring, describeSource } from '../components/health';
import { Icon } from '../components/icons';

function StageChips({ weights }: { weights: Driver['stageWeights'] }) {
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
      {used.map((s) => (
        <Badge key={s} variant="light" color={stageColor[s]} radius="sm" tt="none" fw={500}>
          {stageLabel[s]} {weights[s]}
        </Badge>
      ))}
    </Group>
  );
}

export default function DriversPage() {
  const me = useMe();
  const editable = can.audit(me);
  const drivers = useDrivers();
  const update = useUpdateDriver();

  const toggle = (d: Driver, enabled: boolean) =>
    update.mutate({ id: d.id, patch: { enabled } }, { onError: (err) => notifyError(err, `Could not ${enabled ? 'enable' : 'disable'} ${d.name}`) });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Drivers</Title>
          <Text c="dimmed" size="sm">
            The leading indicators behind health: each stage’s score is the weighted portfolio of its drivers
          </Text>
        </div>
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
      </Group>
      {drivers.isError && <QueryError error={drivers.error} onRetry={() => void drivers.refetch()} />}
      <Card padding={0}>
        {drivers.isPending && <TableSkeleton rows={6} height={40} />}
        {drivers.data?.length === 0 && (
          <Text c="dimmed" ta="center" py={48}>
            No drivers yet.{editable ? ' Create the first: usage per seat is a good start.' : ''}
          </Text>
        )}
        {drivers.data && drivers.data.length > 0 && (
          <Table.ScrollContainer minWidth={980}>
            <Table className="canopy-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label="Drivers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Driver</Table.Th>
                  <Table.Th>Value</Table.Th>
                  <Table.Th>Scoring</Table.Th>
                  <Table.Th>Stage weights</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {drivers.data.map((d) => (
                  <Table.Tr key={d.id} data-driver-key={d.key} style={{ opacity: d.enabled ? 1 : 0.6 }}>
                    <Table.Td maw={300}>
                      <Stack gap={2}>
                        <Anchor component={Link} to={`/drivers/${d.id}`} fw={600} size="sm" c="var(--mantine-color-text)">
                          {d.name}
                        </Anchor>
                        <Code fz="xs" w="fit-content">
                          {d.key}
                        </Code>
                      </Stack>
                    </Table.Td>
                    <Table.Td maw={300}>
                      <Text size="sm">{describeSource(d.source)}</Text>
                    </Table.Td>
                    <Table.Td maw={320}>
                      <Text size="sm" c="dimmed">
                        {describeScoring(d.scoring)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StageChips weights={d.stageWeights} />
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        checked={d.enabled}
                        disabled={!editable || (update.isPending && update.variables?.id === d.id)}
                        onChange={(e) => toggle(d, e.currentTarget.checked)}
                        aria-label={`${d.name} enabled`}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
