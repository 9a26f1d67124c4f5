import { Anchor, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import type { Driver, DriverExplanation } from '../api/healthTypes';
import { bandColor, bandOf, formatDriverValue } from '../components/health';

interface Props {
  drivers: DriverExplanation[];
  definitions: Map<string, Driver>;
}

/** Each driver of the account's stage: its value, score, share of the health and the points it cost. */
export function HealthDriversTable({ drivers, definitions }: Props) {
  const rows = [...drivers].sort((a, b) => Number(a.noData) - Number(b.noData) || b.pointsLost - a.pointsLost);
  const total = drivers.reduce((sum, d) => sum + d.pointsLost, 0);
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table className="canopy-table" verticalSpacing={6} aria-label="Health drivers" data-testid="health-drivers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Driver</Table.Th>
            <Table.Th ta="right">Value</Table.Th>
            <Table.Th ta="right">Score</Table.Th>
            <Table.Th ta="right">Weight</Table.Th>
            <Table.Th ta="right">Points lost</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((d) => {
            const def = definitions.get(d.id);
            return (
              <Table.Tr key={d.id} data-driver-key={d.key} data-no-data={d.noData || undefined} style={{ opacity: d.noData ? 0.6 : 1 }}>
                <Table.Td>
                  <Tooltip label={def?.description || d.name} disabled={!def?.description} openDelay={400} multiline maw={320}>
                    <Anchor component={Link} to={`/drivers/${d.id}`} size="sm" c={d.noData ? 'dimmed' : 'var(--mantine-color-text)'} fw={500}>
                      {d.name}
                    </Anchor>
                  </Tooltip>
                </Table.Td>
                <Table.Td ta="right" className="nowrap canopy-num">
                  {d.noData ? (
                    <Text span size="sm" c="dimmed" fs="italic">
                      no data
                    </Text>
                  ) : (
                    <Text span size="sm">{formatDriverValue(d.value, def)}</Text>
                  )}
                </Table.Td>
                <Table.Td ta="right" className="canopy-num">
                  {d.score === null ? (
                    <Text span size="sm" c="dimmed">—</Text>
                  ) : (
                    <Text span size="sm" fw={600} c={`${bandColor[bandOf(d.score)]}.8`}>
                      {d.score}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right" className="canopy-num">
                  <Text span size="sm" c={d.noData ? 'dimmed' : undefined}>
                    {d.noData ? '—' : `${d.weight}%`}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" className="canopy-num" data-col="pointsLost" data-points={d.pointsLost}>
                  <Text span size="sm" fw={d.pointsLost > 0 ? 600 : 400} c={d.pointsLost > 0 ? 'red.7' : 'dimmed'}>
                    {d.pointsLost > 0 ? `−${d.pointsLost}` : '0'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th colSpan={4}>
              <Text size="xs" c="dimmed" fw={400}>
                Drivers without data carry no weight: the others share the 100 points.
              </Text>
            </Table.Th>
            <Table.Th ta="right" className="canopy-num" data-testid="health-points-total">
              −{total}
            </Table.Th>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}
