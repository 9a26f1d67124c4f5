import { Button, Card, Group, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { useNotificationPrefs, useSaveNotificationPrefs, type NotificationPrefs } from '../api/notifications';
import { FormError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';

/** The signed-in user's channels: in-app, e-mail, Slack (own incoming webhook) and the daily digest. */
export default function NotificationSettingsPage() {
  const prefs = useNotificationPrefs();
  return (
    <Stack gap="md" maw={720}>
      <div>
        <Title order={2}>Notification settings</Title>
        <Text c="dimmed" size="sm">
          Where Canopy tells you about tasks assigned to you, rules that fire, escalations and your daily digest.
        </Text>
      </div>
      {prefs.isError && <QueryError error={prefs.error} onRetry={() => void prefs.refetch()} />}
      <Card>{prefs.isPending ? <TableSkeleton rows={5} /> : prefs.data && <PrefsForm initial={prefs.data} />}</Card>
    </Stack>
  );
}

function PrefsForm({ initial }: { initial: NotificationPrefs }) {
  const [value, setValue] = useState<NotificationPrefs>(initial);
  const save = useSaveNotificationPrefs();
  const fields = save.error instanceof ApiError ? save.error.fieldMap() : {};
  const set = <K extends keyof NotificationPrefs>(k: K, v: NotificationPrefs[K]) => setValue((p) => ({ ...p, [k]: v }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const url = value.slackWebhookUrl?.trim() || null;
    save.mutate({ ...value, slackWebhookUrl: url }, { onSuccess: () => notifySuccess('Notification settings saved') });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <FormError error={save.error} shownFields={['slackWebhookUrl']} />
        <Switch label="In the app" description="The bell in the header" checked={value.inApp} onChange={(e) => set('inApp', e.currentTarget.checked)} />
        <Switch label="By e-mail" description="To your sign-in address" checked={value.email} onChange={(e) => set('email', e.currentTarget.checked)} />
        <Switch
          label="In Slack"
          description="Through a Slack incoming webhook of your own (Slack → Apps → Incoming WebHooks)"
          checked={value.slack}
          onChange={(e) => set('slack', e.currentTarget.checked)}
        />
        {value.slack && (
          <TextInput
            label="Slack incoming-webhook URL"
            placeholder="https://hooks.slack.com/services/…"
            value={value.slackWebhookUrl ?? ''}
            onChange={(e) => set('slackWebhookUrl', e.currentTarget.value)}
            error={fields.slackWebhookUrl}
            required
          />
        )}
        <Switch
          label="Daily digest"
          description="Every morning (07:00 UTC): the accounts that need a call today and why, and overdue tasks. Sent only when there is something."
          checked={value.digest}
          onChange={(e) => set('digest', e.currentTarget.checked)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
