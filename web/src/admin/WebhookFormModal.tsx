import { Button, Checkbox, Code, Group, Modal, NumberInput, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { webhookCreate, webhookPatch } from '../api/schemas';
import { useCreateWebhook, useUpdateWebhook, type Webhook, type WebhookInput } from '../api/webhooks';
import { FormError, notifySuccess } from '../components/feedback';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';
import { SecretModal } from '../components/SecretModal';

interface Props {
  opened: boolean;
  /** null: create a new webhook. */
  webhook: Webhook | null;
  eventTypes: string[];
  onClose: () => void;
}

/** Create or edit a webhook; on create, the signing secret is shown once. */
export function WebhookFormModal({ opened, webhook, eventTypes, onClose }: Props) {
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  return (
    <>
      <Modal opened={opened} onClose={onClose} title={webhook ? `Edit “${webhook.name}”` : 'Create webhook'} centered size="lg">
        {opened && (
          <WebhookForm
            webhook={webhook}
            eventTypes={eventTypes}
            onClose={onClose}
            onCreated={(r) => {
              onClose();
              setCreated(r);
            }}
          />
        )}
      </Modal>
      <SignSecretModal secret={created?.secret ?? null} title={`Webhook “${created?.name ?? ''}” created`} onClose={() => setCreated(null)} />
    </>
  );
}

export function SignSecretModal({ secret, title, onClose }: { secret: string | null; title: string; onClose: () => void }) {
  return (
    <SecretModal opened={secret !== null} title={title} label="Signing secret" secret={secret ?? ''} onClose={onClose}>
      <Text size="sm">
        Each delivery carries <Code>canopy-signature: t=…,v1=…</Code>: the hex HMAC-SHA256 of <Code>{'<t>.<raw body>'}</Code> with this
        secret. Verify it on the raw body and refuse old timestamps.
      </Text>
    </SecretModal>
  );
}

function WebhookForm({ webhook, eventTypes, onClose, onCreated }: {
  webhook: Webhook | null; eventTypes: string[]; onClose: () => void; onCreated: (r: { name: string; secret: string }) => void;
}) {
  // maxAttempts as typed (a number, or '' when cleared): the schema says what is wrong, nothing is clamped.
  const [value, setValue] = useState<Omit<WebhookInput, 'maxAttempts'> & { maxAttempts: number | string }>(
    webhook
      ? { name: webhook.name, url: webhook.url, events: webhook.events, enabled: webhook.enabled, maxAttempts: webhook.maxAttempts }
      : { name: '', url: 'https://', events: [], enabled: true, maxAttempts: 6 },
  );
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const error = webhook ? update.error : create.error;
  const set = <K extends keyof typeof value>(k: K, v: (typeof value)[K]) => setValue((p) => ({ ...p, [k]: v }));
  const input = {
    ...value,
    name: value.name.trim(),
    url: value.url.trim(),
    maxAttempts: value.maxAttempts === '' ? undefined : Number(value.maxAttempts),
  } as WebhookInput;
  const { fields, validate } = useSchemaCheck(() => schemaErrors(webhook ? webhookPatch : webhookCreate, input), error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    if (webhook) {
      update.mutate({ id: webhook.id, patch: input }, { onSuccess: () => { notifySuccess('Webhook saved'); onClose(); } });
    } else {
      create.mutate(input, { onSuccess: (r) => onCreated({ name: r.webhook.name, secret: r.secret }) });
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError error={error} shownFields={['name', 'url', 'events', 'maxAttempts']} />
        <TextInput label="Name" required value={value.name} onChange={(e) => set('name', e.currentTarget.value)} error={fields.name} data-autofocus />
        <TextInput
          label="URL"
          description="http(s) only. Internal addresses are refused unless they are on the outbound allow-list."
          required
          value={value.url}
          onChange={(e) => set('url', e.currentTarget.value)}
          error={fields.url}
        />
        <Checkbox.Group label="Events" withAsterisk value={value.events} onChange={(v) => set('events', v)} error={fields.events}>
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={6} mt={6}>
            {eventTypes.map((t) => (
              <Checkbox key={t} value={t} label={<Code>{t}</Code>} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        <Group grow align="flex-start">
          <NumberInput
            label="Attempts before dead"
            description="Retries back off from 30 s up to 6 h"
            min={1}
            max={20}
            allowDecimal={false}
            clampBehavior="none"
            value={value.maxAttempts}
            onChange={(v) => set('maxAttempts', v)}
            error={fields.maxAttempts}
          />
          <Switch mt={30} label="Enabled" checked={value.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
        </Group>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending || update.isPending} disabled={!value.name.trim() || value.events.length === 0}>
            {webhook ? 'Save' : 'Create webhook'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
