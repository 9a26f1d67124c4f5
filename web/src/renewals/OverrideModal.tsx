import { Button, Group, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { CATEGORIES, type Category, type Renewal, useClearOverride, useOverrideRenewal } from '../api/renewals';
import { FormError, notifyError, notifySuccess } from '../components/feedback';
import { formatDay, percentOf } from '../components/format';
import { CATEGORY_META } from './logic';

/** A manager's category for one renewal, with the reason (required); or back to the computed one. */
export function OverrideModal({ renewal, onClose }: { renewal: Renewal; onClose: () => void }) {
  const save = useOverrideRenewal();
  const clear = useClearOverride();
  const [category, setCategory] = useState<Category>(renewal.override?.category ?? renewal.category);
  const [reason, setReason] = useState(renewal.override?.reason ?? '');
  const [tried, setTried] = useState(false);
  const fields = save.error instanceof ApiError ? save.error.fieldMap() : {};
  const reasonError = (tried && !reason.trim() ? 'Say why, so the forecast can be defended' : null) ?? fields.reason;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!reason.trim()) return;
    save.mutate(
      { accountId: renewal.account.id, renewalDate: renewal.renewalDate, category, reason: reason.trim() },
      {
        onSuccess: () => {
          notifySuccess(`${renewal.account.name}: ${CATEGORY_META[category].label}`);
          onClose();
        },
      },
    );
  };
  const reset = () =>
    clear.mutate(
      { accountId: renewal.account.id, renewalDate: renewal.renewalDate },
      {
        onSuccess: () => {
          notifySuccess(`${renewal.account.name}: back to ${CATEGORY_META[renewal.suggested].label}`);
          onClose();
        },
        onError: (err) => notifyError(err, 'Could not remove the override'),
      },
    );

  return (
    <Modal opened onClose={onClose} title={`Category: ${renewal.account.name}`} centered>
      <form onSubmit={submit} aria-label="Override the category" noValidate>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            Renews {formatDay(renewal.renewalDate)}. Computed: {CATEGORY_META[renewal.suggested].label} (renewal probability {percentOf(renewal.probability)},{' '}
            {CATEGORY_META[renewal.suggested].rule}).
          </Text>
          <SegmentedControl
            aria-label="Category"
            fullWidth
            value={category}
            onChange={(v) => setCategory(v as Category)}
            data={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_META[c].label }))}
          />
          <Textarea label="Reason" placeholder="What you know that the signals do not" autosize minRows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={reasonError} required />
          <FormError error={save.error} shownFields={['reason', 'category']} />
          <Group justify="space-between">
            {renewal.override ? (
              <Button variant="subtle" color="gray" onClick={reset} loading={clear.isPending}>
                Use the computed category
              </Button>
            ) : (
              <span />
            )}
            <Group gap="xs">
              <Button variant="default" onClick={onClose} disabled={save.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending}>
                Save category
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
