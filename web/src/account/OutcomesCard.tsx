import { ActionIcon, Anchor, Badge, Button, Card, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Outcome } from '../api/healthTypes';
import { useDeleteOutcome, useOutcomes } from '../api/outcomes';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { formatDay, money } from '../components/format';
import { outcomeColor, outcomeLabel } from '../components/health';
import { Icon } from '../components/icons';
import { OutcomeFormModal } from './OutcomeFormModal';

function arrChange(o: Outcome): string | null {
  if (o.arrBefore === null && o.arrAfter === null) return null;
  return `${money(o.arrBefore)} → ${money(o.arrAfter)}`;
}

/** What really happened to this account (renewed, churned, …): the ground truth for driver impact. */
export function OutcomesCard({ accountId, arr, canEdit }: { accountId: string; arr: number | null; canEdit: boolean }) {
  const outcomes = useOutcomes(accountId, 10);
  const remove = useDeleteOutcome();
  const [recording, setRecording] = useState(false);
  const [deleting, setDeleting] = useState<Outcome | null>(null);

  const confirmDelete = () => {
    if (!deleting) return;
    remove.mutate(deleting.id, {
      onSuccess: () => {
        notifySuccess('Outcome deleted');
        setDeleting(null);
      },
      onError: (err) => notifyError(err, 'Could not delete the outcome'),
    });
  };

  return (
    <Card padding="lg" h="100%" data-testid="outcomes-card">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <div>
          <Title order={4}>Outcomes</Title>
          <Text size="sm" c="dimmed">
            Renewals and losses: the test of the{' '}
            <Anchor component={Link} to="/drivers/impact" inherit>
              drivers
            </Anchor>
          </Text>
        </div>
        {canEdit && (
          <Button size="xs" variant="light" leftSection={<Icon name="plus" size={14} />} onClick={() => setRecording(true)} style={{ flexShrink: 0 }}>
            Record outcome
          </Button>
        )}
      </Group>
      {outcomes.isPending && <TableSkeleton rows={2} />}
      {outcomes.isError && <QueryError error={outcomes.error} onRetry={() => void outcomes.refetch()} />}
      {outcomes.data?.length === 0 && (
        <Text size="sm" c="dimmed" py="md" ta="center">
          No outcome recorded yet.
        </Text>
      )}
      <Stack gap={0}>
        {outcomes.data?.map((o) => (
          <Group
            key={o.id}
            justify="space-between"
            wrap="nowrap"
            py={8}
            style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
            data-outcome-kind={o.kind}
          >
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Group gap="xs" wrap="nowrap">
                <Badge variant="light" color={outcomeColor[o.kind]} radius="sm">
                  {outcomeLabel[o.kind]}
                </Badge>
                <Text size="sm" className="canopy-num">
                  {formatDay(o.occurredOn)}
                </Text>
                {arrChange(o) && (
                  <Text size="sm" c="dimmed" className="canopy-num nowrap">
                    {arrChange(o)}
                  </Text>
                )}
              </Group>
              {o.note && (
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {o.note}
                </Text>
              )}
            </Stack>
            {canEdit && (
              <Tooltip label="Delete outcome" openDelay={400}>
                <ActionIcon variant="subtle" color="gray" aria-label={`Delete ${outcomeLabel[o.kind]} of ${formatDay(o.occurredOn)}`} onClick={() => setDeleting(o)}>
                  <Icon name="trash" size={14} />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
        ))}
      </Stack>
      {canEdit && <OutcomeFormModal accountId={accountId} arr={arr} opened={recording} onClose={() => setRecording(false)} />}
      <ConfirmModal
        opened={deleting !== null}
        title="Delete outcome?"
        confirmLabel="Delete outcome"
        loading={remove.isPending}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(null)}
      >
        {deleting ? `${outcomeLabel[deleting.kind]} on ${formatDay(deleting.occurredOn)}` : 'This outcome'} will no longer count in
        driver impact.
      </ConfirmModal>
    </Card>
  );
}
