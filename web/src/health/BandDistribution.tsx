import { Anchor, Group, Table, Text } from '@mantine/core';
import { useMemo } from 'react';
import { Link } from 'react-router';
import type { Band, HealthSummary } from '../api/healthTypes';
import { Chart, type ChartOption } from '../components/Chart';
import { count, money, share } from '../components/format';
import { BandBadge } from '../components/HealthBadge';
import { bandHex, bandLabel } from '../components/health';

const ORDER: (Band | 'none')[] = ['good', 'watch', 'poor', 'none'];

/** Accounts and ARR per band: a donut of accounts and the numbers beside it. */
export function BandDistribution({ bands }: { bands: HealthSummary['bands'] }) {
  const rows = useMemo(() => ORDER.map((band) => bands.find((b) => b.band === band) ?? { band, accounts: 0, arr: 0 }), [bands]);
  const totalAccounts = rows.reduce((s, r) => s + r.accounts, 0);
  const totalArr = rows.reduce((s, r) => s + r.arr, 0);

  const option = useMemo<ChartOption>(
    () => ({
      animationDuration: 400,
      tooltip: { trigger: 'item', formatter: '{b}: {c} accounts ({d}%)' },
      series: [
        {
          type: 'pie',
          radius: ['58%', '85%'],
          avoidLabelOverlap: true,
          padAngle: 1,
          itemStyle: { borderRadius: 4 },
          label: { show: true, position: 'center', formatter: () => `${count(totalAccounts)}\nactive`, fontSize: 16, fontWeight: 600, color: '#343a40', lineHeight: 20 },
          emphasis: { scale: false },
          data: rows
            .filter((r) => r.accounts > 0)
            .map((r) => ({ name: bandLabel[r.band], value: r.accounts, itemStyle: { color: bandHex[r.band] } })),
        },
      ],
    }),
    [rows, totalAccounts],
  );

  return (
    <Group align="center" gap="lg" wrap="wrap">
      <div style={{ width: 200, flexShrink: 0 }}>
        <Chart option={option} height={200} label="Accounts per health band" testId="band-donut" />
      </div>
      <Table className="canopy-table" verticalSpacing={6} style={{ flex: 1, minWidth: 280 }} aria-label="Health bands">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Band</Table.Th>
            <Table.Th ta="right">Accounts</Table.Th>
            <Table.Th ta="right">ARR</Table.Th>
            <Table.Th ta="right">of ARR</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.band} data-band={r.band}>
              <Table.Td>
                <Anchor component={Link} to={`/?band=${r.band}`} underline="never" aria-label={`${bandLabel[r.band]} accounts in the portfolio`}>
                  <BandBadge band={r.band === 'none' ? null : r.band} />
                </Anchor>
              </Table.Td>
              <Table.Td ta="right" className="canopy-num">
                {count(r.accounts)}{' '}
                <Text span size="xs" c="dimmed">
                  {share(r.accounts, totalAccounts)}
                </Text>
              </Table.Td>
              <Table.Td ta="right" className="canopy-num" fw={500}>
                {money(r.arr)}
              </Table.Td>
              <Table.Td ta="right" className="canopy-num">
                <Text span size="sm" c="dimmed">
                  {share(r.arr, totalArr)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Group>
  );
}
