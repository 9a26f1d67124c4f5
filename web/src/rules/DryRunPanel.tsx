import { Alert, Anchor, Card, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import type { DryRun, LeafResult } from '../api/rules';
import { bookLine, count, money, moneyFull } from '../components/format';
import { formatActual } from './labels';

/** ✓ or ✗ and the account's actual value for one condition. */
export function ResultCell({ r }: { r: LeafResult }) {
  return (
    <Tooltip label={r.label} openDelay={300}>
      <Group gap={6} wrap="nowrap" data-ok={r.ok}>
        <Text span fw={700} c={r.ok ? 'teal.7' : 'red.7'} aria-label={r.ok ? 'holds' : 'does not hold'}>
          {r.ok ? '✓' : '✗'}
        </Text>
        <Text span size="sm" className="canopy-num">
          {formatActual(r.actual)}
        </Text>
      </Group>
    </Tooltip>
  );
}

interface Props {
  result: DryRun | undefined;
  /** The condition changed since the dry run: the list may be stale. */
  stale: boolean;
  error: string | null;
}

/** What a dry run found: how many accounts match now, and why each one does. */
export function DryRunPanel({ result, stale, error }: Props) {
  if (error) {
    return (
      <Alert color="red" variant="light" title="The dry run did not run" role="alert">
        <Text size="sm">{error}</Text>
      </Alert>
    );
  }
  if (!result) {
    return (
      <Card padding="lg" bg="var(--mantine-color-gray-light)">
        <Text size="sm" c="dimmed">
          Run a dry run to see which accounts match now, with each condition’s actual value. Nothing fires.
        </Text>
      </Card>
    );
  }
  const labels = result.items[0]?.results.map((r) => r.label) ?? [];
  return (
    <Card padding="lg" style={{ opacity: stale ? 0.6 : 1 }} data-testid="dry-run">
      <Group justify="space-between" align="flex-end" mb="sm">
        <div>
          <Title order={4} data-testid="dry-run-total" data-total={result.total}>
            {count(result.total)} account{result.total === 1 ? '' : 's'} match now
          </Title>
          <Text size="sm" c="dimmed">
            <span data-testid="dry-run-evaluated">
              of {bookLine({ accounts: result.evaluated, active: result.evaluatedActive ?? result.evaluated })} evaluated
              {result.evaluatedChurned ? ` (rules look at churned accounts too)` : ''}
            </span>
            {stale ? ' · the conditions changed since: run it again' : ''}
            {result.items.length < result.total ? ` · the ${result.items.length} with the most ARR are listed` : ''}
          </Text>
        </div>
      </Group>
      {result.items.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="md">
          No account matches now. The rule would fire when one does.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table className="canopy-table" verticalSpacing="xs" highlightOnHover aria-label="Matching accounts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th ta="right">ARR</Table.Th>
                <Table.Th>Owner</Table.Th>
                {labels.map((l, i) => (
                  <Table.Th key={i}>{l}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.items.map((a) => (
                <Table.Tr key={a.accountId} data-account-id={a.accountId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/accounts/${a.accountId}`} size="sm" fw={500}>
                      {a.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right" className="canopy-num nowrap">
                    <Tooltip label={moneyFull(a.arr)} openDelay={300}>
                      <Text span size="sm">
                        {money(a.arr)}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td className="nowrap">{a.ownerName ?? <Text span size="sm" c="dimmed">Unassigned</Text>}</Table.Td>
                  {a.results.map((r, i) => (
                    <Table.Td key={i} className="nowrap" data-col={`condition-${i}`}>
                      <ResultCell r={r} />
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Stack gap={0} mt="xs">
        <Text size="xs" c="dimmed">
          Conditions on changes (health moved, field changed) look back over their window as of now.
        </Text>
      </Stack>
    </Card>
  );
}
