import { Alert, Badge, Button, Card, Checkbox, CopyButton, Divider, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { type ShareLink, type SuccessPlan, useCreateShare, useRevokeShare, useShareState } from '../api/plans';
import { ConfirmModal } from '../components/ConfirmModal';
import { FormError, notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { daysUntil, formatDateTime, formatDay, plural, relative } from '../components/format';
import { Icon } from '../components/icons';
import { addDays, today } from './formBits';

/** A user agent in words: "Chrome on Windows" rather than the raw header. */
function browserOf(ua: string | null): string {
  if (!ua) return 'Unknown browser';
  const b = /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : 'A browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Linux/.test(ua) ? 'Linux' : null;
  return os ? `${b} on ${os}` : b;
}

const absolute = (url: string) => (/^https?:/.test(url) ? url : `${window.location.origin}${url.startsWith('/') ? '' : '/'}${url}`);

/** The plan's link for the customer: create, copy once, revoke; who opened it and what they said. */
export function SharePanel({ plan }: { plan: SuccessPlan }) {
  const state = useShareState(plan.id);
  const create = useCreateShare(plan.id);
  const revoke = useRevokeShare(plan.id);
  const [created, setCreated] = useState<ShareLink | null>(null);
  const [expiresAt, setExpiresAt] = useState<string | null>(null);
  const [allow, setAllow] = useState(false);
  const [revoking, rev] = useDisclosure(false);
  const [replacing, repl] = useDisclosure(false);
  const fields = create.error instanceof ApiError ? create.error.fieldMap() : {};
  const link = state.data?.link && !state.data.link.revokedAt ? state.data.link : null;
  const expired = (daysUntil(link?.expiresAt) ?? 0) < 0;
  const goals = new Map(plan.goals.map((g) => [g.id, g.statement]));

  const doCreate = () =>
    create.mutate(
      { ...(expiresAt ? { expiresAt: new Date(`${expiresAt}T23:59:59`).toISOString() } : {}), allowCustomerUpdates: allow },
      {
        onSuccess: (l) => {
          setCreated(l);
          repl.close();
          notifySuccess('Link created: copy it now');
        },
        onError: () => repl.close(),
      },
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (link) repl.open();
    else doCreate();
  };
  const doRevoke = () =>
    revoke.mutate(undefined, {
      onSuccess: () => {
        setCreated(null);
        rev.close();
        notifySuccess('Link revoked: it now answers “not found”');
      },
      onError: (err) => notifyError(err, 'Could not revoke the link'),
    });

  return (
    <Card padding="lg" data-testid="share-panel">
      <Title order={4}>Share with the customer</Title>
      <Text size="sm" c="dimmed" mb="sm">
        A read-only page of the goals, criteria, milestones and both sides’ tasks. Never health, risk, ARR or internal notes;
        hidden items stay hidden.
      </Text>
      {state.isPending && <TableSkeleton rows={2} />}
      {state.isError && <QueryError error={state.error} onRetry={() => void state.refetch()} />}
      {state.data && (
        <Stack gap="sm">
          {created && (
            <Alert color="teal" variant="light" title="The customer’s link" data-testid="share-url">
              <Stack gap={6}>
                <Group gap="xs" wrap="nowrap">
                  <TextInput readOnly value={absolute(created.url)} aria-label="Share link" style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
                  <CopyButton value={absolute(created.url)} timeout={2000}>
                    {({ copied, copy }) => (
                      <Button color={copied ? 'teal' : undefined} onClick={copy} w={86}>
                        {copied ? 'Copied' : 'Copy'}
                      </Button>
                    )}
                  </CopyButton>
                </Group>
                <Text size="xs">Shown only now: Canopy keeps a fingerprint of it, not the link. Lost it? Create a new one (it replaces this one).</Text>
              </Stack>
            </Alert>
          )}
          {link ? (
            <Stack gap={6} align="flex-start" data-testid="share-status">
              <div>
                <Group gap={6}>
                  <Badge color={expired ? 'gray' : 'teal'} variant="light">
                    {expired ? 'Expired' : 'Shared'}
                  </Badge>
                  <Text size="sm">
                    {plural(state.data.viewCount, 'view')}
                    {state.data.lastViewedAt ? ` · last viewed ${relative(state.data.lastViewedAt)}` : ' · not opened yet'}
                  </Text>
                </Group>
                <Text size="xs" c="dimmed" mt={2}>
                  Created {formatDay(link.createdAt)}
                  {link.expiresAt ? ` · ${expired ? 'expired' : 'expires'} ${formatDay(link.expiresAt)}` : ' · no expiry'}
                  {link.allowCustomerUpdates ? ' · the customer may tick their tasks and comment' : ' · read only'}
                </Text>
              </div>
              {plan.canEdit && (
                <Button size="xs" color="red" variant="light" onClick={rev.open}>
                  Revoke link
                </Button>
              )}
            </Stack>
          ) : (
            <Text size="sm" c="dimmed" data-testid="share-status">
              {state.data.link?.revokedAt ? `Not shared: the last link was revoked ${relative(state.data.link.revokedAt)}.` : 'Not shared yet.'}
            </Text>
          )}
          {plan.canEdit && (
            <form onSubmit={submit} noValidate aria-label="Create a share link">
              <Stack gap="xs">
                <FormError error={create.error} shownFields={['expiresAt', 'allowCustomerUpdates']} />
                <DateInput
                  label="Expires"
                  description="Optional; without a date the link lasts until revoked"
                  valueFormat="YYYY-MM-DD"
                  placeholder="Never"
                  minDate={addDays(today(), 1)}
                  value={expiresAt}
                  onChange={setExpiresAt}
                  clearable
                  error={fields.expiresAt}
                />
                <Checkbox
                  label="Let the customer tick their tasks and comment"
                  checked={allow}
                  onChange={(e) => setAllow(e.currentTarget.checked)}
                />
                <Group>
                  <Button type="submit" size="xs" leftSection={<Icon name="external" size={14} />} loading={create.isPending}>
                    {link ? 'Create a new link' : 'Create link'}
                  </Button>
                </Group>
              </Stack>
            </form>
          )}
          <Divider label="Views" labelPosition="left" />
          {state.data.views.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nobody has opened it yet. Send the link after a call, while the plan is fresh.
            </Text>
          ) : (
            <Table fz="xs" verticalSpacing={4} aria-label="Views of the shared plan">
              <Table.Tbody>
                {state.data.views.slice(0, 10).map((v, i) => (
                  <Table.Tr key={`${v.at}-${i}`}>
                    <Table.Td>{formatDateTime(v.at)}</Table.Td>
                    <Table.Td c="dimmed">{browserOf(v.userAgent)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Divider label="Customer comments" labelPosition="left" />
          {state.data.comments.length === 0 ? (
            <Text size="sm" c="dimmed">
              No comments. {link?.allowCustomerUpdates ? 'The customer can leave one on the shared page.' : 'Allow updates on the link to let them comment.'}
            </Text>
          ) : (
            <Stack gap="xs" data-testid="share-comments">
              {state.data.comments.map((c) => (
                <div key={c.id}>
                  <Text size="xs" c="dimmed">
                    {c.contactName ?? 'Someone at the customer'} · {relative(c.createdAt)}
                    {c.goalId && goals.get(c.goalId) ? ` · on “${goals.get(c.goalId)}”` : ''}
                  </Text>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {c.body}
                  </Text>
                </div>
              ))}
            </Stack>
          )}
        </Stack>
      )}
      <ConfirmModal opened={revoking} title="Revoke the customer’s link?" confirmLabel="Revoke link" loading={revoke.isPending} onConfirm={doRevoke} onClose={rev.close}>
        Anyone opening it will get “not found”. Views and comments stay here. You can create a new link later.
      </ConfirmModal>
      <ConfirmModal opened={replacing} title="Replace the current link?" confirmLabel="Create a new link" danger={false} loading={create.isPending} onConfirm={doCreate} onClose={repl.close}>
        One link per plan: the link the customer has now stops working.
      </ConfirmModal>
    </Card>
  );
}
