import { Button, Group, Modal, NumberInput, Stack, Text, Textarea } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { useSetOverride } from '../api/health';
import { overrideInput } from '../api/schemas';
import { schemaErrors } from '../components/schemaErrors';
import { FormError, notifySuccess } from '../components/feedback';
import { BandBadge } from '../components/HealthBadge';
import { bandOf } from '../components/health';

interface Props {
  accountId: string;
  opened: boolean;
  computed: number | null;
  onClose: () => void;
}

export function OverrideModal({ accountId, opened, computed, onClose }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="Override health" centered>
      {opened && <OverrideForm accountId={accountId} computed={computed} onClose={onClose} />}
    </Modal>
  );
}

function OverrideForm({ accountId, computed, onClose }: Omit<Props, 'opened'>) {
  const [score, setScore] = useState<number | string>(computed ?? '');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState<string | null>(dayjs().add(30, 'day').format('YYYY-MM-DD'));
  const save = useSetOverride(accountId);
  const fields = save.error instanceof ApiError ? save.error.fieldMap() : {};
  const n = score === '' ? Number.NaN : Number(score);
  // The API's schema, checked as the person types: a score out of 0–100 says so, it is never clamped.
  const problems = schemaErrors(overrideInput, { score: Number.isFinite(n) ? n : undefined, reason, expiresAt: expires ? dayjs(expires).endOf('day').toISOString() : undefined });
  const valid = Object.keys(problems).length === 0 && !!expires;
  const shown = (k: 'score' | 'reason' | 'expiresAt', touched: boolean) => fields[k] ?? (touched ? problems[k] : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid || !expires) return;
    save.mutate(
      { score: n, reason: reason.trim(), expiresAt: dayjs(expires).endOf('day').toISOString() },
      {
        onSuccess: () => {
          notifySuccess('Health override saved');
          onClose();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Until its expiry date (or until you clear it) the override is the account’s health everywhere: the portfolio, the
          Health dashboard, rules and the call advice use it, with the computed score shown beside it. It says what you know
          that the drivers do not see.
        </Text>
        <FormError error={save.error} shownFields={['score', 'reason', 'expiresAt']} />
        <Group align="flex-end" gap="sm">
          <NumberInput
            label="Score"
            description={computed === null ? 'No computed score' : `Computed: ${computed}`}
            min={0}
            max={100}
            allowDecimal={false}
            clampBehavior="none"
            value={score}
            onChange={setScore}
            error={shown('score', score !== '')}
            w={160}
            data-autofocus
          />
          {Number.isInteger(n) && n >= 0 && n <= 100 && <BandBadge band={bandOf(n)} size="lg" />}
        </Group>
        <Textarea
          label="Reason"
          required
          placeholder="e.g. The champion confirmed the renewal on the QBR call; usage is low because of a migration."
          autosize
          minRows={3}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={shown('reason', reason.length > 0)}
        />
        <DateInput
          label="Expires"
          valueFormat="YYYY-MM-DD"
          minDate={dayjs().add(1, 'day').format('YYYY-MM-DD')}
          value={expires}
          onChange={setExpires}
          error={shown('expiresAt', true)}
          w={200}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!valid}>
            Save override
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
