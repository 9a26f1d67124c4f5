import { Autocomplete, Button, Divider, Group, Modal, NumberInput, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { type FormEvent, useState } from 'react';
import { useCreateAccount, useFacets, useUpdateAccount } from '../api/accounts';
import { useTeams, useUsers } from '../api/admin';
import { accountCreate, accountDateProblems, accountPatch } from '../api/schemas';
import { type Account, type AccountInput, STAGES, type Stage } from '../api/types';
import { FormError, notifySuccess } from '../components/feedback';
import { type FieldMessages, schemaErrors, useSchemaCheck } from '../components/schemaErrors';
import { stageLabel } from '../components/format';
import {
  hasDuplicateKeys,
  KeyValueEditor,
  type KeyValueRow,
  parseCustomValue,
  recordToRows,
  rowsToRecord,
} from '../components/KeyValueEditor';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** Edit this account; create a new one when absent. */
  account?: Account;
  onSaved?: (account: Account) => void;
}

interface FormState {
  name: string;
  domain: string;
  externalId: string;
  ownerId: string | null;
  teamId: string | null;
  segment: string;
  stage: Stage;
  arr: number | string;
  seats: number | string;
  contractStart: string | null;
  renewalDate: string | null;
  externalIds: KeyValueRow[];
  custom: KeyValueRow[];
}

function initial(a?: Account): FormState {
  return {
    name: a?.name ?? '',
    domain: a?.domain ?? '',
    externalId: a?.externalId ?? '',
    ownerId: a?.ownerId ?? null,
    teamId: a?.teamId ?? null,
    segment: a?.segment ?? '',
    stage: a?.stage ?? 'onboarding',
    arr: a?.arr ?? '',
    seats: a?.seats ?? '',
    contractStart: a?.contractStart ?? null,
    renewalDate: a?.renewalDate ?? null,
    externalIds: recordToRows(a?.externalIds),
    custom: recordToRows(a?.custom),
  };
}

const ACCOUNT_FIELDS = ['name', 'domain', 'ownerId', 'teamId', 'segment', 'stage', 'arr', 'seats', 'contractStart', 'renewalDate', 'externalId', 'externalIds', 'custom'];

const text = (s: string) => (s.trim() === '' ? null : s.trim());
/** Empty stays empty; anything else goes to the schema as typed (a stray "-" is a NaN it names). */
const number = (v: number | string) => (v === '' || v === null ? null : Number(v));

function toInput(f: FormState): AccountInput {
  return {
    name: f.name.trim(),
    domain: text(f.domain),
    externalId: text(f.externalId),
    ownerId: f.ownerId,
    teamId: f.teamId,
    segment: text(f.segment),
    stage: f.stage,
    arr: number(f.arr) ?? 0,
    seats: number(f.seats),
    contractStart: f.contractStart,
    renewalDate: f.renewalDate,
    externalIds: rowsToRecord(f.externalIds, (v) => v.trim()),
    custom: rowsToRecord(f.custom, parseCustomValue),
  };
}

/**
 * The body to send. On create, what is empty is left out instead of sent as null. On edit, only
 * the fields the person changed: a value stored earlier (a lapsed renewal date, a domain from an
 * older import) is not re-validated as if it were being set now.
 */
function toBody(f: FormState, account?: Account): AccountInput {
  const body = toInput(f);
  const out: Record<string, unknown> = {};
  if (!account) {
    for (const [k, v] of Object.entries(body)) if (v !== null) out[k] = v;
  } else {
    const before = toInput(initial(account)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(body)) if (JSON.stringify(v) !== JSON.stringify(before[k])) out[k] = v;
  }
  return out as AccountInput;
}

/** The same checks as POST and PATCH /api/accounts, with the same messages. */
function check(f: FormState, account?: Account): FieldMessages {
  const body = toBody(f, account);
  if (!account) return schemaErrors(accountCreate, body);
  const errors = Object.keys(body).length > 0 ? schemaErrors(accountPatch, body) : {};
  for (const p of accountDateProblems({ contractStart: f.contractStart, renewalDate: f.renewalDate }, account.renewalDate)) {
    errors[p.path] ??= p.message;
  }
  return errors;
}

