import { Anchor, Badge, Button, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { REVIEW_KINDS, REVIEW_STATUSES, type Review, type ReviewKind, type ReviewStatus, useReviews } from '../api/reviews';
import { formatDay, money, plural } from '../components/format';
import { listColumns, ListPage } from '../components/ListPage';

const col = listColumns<Review>();
const KIND_LABEL: Record<ReviewKind, string> = { churned: 'Churned', downgraded: 'Downgraded' };
const num = { align: 'right' as const, th: { style: { whiteSpace: 'nowrap' as const } } };

export function ReviewStatusBadge({ status }: { status: ReviewStatus }) {
  return (
    <Badge variant="light" radius="sm" color={status === 'open' ? 'orange' : 'teal'} data-testid="review-status" data-status={status}>
      {status === 'open' ? 'Open' : 'Concluded'}
    </Badge>
  );
}

export function ReviewKindBadge({ kind }: { kind: ReviewKind }) {
  return (
    <Badge variant="outline" radius="sm" color={kind === 'churned' ? 'red' : 'yellow'}>
      {KIND_LABEL[kind]}
    </Badge>
  );
}

/** /reviews: every churn and downgrade, opened by Canopy when the loss is recorded, waiting for the team's "why". */
export default function ReviewsPage() {
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status: ReviewStatus | null = statusParam === 'all' ? null : ((REVIEW_STATUSES as readonly string[]).includes(statusParam ?? '') ? (statusParam as ReviewStatus) : 'open');
  const kindParam = params.get('kind');
  const kind = (REVIEW_KINDS as readonly string[]).includes(kindParam ?? '') ? (kindParam as ReviewKind) : null;
  const reviews = useReviews({ status, kind });
  const rows = reviews.data?.pages.flatMap((p) => p.items);
  const set = (key: string, value: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const columns = [
    col.display({
      id: 'account',
      header: 'Account',
      meta: { td: { style: { minWidth: 160 } } },
      cell: ({ row: { original: r } }) => (
        <Stack gap={0}>
          <Anchor component={Link} to={`/reviews/${r.id}`} size="sm" fw={500}>
            {r.account?.name ?? 'Review'}
          </Anchor>
          {r.owner && (
            <Text size="xs" c="dimmed">
              {r.owner.name}
            </Text>
          )}
        </Stack>
      ),
    }),
    col.display({ id: 'kind', header: 'Loss', cell: ({ row: { original: r } }) => <ReviewKindBadge kind={r.kind} /> }),
    col.display({ id: 'arr', header: 'ARR lost', meta: num, cell: ({ row: { original: r } }) => <Text size="sm" className="canopy-num">{money(r.arrLost)}</Text> }),
    col.display({ id: 'loss', header: 'Loss date', meta: { th: num.th }, cell: ({ row: { original: r } }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDay(r.lossOn)}</Text> }),
    col.display({
      id: 'lead',
      header: 'Earliest signal',
      meta: num,
      cell: ({ row: { original: r } }) =>
        r.earliestSignal ? (
          <Stack gap={0} align="flex-end">
            <Text size="sm" className="canopy-num" fw={500}>
              {plural(r.earliestSignal.leadDays, 'day')} before
            </Text>
            <Text size="xs" c="dimmed">
              {r.earliestSignal.label ?? r.earliestSignal.kind.replace(/_/g, ' ')}
            </Text>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            {r.earliestSignal === null ? 'no signal' : '—'}
          </Text>
        ),
    }),
    col.display({ id: 'status', header: 'Status', cell: ({ row: { original: r } }) => <ReviewStatusBadge status={r.status} /> }),
  ];

  return (
    <ListPage
      title="Churn reviews"
      description="Every churn and downgrade opens a review: the account's story, what was not acted on, how early we could have seen it, and the team's conclusion."
      actions={
        <Button component={Link} to="/reviews/patterns" variant="light">
          Patterns across losses
        </Button>
      }
      filters={
        <>
          <SegmentedControl
            aria-label="Status"
            size="xs"
            value={status ?? 'all'}
            onChange={(v) => set('status', v === 'open' ? null : v)}
            data={[
              { value: 'open', label: 'Open' },
              { value: 'concluded', label: 'Concluded' },
              { value: 'all', label: 'All' },
            ]}
          />
          <Select aria-label="Loss kind" placeholder="Churn and downgrade" size="xs" data={REVIEW_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))} value={kind} onChange={(v) => set('kind', v)} clearable w={190} />
          {rows && (
            <Text size="sm" c="dimmed" ml="auto">
              {plural(rows.length, 'review')}
            </Text>
          )}
        </>
      }
      query={reviews}
      rows={rows}
      columns={columns}
      getRowId={(r) => r.id}
      rowProps={(r) => ({ 'data-review-id': r.id })}
      empty={
        status === 'open'
          ? 'No open review. Recording a churned or downgraded outcome on an account (or moving it to churned) opens one here.'
          : 'No review here yet. Reviews open when a churned or downgraded outcome is recorded.'
      }
      tableLabel="Churn reviews"
      minWidth={720}
      loadMore={reviews}
    />
  );
}
