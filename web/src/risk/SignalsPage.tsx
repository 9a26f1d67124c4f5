import { Badge, Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { can, useMe } from '../api/auth';
import { useSignalDefinitions } from '../api/risk';
import { QueryError, TableSkeleton } from '../components/feedback';
import { DefinitionModal } from './DefinitionModal';
import { familyLabel, pct } from './logic';
import { formatParams } from './params';
import type { SignalDefinition } from './schemas';

/** Signal definitions for CS ops: what each signal looks for, how strong it is and how fast it fades. */
export default function SignalsPage() {
  const me = useMe();
  const defs = useSignalDefinitions();
  const [editing, setEditing] = useState<SignalDefinition | null>(null);
  const editable = can.audit(me);
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Risk signals</Title>
        <Text size="sm" c="dimmed">
          The small signals compound risk is made of. Strength is the probability that the signal alone precedes a loss (calibrated from outcomes when
          there are enough); a signal fades with its half-life. {editable ? 'Try a change with Dry run before saving.' : 'Admins and managers edit them.'}
        </Text>
      </div>
      <Card padding={0}>
        {defs.isPending && <TableSkeleton rows={10} />}
        {defs.isError && <QueryError error={defs.error} onRetry={() => void defs.refetch()} />}
        {defs.data && (
          <Table.ScrollContainer minWidth={900}>
            <Table className="canopy-table" verticalSpacing="xs" data-testid="signal-definitions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Signal</Table.Th>
                  <Table.Th>Family</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Strength</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Half-life</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th>Parameters</Table.Th>
                  {editable && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {defs.data.map((d) => (
                  <Table.Tr key={d.id} data-kind={d.kind}>
                    <Table.Td maw={320}>
                      <Text size="sm" fw={600}>
                        {d.label}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {d.kind} · {d.source === 'detector' ? 'detected' : 'raised by people, rules or API'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{familyLabel(d.family)}</Table.Td>
                    <Table.Td style={{ textAlign: 'right' }} className="canopy-num">
                      {pct(d.strength)}
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }} className="canopy-num">
                      {d.halfLifeDays} d
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={d.enabled ? 'teal' : 'gray'} tt="none">
                        {d.enabled ? 'On' : 'Off'}
                      </Badge>
                    </Table.Td>
                    <Table.Td maw={300}>
                      {Object.keys(d.params).length === 0 ? (
                        <Text size="xs" c="dimmed">
                          —
                        </Text>
                      ) : (
                        <Text size="xs" title={JSON.stringify(d.params)} data-testid="signal-params">
                          {formatParams(d.params)}
                        </Text>
                      )}
                    </Table.Td>
                    {editable && (
                      <Table.Td>
                        <Button size="compact-xs" variant="subtle" onClick={() => setEditing(d)}>
                          Edit
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {editing && <DefinitionModal key={editing.id} def={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
