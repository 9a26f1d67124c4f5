import { Button, Card, Group, Radio, Stack, TagsInput, Text, Textarea, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { COULD_HAVE_SEEN, type CouldHaveSeen, type Review, usePatchReview } from '../api/reviews';
import { FormError, notifyError, notifySuccess } from '../components/feedback';
import { formatDateTime } from '../components/format';
import { cleanTags } from './logic';

const SUGGESTED_CAUSES = [
  'budget cut',
  'champion left',
  'executive sponsor lost',
  'low adoption',
  'failed integration',
  'product gap',
  'support experience',
  'competitor',
  'price',
  'acquired or merged',
  'domain or certificate lapse',
  'procurement stall',
];

const SEEN_LABEL: Record<CouldHaveSeen, string> = {
  yes: 'Yes: the signs were there',
  partly: 'Partly: some signs, not the whole picture',
  no: 'No: nothing we knew pointed at it',
};

/** The team's answer: root causes, whether it could have been seen, the conclusion; Save, or Conclude review. */
export function ReviewForm({ review, canEdit }: { review: Review; canEdit: boolean }) {
  const patch = usePatchReview(review.id);
  const [causes, setCauses] = useState<string[]>(review.rootCauses);
  const [seen, setSeen] = useState<CouldHaveSeen | null>(review.couldHaveSeen);
  const [conclusion, setConclusion] = useState(review.conclusion ?? '');
  const [concluding, setConcluding] = useState(false);
  const concluded = review.status === 'concluded';
  const fields = patch.error instanceof ApiError ? patch.error.fieldMap() : {};
  const missing = concluding && (causes.length === 0 || !seen || !conclusion.trim());

  const send = (status?: 'open' | 'concluded') =>
    patch.mutate(
      { rootCauses: cleanTags(causes), couldHaveSeen: seen, conclusion: conclusion.trim() || null, ...(status ? { status } : {}) },
      {
        onSuccess: () => notifySuccess(status === 'concluded' ? 'Review concluded' : status === 'open' ? 'Review reopened' : 'Review saved'),
        onError: (err) => notifyError(err, 'Could not save the review'),
      },
    );
  const save = (e: FormEvent) => {
    e.preventDefault();
    send();
  };
  const conclude = () => {
    setConcluding(true);
    if (causes.length === 0 || !seen || !conclusion.trim()) return;
    send('concluded');
  };

  return (
    <Card padding="lg" data-testid="review-form">
      <Title order={4}>Why we lost it</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {concluded
          ? `Concluded${review.concludedBy ? ` by ${review.concludedBy.name}` : ''}${review.concludedAt ? ` on ${formatDateTime(review.concludedAt)}` : ''}.`
          : 'Written by the team: common sense over boxes. Concluding needs root causes, an answer to "could we have seen it?" and a conclusion.'}
      </Text>
      <form onSubmit={save} aria-label="Review conclusion">
        <Stack gap="sm">
          <TagsInput
            label="Root causes"
            placeholder={canEdit ? 'Type a cause and press Enter' : undefined}
            data={SUGGESTED_CAUSES}
            value={causes}
            onChange={(v) => setCauses(cleanTags(v))}
            readOnly={!canEdit}
            clearable={canEdit}
            maxTags={20}
            error={fields.rootCauses ?? (concluding && causes.length === 0 ? 'At least one root cause' : undefined)}
            comboboxProps={{ withinPortal: true }}
          />
          <Radio.Group
            label="Could we have seen it?"
            value={seen}
            onChange={(v) => canEdit && setSeen(v as CouldHaveSeen)}
            error={fields.couldHaveSeen ?? (concluding && !seen ? 'Pick one' : undefined)}
          >
            <Stack gap={6} mt={4}>
              {COULD_HAVE_SEEN.map((c) => (
                <Radio key={c} value={c} label={SEEN_LABEL[c]} disabled={!canEdit} />
              ))}
            </Stack>
          </Radio.Group>
          <Textarea
            label="Conclusion"
            placeholder="What happened, what we would do differently, and which failure mode needs a playbook"
            autosize
            minRows={3}
            maxRows={12}
            maxLength={20000}
            value={conclusion}
            onChange={(e) => setConclusion(e.currentTarget.value)}
            readOnly={!canEdit}
            error={fields.conclusion ?? (concluding && !conclusion.trim() ? 'A few sentences the next team can learn from' : undefined)}
          />
          <FormError error={patch.error} shownFields={['rootCauses', 'couldHaveSeen', 'conclusion']} />
          {missing && (
            <Text size="sm" c="red.8" role="alert">
              Fill in the highlighted fields to conclude.
            </Text>
          )}
          {canEdit ? (
            <Group justify="flex-end" gap="xs">
              <Button type="submit" variant="default" loading={patch.isPending && !patch.variables?.status}>
                Save
              </Button>
              {concluded ? (
                <Button variant="light" color="orange" onClick={() => send('open')} loading={patch.isPending && patch.variables?.status === 'open'}>
                  Reopen
                </Button>
              ) : (
                <Button color="teal" onClick={conclude} loading={patch.isPending && patch.variables?.status === 'concluded'}>
                  Conclude review
                </Button>
              )}
            </Group>
          ) : (
            <Text size="xs" c="dimmed">
              Managers and admins write reviews; everyone may read them.
            </Text>
          )}
        </Stack>
      </form>
    </Card>
  );
}
