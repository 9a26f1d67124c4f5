import { Alert, Anchor, Button, Card, Grid, Group, Skeleton, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link } from 'react-router';
import { useAccountRisk } from '../api/risk';
import { QueryError } from '../components/feedback';
import { count, formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';
import { ContributionsChart } from './ContributionsChart';
import { FailureModesPanel } from './FailureModesPanel';
import { JudgmentPanel } from './JudgmentPanel';
import { LEVEL_META, pct } from './logic';
import { RaiseSignalModal } from './RaiseSignalModal';
import { RiskHistoryChart } from './RiskHistoryChart';
import { LevelBadge } from './RiskBadges';
import { FamilyBars, SignalList } from './SignalList';

/** The account's compound risk and its story: what each signal adds, the CSM's judgment beside it, and what to do. */
export function RiskCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const risk = useAccountRisk(accountId);
  const [raising, raise] = useDisclosure(false);
  const r = risk.data;
  const editable = canEdit && !!r?.canEdit;
  return (
    <Card padding="lg" data-testid="risk-card" data-score={r?.score} data-level={r?.level}>
      <Group justify="space-between" align="flex-start" mb="xs" wrap="wrap">
        <div>
          <Title order={4}>Risk</Title>
          <Text size="xs" c="dimmed">
            Compound risk: signals from different families together rise steeply; several from one family count as one fact.{' '}
            <Anchor component={Link} to="/risk" size="xs">
              Risk radar
            </Anchor>
          </Text>
        </div>
        {editable && (
          <Button size="xs" variant="light" leftSection={<Icon name="plus" size={14} />} onClick={raise.open}>
            Raise a signal
          </Button>
        )}
      </Group>
      {risk.isPending && <Skeleton height={180} />}
      {risk.isError && <QueryError error={risk.error} onRetry={() => void risk.refetch()} />}
      {r && (
        <Stack gap="md">
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Stack gap={6}>
                <Group gap="sm" align="center">
                  <Text fz={40} fw={800} lh={1} className="canopy-num" c={LEVEL_META[r.level].color} data-testid="risk-score">
                    {r.score}
                  </Text>
                  <Stack gap={2}>
                    <LevelBadge level={r.level} size="md" />
                    <Text size="xs" c="dimmed">
                      Probability of loss <b data-testid="risk-probability">{pct(r.probability)}</b>
                    </Text>
                  </Stack>
                </Group>
                <Text size="xs" c="dimmed" data-testid="risk-model">
                  {r.model?.kind === 'calibrated'
                    ? `Strengths calibrated on ${count(r.model.outcomes)} recorded outcomes`
                    : `Default strengths${r.model ? ` (${count(r.model.outcomes)} outcomes recorded, too few to calibrate)` : ''}`}
                  {r.computedAt ? (
                    <Tooltip label={formatDateTime(r.computedAt)}>
                      <span> · computed {relative(r.computedAt)}</span>
                    </Tooltip>
                  ) : (
                    ' · not computed yet'
                  )}
                </Text>
                <FamilyBars families={r.families} />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <JudgmentPanel key={r.judgment?.at ?? 'none'} accountId={accountId} judgment={r.judgment ?? null} modelLevel={r.level} canEdit={editable} />
            </Grid.Col>
          </Grid>
          <div>
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
              Risk over time
            </Text>
            <RiskHistoryChart accountId={accountId} score={r.score} level={r.level} />
          </div>
          {r.signals.length === 0 ? (
            <Alert color="teal" variant="light" title="No risk signals" data-testid="risk-no-signals">
              Nothing in the data points at a loss right now. {editable ? 'If you see something the data does not, raise a signal by hand.' : ''}
            </Alert>
          ) : (
            <>
              <div>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
                  How the score adds up
                </Text>
                <ContributionsChart signals={r.signals} score={r.score} level={r.level} />
              </div>
              <SignalList accountId={accountId} signals={r.signals} canEdit={editable} />
            </>
          )}
          <FailureModesPanel accountId={accountId} modes={r.failureModes} risks={r.risks} signals={r.signals} canEdit={editable} />
        </Stack>
      )}
      {editable && <RaiseSignalModal accountId={accountId} opened={raising} onClose={raise.close} />}
    </Card>
  );
}
