import { Anchor, Badge, Button, Card, Group, SegmentedControl, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { fetchMoreComments, type SurveyComment, type SurveyKind, type SurveyResults } from '../api/surveys';
import { TalkText } from '../changetalk/TalkText';
import { notifyError } from '../components/feedback';
import { formatDay, plural } from '../components/format';
import { Icon } from '../components/icons';
import { GROUP_COLOR, GROUP_LABEL, GROUP_PLURAL, type ScoreGroup, scoreGroup } from './logic';

/** A score as a badge coloured by its group (promoter, passive, detractor for NPS). */
export function ScoreBadge({ kind, score }: { kind: SurveyKind; score: number }) {
  const g = scoreGroup(kind, score);
  return (
    <Badge color={GROUP_COLOR[g]} variant="light" radius="sm" title={GROUP_LABEL[kind][g]} className="canopy-num" data-score={score}>
      {score}
    </Badge>
  );
}

/**
 * The comments people left with their score, change and sustain talk highlighted. The results
 * bring the first page; "Show more" loads the next one from the server (the card is keyed by the
 * period, so a new period starts again). The filters work on the comments loaded so far.
 */
export function CommentsCard({ kind, surveyId, range, results }: {
  kind: SurveyKind; surveyId: string; range: { from?: string; to?: string }; results: Pick<SurveyResults, 'comments' | 'commentsTotal' | 'nextCommentsCursor'>;
}) {
  const [group, setGroup] = useState<ScoreGroup | 'all'>('all');
  const [search, setSearch] = useState('');
  const [more, setMore] = useState<{ comments: SurveyComment[]; next: string | null } | null>(null);
  const next = more ? more.next : results.nextCommentsCursor ?? null;
  const loadMore = useMutation({
    mutationFn: (cursor: string) => fetchMoreComments(surveyId, range, cursor),
    onSuccess: (page) => setMore((m) => ({ comments: [...(m?.comments ?? []), ...page.comments], next: page.next })),
    onError: (e) => notifyError(e, 'Could not load more comments'),
  });
  // A refetch of the first page may overlap the pages loaded after it: each comment once.
  const comments = useMemo(() => {
    const seen = new Set<string>();
    return [...results.comments, ...(more?.comments ?? [])].filter((c) => !seen.has(c.id) && seen.add(c.id));
  }, [results.comments, more]);
  const total = Math.max(results.commentsTotal ?? comments.length, comments.length);
  const q = search.trim().toLowerCase();
  const shown = comments.filter(
    (c) =>
      (group === 'all' || scoreGroup(kind, c.score) === group) &&
      (!q || c.comment.toLowerCase().includes(q) || (c.contact?.name ?? '').toLowerCase().includes(q) || (c.account?.name ?? '').toLowerCase().includes(q)),
  );
  const labels = GROUP_PLURAL[kind];

  return (
    <Card padding={0}>
      <Group justify="space-between" px="lg" pt="lg" pb="sm" align="flex-end">
        <div>
          <Title order={4}>Comments</Title>
          <Text size="sm" c="dimmed">
            {total === 0
              ? 'What people wrote beside their score'
              : `${plural(total, 'comment')}${comments.length < total ? ` (${comments.length} loaded; the filters search those)` : ''} · change talk in green, sustain talk in amber`}
          </Text>
        </div>
        {comments.length > 0 && (
          <Group gap="sm">
            <SegmentedControl
              size="xs"
              aria-label="Score group"
              value={group}
              onChange={(v) => setGroup(v as ScoreGroup | 'all')}
              data={[
                { value: 'all', label: 'All' },
                { value: 'promoter', label: labels.promoter },
                { value: 'passive', label: labels.passive },
                { value: 'detractor', label: labels.detractor },
              ]}
            />
            <TextInput size="xs" aria-label="Search comments" placeholder="Search comments" leftSection={<Icon name="search" size={14} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
          </Group>
        )}
      </Group>
      {comments.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="xl" px="md">
          No comment yet. The answer page asks for one under the score; comments appear here as people answer.
        </Text>
      ) : shown.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="xl" px="md">
          No comment matches. Clear the search or pick “All”.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table className="canopy-table" verticalSpacing="sm" horizontalSpacing="md" aria-label="Survey comments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Score</Table.Th>
                <Table.Th>Comment</Table.Th>
                <Table.Th w={220}>From</Table.Th>
                <Table.Th w={120}>Answered</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((c) => (
                <Table.Tr key={c.id} data-response-id={c.id}>
                  <Table.Td>
                    <ScoreBadge kind={kind} score={c.score} />
                  </Table.Td>
                  <Table.Td>
                    <TalkText text={c.comment} talk={c.changeTalk} quietNeutral correct={{ sourceKind: 'survey_response', sourceId: c.id, accountId: c.account?.id }} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{c.contact?.name ?? 'A contact'}</Text>
                    {c.account && (
                      <Anchor component={Link} to={`/accounts/${c.account.id}`} size="xs">
                        {c.account.name}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatDay(c.at)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {next && comments.length > 0 && (
        <Group justify="center" py="sm">
          <Button variant="default" size="xs" loading={loadMore.isPending} onClick={() => loadMore.mutate(next)} data-testid="comments-more">
            Show more ({total - comments.length} not shown yet)
          </Button>
        </Group>
      )}
    </Card>
  );
}
