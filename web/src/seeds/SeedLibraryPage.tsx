import { Badge, Button, Card, Group, List, Progress, SimpleGrid, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { type ReactNode, useMemo, useState } from 'react';
import { can, useMe } from '../api/auth';
import { type SeedQuestion, type SeedRecord, useLibraryRecord, useSeedQuestion, useSeedQuestions, useUpdateQuestion } from '../api/seeds';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { decimal, percentOf, plural } from '../components/format';
import { Icon } from '../components/icons';
import { listColumns, ListPage } from '../components/ListPage';
import { QuestionFormModal } from './QuestionFormModal';
import { sortQuestions } from './logic';
import { SeedFunnelCard } from './SeedFunnelCard';

const col = listColumns<SeedQuestion>();

/** A share as a number and a thin bar, so a column of them reads at a glance. */
function ShareCell({ value, color }: { value: number | null; color: string }) {
  if (value === null) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Stack gap={3} w={60}>
      <Text size="sm" className="canopy-num">
        {percentOf(value)}
      </Text>
      <Progress value={value * 100} color={color} size={4} aria-hidden />
    </Stack>
  );
}

const num = { th: { style: { whiteSpace: 'nowrap' as const } } };

export default function SeedLibraryPage() {
  const me = useMe();
  const [showRetired, setShowRetired] = useState(false);
  const questions = useSeedQuestions({ archived: showRetired });
  const [search, setSearch] = useState('');
  const [theme, setTheme] = useState<string | null>(null);
  const [sort, setSort] = useState('-planted');
  const [selected, setSelected] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<SeedQuestion | null>(null);
  const [retiring, setRetiring] = useState<SeedQuestion | null>(null);
  const update = useUpdateQuestion();
  const manage = can.audit(me);

  const all = useMemo(() => questions.data ?? [], [questions.data]);
  const themes = useMemo(() => [...new Set(all.map((q) => q.theme))].sort((a, b) => a.localeCompare(b)), [all]);
  const q = search.trim().toLowerCase();
  const rows = questions.data
    ? sortQuestions(
        all.filter((x) => (!theme || x.theme === theme) && (!q || x.text.toLowerCase().includes(q) || x.variants.some((v) => v.toLowerCase().includes(q)))),
        sort,
      )
    : undefined;

  const setArchived = (question: SeedQuestion, archived: boolean) =>
    update.mutate(
      { id: question.id, archived },
      {
        onSuccess: () => {
          notifySuccess(archived ? 'Question retired: no longer offered for planting' : 'Question back in the library');
          setRetiring(null);
        },
        onError: (err) => notifyError(err, archived ? 'Could not retire the question' : 'Could not restore the question'),
      },
    );

  const columns = [
    col.display({
      id: 'text',
      header: 'Question',
      meta: { sortKey: 'text', td: { style: { minWidth: 260 } } },
      cell: ({ row: { original: x } }) => (
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {x.text}
          </Text>
          {x.archived && (
            <Badge size="xs" color="gray" variant="light" w="fit-content">
              Retired
            </Badge>
          )}
        </Stack>
      ),
    }),
    col.display({
      id: 'theme',
      header: 'Theme',
      meta: { sortKey: 'theme' },
      cell: ({ row: { original: x } }) => (
        <Badge variant="light" color="lime" tt="none" radius="sm">
          {x.theme}
        </Badge>
      ),
    }),
    col.display({
      id: 'reask',
      header: 'Re-ask',
      meta: { sortKey: 'reask', ...num },
      cell: ({ row: { original: x } }) => (
        <Stack gap={0}>
          <Text size="sm" className="canopy-num" style={{ whiteSpace: 'nowrap' }}>
            every {x.reaskIntervalDays} days
          </Text>
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {x.variants.length === 0 ? 'no variant' : plural(x.variants.length, 'variant')}
          </Text>
        </Stack>
      ),
    }),
    col.display({ id: 'planted', header: 'Planted', meta: { sortKey: 'planted', ...num }, cell: ({ row: { original: x } }) => <Text size="sm" className="canopy-num">{x.record.planted}</Text> }),
    col.display({ id: 'strong', header: 'Reacted', meta: { sortKey: 'strong', ...num }, cell: ({ row: { original: x } }) => <ShareCell value={x.record.strongReactionShare} color="yellow" /> }),
    col.display({ id: 'sprouted', header: 'Sprouted', meta: { sortKey: 'sprouted', ...num }, cell: ({ row: { original: x } }) => <ShareCell value={x.record.sproutedShare} color="lime" /> }),
    col.display({ id: 'harvested', header: 'Harvested', meta: { sortKey: 'harvested', ...num }, cell: ({ row: { original: x } }) => <ShareCell value={x.record.harvestedShare} color="green" /> }),
    col.display({
      id: 'median',
      header: 'To harvest',
      meta: { sortKey: 'median', ...num },
      cell: ({ row: { original: x } }) => (
        <Text size="sm" className="canopy-num" c={x.record.medianDaysToHarvest === null ? 'dimmed' : undefined}>
          {x.record.medianDaysToHarvest === null ? '—' : plural(Math.round(x.record.medianDaysToHarvest), 'day')}
        </Text>
      ),
    }),
  ];
  return (
    <ListPage
      title="Seed library"
      description="Crazy questions that jolt a conversation off autopilot, and how each grew across accounts"
      actions={
        can.write(me) && (
          <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setAdding(true)}>
            Add a question
          </Button>
        )
      }
      filters={
        <>
          <TextInput aria-label="Search questions" placeholder="Search questions and variants" leftSection={<Icon name="search" size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} />
          <Select aria-label="Theme" placeholder="All themes" data={themes} value={theme} onChange={setTheme} clearable searchable w={200} />
          <Switch label="Show retired" checked={showRetired} onChange={(e) => setShowRetired(e.currentTarget.checked)} mb={6} />
          {rows && (
            <Text size="sm" c="dimmed" mb={6} ml="auto">
              {plural(rows.length, 'question')}
              {rows.length > 0 && ' · click one for its variants and its record per CSM'}
            </Text>
          )}
        </>
      }
      query={questions}
      rows={rows}
      columns={columns}
      getRowId={(x) => x.id}
      rowProps={(x) => ({
        'data-question-id': x.id,
        onClick: () => setSelected((s) => (s === x.id ? null : x.id)),
        style: { cursor: 'pointer', opacity: x.archived ? 0.6 : undefined },
        'aria-selected': selected === x.id,
      })}
      detail={(x) =>
        selected === x.id ? (
          <QuestionDetail
            id={x.id}
            actions={
              manage && (
                <Group gap="xs">
                  <Button size="xs" variant="default" leftSection={<Icon name="edit" size={14} />} onClick={() => setEditing(x)}>
                    Edit
                  </Button>
                  {x.archived ? (
                    <Button size="xs" variant="light" onClick={() => setArchived(x, false)} loading={update.isPending}>
                      Restore
                    </Button>
                  ) : (
                    <Button size="xs" variant="subtle" color="red" leftSection={<Icon name="trash" size={14} />} onClick={() => setRetiring(x)}>
                      Retire
                    </Button>
                  )}
                </Group>
              )
            }
          />
        ) : null
      }
      empty={
        all.length === 0
          ? 'The library is empty. Add the first crazy question: the one that made a customer stop and think.'
          : 'No question matches. Clear the search or the theme.'
      }
      tableLabel="Seed questions"
      minWidth={980}
      sort={{ value: sort, onChange: setSort }}
    >
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <ThemeRecordCard />
        <SeedFunnelCard months={6} />
      </SimpleGrid>
      <QuestionFormModal opened={adding || editing !== null} question={editing} themes={themes} onClose={() => (setAdding(false), setEditing(null))} />
      <ConfirmModal
        opened={retiring !== null}
        title="Retire this question?"
        confirmLabel="Retire question"
        loading={update.isPending}
        onConfirm={() => retiring && setArchived(retiring, true)}
        onClose={() => setRetiring(null)}
      >
        “{retiring?.text}” will no longer be offered for planting. Seeds already planted keep growing, and its record stays.
      </ConfirmModal>
    </ListPage>
  );
}

