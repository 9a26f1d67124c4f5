import { Badge, Button, Card, Group, Modal, NumberInput, Select, Stack, Table, Text, Textarea, Title, Tooltip } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type Capacity, type CapacityAsk, useCapacity, useGiveSpoon, useSaveCapacity } from '../api/capacity';
import { ApiError } from '../api/client';
import { useContactChoices } from '../api/tasks';
import { FormError, notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { formatDay } from '../components/format';
import { periodWords, spoons, spoonsError } from './logic';
import { SpoonPips } from './SpoonPips';

const ASK_WORDS = { task: 'Task', survey: 'Survey', check_in: 'Check-in', email: 'E-mail' } as const;

/**
 * The customer's spoons (seed 004): what they can give this period, what we already asked of
 * them, what we did for them instead, and why the capacity is lower than usual.
 */
export function CapacityCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const cap = useCapacity(accountId);
  const [editing, setEditing] = useState(false);
  const c = cap.data;
  const mayEdit = canEdit && (c?.canEdit ?? true);

  return (
    <Card padding="lg" h="100%" data-testid="capacity-card">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <div>
          <Title order={4}>Capacity</Title>
          <Text size="sm" c="dimmed">
            {c ? `Spoons ${c.period.kind === 'month' ? 'this month' : 'this week'}, ${periodWords(c.period.from, c.period.to, formatDay)}` : 'The customer’s time, attention and energy'}
          </Text>
        </div>
        {mayEdit && c && (
          <Button size="compact-sm" variant="default" onClick={() => setEditing(true)} style={{ flexShrink: 0 }} aria-label="Edit capacity">
            Edit
          </Button>
        )}
      </Group>
      {cap.isPending && <TableSkeleton rows={3} />}
      {cap.isError && <QueryError error={cap.error} onRetry={() => void cap.refetch()} />}
      {c && <CapacityBody c={c} canEdit={mayEdit} />}
      {c && mayEdit && <EditCapacityModal accountId={accountId} capacity={c} opened={editing} onClose={() => setEditing(false)} />}
    </Card>
  );
}

