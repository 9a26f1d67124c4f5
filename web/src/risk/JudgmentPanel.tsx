import { Badge, Button, Card, Group, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { JUDGMENT_LEVELS, type RiskLevel, useSetJudgment } from '../api/risk';
import { FormError, notifySuccess } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';
import { LEVEL_META } from './logic';
import type { Judgment } from './schemas';

type JudgmentLevel = (typeof JUDGMENT_LEVELS)[number];

/** The CSM's own read of the account: shown beside the model's score, never averaged into it. */
export function JudgmentPanel({ accountId, judgment, modelLevel, canEdit }: { accountId: string; judgment: Judgment | null; modelLevel: RiskLevel; canEdit: boolean }) {
  const save = useSetJudgment(accountId);
  const [editing, setEditing] = useState(false);
  const [level, setLevel] = useState<JudgmentLevel>(judgment && judgment.level !== 'critical' ? judgment.level : 'medium');
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const fields = save.error instanceof ApiError ? save.error.fieldMap() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!note.trim()) return;
    save.mutate(
      { level, note: note.trim() },
      {
        onSuccess: () => {
          notifySuccess('Your judgment is recorded beside the model');
          setEditing(false);
          setNote('');
          setTried(false);
        },
      },
    );
  };
  const differs = judgment && judgment.level !== modelLevel;
  return (
    <Card withBorder padding="sm" radius="md" data-testid="risk-judgment" h="100%">
      <Text size="xs" fw={700} c="dimmed" tt="uppercase">
        CSM judgment
      </Text>
      {judgment ? (
        <Stack gap={4} mt={4}>
          <Group gap="xs">
            <Badge variant="outline" color={LEVEL_META[judgment.level].color} radius="sm" tt="none" size="lg" data-testid="judgment-level" data-level={judgment.level}>
              {LEVEL_META[judgment.level].label}
            </Badge>
            {differs && (
              <Text size="xs" c="orange.8">
                differs from the model ({LEVEL_META[modelLevel].label})
              </Text>
            )}
          </Group>
          <Text size="sm" data-testid="judgment-note">
            {judgment.note}
          </Text>
          <Text size="xs" c="dimmed" title={formatDateTime(judgment.at)}>
            {judgment.by?.name ?? 'Someone'}, {relative(judgment.at)}
          </Text>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed" mt={4}>
          No judgment yet. {canEdit ? 'If you know something the signals do not, say so here: it stays beside the score, never mixed in.' : ''}
        </Text>
      )}
      {canEdit && !editing && (
        <Button size="xs" variant="light" mt="xs" onClick={() => setEditing(true)}>
          {judgment ? 'Update judgment' : 'Give your judgment'}
        </Button>
      )}
      {canEdit && editing && (
        <form onSubmit={submit} aria-label="Your judgment" noValidate>
          <Stack gap="xs" mt="xs">
            <FormError error={save.error} shownFields={['level', 'note']} />
            <SegmentedControl
              aria-label="Your level"
              size="xs"
              value={level}
              onChange={(v) => setLevel(v as JudgmentLevel)}
              data={JUDGMENT_LEVELS.map((l) => ({ value: l, label: LEVEL_META[l].label }))}
            />
            <Textarea
              label="Why"
              placeholder="What you know that the signals do not"
              autosize
              minRows={2}
              maxLength={5000}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              error={fields.note ?? (tried && !note.trim() ? 'Say why, in a sentence' : undefined)}
            />
            <Group justify="flex-end" gap="xs">
              <Button size="xs" variant="default" onClick={() => setEditing(false)}>
                Cancel
              </Button>
              <Button size="xs" type="submit" loading={save.isPending}>
                Save judgment
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Card>
  );
}
