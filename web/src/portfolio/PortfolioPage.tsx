import { Button, Card, Code, EmptyState, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from 'react-router';
import { useAccounts } from '../api/accounts';
import { can, useMe } from '../api/auth';
import { AccountFormModal } from '../account/AccountFormModal';
import { bookLine, count, money } from '../components/format';
import { QueryError, TableSkeleton } from '../components/feedback';
import { Icon } from '../components/icons';
import { PortfolioFilters } from './PortfolioFilters';
import { PortfolioTable } from './PortfolioTable';
import { PAGE_SIZE, usePortfolioParams } from './usePortfolioParams';
import { ColumnsMenu } from './ColumnsMenu';
import { usePortfolioView } from './usePortfolioView';
import { ExportButton } from '../views/ExportButton';
import { ViewPicker } from '../views/ViewPicker';

export function PortfolioPage() {
  const me = useMe();
  const p = usePortfolioParams();
  const accounts = useAccounts(p.apiParams);
  const view = usePortfolioView(p);
  const [creating, createModal] = useDisclosure(false);
  const navigate = useNavigate();
  const data = accounts.data;

  const summary = (
    <Group gap={6} mih={26}>
      {data ? (
        <Text c="dimmed" size="sm" aria-live="polite" data-testid="portfolio-summary">
          {bookLine({ accounts: data.total, active: data.active ?? data.total, activeArr: data.activeArr ?? data.totalArr })}
          {p.hasFilters && ' · matching these filters'}
          {!!data.churnedArr && data.active !== undefined && data.active < data.total && ` · churned ${money(data.churnedArr)} not in ARR`}
        </Text>
      ) : (
        <Text c="dimmed" size="sm">
          Loading…
        </Text>
      )}
      {p.hasFilters && (
        <Button variant="subtle" color="gray" size="compact-sm" onClick={p.clearFilters} leftSection={<Icon name="filterOff" size={14} />}>
          Reset filters
        </Button>
      )}
    </Group>
  );

  const start = p.pageIndex === null ? null : p.pageIndex * PAGE_SIZE + 1;
  const end = data && start !== null ? start + data.items.length - 1 : null;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Portfolio</Title>
          {summary}
        </div>
        {can.write(me) && (
          <Button leftSection={<Icon name="plus" size={16} />} onClick={createModal.open}>
            New account
          </Button>
        )}
      </Group>

      {accounts.isError && !data && <QueryError error={accounts.error} onRetry={() => void accounts.refetch()} />}

      <Card padding={0}>
        <Group px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <PortfolioFilters p={p} />
        </Group>
        <Group px="md" py={6} gap="xs" justify="space-between" wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <ViewPicker scope="portfolio" current={view.current} apply={view.apply} bare={view.bare} />
          <Group gap="xs">
            <ColumnsMenu visible={view.columns} onChange={view.setColumns} />
            <ExportButton href={view.csv} />
          </Group>
        </Group>
        {accounts.isPending && <TableSkeleton rows={10} height={34} />}
        {data && data.items.length === 0 && (
          <EmptyPortfolio filtered={p.hasFilters} onClear={p.clearFilters} onCreate={can.write(me) ? createModal.open : undefined} />
        )}
        {data && data.items.length > 0 && (
          <PortfolioTable
            rows={data.items}
            sort={p.sort}
            onSortChange={(sort) => p.update({ sort })}
            dimmed={accounts.isPlaceholderData}
            visible={view.columns}
          />
        )}
        {data && (data.items.length > 0 || p.cursor) && (
          <Group justify="space-between" px="md" py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {start !== null && end !== null && end >= start
                  ? `${count(start)}–${count(end)} of ${count(data.total)}`
                  : `${count(data.items.length)} of ${count(data.total)}`}
              </Text>
              {accounts.isFetching && <Loader size="xs" aria-label="Refreshing" />}
            </Group>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                leftSection={<Icon name="chevronLeft" size={14} />}
                disabled={!p.cursor}
                onClick={p.prevPage}
              >
                Previous
              </Button>
              <Button
                variant="default"
                size="xs"
                rightSection={<Icon name="chevronRight" size={14} />}
                disabled={!data.nextCursor || accounts.isPlaceholderData}
                onClick={() => data.nextCursor && p.nextPage(data.nextCursor)}
              >
                Next
              </Button>
            </Group>
          </Group>
        )}
      </Card>

      <AccountFormModal
        opened={creating}
        onClose={createModal.close}
        onSaved={(account) => void navigate(`/accounts/${account.id}`)}
      />
    </Stack>
  );
}

function EmptyPortfolio({ filtered, onClear, onCreate }: { filtered: boolean; onClear: () => void; onCreate?: () => void }) {
  if (filtered) {
    return (
      <EmptyState
        py={48}
        title="No accounts match these filters"
        description="Loosen a filter or clear them all to see the whole book."
      >
        <EmptyState.Actions>
          <Button variant="light" onClick={onClear}>
            Clear filters
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  return (
    <EmptyState
      py={48}
      title="No accounts yet"
      description={
        <>
          Run <Code>npm start -- --demo</Code> for a demo book, create one, or send a Segment <Code>group</Code> call
          with a write key from Admin → API keys.
        </>
      }
    >
      {onCreate && (
        <EmptyState.Actions>
          <Button onClick={onCreate} leftSection={<Icon name="plus" size={16} />}>
            New account
          </Button>
        </EmptyState.Actions>
      )}
    </EmptyState>
  );
}
