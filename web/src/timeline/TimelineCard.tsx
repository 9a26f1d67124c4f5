import { Badge, Card, Center, Chip, Group, Loader, Paper, ScrollArea, Spoiler, Stack, Text, Timeline, Title, Tooltip } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';
import { hasTalk, TimelineTalk } from '../changetalk/TimelineTalk';
import { groupThreads, TIMELINE_KINDS, timelineKindLabel, type TimelineItem, type TimelineKind, useTimeline } from './api';

const KIND_COLOR: Record<TimelineKind, string> = {
  activity: 'blue',
  task: 'grape',
  health: 'teal',
  playbook: 'indigo',
  rule: 'yellow',
  escalation: 'red',
  email: 'cyan',
  check_in: 'violet',
};

function color(i: TimelineItem): string {
  if (i.kind === 'activity') return i.data.proactive === false ? 'orange' : 'blue';
  if (i.kind === 'email') return i.data.status === 'failed' ? 'red' : i.data.status === 'sent' ? 'cyan' : 'gray';
  if (i.kind === 'health') return i.data.toBand === 'poor' ? 'red' : i.data.toBand === 'watch' ? 'yellow' : 'teal';
  return KIND_COLOR[i.kind];
}

function Meta({ item }: { item: TimelineItem }) {
  const activityKind = typeof item.data.activityKind === 'string' ? item.data.activityKind : null;
  return (
    <Group gap={6} wrap="wrap">
      <Tooltip label={formatDateTime(item.at)} openDelay={300}>
        <Text size="xs" c="dimmed">
          {relative(item.at)}
        </Text>
      </Tooltip>
      {item.actor && (
        <Text size="xs" c="dimmed">
          · {item.actor.name}
        </Text>
      )}
      {activityKind && (
        <Badge size="xs" variant="light" color={item.data.proactive === false ? 'orange' : 'blue'} tt="none">
          {activityKind === 'ticket' ? 'support ticket' : activityKind} · {item.data.proactive === false ? 'reactive' : 'proactive'}
          {typeof item.data.ticketPriority === 'string' ? ` · ${item.data.ticketPriority}` : ''}
          {typeof item.data.ticketStatus === 'string' ? ` · ${item.data.ticketStatus}` : ''}
        </Badge>
      )}
    </Group>
  );
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** A customer e-mail: to whom, its status (and why), the whole text on demand, its Message-ID. */
function EmailDetails({ item }: { item: TimelineItem }) {
  const d = item.data;
  const to = Array.isArray(d.to) ? d.to.filter((x): x is string => typeof x === 'string').join(', ') : '';
  const why = str(d.status) === 'failed' || str(d.status) === 'queued' ? str(d.lastError) : str(d.status) === 'cancelled' ? str(d.cancelReason) : null;
  return (
    <Stack gap={2} mt={2}>
      <Text size="xs" c="dimmed">
        To {str(d.contactName) ? `${str(d.contactName)} <${to}>` : to} · {String(d.status).replace('_', ' ')}
        {d.edited === true ? ' · edited before approval' : ''}
        {why ? ` · ${why}` : ''}
      </Text>
      <Spoiler maxHeight={60} showLabel="Show the whole e-mail" hideLabel="Hide">
        <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }} data-testid="email-body">
          {str(d.body)}
        </Text>
      </Spoiler>
      {str(d.messageId) && (
        <Text size="xs" c="dimmed" ff="monospace">
          Message-ID {str(d.messageId)}
        </Text>
      )}
    </Stack>
  );
}

function Entry({ item }: { item: TimelineItem }) {
  if (item.kind === 'email') {
    return (
      <div data-item-id={item.id} data-kind={item.kind}>
        <Text size="sm" fw={500}>
          {item.title}
        </Text>
        <Meta item={item} />
        <EmailDetails item={item} />
      </div>
    );
  }
  return (
    <div data-item-id={item.id} data-kind={item.kind}>
      <Text size="sm" fw={500}>
        {item.title}
      </Text>
      <Meta item={item} />
      <TimelineTalk item={item} />
      {item.summary && !hasTalk(item) && (
        <Text size="sm" c="dimmed" mt={2} lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
          {item.summary}
        </Text>
      )}
    </div>
  );
}

/**
 * The account's timeline: everything that happened, newest first, filtered by kind, loading more
 * as the end scrolls into view. An escalation and the activities of its thread show as one group.
 */
export function TimelineCard({ accountId }: { accountId: string }) {
  const [kinds, setKinds] = useState<TimelineKind[]>([...TIMELINE_KINDS]);
  const timeline = useTimeline(accountId, kinds);
  const items = useMemo(() => timeline.data?.pages.flatMap((p) => p.items) ?? [], [timeline.data]);
  const entries = useMemo(() => groupThreads(items), [items]);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = timeline;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const observer = new IntersectionObserver((seen) => {
      if (seen.some((s) => s.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, entries.length]);

  return (
    <Card padding="lg" data-testid="timeline">
      <Group justify="space-between" mb="sm" align="flex-start">
        <div>
          <Title order={4}>Timeline</Title>
          <Text size="sm" c="dimmed">
            Activities, tasks, health, playbooks, rules and escalations
          </Text>
        </div>
      </Group>
      <Chip.Group multiple value={kinds} onChange={(v) => setKinds(v as TimelineKind[])}>
        <Group gap={6} mb="md" aria-label="Show kinds" role="group">
          {TIMELINE_KINDS.map((k) => (
            <Chip key={k} value={k} size="xs" color={KIND_COLOR[k]} variant="light">
              {timelineKindLabel[k]}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      {kinds.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="md">
          Pick at least one kind.
        </Text>
      )}
      {timeline.isPending && kinds.length > 0 && <TableSkeleton rows={4} height={40} />}
      {timeline.isError && <QueryError error={timeline.error} onRetry={() => void timeline.refetch()} />}
      {timeline.data && items.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="md">
          Nothing here yet. Log a call to start the story.
        </Text>
      )}
      {entries.length > 0 && (
        <ScrollArea.Autosize mah={640} offsetScrollbars type="auto">
          <Timeline bulletSize={14} lineWidth={2} data-testid="timeline-items">
            {entries.map((e) =>
              e.type === 'item' ? (
                <Timeline.Item key={e.item.id} color={color(e.item)}>
                  <Entry item={e.item} />
                </Timeline.Item>
              ) : (
                <Timeline.Item key={`thread:${e.escalationId}`} color="red">
                  <Paper withBorder p="xs" radius="md" data-thread={e.escalationId}>
                    <Text size="xs" fw={600} c="red" tt="uppercase" mb={4}>
                      Escalation thread · {e.items.length} entries
                    </Text>
                    <Stack gap={8}>
                      {e.items.map((i) => (
                        <Entry key={i.id} item={i} />
                      ))}
                    </Stack>
                  </Paper>
                </Timeline.Item>
              ),
            )}
          </Timeline>
          <div ref={sentinel} style={{ height: 1 }} />
          {isFetchingNextPage && (
            <Center py="sm">
              <Loader size="sm" aria-label="Loading more" />
            </Center>
          )}
        </ScrollArea.Autosize>
      )}
    </Card>
  );
}
