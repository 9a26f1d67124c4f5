import { Anchor, Badge, Button, Group, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Renewal } from '../api/renewals';
import { formatDateTime, formatDay, money, percentOf } from '../components/format';
import { Icon } from '../components/icons';
import { CATEGORY_META } from './logic';

export function CategoryBadge({ renewal: r }: { renewal: Renewal }) {
  const meta = CATEGORY_META[r.category];
  const badge = (
    <Badge variant={r.override ? 'filled' : 'light'} color={meta.color} radius="sm" data-testid="category-badge" data-category={r.category} data-overridden={r.override ? 'true' : 'false'}>
      {meta.label}
      {r.override ? ' · overridden' : ''}
    </Badge>
  );
  return (
    <Stack gap={2}>
      {r.override ? (
        <Tooltip label={`Computed: ${CATEGORY_META[r.suggested].label}. ${r.override.by ? `${r.override.by.name}, ` : ''}${formatDateTime(r.override.at)}`} withArrow multiline w={260}>
          {badge}
        </Tooltip>
      ) : (
        badge
      )}
      {r.override && (
        <Text size="xs" c="dimmed" lineClamp={2} maw={220} data-testid="override-reason">
          “{r.override.reason}”
        </Text>
      )}
    </Stack>
  );
}

function SortTh({ id, sort, onSort, children, right }: { id: string; sort: string; onSort: (s: string) => void; children: ReactNode; right?: boolean }) {
  const dir = sort === id ? 'asc' : sort === `-${id}` ? 'desc' : null;
  return (
    <Table.Th ta={right ? 'right' : undefined} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'} style={{ whiteSpace: 'nowrap' }}>
      <UnstyledButton fz="sm" fw={600} onClick={() => onSort(dir === 'desc' ? id : `-${id}`)}>
        <Group gap={4} wrap="nowrap" justify={right ? 'flex-end' : undefined}>
          {children}
          <span style={{ opacity: dir ? 1 : 0.35, display: 'inline-flex' }}>
            <Icon name={dir === 'asc' ? 'sortUp' : dir === 'desc' ? 'sortDown' : 'sortNone'} size={14} />
          </span>
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** The renewals of the range: date, ARR, probability, forecast, category (and its override), the risks lowering it. */
export function RenewalsTable(props: {
  rows: Renewal[];
  sort: string;
  onSort: (s: string) => void;
  canOverride: boolean;
  onOverride: (r: Renewal) => void;
  defaultNote?: string | undefined;
}) {
  const { rows, sort, onSort, canOverride, onOverride } = props;
  const defaultNote = props.defaultNote ?? 'No compound risk computed yet: the default renewal probability stands in';
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table className="canopy-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label="Renewals">
        <Table.Thead>
          <Table.Tr>
            <SortTh id="account" sort={sort} onSort={onSort}>Account</SortTh>
            <SortTh id="date" sort={sort} onSort={onSort}>Renewal</SortTh>
            <SortTh id="arr" sort={sort} onSort={onSort} right>ARR</SortTh>
            <SortTh id="probability" sort={sort} onSort={onSort} right>Renewal probability</SortTh>
            <SortTh id="forecast" sort={sort} onSort={onSort} right>Forecast</SortTh>
            <Table.Th>Category</Table.Th>
            <Table.Th>Top risks</Table.Th>
            {canOverride && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.account.id}-${r.renewalDate}`} data-account-id={r.account.id} data-testid="renewal-row">
              <Table.Td style={{ minWidth: 150 }}>
                <Anchor component={Link} to={`/accounts/${r.account.id}`} size="sm" fw={500}>
                  {r.account.name}
                </Anchor>
                {r.account.owner && (
                  <Text size="xs" c="dimmed">
                    {r.account.owner.name}
                  </Text>
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDay(r.renewalDate)}</Table.Td>
              <Table.Td ta="right" className="canopy-num">{money(r.arr)}</Table.Td>
              <Table.Td ta="right" className="canopy-num">
                <Tooltip label={r.probabilitySource === 'default' ? defaultNote : '1 − the compound risk probability'} withArrow multiline w={260}>
                  <span data-probability-source={r.probabilitySource}>
                    {percentOf(r.probability)}
                    {r.probabilitySource === 'default' ? '*' : ''}
                  </span>
                </Tooltip>
              </Table.Td>
              <Table.Td ta="right" className="canopy-num" fw={500}>{money(r.forecast)}</Table.Td>
              <Table.Td>
                <CategoryBadge renewal={r} />
              </Table.Td>
              <Table.Td style={{ maxWidth: 260 }}>
                {r.risks.length === 0 ? (
                  <Text size="xs" c="dimmed">
                    no signal
                  </Text>
                ) : (
                  <Group gap={4}>
                    {r.risks.slice(0, 3).map((s) => (
                      <Badge key={s.id} size="xs" variant="light" color="red" radius="sm" style={{ textTransform: 'none' }}>
                        {s.label ?? s.kind.replace(/_/g, ' ')}
                        {s.contribution !== undefined ? ` +${Math.round(s.contribution)}` : ''}
                      </Badge>
                    ))}
                  </Group>
                )}
              </Table.Td>
              {canOverride && (
                <Table.Td ta="right">
                  <Button size="compact-xs" variant="subtle" onClick={() => onOverride(r)} aria-label={`Override the category of ${r.account.name}`}>
                    Override
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
