import { Alert, Anchor, Badge, Breadcrumbs, Button, Card, Grid, Group, SegmentedControl, SimpleGrid, Skeleton, Stack, Text, Title, Tooltip } from '@mantine/core';
import dayjs from 'dayjs';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { ApiError } from '../api/client';
import { responsesCsvUrl, type Survey, type SurveyResults, useSurvey, useSurveyResults, useUpdateSurvey } from '../api/surveys';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError } from '../components/feedback';
import { count, percentOf, plural } from '../components/format';
import { Icon } from '../components/icons';
import { NotFound } from '../components/NotFound';
import { CommentsCard } from './CommentsCard';
import { formatRate, headline, KIND_DESCRIPTION, KIND_LABEL } from './logic';
import { DistributionCard, ScoreOverTimeCard } from './ResultsCharts';
import { SendSurveyModal } from './SendSurveyModal';
import { SurveyFormModal } from './SurveyFormModal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RANGES = [
  { value: 'all', label: 'All time' },
  { value: '365', label: '12 months' },
  { value: '90', label: '90 days' },
];

/** /surveys/:id: a survey's results (score, distribution, response rate, comments) and sending it. */
export default function SurveyPage() {
  const { id = '' } = useParams();
  const me = useMe();
  // An id that cannot be a survey's is not asked for: it is as unknown as a well-formed one that is not there.
  const wellFormed = UUID.test(id);
  const survey = useSurvey(id, wellFormed);
  const [range, setRange] = useState('all');
  const from = range === 'all' ? undefined : dayjs().subtract(Number(range), 'day').format('YYYY-MM-DD');
  const results = useSurveyResults(id, { from }, wellFormed);
  const [sending, setSending] = useState(false);
  const [editing, setEditing] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const update = useUpdateSurvey();

  const crumbs = (
    <Breadcrumbs separator="/" fz="sm">
      <Anchor component={Link} to="/surveys" size="sm">
        Surveys
      </Anchor>
      <Text size="sm" c="dimmed">
        {survey.data?.name ?? '…'}
      </Text>
    </Breadcrumbs>
  );
  if (!wellFormed) return <NotFound message="This survey does not exist." />;
  if (survey.isError) {
    if (survey.error instanceof ApiError && survey.error.status === 404) return <NotFound message="This survey does not exist." />;
    return (
      <Stack>
        {crumbs}
        <QueryError error={survey.error} onRetry={() => void survey.refetch()} />
      </Stack>
    );
  }
  const s = survey.data;
  const setArchived = (archived: boolean) =>
    s &&
    update.mutate(
      { id: s.id, archived },
      {
        onSuccess: () => (notifySuccess(archived ? 'Survey archived: it can no longer be sent' : 'Survey back in use'), setArchiving(false)),
        onError: (err) => notifyError(err, 'Could not change the survey'),
      },
    );

  return (
    <Stack gap="md">
      {crumbs}
      {s ? (
        <Card padding="lg">
          <Group justify="space-between" align="flex-start">
            <Stack gap={4} maw={720}>
              <Group gap="xs">
                <Title order={2}>{s.name}</Title>
                <Tooltip label={KIND_DESCRIPTION[s.kind]} withArrow>
                  <Badge variant="light">{KIND_LABEL[s.kind]}</Badge>
                </Tooltip>
                {s.archived && (
                  <Badge color="gray" variant="light">
                    Archived
                  </Badge>
                )}
              </Group>
              <Text size="sm">“{s.question}”</Text>
              <Text size="xs" c="dimmed">
                A contact is surveyed at most once in {plural(s.throttleDays, 'day')} · {s.reminderAfterDays === null ? 'no reminder' : `one reminder after ${plural(s.reminderAfterDays, 'day')}`} ·{' '}
                {plural(s.spoonCost, 'spoon')} of the customer’s capacity
              </Text>
            </Stack>
            <Group gap="xs">
              {can.write(me) && !s.archived && (
                <Button leftSection={<Icon name="external" size={16} />} onClick={() => setSending(true)}>
                  Send
                </Button>
              )}
              <Button component="a" href={responsesCsvUrl(s.id)} download variant="default">
                Export CSV
              </Button>
              {can.audit(me) && (
                <>
                  <Button variant="default" leftSection={<Icon name="edit" size={16} />} onClick={() => setEditing(true)}>
                    Edit
                  </Button>
                  {s.archived ? (
                    <Button variant="light" onClick={() => setArchived(false)} loading={update.isPending}>
                      Restore
                    </Button>
                  ) : (
                    <Button variant="subtle" color="red" onClick={() => setArchiving(true)}>
                      Archive
                    </Button>
                  )}
                </>
              )}
            </Group>
          </Group>
        </Card>
      ) : (
        <Skeleton height={130} radius="md" />
      )}
      <Group justify="space-between">
        <Title order={3}>Results</Title>
        <SegmentedControl size="xs" aria-label="Period" data={RANGES} value={range} onChange={setRange} />
      </Group>
      {results.isError && <QueryError error={results.error} onRetry={() => void results.refetch()} />}
      {s && results.data ? <Results survey={s} results={results.data} from={from} /> : !results.isError && <Skeleton height={320} radius="md" />}
      {s && (
        <>
          <SendSurveyModal survey={s} opened={sending} onClose={() => setSending(false)} />
          <SurveyFormModal opened={editing} survey={s} onClose={() => setEditing(false)} />
          <ConfirmModal opened={archiving} title={`Archive ${s.name}?`} confirmLabel="Archive survey" loading={update.isPending} onConfirm={() => setArchived(true)} onClose={() => setArchiving(false)}>
            It can no longer be sent. Its results stay, and links already sent can still be answered.
          </ConfirmModal>
        </>
      )}
    </Stack>
  );
}

