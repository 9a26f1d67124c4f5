import { Alert, CloseButton, Collapse, Group, Paper, Stack, Switch, Text } from '@mantine/core';
import { useAccountReadiness } from '../api/readiness';
import { CheckInAnswers } from './CheckInAnswers';
import { CheckInFields } from './CheckInFields';
import type { CheckInDraft } from './logic';
import { QuadrantBadge } from './QuadrantBadge';

interface Props {
  accountId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  value: CheckInDraft;
  onChange: (next: CheckInDraft) => void;
  errors: Record<string, string>;
}

/**
 * "Check-in" inside the log-activity form: the two scaling questions asked in this call or
 * meeting, recorded with it in one step (POST /api/activities with `checkIn`).
 */
export function CheckInSection({ accountId, open, onOpenChange, value, onChange, errors }: Props) {
  return (
    <Stack gap={6} data-testid="check-in-section">
      <Switch
        label="Check-in"
        description="Did you ask how important it is to them, and how confident they are?"
        checked={open}
        onChange={(e) => onOpenChange(e.currentTarget.checked)}
      />
      <Collapse expanded={open} transitionDuration={150}>
        {open && (
          <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-blue-light)">
            <CheckInFields accountId={accountId} value={value} onChange={onChange} errors={errors} allowNew />
          </Paper>
        )}
      </Collapse>
    </Stack>
  );
}

/**
 * After logging an activity with a check-in: where it put the initiative, the recommendation's
 * headline and the answers with their change and sustain talk highlighted (read back from the
 * account's readiness, the check-in whose activity is the one just logged).
 */
export function CheckInOutcome({ accountId, activityId, onClose }: { accountId: string; activityId: string; onClose: () => void }) {
  const readiness = useAccountReadiness(accountId);
  const found = (readiness.data?.initiatives ?? []).flatMap((i) => i.checkIns.map((c) => ({ initiative: i, checkIn: c }))).find((x) => x.checkIn.activityId === activityId);
  if (!found) {
    return readiness.isFetching ? (
      <Text size="xs" c="dimmed">
        Reading the check-in back…
      </Text>
    ) : null;
  }
  const { initiative, checkIn } = found;
  const rec = initiative.latest?.at === checkIn.at ? initiative.recommendation : null;
  return (
    <Alert variant="light" color="blue" data-testid="check-in-outcome" title={
      <Group gap="xs">
        <Text size="sm" fw={600}>
          Check-in on “{initiative.title}”
        </Text>
        <QuadrantBadge quadrant={checkIn.quadrant} />
        <Text size="xs" c="dimmed">
          importance {checkIn.importance} · confidence {checkIn.confidence}
          {checkIn.contact ? ` · ${checkIn.contact.name}` : ''}
        </Text>
      </Group>
    } withCloseButton={false}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={6} style={{ flex: 1 }}>
          {rec && (
            <Text size="sm" fw={500}>
              {rec.headline}
            </Text>
          )}
          <CheckInAnswers checkIn={checkIn} showHeader={false} />
        </Stack>
        <CloseButton size="sm" aria-label="Close the check-in summary" onClick={onClose} />
      </Group>
    </Alert>
  );
}
