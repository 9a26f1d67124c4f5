import { Button, Group, Modal, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCreateContact, useUpdateContact } from '../api/contacts';
import { contactCreate, contactPatch } from '../api/schemas';
import { type Contact, CONTACT_ROLES, type ContactInput, type ContactRole } from '../api/types';
import { FormError, notifySuccess } from '../components/feedback';
import { contactRoleLabel } from '../components/format';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';

interface Props {
  accountId: string;
  opened: boolean;
  onClose: () => void;
  /** Edit this contact; add a new one when absent. */
  contact?: Contact | null;
}

export function ContactFormModal({ accountId, opened, onClose, contact }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title={contact ? 'Edit contact' : 'Add contact'} centered size="lg">
      {opened && <ContactForm accountId={accountId} contact={contact ?? undefined} onClose={onClose} />}
    </Modal>
  );
}

function ContactForm({ accountId, contact, onClose }: { accountId: string; contact?: Contact; onClose: () => void }) {
  const [name, setName] = useState(contact?.name ?? '');
  const [email, setEmail] = useState(contact?.email ?? '');
  const [title, setTitle] = useState(contact?.title ?? '');
  const [role, setRole] = useState<ContactRole | null>(contact?.role ?? null);
  const [phone, setPhone] = useState(contact?.phone ?? '');
  const create = useCreateContact(accountId);
  const update = useUpdateContact(accountId);
  const mutation = contact ? update : create;

  const clean = (s: string) => (s.trim() === '' ? null : s.trim());
  const input: ContactInput = { name: clean(name), email: clean(email), title: clean(title), role, phone: clean(phone) };
  /** On create, what is empty is left out instead of sent as null. */
  const createBody = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null)) as ContactInput;
  // The API's own schemas (the account comes from the URL, so it is filled in for the check only).
  const { fields, validate } = useSchemaCheck(
    () => (contact ? schemaErrors(contactPatch, input) : schemaErrors(contactCreate, { accountId, ...createBody })),
    mutation.error,
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    const done = {
      onSuccess: () => {
        notifySuccess(contact ? 'Contact saved' : `${input.name ?? input.email ?? 'Contact'} added`);
        onClose();
      },
    };
    if (contact) update.mutate({ id: contact.id, input }, done);
    else create.mutate(createBody, done);
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError error={mutation.error} shownFields={['name', 'email', 'title', 'role', 'phone']} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} data-autofocus />
          <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fields.email} />
          <TextInput label="Title" placeholder="e.g. VP Operations" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fields.title} />
          <Select
            label="Role"
            placeholder="No role"
            data={CONTACT_ROLES.map((r) => ({ value: r, label: contactRoleLabel[r] }))}
            value={role}
            onChange={(v) => setRole((v as ContactRole | null) ?? null)}
            clearable
            error={fields.role}
          />
          <TextInput label="Phone" type="tel" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={fields.phone} />
        </SimpleGrid>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={!name.trim() && !email.trim()}>
            {contact ? 'Save contact' : 'Add contact'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
