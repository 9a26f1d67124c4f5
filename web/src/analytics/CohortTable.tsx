import { Table, Text, Tooltip } from '@mantine/core';
import { count, money, percentOf } from '../components/format';
import { periodLabel } from '../renewals/logic';
import type { Cohort } from './api';

/** Background for a retention ratio: red under 70%, amber to 90%, green above (alpha grows with the value). */
export function heat(v: number | null): string | undefined {
  if (v === null) return undefined;
  const hue = v >= 0.9 ? '55, 178, 77' : v >= 0.7 ? '245, 159, 0' : '224, 49, 49';
  const alpha = Math.min(0.85, 0.15 + Math.abs(v - 0.5) * 0.6);
  return `rgba(${hue}, ${alpha.toFixed(2)})`;
}

/** The period holding today, in the cohorts' spelling (2026-12 or 2026-Q4). */
export function currentPeriod(sample: string, now = new Date()): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  return /Q/.test(sample) ? `${y}-Q${Math.ceil(m / 3)}` : `${y}-${String(m).padStart(2, '0')}`;
}

/** Cohorts by start month: revenue retention by months since start, as a heat map; partial periods marked. */
export function CohortTable({ cohorts, metric }: { cohorts: Cohort[]; metric: 'revenueRetention' | 'logoRetention' }) {
  const maxOffset = Math.max(0, ...cohorts.flatMap((c) => c.points.map((p) => p.offset)));
  const current = currentPeriod(cohorts[0]?.cohort ?? '');
  const offsets = Array.from({ length: Math.min(maxOffset, 24) + 1 }, (_, i) => i);
  return (
    <Table.ScrollContainer minWidth={Math.max(480, 200 + offsets.length * 56)}>
      <Table fz="xs" verticalSpacing={3} horizontalSpacing={4} aria-label="Cohort retention" data-testid="cohort-table" withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Cohort</Table.Th>
            <Table.Th ta="right">n</Table.Th>
            <Table.Th ta="right">Start ARR</Table.Th>
            {offsets.map((o) => (
              <Table.Th key={o} ta="center">
                {`M${o}`}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {cohorts.map((c) => (
            <Table.Tr key={c.cohort} data-cohort={c.cohort}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{periodLabel(c.cohort)}</Table.Td>
              <Table.Td ta="right" className="canopy-num">{count(c.accounts)}</Table.Td>
              <Table.Td ta="right" className="canopy-num">{money(c.startArr)}</Table.Td>
              {offsets.map((o) => {
                const p = c.points.find((x) => x.offset === o);
                const v = p ? p[metric] : null;
                if (!p || p.status === 'future' || (p.period && p.period > current)) return <Table.Td key={o} />;
                const partial = p.status === 'partial' || p.period === current;
                return (
                  <Tooltip key={o} label={`${p.period ? periodLabel(p.period) : `Month ${o}`}: ${count(p.logos ?? 0)} accounts, ${money(p.arr ?? 0)}${partial ? ' (month not over)' : ''}`} openDelay={300}>
                    <Table.Td ta="center" className="canopy-num" style={{ background: heat(v), fontStyle: partial ? 'italic' : undefined }} data-partial={partial || undefined}>
                      {v === null ? '—' : percentOf(v)}
                      {partial ? '*' : ''}
                    </Table.Td>
                  </Tooltip>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={4}>
        M0 is the start month. * the month is not over yet. Blank: not reached yet.
      </Text>
    </Table.ScrollContainer>
  );
}
