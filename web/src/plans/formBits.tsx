import { Group, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useUsers } from '../api/admin';
import { useContactChoices } from '../api/tasks';

export type OwnerChoice = { side: 'vendor' | 'customer'; userId: string | null; contactId: string | null };

/**
 * Who owns a milestone or a task: someone on our side (a user) or on the customer's side (a
 * contact of the account). Both sides own the plan; the customer is not a spectator.
 */
export function OwnerPicker({
  accountId,
  value,
  onChange,
  error,
  label = 'Owner',
}: {
  accountId: string;
  value: OwnerChoice;
  onChange: (v: OwnerChoice) => void;
  error?: string | undefined;
  label?: string;
}) {
  const users = useUsers();
  const contacts = useContactChoices(accountId);
  const userData = (users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }));
  const contactData = (contacts.data ?? []).map((c) => ({
    value: c.id,
    label: c.name ?? c.email ?? 'Unnamed contact',
  }));
  return (
    <Stack gap={4}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <SegmentedControl
          size="xs"
          aria-label={`${label} side`}
          value={value.side}
          onChange={(v) => onChange({ ...value, side: v as OwnerChoice['side'] })}
          data={[
            { value: 'vendor', label: 'Our side' },
            { value: 'customer', label: 'Customer side' },
          ]}
        />
      </Group>
      {value.side === 'vendor' ? (
        <Select
          aria-label={`${label} (our side)`}
          placeholder="A person on our side"
          data={userData}
          value={value.userId}
          onChange={(v) => onChange({ ...value, userId: v })}
          searchable
          clearable
          error={error}
        />
      ) : (
        <Select
          aria-label={`${label} (customer side)`}
          placeholder={contacts.data?.length === 0 ? 'This account has no contacts yet' : 'A contact at the customer'}
          data={contactData}
          value={value.contactId}
          onChange={(v) => onChange({ ...value, contactId: v })}
          searchable
          clearable
          error={error}
        />
      )}
    </Stack>
  );
}

/** The owner as the API's two optional fields, exactly one set (or neither). */
export function ownerFields(o: OwnerChoice, userKey: 'ownerUserId' | 'assigneeUserId', contactKey: 'ownerContactId' | 'assigneeContactId') {
  if (o.side === 'vendor') return o.userId ? { [userKey]: o.userId } : {};
  return o.contactId ? { [contactKey]: o.contactId } : {};
}

/** YYYY-MM-DD of today (local). */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
