import { ActionIcon, Anchor, Badge, Button, Card, Collapse, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { CHECKED_KINDS, type CriticalDate, useAccountCriticalDates, useArchiveCriticalDate } from '../api/criticalDates';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { Icon } from '../components/icons';
import { AddCriticalDateModal } from './AddCriticalDateModal';
import { KIND_LABEL } from './logic';
import { CheckNowButton, CheckResult, Expiry, LastCheck } from './parts';

/** An account's critical dates: what expires, what the last checks read, and Check now / Archive. */
export function CriticalDatesCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const dates = useAccountCriticalDates(accountId);
  const archive = useArchiveCriticalDate();
  const [adding, setAdding] = useState(false);
  const [archiving, setArchiving] = useState<CriticalDate | null>(null);
  const live = dates.data?.filter((d) => !d.archivedAt) ?? [];

  const confirmArchive = () => {
    if (!archiving) return;
    archive.mutate(archiving.id, {
      onSuccess: () => {
        notifySuccess(`${archiving.label} archived`);
        setArchiving(null);
      },
      onError: (err) => notifyError(err, 'Could not archive the date'),
    });
  };

  return (
    <Card padding="lg" h="100%" id="critical-dates" data-testid="critical-dates-card">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Title order={4}>Critical dates</Title>
          <Text size="sm" c="dimmed">
            What must not lapse: domains and certificates read live, contracts and cards by date ·{' '}
            <Anchor component={Link} to="/critical-dates" inherit>
              the book
            </Anchor>
          </Text>
        </div>
        {canEdit && (
          <Button size="xs" variant="light" leftSection={<Icon name="plus" size={14} />} onClick={() => setAdding(true)} style={{ flexShrink: 0 }}>
            Add date
          </Button>
        )}
      </Group>
      {dates.isPending && <TableSkeleton rows={2} />}
      {dates.isError && <QueryError error={dates.error} onRetry={() => void dates.refetch()} />}
      {dates.data && live.length === 0 && (
        <Text size="sm" c="dimmed" py="md" ta="center">
          No critical date yet.{' '}
          {canEdit ? 'Add the customer’s domain and the certificate of the host they log in to: Canopy reads their expiry and warns 60, 30 and 7 days before.' : 'Someone who edits this account can add them.'}
        </Text>
      )}
      <Stack gap={0}>
        {live.map((d) => (
          <DateRow key={d.id} date={d} canEdit={canEdit && (d.canEdit ?? true)} onArchive={() => setArchiving(d)} />
        ))}
      </Stack>
      {canEdit && <AddCriticalDateModal accountId={accountId} opened={adding} onClose={() => setAdding(false)} />}
      <ConfirmModal
        opened={archiving !== null}
        title={`Archive ${archiving?.label ?? 'this date'}?`}
        confirmLabel="Archive"
        loading={archive.isPending}
        onConfirm={confirmArchive}
        onClose={() => setArchiving(null)}
      >
        It leaves the radar and stops alerting and checking; its past checks stay on record.
      </ConfirmModal>
    </Card>
  );
}

function DateRow({ date: d, canEdit, onArchive }: { date: CriticalDate; canEdit: boolean; onArchive: () => void }) {
  const [open, setOpen] = useState(false);
  const checks = d.checks ?? [];
  return (
    <Stack gap={6} py={10} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} data-critical-date-id={d.id} data-testid="critical-date-row">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 160px' }}>
          <Group gap={6} wrap="nowrap">
            <Badge size="sm" variant="light" radius="sm" color={d.kind === 'tls' || d.kind === 'domain' ? 'blue' : 'gray'} style={{ flexShrink: 0 }}>
              {KIND_LABEL[d.kind]}
            </Badge>
            <Text size="sm" fw={500} truncate>
              {d.label}
            </Text>
          </Group>
          {d.target && (
            <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {d.target}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            Alerts {d.leadDays.join(', ')} days before{d.target ? (d.autoCheck ? ' · re-checked on a schedule' : ' · checked only by hand') : ''}
          </Text>
        </Stack>
        <Expiry expiresAt={d.expiresAt} />
        <div style={{ flex: '1 1 140px', minWidth: 0 }}>
          <LastCheck date={d} />
        </div>
        {canEdit && (
          <Group gap={4} wrap="nowrap">
            {CHECKED_KINDS.includes(d.kind) && <CheckNowButton id={d.id} label={d.label} />}
            <Tooltip label="Archive" withArrow>
              <ActionIcon variant="subtle" color="gray" onClick={onArchive} aria-label={`Archive ${d.label}`}>
                <Icon name="trash" size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        )}
      </Group>
      {checks.length > 0 && (
        <>
          <Anchor component="button" type="button" size="xs" onClick={() => setOpen((o) => !o)} w="fit-content" aria-expanded={open}>
            {open ? 'Hide' : 'Show'} the last {checks.length === 1 ? 'check' : `${checks.length} checks`}
          </Anchor>
          <Collapse expanded={open}>
            <Stack gap={6} pl="sm" style={{ borderLeft: '2px solid var(--mantine-color-gray-3)' }} data-testid="check-history">
              {checks.map((c, i) => (
                <CheckResult key={c.id ?? `${c.at}-${i}`} check={c} />
              ))}
            </Stack>
          </Collapse>
        </>
      )}
    </Stack>
  );
}
