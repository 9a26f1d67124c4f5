import { ActionIcon, Badge, Button, Card, Group, ScrollArea, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { can, useMe } from '../api/auth';
import { categoryLabel, TALK_CATEGORIES, type TalkCategory, type TalkPolarity, useAddPhrase, useCorrections, useDeletePhrase, usePhrases } from '../api/changeTalk';
import { ApiError } from '../api/client';
import { FormError, notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { formatDay } from '../components/format';
import { Icon } from '../components/icons';
import { LABEL_COLOR, LABEL_WORDS } from './TalkText';

/** The phrases admins added to the lexicon; admins add and remove them. */
export function PhrasesCard() {
  const me = useMe();
  const admin = can.admin(me);
  const phrases = usePhrases();
  const add = useAddPhrase();
  const remove = useDeletePhrase();
  const [phrase, setPhrase] = useState('');
  const [polarity, setPolarity] = useState<TalkPolarity>('change');
  const [category, setCategory] = useState<TalkCategory>('desire');
  const fields = add.error instanceof ApiError ? add.error.fieldMap() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (phrase.trim().length < 2) return;
    add.mutate(
      { phrase: phrase.trim(), polarity, category },
      {
        onSuccess: () => {
          notifySuccess(`Phrase added: “${phrase.trim()}”`);
          setPhrase('');
        },
      },
    );
  };
  const items = phrases.data?.items ?? [];
  return (
    <Card padding="lg" h="100%" data-testid="talk-phrases">
      <Title order={4}>Phrases added</Title>
      <Text size="xs" c="dimmed" mb="xs">
        Matched case-insensitively on word boundaries, on top of the built-in lexicon{phrases.data?.version ? ` (now ${phrases.data.version})` : ''}.
        {admin ? '' : ' Admins add and remove them.'}
      </Text>
      {admin && (
        <form onSubmit={submit} aria-label="Add a phrase" noValidate>
          <Stack gap="xs" mb="sm">
            <FormError error={add.error} shownFields={['phrase', 'polarity', 'category']} />
            <Group gap="xs" align="flex-end" wrap="wrap">
              <TextInput label="Phrase" placeholder="swamped" value={phrase} onChange={(e) => setPhrase(e.currentTarget.value)} error={fields.phrase} style={{ flex: 1, minWidth: 160 }} />
              <Select label="Talk" w={120} data={[{ value: 'change', label: 'Change' }, { value: 'sustain', label: 'Sustain' }]} value={polarity} onChange={(v) => v && setPolarity(v as TalkPolarity)} allowDeselect={false} />
              <Select label="Category" w={150} data={TALK_CATEGORIES.map((c) => ({ value: c, label: categoryLabel[c] }))} value={category} onChange={(v) => v && setCategory(v as TalkCategory)} allowDeselect={false} />
              <Button type="submit" loading={add.isPending} disabled={phrase.trim().length < 2}>
                Add
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {phrases.isPending && <TableSkeleton rows={3} />}
      {phrases.isError && <QueryError error={phrases.error} onRetry={() => void phrases.refetch()} />}
      {phrases.data && items.length === 0 && (
        <Text size="sm" c="dimmed">
          No phrase added yet. When the classifier misses how your customers talk (“slammed”, “on our roadmap”), {admin ? 'add the phrase here' : 'ask an admin to add it'}.
        </Text>
      )}
      {items.length > 0 && (
        <ScrollArea.Autosize mah={360}>
          <Table fz="sm" verticalSpacing={4} aria-label="Phrases added">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Phrase</Table.Th>
                <Table.Th>Talk</Table.Th>
                <Table.Th>Category</Table.Th>
                <Table.Th>Added</Table.Th>
                {admin && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>{p.phrase}</Table.Td>
                  <Table.Td>
                    <Badge size="xs" variant="light" color={LABEL_COLOR[p.polarity]}>
                      {p.polarity}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{categoryLabel[p.category]}</Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {formatDay(p.createdAt)}
                      {p.createdBy ? ` · ${p.createdBy.name}` : ''}
                    </Text>
                  </Table.Td>
                  {admin && (
                    <Table.Td>
                      <Tooltip label="Remove">
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          size="sm"
                          aria-label={`Remove “${p.phrase}”`}
                          loading={remove.isPending && remove.variables === p.id}
                          onClick={() => remove.mutate(p.id, { onError: (e) => notifyError(e, 'Could not remove the phrase') })}
                        >
                          <Icon name="trash" size={14} />
                        </ActionIcon>
                      </Tooltip>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Card>
  );
}

/** People's corrections, newest first: what the classifier said and what the person said. */
export function CorrectionsCard() {
  const list = useCorrections(50);
  const items = list.data ?? [];
  return (
    <Card padding="lg" h="100%" data-testid="talk-corrections">
      <Title order={4}>Recent corrections</Title>
      <Text size="xs" c="dimmed" mb="xs">
        Every correction is kept: the newest one for a text is what the app shows for it, and all become test cases.
      </Text>
      {list.isPending && <TableSkeleton rows={3} />}
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && items.length === 0 && (
        <Text size="sm" c="dimmed">
          No correction yet. Where a customer’s words are highlighted (check-ins, notes, survey comments), a CSM can correct the label with the ✎ beside it.
        </Text>
      )}
      {items.length > 0 && (
        <ScrollArea.Autosize mah={360}>
          <Table fz="sm" verticalSpacing={4} aria-label="Recent corrections">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Text</Table.Th>
                <Table.Th>Was</Table.Th>
                <Table.Th>Now</Table.Th>
                <Table.Th>By</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Text size="xs" lineClamp={3}>
                      {c.text}
                    </Text>
                    {c.note && (
                      <Text size="xs" c="dimmed">
                        {c.note}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge size="xs" variant="outline" color={LABEL_COLOR[c.predicted]}>
                      {LABEL_WORDS[c.predicted]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Badge size="xs" variant="light" color={LABEL_COLOR[c.label]}>
                      {LABEL_WORDS[c.label]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {c.createdBy?.name ?? '—'} · {formatDay(c.createdAt)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Card>
  );
}
