import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { ReviewDetail } from '../api/reviews';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { formatDay, formatShortDay } from '../components/format';
import { STORY_COLOR, STORY_LABEL, storyTimeline } from './logic';

const DAY = 86_400_000;

/** Health over the lookback with a dashed marker where each signal started, and the loss day at the end. */
export function StoryChart({ detail }: { detail: ReviewDetail }) {
  const { story, review } = detail;
  const points = story.health.filter((h) => h.score !== null);
  const loss = Date.parse(review.lossOn);
  const from = detail.lookback ? Date.parse(detail.lookback.from) : loss - review.lookbackDays * DAY;
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 36, right: 16, top: 28, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'time',
        min: from,
        max: loss + DAY,
        minInterval: DAY,
        axisLine: AXIS.line,
        axisLabel: { ...AXIS.label, hideOverlap: true, formatter: (v: number) => formatShortDay(new Date(v).toISOString()) },
      },
      yAxis: { type: 'value', min: 0, max: 100, interval: 25, axisLine: AXIS.line, axisLabel: AXIS.label, splitLine: AXIS.split },
      series: [
        {
          name: 'Health',
          type: 'line',
          color: '#1c7ed6',
          showSymbol: false,
          data: points.map((h) => [h.day, h.score]),
          markLine: {
            silent: false,
            symbol: 'none',
            label: { show: true, position: 'insideEndTop', fontSize: 10, color: '#c92a2a', formatter: (p: { name?: string }) => p.name ?? '' },
            data: [
              ...story.signals.map((s) => ({
                name: s.label ?? s.kind,
                xAxis: Date.parse(s.startedAt),
                lineStyle: { type: 'dashed' as const, color: '#fa5252', width: 1 },
              })),
              { name: review.kind === 'churned' ? 'churned' : 'downgraded', xAxis: loss, lineStyle: { type: 'solid' as const, color: '#212529', width: 1.5 } },
            ],
          },
        },
      ],
    }),
    [points, story.signals, review.kind, from, loss],
  );
  const words = `${points.length === 0 ? 'No health score recorded in the lookback. ' : ''}Health from ${points[0]?.score ?? 'no data'} to ${points.at(-1)?.score ?? 'no data'}; ${story.signals.length} signals started: ${story.signals
    .map((s) => `${s.label ?? s.kind} on ${formatDay(s.startedAt)}`)
    .join('; ')}`;
  return <Chart option={option} height={240} label={`Health over the lookback with signal starts. ${words}`} testId="review-story-chart" />;
}

/** The story as one dated list: signals, tasks, activities, escalations, check-ins and plan events. */
export function StoryTimeline({ detail }: { detail: ReviewDetail }) {
  const entries = useMemo(() => storyTimeline(detail.story), [detail.story]);
  return (
    <Card padding="lg" data-testid="review-timeline">
      <Title order={4}>The story</Title>
      <Text size="sm" c="dimmed" mb="sm">
        The {detail.review.lookbackDays} days before the loss, oldest first
      </Text>
      <StoryChart detail={detail} />
      {detail.story.health.every((h) => h.score === null) && (
        <Text size="xs" c="dimmed" ta="center">
          No health score was recorded in the lookback: the line is missing, the signal starts and the loss day are marked.
        </Text>
      )}
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="md">
          Nothing recorded in the lookback: no signal, task, activity, escalation, check-in or plan event. That silence is itself worth a root cause.
        </Text>
      ) : (
        <Stack gap={0} mt="sm" component="ol" p={0} style={{ listStyle: 'none' }}>
          {entries.map((e) => (
            <Group
              key={`${e.kind}-${e.id}`}
              component="li"
              gap="sm"
              wrap="nowrap"
              align="flex-start"
              py={6}
              style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
              data-story-kind={e.kind}
            >
              <Text size="xs" c="dimmed" className="canopy-num" w={84} style={{ flexShrink: 0, whiteSpace: 'nowrap' }}>
                {formatDay(e.at)}
              </Text>
              <Badge size="sm" variant="light" radius="sm" color={STORY_COLOR[e.kind]} w={84} style={{ flexShrink: 0 }}>
                {STORY_LABEL[e.kind]}
              </Badge>
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text size="sm" style={{ wordBreak: 'break-word' }}>
                  {e.title}
                </Text>
                {e.detail && (
                  <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
                    {e.detail}
                  </Text>
                )}
              </Stack>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
