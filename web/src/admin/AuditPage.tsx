import { Badge, Button, Card, Code, Group, Stack, Table, Text, TextInput, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { useAudit } from '../api/admin';
import type { AuditEntry } from '../api/types';
import { QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';

const actorColor = { user: 'blue', api_key: 'grape', system: 'gray' } as const;
const actorLabel = { user: 'User', api_key: 'API key', system: 'System' } as const;

function objectLink(e: AuditEntry) {
  if (e.objectType === 'account' && e.objectId) return `/accounts/${e.objectId}`;
  return null;
}

export default function AuditPage() {
  const [objectType, setObjectType] = useState('');
  const [action, setAction] = useState('');
  const [debouncedType] = useDebouncedValue(objectType.trim(), 300);
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const filter = { objectType: debouncedType || undefined, action: debouncedAction || undefined };
  const audit = useAudit(filter);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];

  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Audit log</Title>
        <Text c="dimmed" size="sm">
          Every change, who or what made it, and what it changed — newest first
        </Text>
      </div>
      {audit.isError && <QueryError error={audit.error} onRetry={() => void audit.refetch()} />}
      <Card padding={0}>
        <Group gap="xs" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <TextInput aria-label="Object type" placeholder="Object type, e.g. account" value={objectType} onChange={(e) => setObjectType(e.currentTarget.value)} w={240} />
          <TextInput aria-label="Action" placeholder="Action, e.g. account.update" value={action} onChange={(e) => setAction(e.currentTarget.value)} w={240} />
        </Group>
        {audit.isPending && <TableSkeleton rows={8} />}
        {audit.data && items.length === 0 && (
          <Text c="dimmed" size="sm" ta="center" py="xl">
            Nothing recorded{filter.objectType || filter.action ? ' for these filters' : ' yet'}.
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={860}>
            <Table className="canopy-table" verticalSpacing="xs" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={180}>Time</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Object</Table.Th>
                  <Table.Th w={140}>Changes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => {
                  const link = objectLink(e);
                  const expanded = open.has(e.id);
                  return (
                    <Fragment key={e.id}>
                      <Table.Tr>
                        <Table.Td>
                          <Tooltip label={relative(e.at)} openDelay={300}>
                            <Text span size="sm" className="canopy-num">
                              {formatDateTime(e.at)}
                            </Text>
                          </Tooltip>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <Badge size="xs" variant="light" color={actorColor[e.actorType]} radius="sm">
                              {actorLabel[e.actorType]}
                            </Badge>
                            <Text size="sm">{e.actorLabel ?? e.actorId ?? '—'}</Text>
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Code>{e.action}</Code>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {e.objectType}{' '}
                            {e.objectId &&
                              (link ? (
                                <Text component={Link} to={link} size="xs" c="teal.7" ff="monospace">
                                  {e.objectId}
                                </Text>
                              ) : (
                                <Text span size="xs" c="dimmed" ff="monospace">
                                  {e.objectId}
                                </Text>
                              ))}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {e.changes ? (
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
                          )}
                        </Table.Td>
                      </Table.Tr>
                      {expanded && e.changes && (
                        <Table.Tr>
                          <Table.Td colSpan={5} bg="var(--mantine-color-gray-0)">
                            <Code block className="canopy-json">
                              {JSON.stringify(e.changes, null, 2)}
                            </Code>
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {audit.hasNextPage && (
          <Group justify="center" py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            <Button variant="default" size="xs" loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
              Load more
            </Button>
          </Group>
        )}
      </Card>
    </Stack>
  );
}