export function AccountFormModal({ opened, onClose, account, onSaved }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title={account ? `Edit ${account.name}` : 'New account'} size="xl" centered>
      {/* Mounted only while open, so the form starts fresh from the account each time. */}
      {opened && <AccountForm account={account} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function AccountForm({ account, onClose, onSaved }: Omit<Props, 'opened'>) {
  const [f, setF] = useState<FormState>(() => initial(account));
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const create = useCreateAccount();
  const update = useUpdateAccount(account?.id ?? '');
  const mutation = account ? update : create;
  const users = useUsers();
  const teams = useTeams();
  const facets = useFacets();

  const err = mutation.error;
  const { fields, validate } = useSchemaCheck(() => check(f, account), err);
  const dupes = hasDuplicateKeys(f.externalIds) || hasDuplicateKeys(f.custom);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    const body = toBody(f, account);
    if (account && Object.keys(body).length === 0) {
      onClose();
      return;
    }
    mutation.mutate(body, {
      onSuccess: (saved) => {
        notifySuccess(account ? 'Account saved' : `${saved.name} created`);
        onClose();
        onSaved?.(saved);
      },
    });
  };

  const userOptions = (users.data ?? [])
    .filter((u) => u.active || u.id === f.ownerId)
    .map((u) => ({ value: u.id, label: u.name }));
  if (f.ownerId && !userOptions.some((o) => o.value === f.ownerId)) {
    userOptions.push({ value: f.ownerId, label: account?.ownerName ?? 'Current owner' });
  }
  const teamOptions = (teams.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  if (f.teamId && !teamOptions.some((o) => o.value === f.teamId)) {
    teamOptions.push({ value: f.teamId, label: account?.teamName ?? 'Current team' });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <FormError error={err} shownFields={ACCOUNT_FIELDS} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
          <TextInput label="Name" required value={f.name} onChange={(e) => set('name', e.currentTarget.value)} error={fields.name} data-autofocus />
          <TextInput label="Domain" placeholder="example.com" value={f.domain} onChange={(e) => set('domain', e.currentTarget.value)} error={fields.domain} />
          <Select
            label="Owner"
            placeholder="Unassigned"
            data={userOptions}
            value={f.ownerId}
            onChange={(v) => set('ownerId', v)}
            clearable
            searchable
            error={fields.ownerId}
          />
          <Select label="Team" placeholder="No team" data={teamOptions} value={f.teamId} onChange={(v) => set('teamId', v)} clearable error={fields.teamId} />
          <Autocomplete
            label="Segment"
            placeholder="e.g. Enterprise"
            data={facets.data?.segments ?? []}
            value={f.segment}
            onChange={(v) => set('segment', v)}
            error={fields.segment}
          />
          <Select
            label="Stage"
            data={STAGES.map((s) => ({ value: s, label: stageLabel[s] }))}
            value={f.stage}
            onChange={(v) => v && set('stage', v as Stage)}
            allowDeselect={false}
            error={fields.stage}
          />
          {/* No clamping: a negative or too large number stays as typed and the message says why it is refused. */}
          <NumberInput label="ARR" prefix="$" thousandSeparator="," min={0} clampBehavior="none" value={f.arr} onChange={(v) => set('arr', v)} error={fields.arr} />
          <NumberInput label="Seats" min={0} allowDecimal={false} clampBehavior="none" value={f.seats} onChange={(v) => set('seats', v)} error={fields.seats} />
          <DateInput
            label="Contract start"
            valueFormat="YYYY-MM-DD"
            placeholder="YYYY-MM-DD"
            value={f.contractStart}
            onChange={(v) => set('contractStart', v)}
            clearable
            error={fields.contractStart}
          />
          <DateInput
            label="Renewal date"
            valueFormat="YYYY-MM-DD"
            placeholder="YYYY-MM-DD"
            value={f.renewalDate}
            onChange={(v) => set('renewalDate', v)}
            clearable
            error={fields.renewalDate}
          />
          <TextInput
            label="External id"
            description="The id your product uses for this account (Segment groupId)"
            value={f.externalId}
            onChange={(e) => set('externalId', e.currentTarget.value)}
            error={fields.externalId}
          />
        </SimpleGrid>
        <Divider />
        <KeyValueEditor
          label="External ids"
          description="Ids of this account in other systems, e.g. salesforce → 0015g00000XyZ"
          keyPlaceholder="System"
          valuePlaceholder="Id"
          rows={f.externalIds}
          onChange={(rows) => set('externalIds', rows)}
          error={fields.externalIds}
        />
        <KeyValueEditor
          label="Custom fields"
          description="Numbers and true/false are stored as such; everything else as text."
          keyPlaceholder="Field"
          rows={f.custom}
          onChange={(rows) => set('custom', rows)}
          error={fields.custom}
        />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={!f.name.trim() || dupes}>
            {account ? 'Save changes' : 'Create account'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
