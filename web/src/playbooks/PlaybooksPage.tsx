import { Anchor, Badge, Button, Group, Switch, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { type Playbook, usePlaybooks } from '../api/playbooks';
import { formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';
import { stepKindLabel } from './labels';

const col = listColumns<Playbook>();
const num = { align: 'right', td: { className: 'canopy-num' } } as const;

const columns = [
  col.display({
    id: 'playbook',
    header: 'Playbook',
    meta: { td: { maw: 380 } },
    cell: ({ row: { original: p } }) => (
      <>
        <Group gap="xs">
          <Anchor component={Link} to={`/playbooks/${p.id}`} fw={600} size="sm" c="var(--mantine-color-text)">
            {p.name}
          </Anchor>
          {p.archived && (
            <Badge size="xs" color="gray">
              Archived
            </Badge>
          )}
        </Group>
        {p.description && (
          <Text size="xs" c="dimmed" lineClamp={2}>
            {p.description}
          </Text>
        )}
      </>
    ),
  }),
  col.display({
    id: 'steps',
    header: 'Steps',
    cell: ({ row }) => (
      <Group gap={4}>
        {row.original.steps.map((s, i) => (
          <Badge key={i} size="xs" variant="light" color="gray" radius="sm" tt="none">
            {stepKindLabel[s.kind]}
          </Badge>
        ))}
      </Group>
    ),
  }),
  col.display({ id: 'version', header: 'Version', meta: { td: { className: 'canopy-num' } }, cell: ({ row }) => `v${row.original.version}` }),
  col.display({
    id: 'running',
    header: 'Running',
    meta: num,
    cell: ({ row }) => (
      <Text span size="sm" fw={row.original.runs.running ? 600 : 400}>
        {row.original.runs.running}
      </Text>
    ),
  }),
  col.display({ id: 'completed', header: 'Completed', meta: num, cell: ({ row }) => row.original.runs.completed }),
  col.display({ id: 'cancelled', header: 'Cancelled', meta: num, cell: ({ row }) => row.original.runs.cancelled }),
  col.display({
    id: 'updated',
    header: 'Updated',
    meta: { td: { className: 'nowrap' } },
    cell: ({ row }) => (
      <Tooltip label={formatDateTime(row.original.updatedAt)} openDelay={300}>
        <Text span size="sm">
          {relative(row.original.updatedAt)}
        </Text>
      </Tooltip>
    ),
  }),
];

export default function PlaybooksPage() {
  const me = useMe();
  const editable = can.audit(me);
  const [archived, setArchived] = useState(false);
  const playbooks = usePlaybooks(archived);

  return (
    <ListPage
      title="Playbooks"
      description="A play for every failure mode: tasks, e-mails, waits and webhooks that run in order on an account"
      actions={
        <Group gap="md">
          <Switch size="sm" label="Show archived" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} />
          {editable && (
            <Button component={Link} to="/playbooks/new" leftSection={<Icon name="plus" size={16} />}>
              New playbook
            </Button>
          )}
        </Group>
      }
      query={playbooks}
      rows={playbooks.data}
      columns={columns}
      getRowId={(p) => p.id}
      rowProps={(p) => ({ 'data-playbook-id': p.id, style: { opacity: p.archived ? 0.6 : 1 } })}
      empty={`No playbooks yet. ${editable ? 'Start with the failure mode you see most: a stalled onboarding, a silent champion, a renewal at risk.' : 'Admins and managers build them.'}`}
      tableLabel="Playbooks"
      minWidth={860}
      skeletonRows={4}
    />
  );
}
