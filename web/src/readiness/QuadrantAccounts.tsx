import { Anchor, Button, Card, Group, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { type QuadrantFilter, useQuadrantAccounts } from '../api/readiness';
import { QueryError, TableSkeleton } from '../components/feedback';
import { formatDay, money, plural } from '../components/format';
import { QUADRANT_META } from './logic';

export const quadrantFilterLabel = (q: QuadrantFilter) => (q === 'none' ? 'No check-in yet' : QUADRANT_META[q].label);

/** The accounts behind a quadrant's numbers on /readiness (?quadrant=…): who they are and the check-in that put them there. */
export function QuadrantAccountsCard({ quadrant }: { quadrant: QuadrantFilter }) {
  const accounts = useQuadrantAccounts(quadrant);
  const rows = accounts.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card padding="lg" data-testid="quadrant-accounts" data-quadrant={quadrant}>
      <Group justify="space-between" align="flex-start" mb="xs">
        <div>
          <Title order={4}>{quadrantFilterLabel(quadrant)}: the accounts</Title>
          <Text size="xs" c="dimmed">
            {quadrant === 'none' ? 'No check-in on an active initiative yet.' : QUADRANT_META[quadrant].move} Highest ARR first.
          </Text>
        </div>
        <Anchor component={Link} to="/readiness" size="sm">
          Close
        </Anchor>
      </Group>
      {accounts.isPending && <TableSkeleton rows={4} />}
      {accounts.isError && <QueryError error={accounts.error} onRetry={() => void accounts.refetch()} />}
      {accounts.data && rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No account here.
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table fz="sm" verticalSpacing={6} aria-label={`Accounts: ${quadrantFilterLabel(quadrant)}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th ta="right">ARR</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Latest check-in</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.accountId} data-account-id={r.accountId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/accounts/${r.accountId}`} size="sm">
                      {r.accountName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right" className="canopy-num">
                    {money(r.arr)}
                  </Table.Td>
                  <Table.Td>{r.ownerName ?? '—'}</Table.Td>
                  <Table.Td>
                    {r.latest ? (
                      <>
                        <Text size="sm">{r.latest.initiativeTitle}</Text>
                        <Text size="xs" c="dimmed">
                          Importance {r.latest.importance} · confidence {r.latest.confidence} · {formatDay(r.latest.at)}
                        </Text>
                      </>
                    ) : (
                      <Text size="sm" c="dimmed">
                        none yet
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {rows.length > 0 && (
        <Group justify="space-between" mt="xs">
          <Text size="xs" c="dimmed">
            {plural(rows.length, 'account')} shown
          </Text>
          {accounts.hasNextPage && (
            <Button size="compact-sm" variant="default" onClick={() => void accounts.fetchNextPage()} loading={accounts.isFetchingNextPage}>
              Show more
            </Button>
          )}
        </Group>
      )}
    </Card>
  );
}
