import { Badge, Button, Card, Code, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { useAddAllowlistEntry, useAllowlist, useRemoveAllowlistEntry } from '../api/webhooks';
import { FormError, notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { formatDay } from '../components/format';

/** Hosts and ranges webhooks and Slack may reach although internal (loopback, private, link-local). */
export function AllowlistCard({ canEdit }: { canEdit: boolean }) {
  const list = useAllowlist();
  const add = useAddAllowlistEntry();
  const remove = useRemoveAllowlistEntry();
  const [entry, setEntry] = useState('');
  const [note, setNote] = useState('');
  const fields = add.error instanceof ApiError ? add.error.fieldMap() : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ entry: entry.trim(), note: note.trim() || undefined }, {
      onSuccess: (r) => {
        notifySuccess(`${r.entry} allowed`);
        setEntry('');
        setNote('');
      },
    });
  };

  return (
    <Card>
      <Stack gap="sm">
        <div>
          <Title order={4}>Outbound allow-list</Title>
          <Text size="sm" c="dimmed">
            Webhooks and Slack never reach loopback, private, link-local (cloud metadata) or other internal addresses, even
            after DNS, unless the host name, address or CIDR range is listed here.
          </Text>
        </div>
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        {list.isPending && <TableSkeleton rows={2} />}
        {list.data && list.data.length === 0 && (
          <Text size="sm" c="dimmed">
            Empty: only public addresses can be reached.
          </Text>
        )}
        {list.data && list.data.length > 0 && (
          <Table className="canopy-table" verticalSpacing="xs">
            <Table.Tbody>
              {list.data.map((a) => (
                <Table.Tr key={`${a.source}:${a.entry}`}>
                  <Table.Td>
                    <Code>{a.entry}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{a.note || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    {a.source === 'config' ? (
                      <Badge variant="light" color="gray" radius="sm" tt="none">
                        from CANOPY_OUTBOUND_ALLOW
                      </Badge>
                    ) : (
                      <Text size="xs" c="dimmed">
                        {formatDay(a.createdAt)}
                        {a.createdByName ? ` by ${a.createdByName}` : ''}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {canEdit && a.source === 'admin' && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        loading={remove.isPending && remove.variables === a.entry}
                        onClick={() => remove.mutate(a.entry, { onError: (err) => notifyError(err, 'Could not remove it') })}
                      >
                        Remove
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {canEdit && (
          <form onSubmit={submit} noValidate>
            <Stack gap="xs">
              <FormError error={add.error} shownFields={['entry', 'note']} />
              <Group align="flex-start" wrap="wrap">
                <TextInput
                  placeholder="hooks.internal, 10.1.2.3 or 10.1.0.0/16"
                  aria-label="Host, address or range"
                  value={entry}
                  onChange={(e) => setEntry(e.currentTarget.value)}
                  error={fields.entry}
                  style={{ flex: 2, minWidth: 220 }}
                />
                <TextInput placeholder="Note (why)" aria-label="Note" value={note} onChange={(e) => setNote(e.currentTarget.value)} style={{ flex: 2, minWidth: 160 }} />
                <Button type="submit" loading={add.isPending} disabled={!entry.trim()}>
                  Allow
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Card>
  );
}
