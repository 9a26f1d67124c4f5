import { Alert, Card, Group, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { LEAD_DAYS, useRiskEvaluation } from '../api/risk';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { QueryError } from '../components/feedback';
import { count } from '../components/format';
import { aucText } from './logic';
import type { Auc, Evaluation } from './schemas';

const MODELS: { key: 'compound' | 'weightedAverage' | 'health'; label: string; color: string }[] = [
  { key: 'compound', label: 'Compound risk', color: '#e03131' },
  { key: 'weightedAverage', label: 'Weighted average', color: '#868e96' },
  { key: 'health', label: 'Health', color: '#1c7ed6' },
];

/**
 * AUC with a 95% interval per model: the interval as a thin floating bar (an invisible base bar up to
 * `low`, then `high − low` stacked on it), the AUC as a dot, and chance (0.5) as a dashed line.
 */
function aucOption(e: Evaluation): ChartOption {
  const rows = MODELS.map((m) => ({ ...m, a: e[m.key] as Auc }));
  const low = rows.map((r) => (r.a.auc === null ? null : (r.a.low ?? r.a.auc)));
  const span = rows.map((r) => (r.a.auc === null ? null : Math.max(0, (r.a.high ?? r.a.auc) - (r.a.low ?? r.a.auc))));
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (p: unknown) => {
        const first = (p as { dataIndex: number }[])[0];
        const r = rows[first?.dataIndex ?? 0];
        return r ? `${r.label}: AUC ${aucText(r.a)}` : '';
      },
    },
    xAxis: { type: 'value', min: 0.3, max: 1, axisLine: AXIS.line, axisLabel: AXIS.label, splitLine: AXIS.split },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label), axisLine: AXIS.line, axisLabel: AXIS.label },
    series: [
      { name: 'base', type: 'bar', stack: 'ci', silent: true, itemStyle: { color: 'transparent' }, data: low, barWidth: 6 },
      {
        name: '95% interval',
        type: 'bar',
        stack: 'ci',
        barWidth: 6,
        data: span.map((v, i) => ({ value: v, itemStyle: { color: rows[i]?.color ?? '#868e96', opacity: 0.35 } })),
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#adb5bd' }, label: { formatter: 'chance', color: '#868e96', fontSize: 10 }, data: [{ xAxis: 0.5 }] },
      },
      {
        name: 'AUC',
        type: 'line',
        lineStyle: { opacity: 0 },
        symbol: 'circle',
        symbolSize: 12,
        data: rows.map((r) => ({ value: r.a.auc, itemStyle: { color: r.color } })),
        label: { show: true, position: 'right', formatter: (v: { value: unknown }) => (typeof v.value === 'number' ? v.value.toFixed(2) : ''), fontSize: 11 },
      },
    ],
  };
}

/** "Does compound risk beat a weighted average?": measured on the book's own outcomes, with n and the verdict. */
export function EvaluationPanel() {
  const [leadDays, setLeadDays] = useState<number>(90);
  const ev = useRiskEvaluation(leadDays);
  const e = ev.data;
  const measurable = !!e && e.n > 0 && e.compound.auc !== null;
  return (
    <Card padding="lg" data-testid="risk-evaluation">
      <Group justify="space-between" align="flex-start" mb="xs">
        <div>
          <Title order={4}>Does compound risk beat a weighted average?</Title>
          <Text size="xs" c="dimmed">
            Area under the ROC curve on recorded outcomes: how often a lost account was ranked above a retained one, with risk as it stood the
            chosen days before the outcome. 0.5 is chance.
          </Text>
        </div>
        <SegmentedControl
          aria-label="Days before the outcome"
          size="xs"
          value={String(leadDays)}
          onChange={(v) => setLeadDays(Number(v))}
          data={LEAD_DAYS.map((d) => ({ value: String(d), label: `${d} d` }))}
        />
      </Group>
      {ev.isPending && <Skeleton height={160} />}
      {ev.isError && <QueryError error={ev.error} onRetry={() => void ev.refetch()} />}
      {e && !measurable && (
        <Alert color="gray" variant="light" title="Nothing to measure yet" data-testid="evaluation-empty">
          {e.n === 0
            ? 'No outcomes are recorded yet. Record renewals, churns and downgrades on the account page (Outcomes): once the book has lost and kept accounts, Canopy measures here whether compound risk saw the losses coming better than a weighted average and health.'
            : `${count(e.n)} outcomes, but ${e.losses === 0 ? 'no losses' : 'no retained accounts'} among them: an AUC needs both. Record churned or downgraded outcomes as well as renewals.`}
          {e.verdict && (
            <Text size="sm" mt="xs" data-testid="evaluation-verdict">
              {e.verdict}
            </Text>
          )}
        </Alert>
      )}
      {e && measurable && (
        <Stack gap="xs" style={{ opacity: ev.isPlaceholderData ? 0.55 : 1 }}>
          <Chart option={aucOption(e)} height={170} label={`AUC by model, ${leadDays} days ahead. ${MODELS.map((m) => `${m.label} ${aucText(e[m.key] as Auc)}`).join('; ')}`} testId="evaluation-chart" />
          <Text size="sm" fw={600} data-testid="evaluation-verdict">
            {e.verdict}
          </Text>
          <Text size="xs" c="dimmed" data-testid="evaluation-n">
            n = {count(e.n)} outcomes ({count(e.losses ?? 0)} lost, {count(e.retained ?? 0)} retained)
            {e.health.n !== undefined && e.health.n !== e.n ? `; health known for ${count(e.health.n)}` : ''}. Intervals: bootstrap 95%.
          </Text>
        </Stack>
      )}
    </Card>
  );
}
