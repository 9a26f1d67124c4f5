import { Alert, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { BackfillButton, BACKFILL_DAYS, RunProgress } from '../health/RecomputePanel';

/**
 * Shown after a driver was created, edited, disabled or deleted: today's health is recomputed with
 * the new drivers, but the daily history still holds scores from the old ones. Offers the
 * back-fill, then follows its progress.
 */
export function RebuildHistoryOffer({ change, onDismiss }: { change: string; onDismiss: () => void }) {
  const [runId, setRunId] = useState<string | null>(null);
  return (
    <Alert color="blue" variant="light" title="Rebuild the health history too?" withCloseButton onClose={onDismiss} data-testid="rebuild-history-offer">
      <Stack gap="sm">
        <Text size="sm">
          {change}. Today’s health is being recomputed with the drivers as they are now, but the daily history behind the trend charts, the
          30-day change and the “health dropped” rules was scored with the drivers as they were. Rebuilding recomputes the last {BACKFILL_DAYS}{' '}
          days from the stored usage (each account in its current stage).
        </Text>
        {runId ? (
          <RunProgress key={runId} runId={runId} />
        ) : (
          <Group>
            <BackfillButton variant="filled" onRun={setRunId} />
          </Group>
        )}
      </Stack>
    </Alert>
  );
}
