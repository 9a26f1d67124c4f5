import { Anchor, Badge, Breadcrumbs, Card, Grid, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { type ReviewDetail, useReview } from '../api/reviews';
import { QueryError } from '../components/feedback';
import { formatDay, money, plural } from '../components/format';
import { NotFound } from '../components/NotFound';
import { ReviewForm } from './ReviewForm';
import { ReviewKindBadge, ReviewStatusBadge } from './ReviewsPage';
import { StoryTimeline } from './ReviewStory';

const UNACTED_LABEL: Record<string, string> = { signal: 'Signal', task: 'Task', milestone: 'Milestone', escalation: 'Escalation' };

/** /reviews/:id: one loss, its story, what was not acted on, how early it showed, and the team's conclusion. */
export default function ReviewPage() {
  const { id = '' } = useParams();
  const review = useReview(id);
  const crumbs = (
    <Breadcrumbs separator="/" fz="sm">
      <Anchor component={Link} to="/reviews" size="sm">
        Churn reviews
      </Anchor>
      <Text size="sm" c="dimmed">
        {review.data?.review.account?.name ?? '…'}
      </Text>
    </Breadcrumbs>
  );
  if (review.isError) {
    if (review.error instanceof ApiError && (review.error.status === 404 || review.error.status === 400)) return <NotFound message="This review does not exist." />;
    return (
      <Stack>
        {crumbs}
        <QueryError error={review.error} onRetry={() => void review.refetch()} />
      </Stack>
    );
  }
  const d = review.data;
  return (
    <Stack gap="md">
      {crumbs}
      {d ? <Header detail={d} /> : <Skeleton height={90} radius="md" />}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>{d ? <StoryTimeline detail={d} /> : <Skeleton height={420} radius="md" />}</Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md">
            {d ? <CouldWeHaveSeen detail={d} /> : <Skeleton height={120} radius="md" />}
            {d ? <Unacted detail={d} /> : <Skeleton height={160} radius="md" />}
            {d && <ReviewForm key={`${d.review.id}-${d.review.status}`} review={d.review} canEdit={d.canEdit} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Header({ detail: { review: r } }: { detail: ReviewDetail }) {
  return (
    <Card padding="lg">
      <Group justify="space-between" align="flex-start" gap="sm">
        <div style={{ minWidth: 0 }}>
          <Group gap="xs" mb={4}>
            <Title order={2} style={{ wordBreak: 'break-word' }}>
              {r.account?.name ?? 'Review'}
            </Title>
            <ReviewKindBadge kind={r.kind} />
            <ReviewStatusBadge status={r.status} />
          </Group>
          <Text size="sm" c="dimmed">
            {r.kind === 'churned' ? 'Churned' : 'Downgraded'} on {formatDay(r.lossOn)} · {money(r.arrLost)} ARR lost · lookback {r.lookbackDays} days
            {r.owner ? ` · owner ${r.owner.name}` : ''}
          </Text>
        </div>
        <Anchor component={Link} to={`/accounts/${r.accountId}`} size="sm">
          Open the account
        </Anchor>
      </Group>
    </Card>
  );
}

/** "Could we have seen it?": the earliest signal and how many days before the loss it appeared. */
function CouldWeHaveSeen({ detail }: { detail: ReviewDetail }) {
  const e = detail.earliestSignal;
  return (
    <Card padding="lg" data-testid="could-have-seen">
      <Title order={4}>Could we have seen it?</Title>
      {e ? (
        <>
          <Text size="xl" fw={700} className="canopy-num" mt={4} data-testid="lead-days">
            {plural(e.leadDays, 'day')} before
          </Text>
          <Text size="sm" c="dimmed">
            The first signal, {e.label ?? e.kind.replace(/_/g, ' ')}, started on {formatDay(e.at)}.
          </Text>
        </>
      ) : (
        <Text size="sm" c="dimmed" mt={4}>
          No signal in the {detail.review.lookbackDays} days before the loss: nothing Canopy measured pointed at it. Ask what the team knew that Canopy did not, and whether a new signal kind would have caught it.
        </Text>
      )}
    </Card>
  );
}

/** What was not acted on: signals with no task, overdue tasks, missed milestones. */
function Unacted({ detail }: { detail: ReviewDetail }) {
  return (
    <Card padding="lg" data-testid="unacted">
      <Title order={4}>What was not acted on</Title>
      {detail.unacted.length === 0 ? (
        <Text size="sm" c="dimmed" mt={4}>
          Every signal had a task and nothing was overdue: the loss came despite the work, which is worth saying in the conclusion.
        </Text>
      ) : (
        <Stack gap={0} mt={6}>
          {detail.unacted.map((u) => (
            <Stack key={`${u.type}-${u.id}`} gap={2} py={6} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} data-unacted-type={u.type}>
              <Group gap={6} wrap="nowrap">
                <Badge size="xs" variant="light" color="red" radius="sm" style={{ flexShrink: 0 }}>
                  {UNACTED_LABEL[u.type] ?? u.type}
                </Badge>
                <Text size="sm" style={{ wordBreak: 'break-word' }}>
                  {u.label}
                </Text>
              </Group>
              <Text size="xs" c="dimmed">
                {u.why}
              </Text>
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  );
}
