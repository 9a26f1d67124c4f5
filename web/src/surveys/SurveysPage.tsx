import { Anchor, Badge, Button, Progress, Select, Stack, Switch, Text, TextInput, Tooltip } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { can, useMe } from '../api/auth';
import { type Survey, type SurveyKind, SURVEY_KINDS, useSurveys, useSurveysResults } from '../api/surveys';
import { count, formatDay, plural } from '../components/format';
import { Icon } from '../components/icons';
import { listColumns, ListPage } from '../components/ListPage';
import { formatRate, headline, KIND_DESCRIPTION, KIND_LABEL, latestMonth, sortSurveys } from './logic';
import { SurveyFormModal } from './SurveyFormModal';

const col = listColumns<Survey>();
const num = { align: 'right' as const, th: { style: { whiteSpace: 'nowrap' as const } } };

/** /surveys: every NPS, CSAT and CES survey with what it reached and what it measured. */
export default function SurveysPage() {
  const me = useMe();
  const navigate = useNavigate();
  const [showArchived, setShowArchived] = useState(false);
  const surveys = useSurveys({ archived: showArchived });
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<SurveyKind | null>(null);
  const [sort, setSort] = useState('-created');
  const [creating, setCreating] = useState(false);

  const all = useMemo(() => surveys.data ?? [], [surveys.data]);
  const results = useSurveysResults(all.map((s) => s.id));
  const scores = useMemo(() => new Map(all.map((s) => [s.id, headline(s.kind, results.get(s.id)).number])), [all, results]);
  const q = search.trim().toLowerCase();
  const rows = surveys.data
    ? sortSurveys(
        all.filter((s) => (!kind || s.kind === kind) && (!q || s.name.toLowerCase().includes(q) || s.question.toLowerCase().includes(q))),
        sort,
        scores,
      )
    : undefined;

  const columns = [
    col.display({
      id: 'name',
      header: 'Survey',
      meta: { sortKey: 'name', td: { style: { minWidth: 200 } } },
      cell: ({ row: { original: s } }) => (
        <Stack gap={2}>
          <Anchor component={Link} to={`/surveys/${s.id}`} size="sm" fw={500} onClick={(e) => e.stopPropagation()}>
            {s.name}
          </Anchor>
          <Text size="xs" c="dimmed" lineClamp={1}>
            {s.question}
          </Text>
          {s.archived && (
            <Badge size="xs" color="gray" variant="light" w="fit-content">
              Archived
            </Badge>
          )}
        </Stack>
      ),
    }),
    col.display({
      id: 'kind',
      header: 'Kind',
      meta: { sortKey: 'kind' },
      cell: ({ row: { original: s } }) => (
        <Tooltip label={KIND_DESCRIPTION[s.kind]} withArrow>
          <Badge variant="light" color={s.kind === 'nps' ? 'blue' : s.kind === 'csat' ? 'grape' : 'cyan'} radius="sm">
            {KIND_LABEL[s.kind]}
          </Badge>
        </Tooltip>
      ),
    }),
    col.display({ id: 'sent', header: 'Sent', meta: { sortKey: 'sent', ...num }, cell: ({ row: { original: s } }) => <Text size="sm" className="canopy-num">{count(s.stats.sent)}</Text> }),
    col.display({ id: 'answered', header: 'Answered', meta: { sortKey: 'answered', ...num }, cell: ({ row: { original: s } }) => <Text size="sm" className="canopy-num">{count(s.stats.answered)}</Text> }),
    col.display({
      id: 'rate',
      header: 'Response rate',
      meta: { sortKey: 'rate', ...num },
      cell: ({ row: { original: s } }) =>
        s.stats.responseRate === null ? (
          <Text size="sm" c="dimmed">
            not sent
          </Text>
        ) : (
          <Stack gap={3} w={70} ml="auto">
            <Text size="sm" className="canopy-num">
              {formatRate(s.stats.responseRate)}
            </Text>
            <Progress value={s.stats.responseRate} size={4} color="blue" aria-hidden />
          </Stack>
        ),
    }),
    col.display({
      id: 'score',
      header: 'Score',
      meta: { sortKey: 'score', ...num },
      cell: ({ row: { original: s } }) => {
        const r = results.get(s.id);
        const h = headline(s.kind, r);
        if (!r) return <Text size="sm" c="dimmed">…</Text>;
        return (
          <Tooltip label={`${h.label}: ${h.hint}`} withArrow>
            <Stack gap={0} align="flex-end" data-testid="survey-score">
              <Text size="sm" fw={600} className="canopy-num" c={h.number === null ? 'dimmed' : undefined}>
                {h.number === null ? 'no answers' : `${h.label} ${h.value}`}
              </Text>
              {h.n > 0 && (
                <Text size="xs" c="dimmed" ta="right">
                  n = {h.n}
                  {latestMonth(s.kind, r.overTime) && (
                    <>
                      <br />
                      latest {latestMonth(s.kind, r.overTime)}
                    </>
                  )}
                </Text>
              )}
            </Stack>
          </Tooltip>
        );
      },
    }),
    col.display({ id: 'created', header: 'Created', meta: { sortKey: 'created', th: num.th }, cell: ({ row: { original: s } }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDay(s.createdAt)}</Text> }),
  ];

  return (
    <ListPage
      title="Surveys"
      description="NPS, CSAT and CES by e-mail: one link per contact, answered only from its page (clicks of mail scanners are kept apart)"
      actions={
        can.audit(me) && (
          <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setCreating(true)}>
            New survey
          </Button>
        )
      }
      filters={
        <>
          <TextInput aria-label="Search surveys" placeholder="Search names and questions" leftSection={<Icon name="search" size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={260} />
          <Select aria-label="Kind" placeholder="All kinds" data={SURVEY_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))} value={kind} onChange={(v) => setKind(v as SurveyKind | null)} clearable w={140} />
          <Switch label="Show archived" checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} mb={6} />
          {rows && (
            <Text size="sm" c="dimmed" mb={6} ml="auto">
              {plural(rows.length, 'survey')}
            </Text>
          )}
        </>
      }
      query={surveys}
      rows={rows}
      columns={columns}
      getRowId={(s) => s.id}
      rowProps={(s) => ({ 'data-survey-id': s.id, onClick: () => void navigate(`/surveys/${s.id}`), style: { cursor: 'pointer', opacity: s.archived ? 0.6 : undefined } })}
      empty={
        all.length === 0
          ? can.audit(me)
            ? 'No survey yet. Create one with “New survey”: pick NPS, CSAT or CES, then send it to chosen contacts or a slice of the book.'
            : 'No survey yet. An admin or a manager creates surveys; you can then send them to your accounts’ contacts.'
          : 'No survey matches. Clear the search or the kind.'
      }
      tableLabel="Surveys"
      minWidth={900}
      sort={{ value: sort, onChange: setSort }}
    >
      <SurveyFormModal opened={creating} onClose={() => setCreating(false)} onCreated={(s) => void navigate(`/surveys/${s.id}`)} />
    </ListPage>
  );
}
