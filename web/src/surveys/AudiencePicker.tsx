import { Button, Checkbox, Group, MultiSelect, Pill, ScrollArea, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { accountKeys, useAccounts, useFacets } from '../api/accounts';
import { api } from '../api/client';
import { useAccountContacts } from '../api/contacts';
import { useContactSearch } from '../api/surveys';
import { type Account, CONTACT_ROLES, STAGES } from '../api/types';
import { TableSkeleton } from '../components/feedback';
import { Icon } from '../components/icons';
import { contactRoleLabel, stageLabel } from '../components/format';
import { type Audience, type ChosenContact, toggleContact } from './audience';

interface Props {
  value: Audience;
  onChange: (a: Audience) => void;
  /** The account page's card: contacts of this account, or a filter limited to it. */
  accountId?: string;
}

/** Chosen contacts (an account, then its people) or a filter of the book (segment, stage, owner, contact roles). */
export function AudiencePicker({ value: a, onChange, accountId }: Props) {
  const set = (patch: Partial<Audience>) => onChange({ ...a, ...patch });
  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label="Audience"
        value={a.mode}
        onChange={(v) => set({ mode: v as Audience['mode'] })}
        data={[
          { value: 'filter', label: accountId ? 'All contacts of the account' : 'A filter of the book' },
          { value: 'contacts', label: 'Chosen contacts' },
        ]}
      />
      {a.mode === 'contacts' ? <ContactChooser a={a} set={set} accountId={accountId} /> : <FilterFields a={a} set={set} accountId={accountId} />}
    </Stack>
  );
}

function FilterFields({ a, set, accountId }: { a: Audience; set: (p: Partial<Audience>) => void; accountId?: string }) {
  const facets = useFacets();
  const roles = (
    <MultiSelect
      label="Contact roles"
      description="Empty: every contact with an e-mail address"
      placeholder={a.contactRoles.length ? '' : 'Any role'}
      data={CONTACT_ROLES.map((r) => ({ value: r, label: contactRoleLabel[r] }))}
      value={a.contactRoles}
      onChange={(v) => set({ contactRoles: v })}
      clearable
      comboboxProps={{ withinPortal: true }}
    />
  );
  if (accountId) return roles;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Select label="Segment" placeholder="Any segment" data={facets.data?.segments ?? []} value={a.segment} onChange={(v) => set({ segment: v })} clearable searchable comboboxProps={{ withinPortal: true }} />
        <Select
          label="Stage"
          placeholder="Any stage"
          data={STAGES.map((s) => ({ value: s, label: stageLabel[s] }))}
          value={a.stage}
          onChange={(v) => set({ stage: v })}
          clearable
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          label="Owner"
          placeholder="Any owner"
          data={(facets.data?.owners ?? []).map((o) => ({ value: o.id, label: o.name }))}
          value={a.ownerId}
          onChange={(v) => set({ ownerId: v })}
          clearable
          searchable
          comboboxProps={{ withinPortal: true }}
        />
      </SimpleGrid>
      {roles}
    </Stack>
  );
}

function ContactChooser({ a, set, accountId }: { a: Audience; set: (p: Partial<Audience>) => void; accountId?: string }) {
  const [picked, setPicked] = useState<{ id: string; name: string | null } | null>(accountId ? { id: accountId, name: null } : null);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const accounts = useAccounts({ search: debounced.trim() || undefined, sort: 'name', limit: 20 });
  const options = (accounts.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }));
  if (picked?.name && !options.some((o) => o.value === picked.id)) options.unshift({ value: picked.id, label: picked.name });

  return (
    <Stack gap="sm">
      {!accountId && (
        <Select
          label="Account"
          placeholder="Search accounts by name"
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          data={options}
          value={picked?.id ?? null}
          onChange={(v, o) => setPicked(v ? { id: v, name: o?.label ?? null } : null)}
          nothingFoundMessage={accounts.isFetching ? 'Searching…' : 'No account matches'}
          filter={({ options: o }) => o}
          comboboxProps={{ withinPortal: true }}
        />
      )}
      {!accountId && <PeopleSearch chosen={a.contacts} onChange={(contacts) => set({ contacts })} />}
      {picked && <AccountContacts key={picked.id} accountId={picked.id} accountName={picked.name} chosen={a.contacts} onChange={(contacts) => set({ contacts })} />}
      {a.contacts.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {a.contacts.length} chosen
          </Text>
          <Pill.Group>
            {a.contacts.map((c) => (
              <Pill key={c.id} withRemoveButton onRemove={() => set({ contacts: a.contacts.filter((x) => x.id !== c.id) })}>
                {c.name ?? c.email ?? 'Contact'}
                {c.accountName && !accountId ? ` · ${c.accountName}` : ''}
              </Pill>
            ))}
          </Pill.Group>
        </Stack>
      )}
    </Stack>
  );
}