function Figure({ label, value, sub, testId }: { label: string; value: ReactNode; sub?: ReactNode; testId?: string }) {
  return (
    <Card padding="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} className="canopy-num">
        {value}
      </Text>
      {sub && (
        <Text size="xs" c="dimmed">
          {sub}
        </Text>
      )}
    </Card>
  );
}

function Results({ survey: s, results: r, from }: { survey: Survey; results: SurveyResults; from: string | undefined }) {
  const h = headline(s.kind, r);
  const nps = r.nps;
  return (
    <Stack gap="md">
      {r.bots > 0 && (
        <Alert color="gray" variant="light" data-testid="survey-bots">
          {plural(r.bots, 'automated click')} ignored: answers sent by mail scanners (a honeypot link followed, a form sent too fast or without the page) are kept apart and
          never counted.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
        <Figure label={h.label} value={h.value} sub={h.n > 0 ? `n = ${h.n} · ${h.hint}` : 'no answers yet'} testId="survey-headline" />
        <Figure label="Responses" value={count(r.responses)} sub={`of ${plural(r.sent ?? s.stats.sent, 'contact')} asked`} testId="survey-responses" />
        <Figure label="Response rate" value={formatRate(r.responseRate)} sub={r.responseRate === null ? 'not sent yet' : 'answered / sent'} />
        {nps && s.kind === 'nps' ? (
          <Figure
            label="Promoters · passives · detractors"
            value={`${nps.promoters} · ${nps.passives} · ${nps.detractors}`}
            sub={nps.n > 0 ? `${percentOf(nps.promoters / nps.n)} promoters, ${percentOf(nps.detractors / nps.n)} detractors` : undefined}
          />
        ) : r.csat && s.kind === 'csat' ? (
          <Figure label="Average" value={r.csat.mean === null ? '—' : r.csat.mean.toFixed(1)} sub="of 1–5" />
        ) : (
          <Figure label="Comments" value={count(r.commentsTotal ?? r.comments.length)} />
        )}
      </SimpleGrid>
      {s.stats.sent === 0 && (
        <Text size="sm" c="dimmed">
          Not sent yet: “Send” asks chosen contacts, or a slice of the book, by e-mail. Results appear as they answer.
        </Text>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <ScoreOverTimeCard kind={s.kind} results={r} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <DistributionCard kind={s.kind} results={r} />
        </Grid.Col>
      </Grid>
      <CommentsCard key={from ?? 'all'} kind={s.kind} surveyId={s.id} range={from ? { from } : {}} results={r} />
    </Stack>
  );
}
