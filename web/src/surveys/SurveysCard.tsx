import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAccountSurveys } from '../api/surveys';
import { TalkText } from '../changetalk/TalkText';
import { QueryError, TableSkeleton } from '../components/feedback';
import { formatDay } from '../components/format';
import { Icon } from '../components/icons';
import { ScoreBadge } from './CommentsCard';
import { KIND_LABEL } from './logic';
import { SendSurveyModal } from './SendSurveyModal';

const SHOWN = 5;

/** The account's latest survey answers (score, the comment with its change talk) and "Send a survey" to its contacts. */
export function SurveysCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const answers = useAccountSurveys(accountId);
  const [sending, setSending] = useState(false);
  const [all, setAll] = useState(false);
  const list = [...(answers.data ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  const shown = all ? list : list.slice(0, SHOWN);

  return (
    <Card padding="lg" h="100%" data-testid="surveys-card">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <div>
          <Title order={4}>Surveys</Title>
          <Text size="sm" c="dimmed">
            Latest answers of this account’s contacts ·{' '}
            <Anchor component={Link} to="/surveys" inherit>
              all surveys
            </Anchor>
          </Text>
        </div>
        {canEdit && (
          <Button size="xs" variant="light" leftSection={<Icon name="plus" size={14} />} onClick={() => setSending(true)} style={{ flexShrink: 0 }}>
            Send a survey
          </Button>
        )}
      </Group>
      {answers.isPending && <TableSkeleton rows={2} height={40} />}
      {answers.isError && <QueryError error={answers.error} onRetry={() => void answers.refetch()} />}
      {answers.data && list.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="md">
          No answer yet.{canEdit ? ' “Send a survey” asks this account’s contacts for an NPS, CSAT or CES score by e-mail.' : ''}
        </Text>
      )}
      <Stack gap="sm">
        {shown.map((x) => (
          <Stack key={x.id} gap={4} data-response-id={x.id}>
            <Group gap="xs" wrap="nowrap">
              <ScoreBadge kind={x.survey.kind} score={x.score} />
              <Text size="sm" fw={500} lineClamp={1}>
                {x.contact?.name ?? 'A contact'}
              </Text>
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {KIND_LABEL[x.survey.kind]} ·{' '}
                <Anchor component={Link} to={`/surveys/${x.survey.id}`} inherit>
                  {x.survey.name}
                </Anchor>{' '}
                · {formatDay(x.at)}
              </Text>
            </Group>
            {x.comment && <TalkText text={x.comment} talk={x.changeTalk} quietNeutral lineClamp={4} correct={{ sourceKind: 'survey_response', sourceId: x.id, accountId }} />}
          </Stack>
        ))}
      </Stack>
      {list.length > SHOWN && (
        <Button size="compact-xs" variant="subtle" mt="xs" onClick={() => setAll((v) => !v)}>
          {all ? 'Show fewer' : `Show all ${list.length}`}
        </Button>
      )}
      {canEdit && <SendSurveyModal opened={sending} onClose={() => setSending(false)} accountId={accountId} />}
    </Card>
  );
}