function AccountContacts({ accountId, accountName, chosen, onChange }: { accountId: string; accountName: string | null; chosen: ChosenContact[]; onChange: (c: ChosenContact[]) => void }) {
  const contacts = useAccountContacts(accountId);
  const list = contacts.data?.pages.flatMap((p) => p.items) ?? [];
  const toChosen = (c: (typeof list)[number]): ChosenContact => ({ id: c.id, name: c.name, email: c.email, accountName });
  const withEmail = list.filter((c) => c.email);
  if (contacts.isPending) return <TableSkeleton rows={3} height={20} />;
  if (list.length === 0) return <Text size="sm" c="dimmed">This account has no contact yet: add people on its page first.</Text>;
  return (
    <Stack gap={6}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Contacts of {accountName ?? 'the account'}
        </Text>
        {withEmail.length > 1 && (
          <Button size="compact-xs" variant="subtle" onClick={() => onChange([...chosen.filter((x) => !withEmail.some((c) => c.id === x.id)), ...withEmail.map(toChosen)])}>
            Choose all with an e-mail
          </Button>
        )}
      </Group>
      <ScrollArea.Autosize mah={200}>
        <Stack gap={6}>
          {list.map((c) => (
            <Checkbox
              key={c.id}
              label={`${c.name ?? c.email ?? 'Unnamed contact'}${c.role ? ` · ${contactRoleLabel[c.role]}` : ''}`}
              description={c.email ?? 'No e-mail address: will be skipped'}
              checked={chosen.some((x) => x.id === c.id)}
              onChange={() => onChange(toggleContact(chosen, toChosen(c)))}
            />
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/** People across the book by name or e-mail: the other way to choose recipients. */
function PeopleSearch({ chosen, onChange }: { chosen: ChosenContact[]; onChange: (c: ChosenContact[]) => void }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const found = useContactSearch(debounced);
  const list = debounced.trim().length >= 2 ? (found.data ?? []) : [];
  // Whose people they are: the account of each (cached with the account page's own query).
  const accountIds = [...new Set(list.map((c) => c.accountId))];
  const accountNames = useQueries({
    queries: accountIds.map((id) => ({ queryKey: accountKeys.one(id), queryFn: ({ signal }: { signal: AbortSignal }) => api<Account>(`/api/accounts/${encodeURIComponent(id)}`, { signal }), staleTime: 60_000 })),
    combine: (rs) => new Map(rs.flatMap((r, i) => (r.data && accountIds[i] ? [[accountIds[i], r.data.name] as const] : []))),
  });
  return (
    <Stack gap={6}>
      <TextInput
        label="Or find people"
        placeholder="Name or e-mail, at least 2 letters"
        leftSection={<Icon name="search" size={16} />}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
      />
      {found.isFetched && list.length === 0 && debounced.trim().length >= 2 && (
        <Text size="sm" c="dimmed">
          Nobody matches “{debounced.trim()}”.
        </Text>
      )}
      {list.length > 0 && (
        <ScrollArea.Autosize mah={160}>
          <Stack gap={6}>
            {list.map((c) => (
              <Checkbox
                key={c.id}
                label={`${c.name ?? c.email ?? 'Unnamed contact'} · ${accountNames.get(c.accountId) ?? '…'}`}
                description={c.email ?? 'No e-mail address: will be skipped'}
                checked={chosen.some((x) => x.id === c.id)}
                onChange={() => onChange(toggleContact(chosen, { id: c.id, name: c.name, email: c.email, accountName: accountNames.get(c.accountId) ?? null }))}
              />
            ))}
          </Stack>
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}
