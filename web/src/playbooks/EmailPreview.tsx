import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { usePreviewEmail } from '../api/outbox';
import { FormError } from '../components/feedback';
import { AccountPicker } from '../inbox/AccountPicker';
import type { StepDraft } from './playbookForm';

/** An e-mail step as the chosen account's contact would get it (rendered by the server, as it sends). */
export function EmailPreviewPanel({ step }: { step: StepDraft }) {
  const [accountId, setAccountId] = useState<string | null>(null);
  const preview = usePreviewEmail();
  const show = () => accountId && preview.mutate({ accountId, step: { to: step.to, subject: step.subject, body: step.body } });
  const p = preview.data;
  return (
    <Paper withBorder p="sm" bg="var(--mantine-color-gray-0)">
      <Stack gap="xs">
        <Group align="flex-end" gap="xs">
          <div style={{ flex: 1 }}>
            <AccountPicker value={accountId} onChange={setAccountId} label="Preview for account" />
          </div>
          <Button variant="light" onClick={show} disabled={!accountId || !step.subject.trim() || !step.body.trim()} loading={preview.isPending}>
            Preview
          </Button>
        </Group>
        <FormError error={preview.error} />
        {p && (
          <Stack gap={4} aria-label="E-mail preview">
            {p.note && <Alert color="yellow" variant="light">{p.note}</Alert>}
            <Text size="sm">To: <b>{p.to ? (p.to.name ? `${p.to.name} <${p.to.email}>` : p.to.email) : 'nobody'}</b></Text>
            <Text size="sm">Subject: <b>{p.subject}</b></Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{p.body}</Text>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