function CapacityBody({ c, canEdit }: { c: Capacity; canEdit: boolean }) {
  const over = c.left < 0;
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="center" wrap="wrap">
        <div>
          <Text size="xl" fw={700} c={over ? 'red' : c.left <= 1 ? 'orange' : undefined} data-testid="spoons-left">
            {over ? `${-c.left} over` : `${c.left} left`}
          </Text>
          <Text size="xs" c="dimmed">
            {c.used} used of {c.capacity}
            {c.capacity !== c.base ? ` (usually ${c.base})` : c.isDefault ? ' (the default)' : ''}
            {c.overloads ? ` · ${c.overloads} overload${c.overloads === 1 ? '' : 's'} confirmed` : ''}
          </Text>
        </div>
        <SpoonPips capacity={c.capacity} used={c.used} lowered={c.base - c.capacity} />
      </Group>
      {c.note && (
        <Text size="xs" c="dimmed">
          Note: {c.note}
        </Text>
      )}
      {c.reasons.length > 0 && (
        <Stack gap={2} data-testid="capacity-reasons">
          <Text size="xs" fw={600}>
            Lowered because
          </Text>
          {c.reasons.map((r) => (
            <Text key={r.text} size="xs">
              <Badge size="xs" color="orange" variant="light" mr={4}>
                {r.delta > 0 ? `+${r.delta}` : r.delta}
              </Badge>
              {r.text}
            </Text>
          ))}
        </Stack>
      )}
      {c.asks.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing asked of them this period. Before asking, check the readiness: a customer who is not confident needs a spoon, not a task.
        </Text>
      ) : (
        <Table fz="xs" verticalSpacing={4} data-testid="capacity-asks">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Ask</Table.Th>
              <Table.Th ta="right">Spoons</Table.Th>
              {canEdit && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.asks.map((a) => (
              <Table.Tr key={`${a.kind}:${a.id}`}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  <Text size="xs" span c="dimmed">
                    {ASK_WORDS[a.kind]}:{' '}
                  </Text>
                  {a.label}
                  {a.overload && (
                    <Tooltip label="Asked although it exceeded what was left (confirmed as an overload)">
                      <Badge size="xs" color="red" variant="light" ml={4}>
                        overload
                      </Badge>
                    </Tooltip>
                  )}
                  <Text size="xs" c="dimmed">
                    {a.contact?.name ?? 'No contact'} · {formatDay(a.at)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{a.cost}</Table.Td>
                {canEdit && (
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {a.kind === 'task' && a.status === 'open' && a.cost > 0 && <GiveSpoonButton ask={a} />}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {c.given.length > 0 && (
        <Stack gap={2} data-testid="capacity-given">
          <Text size="xs" fw={600}>
            Spoons given: we do it for them
          </Text>
          {c.given.map((g) => (
            <Text key={g.taskId} size="xs">
              {g.title} <Text span size="xs" c="dimmed">· {formatDay(g.at)}{g.status ? ` · ${g.status}` : ''}</Text>
            </Text>
          ))}
        </Stack>
      )}
      {c.contacts.length > 0 && (
        <Stack gap={2}>
          <Text size="xs" fw={600}>
            Per contact
          </Text>
          {c.contacts.map((p) => (
            <Group key={p.contactId} gap="xs" justify="space-between">
              <Text size="xs">{p.name}</Text>
              <Text size="xs" c={p.left < 0 ? 'red' : 'dimmed'}>
                {p.left < 0 ? `${-p.left} over` : `${p.left} left`} of {spoons(p.capacity)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

/** Do this task for them: theirs is cancelled with a note, ours is created, their spoons come back. */
function GiveSpoonButton({ ask }: { ask: CapacityAsk }) {
  const give = useGiveSpoon();
  return (
    <Tooltip label="Do it for them: their task is cancelled with a note, ours is created, and the spoons come back">
      <Button
        size="compact-xs"
        variant="subtle"
        color="teal"
        loading={give.isPending}
        aria-label={`Give a spoon: do “${ask.label}” for them`}
        onClick={() => give.mutate(ask.id, { onSuccess: (r) => notifySuccess(`Our task now: ${r.task.title}`, 'A spoon given'), onError: (e) => notifyError(e, 'Could not give the spoon') })}
      >
        Do it
      </Button>
    </Tooltip>
  );
}

function EditCapacityModal({ accountId, capacity: c, opened, onClose }: { accountId: string; capacity: Capacity; opened: boolean; onClose: () => void }) {
  const save = useSaveCapacity(accountId);
  const [value, setValue] = useState<number | string>(c.isDefault ? '' : c.base);
  const [note, setNote] = useState(c.note ?? '');
  const [contacts, setContacts] = useState<Record<string, number | string>>(Object.fromEntries(c.contacts.map((p) => [p.contactId, p.capacity])));
  // Contacts given their own capacity in this edit, beside those that have one already.
  const [added, setAdded] = useState<{ contactId: string; name: string }[]>([]);
  const choices = useContactChoices(accountId);
  const rows = [...c.contacts.map((p) => ({ contactId: p.contactId, name: p.name })), ...added];
  const addable = (choices.data ?? []).filter((x) => !rows.some((r) => r.contactId === x.id)).map((x) => ({ value: x.id, label: x.name ?? x.email ?? 'Contact' }));
  const fields = save.error instanceof ApiError ? save.error.fieldMap() : {};
  const bad = (v: number | string) => spoonsError(v) !== undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (bad(value) || Object.values(contacts).some(bad)) return;
    save.mutate(
      {
        spoons: value === '' ? null : Number(value),
        note: note.trim() || null,
        ...(rows.length > 0
          ? { contacts: rows.map((p) => ({ contactId: p.contactId, spoons: (contacts[p.contactId] ?? '') === '' ? null : Number(contacts[p.contactId]) })) }
          : {}),
      },
      {
        onSuccess: () => {
          notifySuccess('Capacity saved');
          onClose();
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Edit capacity" centered>
      <form onSubmit={submit} noValidate aria-label="Edit capacity">
        <Stack gap="sm">
          <FormError error={save.error} shownFields={['spoons', 'note']} />
          <NumberInput
            label={`Spoons per ${c.period.kind ?? 'period'}`}
            description="Empty: the default for every account. It is lowered automatically after low confidence or sustain talk."
            placeholder="The default"
            min={0}
            max={100}
            clampBehavior="none"
            allowDecimal={false}
            value={value}
            onChange={setValue}
            error={fields.spoons ?? spoonsError(value)}
          />
          <Textarea label="Why" placeholder="Quarter-end close: they asked for a quiet month" autosize minRows={1} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={fields.note} />
          {rows.map((p) => (
            <NumberInput
              key={p.contactId}
              label={`${p.name}'s own spoons`}
              placeholder="None (only the account's count)"
              min={0}
              max={100}
              clampBehavior="none"
              allowDecimal={false}
              value={contacts[p.contactId] ?? ''}
              onChange={(v) => setContacts((m) => ({ ...m, [p.contactId]: v }))}
              error={spoonsError(contacts[p.contactId] ?? '')}
            />
          ))}
          {addable.length > 0 && (
            <Select
              label="Give a contact their own capacity"
              description="Asks of that contact then count against it as well as the account's"
              placeholder="A contact"
              data={addable}
              value={null}
              onChange={(id) => {
                const pick = addable.find((x) => x.value === id);
                if (pick) setAdded((list) => [...list, { contactId: pick.value, name: pick.label }]);
              }}
              searchable
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
