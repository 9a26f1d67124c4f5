import { Accordion, Alert, Badge, Button, Card, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { type Playbook, type Step, usePlaybookRuns, usePlaybookVersions } from '../api/playbooks';
import { QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';
import { AccountName, RunProgressBar, RunStatusBadge, RunSteps } from './RunProgress';
import { StepSummary } from './StepSummary';

/** Every version of the template, newest first; an editor may load an old one's steps back. */
export function VersionHistory({ playbook, onRestore }: { playbook: Playbook; onRestore?: (steps: Step[]) => void }) {
  const versions = usePlaybookVersions(playbook.id);
  return (
    <Card padding="lg">
      <Title order={5} mb={4}>
        Version history
      </Title>
      <Alert variant="light" color="blue" p="xs" mb="sm">
        <Text size="xs">
          This is version {playbook.version}. Saving changed steps makes version {playbook.version + 1}; running playbooks keep their version.
        </Text>
      </Alert>
      {versions.isPending && <TableSkeleton rows={2} />}
      {versions.isError && <QueryError error={versions.error} onRetry={() => void versions.refetch()} />}
      {versions.data && (
        <Accordion variant="separated" radius="md" chevronPosition="left">
          {versions.data.map((v) => (
            <Accordion.Item key={v.version} value={String(v.version)} data-version={v.version}>
              <Accordion.Control>
                <Group justify="space-between" wrap="nowrap">
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      Version {v.version}
                    </Text>
                    {v.version === playbook.version && (
                      <Badge size="xs" variant="light" color="teal">
                        current
                      </Badge>
                    )}
                  </Group>
                  <Tooltip label={formatDateTime(v.createdAt)}>
                    <Text size="xs" c="dimmed">
                      {v.steps.length} step{v.steps.length === 1 ? '' : 's'} · {relative(v.createdAt)}
                    </Text>
                  </Tooltip>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Stack gap={2} component="ol" pl="md" m={0}>
                  {v.steps.map((s, i) => (
                    <Text key={i} size="xs" component="li">
                      <StepSummary step={s} />
                    </Text>
                  ))}
                </Stack>
                {onRestore && v.version !== playbook.version && (
                  <Button size="compact-xs" variant="subtle" mt="xs" onClick={() => onRestore(v.steps)}>
                    Load these steps into the editor
                  </Button>
                )}
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </Card>
  );
}

const PAGE = 25;

/** Where this playbook runs: each run's account, version, status and progress, expandable to its steps. */
export function PlaybookRunsTable({ playbookId }: { playbookId: string }) {
  const runs = usePlaybookRuns(playbookId);
  const [shown, setShown] = useState(PAGE);
  const [open, setOpen] = useState<string | null>(null);
  const items = runs.data ?? [];
  return (
    <Card padding="lg">
      <Title order={4}>Runs</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Accounts this playbook has run on, newest first
      </Text>
      {runs.isPending && <TableSkeleton rows={3} />}
      {runs.isError && <QueryError error={runs.error} onRetry={() => void runs.refetch()} />}
      {runs.data && items.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="md">
          Not run yet. Start it from an account page, or let a rule start it.
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table className="canopy-table" verticalSpacing="xs" aria-label="Playbook runs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Progress</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Started by</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.slice(0, shown).flatMap((r) => [
                <Table.Tr key={r.id} data-run-id={r.id}>
                  <Table.Td>
                    <AccountName id={r.accountId} hash={`run-${r.id}`} />
                  </Table.Td>
                  <Table.Td className="canopy-num">v{r.version}</Table.Td>
                  <Table.Td>
                    <RunStatusBadge status={r.status} />
                  </Table.Td>
                  <Table.Td>
                    <RunProgressBar run={r} />
                  </Table.Td>
                  <Table.Td className="nowrap">
                    <Tooltip label={formatDateTime(r.startedAt)}>
                      <Text span size="sm">
                        {relative(r.startedAt)}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm" c="dimmed">
                      {r.ruleFiringId ? 'A rule' : r.startedBy ? 'A person' : 'Canopy'}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button size="compact-xs" variant="subtle" onClick={() => setOpen(open === r.id ? null : r.id)}>
                      {open === r.id ? 'Hide steps' : 'Steps'}
                    </Button>
                  </Table.Td>
                </Table.Tr>,
                open === r.id && (
                  <Table.Tr key={`${r.id}-steps`}>
                    <Table.Td colSpan={7}>
                      <RunSteps run={r} />
                    </Table.Td>
                  </Table.Tr>
                ),
              ])}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {items.length > shown && (
        <Group justify="center" mt="sm">
          <Button variant="subtle" size="xs" onClick={() => setShown((n) => n + PAGE)}>
            Show more runs ({items.length - shown} more)
          </Button>
        </Group>
      )}
    </Card>
  );
}
