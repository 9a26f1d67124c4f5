import { ActionIcon, Anchor, Badge, Button, Card, Group, Menu, Table, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useAccountContacts, useDeleteContact, useSetContactActive } from '../api/contacts';
import type { Contact } from '../api/types';
import { ContactRoleBadge } from '../components/Badges';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime, formatDay, relative } from '../components/format';
import { Icon } from '../components/icons';
import { ContactFormModal } from './ContactFormModal';

export function ContactsCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const contacts = useAccountContacts(accountId);
  const remove = useDeleteContact(accountId);
  const setActive = useSetContactActive(accountId);
  const [editing, setEditing] = useState<Contact | null | 'new'>(null);
  const [deleting, setDeleting] = useState<Contact | null>(null);
  const items = contacts.data?.pages.flatMap((p) => p.items) ?? [];

  const confirmDelete = () => {
    if (!deleting) return;
    remove.mutate(deleting.id, {
      onSuccess: () => {
        notifySuccess(`${deleting.name ?? deleting.email ?? 'Contact'} deleted`);
        setDeleting(null);
      },
      onError: (err) => notifyError(err, 'Could not delete the contact'),
    });
  };

  const toggleActive = (c: Contact) => {
    const who = c.name ?? c.email ?? 'Contact';
    setActive.mutate(
      { id: c.id, active: !c.active },
      {
        onSuccess: () => notifySuccess(c.active ? `${who} marked as left` : `${who} marked as active again`),
        onError: (err) => notifyError(err, 'Could not change the contact'),
      },
    );
  };

  return (
    <Card padding="lg">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={4}>Contacts</Title>
          <Text size="sm" c="dimmed">
            People at this account and the role they play
          </Text>
        </div>
        {canEdit && (
          <Button size="xs" variant="light" leftSection={<Icon name="plus" size={14} />} onClick={() => setEditing('new')}>
            Add contact
          </Button>
        )}
      </Group>
      {contacts.isPending && <TableSkeleton rows={3} />}
      {contacts.isError && <QueryError error={contacts.error} onRetry={() => void contacts.refetch()} />}
      {contacts.data && items.length === 0 && (
        <Text size="sm" c="dimmed" py="md" ta="center">
          No contacts yet.{canEdit ? ' Add the champion and the executive sponsor first.' : ''} Segment{' '}
          <code>identify</code> calls add contacts too.
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={680}>
          <Table className="canopy-table" highlightOnHover verticalSpacing="xs" aria-label="Contacts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Last seen</Table.Th>
                {canEdit && <Table.Th w={48} aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id} style={c.active === false ? { opacity: 0.65 } : undefined}>
                  <Table.Td fw={500} className="nowrap">
                    {c.name ?? <Text span c="dimmed" size="sm">(no name)</Text>}
                    {c.active === false && (
                      <Tooltip label="This person left the account; kept for history" openDelay={400}>
                        <Badge ml="xs" size="sm" variant="light" color="gray">
                          {c.deactivatedAt ? `Inactive since ${formatDay(c.deactivatedAt)}` : 'Inactive'}
                        </Badge>
                      </Tooltip>
                    )}
                  </Table.Td>
                  <Table.Td>{c.title ?? ''}</Table.Td>
                  <Table.Td className="nowrap">
                    <ContactRoleBadge role={c.role} />
                  </Table.Td>
                  <Table.Td>
                    {c.email ? (
                      <Anchor href={`mailto:${c.email}`} size="sm">
                        {c.email}
                      </Anchor>
                    ) : null}
                  </Table.Td>
                  <Table.Td className="nowrap">
                    <Tooltip label={formatDateTime(c.lastSeenAt)} disabled={!c.lastSeenAt} openDelay={400}>
                      <Text span size="sm" c={c.lastSeenAt ? undefined : 'dimmed'}>
                        {relative(c.lastSeenAt)}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  {canEdit && (
                    <Table.Td>
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${c.name ?? c.email ?? 'contact'}`}>
                            <Icon name="dots" />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item leftSection={<Icon name="edit" size={14} />} onClick={() => setEditing(c)}>
                            Edit
                          </Menu.Item>
                          <Menu.Item disabled={setActive.isPending} onClick={() => toggleActive(c)}>
                            {c.active === false ? 'Mark as active again' : 'Mark as left'}
                          </Menu.Item>
                          <Menu.Item color="red" leftSection={<Icon name="trash" size={14} />} onClick={() => setDeleting(c)}>
                            Delete
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {contacts.hasNextPage && (
        <Group justify="center" mt="sm">
          <Button variant="subtle" size="xs" loading={contacts.isFetchingNextPage} onClick={() => void contacts.fetchNextPage()}>
            Load more contacts
          </Button>
        </Group>
      )}
      <ContactFormModal
        accountId={accountId}
        opened={editing !== null}
        contact={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete contact?"
        confirmLabel="Delete contact"
        loading={remove.isPending}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(null)}
      >
        {deleting?.name ?? deleting?.email ?? 'This contact'} will be removed from this account. This cannot be undone.
      </ConfirmModal>
    </Card>
  );
}
