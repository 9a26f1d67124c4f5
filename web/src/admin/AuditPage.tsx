import { Badge, Code, Group, Text, TextInput, Tooltip, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { type AuditRow, useAudit } from '../api/admin';
import { formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';

const actorColor = { user: 'blue', api_key: 'grape', system: 'gray', rule: 'orange' } as const;
const actorLabel = { user: 'User', api_key: 'API key', system: 'System', rule: 'Rule' } as const;
/** A system actor with an id is a rule (what it made names the rule); without one, the system itself. */
const actorKind = (e: AuditRow) => (e.actorType === 'system' && e.actorId ? 'rule' : e.actorType);

const col = listColumns<AuditRow>();

const LINKS: Record<string, (id: string) => string> = {
  account: (id) => `/accounts/${id}`,
  rule: (id) => `/rules/${id}`,
  playbook: (id) => `/playbooks/${id}`,
};

function objectLink(e: AuditRow) {
  const to = e.objectId ? LINKS[e.objectType] : undefined;
  return to && e.objectId && e.action !== 'delete' && !e.action.endsWith('.delete') ? to(e.objectId) : null;
}

export default function AuditPage() {
  const [objectType, setObjectType] = useState('');
  const [action, setAction] = useState('');
  const [debouncedType] = useDebouncedValue(objectType.trim(), 300);
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const filter = { objectType: debouncedType || undefined, action: debouncedAction || undefined };
  const audit = useAudit(filter);
  const [open, setOpen] = useState<Set<string>>(new Set());

  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const columns = [
    col.display({
      id: 'time',
      header: 'Time',
      meta: { th: { w: 180 } },
      cell: ({ row: { original: e } }) => (
        <Tooltip label={relative(e.at)} openDelay={300}>
          <Text span size="sm" className="canopy-num">
            {formatDateTime(e.at)}
          </Text>
        </Tooltip>
      ),
    }),
    col.display({
      id: 'actor',
      header: 'Actor',
      cell: ({ row: { original: e } }) => (
        <Group gap={6} wrap="nowrap" data-actor={actorKind(e)}>
          <Badge size="xs" variant="light" color={actorColor[actorKind(e)]} radius="sm">
            {actorLabel[actorKind(e)]}
          </Badge>
          {actorKind(e) === 'rule' && e.actorId ? (
            <Text component={Link} to={`/rules/${e.actorId}`} size="sm" c="teal.7">
              {(e.actorLabel ?? '').replace(/^rule "(.*)"$/, '$1')}
            </Text>
          ) : (
            <Text size="sm">{e.actorLabel ?? e.actorId ?? '—'}</Text>
          )}
        </Group>
      ),
    }),
    col.display({ id: 'action', header: 'Action', cell: ({ row }) => <Code>{row.original.action}</Code> }),
    col.display({
      id: 'object',
      header: 'Object',
      cell: ({ row: { original: e } }) => {
        const link = objectLink(e);
        // The name it had when the change was made; the id only where there is no name.
        const name = e.objectLabel ?? e.objectId;
        return (
          <Text size="sm" data-col="object">
            <Text span size="xs" c="dimmed">
              {e.objectType.replace(/_/g, ' ')}
            </Text>{' '}
            {name && (
              <Tooltip label={e.objectId} disabled={!e.objectLabel || !e.objectId} openDelay={300}>
                {link ? (
                  <Text component={Link} to={link} size="sm" c="teal.7" ff={e.objectLabel ? undefined : 'monospace'}>
                    {name}
                  </Text>
                ) : (
                  <Text span size="sm" ff={e.objectLabel ? undefined : 'monospace'} c={e.objectLabel ? undefined : 'dimmed'}>
                    {name}
                  </Text>
                )}
              </Tooltip>
            )}
          </Text>
        );
      },
    }),
    col.display({
      id: 'changes',
      header: 'Changes',
      meta: { th: { w: 140 } },
      cell: ({ row: { original: e } }) => {
        const expanded = open.has(e.id);
        return e.changes ? (
          <UnstyledButton onClick={() => toggle(e.id)} aria-expanded={expanded} fz="sm" c="teal.7">
            <Group gap={4} wrap="nowrap">
              <span style={{ display: 'inline-flex', transform: expanded ? 'none' : 'rotate(-90deg)', transition: 'transform 120ms' }}>
                <Icon name="chevronDown" size={14} />
              </span>
              {expanded ? 'Hide' : 'Show'} ({Object.keys(e.changes).length})
            </Group>
          </UnstyledButton>
        ) : (
          <Text span size="sm" c="dimmed">
            —
          </Text>
        );
      },
    }),
  ];

  return (
    <ListPage
      title="Audit log"
      description="Every change, who or what made it, and what it changed — newest first"
      filters={
        <>
          <TextInput aria-label="Object type" placeholder="Object type, e.g. account" value={objectType} onChange={(e) => setObjectType(e.currentTarget.value)} w={240} />
          <TextInput aria-label="Action" placeholder="Action, e.g. account.update" value={action} onChange={(e) => setAction(e.currentTarget.value)} w={240} />
        </>
      }
      query={audit}
      rows={audit.data?.pages.flatMap((p) => p.items)}
      columns={columns}
      getRowId={(e) => e.id}
      detail={(e) =>
        open.has(e.id) &&
        e.changes && (
          <Code block className="canopy-json">
            {JSON.stringify(e.changes, null, 2)}
          </Code>
        )
      }
      empty={`Nothing recorded${filter.objectType || filter.action ? ' for these filters' : ' yet'}.`}
      tableLabel="Audit log"
      minWidth={860}
      skeletonRows={8}
      compact
      loadMore={audit}
    />
  );
}