/** The selected question: its variants and its record per CSM. */
function QuestionDetail({ id, actions }: { id: string; actions?: ReactNode }) {
  const question = useSeedQuestion(id);
  if (question.isPending) return <TableSkeleton rows={2} height={20} />;
  if (question.isError) return <QueryError error={question.error} onRetry={() => void question.refetch()} />;
  const x = question.data;
  const byCsm = [...x.record.byCsm].sort((a, b) => b.planted - a.planted);
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" py="xs" data-testid="question-detail">
      <Stack gap={4}>
        {actions}
        <Text size="sm" fw={600}>
          Variants, in the order they are re-asked
        </Text>
        {x.variants.length === 0 ? (
          <Text size="sm" c="dimmed">
            None yet: once it is asked, a seed of it will suggest letting it rest after {x.reaskIntervalDays} days without movement.
          </Text>
        ) : (
          <List type="ordered" size="sm" spacing={2}>
            {x.variants.map((v) => (
              <List.Item key={v}>{v}</List.Item>
            ))}
          </List>
        )}
        {x.record.medianDaysToHarvest !== null && (
          <Text size="xs" c="dimmed" mt={4}>
            Harvested seeds of it took {decimal(x.record.medianDaysToHarvest, 0)} days (median) from planting to goal.
          </Text>
        )}
      </Stack>
      <Stack gap={4}>
        <Text size="sm" fw={600}>
          Record per CSM
        </Text>
        {byCsm.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nobody has planted it yet.
          </Text>
        ) : (
          <Table verticalSpacing={4} horizontalSpacing="sm" aria-label="Record per CSM">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>CSM</Table.Th>
                <Table.Th ta="right">Planted</Table.Th>
                <Table.Th ta="right">Reacted</Table.Th>
                <Table.Th ta="right">Sprouted</Table.Th>
                <Table.Th ta="right">Harvested</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {byCsm.map((c) => (
                <Table.Tr key={c.userId ?? c.name}>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td ta="right" className="canopy-num">
                    {c.planted}
                  </Table.Td>
                  <Table.Td ta="right" className="canopy-num">
                    {percentOf(c.strongReactionShare)}
                  </Table.Td>
                  <Table.Td ta="right" className="canopy-num">
                    {percentOf(c.sproutedShare)}
                  </Table.Td>
                  <Table.Td ta="right" className="canopy-num">
                    {percentOf(c.harvestedShare)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </SimpleGrid>
  );
}

/** The record per theme: which kinds of question work. */
function ThemeRecordCard() {
  const record = useLibraryRecord();
  const themes = [...(record.data?.themes ?? [])].sort((a, b) => b.planted - a.planted);
  return (
    <Card padding="lg" data-testid="theme-record">
      <Title order={4}>Record per theme</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Which kinds of question draw a reaction and become goals
      </Text>
      {record.isPending && <TableSkeleton rows={4} height={24} />}
      {record.isError && <QueryError error={record.error} onRetry={() => void record.refetch()} />}
      {record.data && themes.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="lg">
          No theme yet: add questions to the library.
        </Text>
      )}
      {themes.length > 0 && (
        <Table verticalSpacing={6} horizontalSpacing="sm" aria-label="Record per theme">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Theme</Table.Th>
              <Table.Th ta="right">Planted</Table.Th>
              <Table.Th>Reacted</Table.Th>
              <Table.Th>Sprouted</Table.Th>
              <Table.Th>Harvested</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {themes.map((t) => (
              <Table.Tr key={t.theme}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {t.theme}
                  </Text>
                  <MedianLine record={t} />
                </Table.Td>
                <Table.Td ta="right" className="canopy-num">
                  {t.planted}
                </Table.Td>
                <Table.Td>
                  <ShareCell value={t.strongReactionShare} color="yellow" />
                </Table.Td>
                <Table.Td>
                  <ShareCell value={t.sproutedShare} color="lime" />
                </Table.Td>
                <Table.Td>
                  <ShareCell value={t.harvestedShare} color="green" />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function MedianLine({ record }: { record: SeedRecord }) {
  if (record.medianDaysToHarvest === null) return null;
  return (
    <Text size="xs" c="dimmed">
      {decimal(record.medianDaysToHarvest, 0)} days to harvest (median)
    </Text>
  );
}
