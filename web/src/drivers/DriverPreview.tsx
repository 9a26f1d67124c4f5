import { Alert, Anchor, Card, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { useDriverPreview } from '../api/drivers';
import { DateInput } from '@mantine/dates';
import type { Band, PreviewBody } from '../api/healthTypes';
import { errorMessage } from '../api/client';
import { count } from '../components/format';
import { bandColor, bandLabel, bandOf, formatDriverValue } from '../components/health';
import { PreviewHistogram, ScoreLevels } from './PreviewCharts';

function Stat({ label, value, color, testId }: { label: string; value: number; color?: string; testId: string }) {
  return (
    <Paper withBorder p="xs" radius="md">
      <Text size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text fw={700} size="lg" c={color} className="canopy-num" data-testid={testId} data-value={value}>
        {count(value)}
      </Text>
    </Paper>
  );
}

const Section = ({ children }: { children: string }) => (
  <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
    {children}
  </Text>
);

/** What the driver being edited would do to the book, before it is saved. */
interface Props {
  body: PreviewBody | null;
  preview: ReturnType<typeof useDriverPreview>;
  /** Why there is no preview yet. */
  problem: string | null;
  /** The past day measured (YYYY-MM-DD), or null for today. */
  asOf?: string | null;
  onAsOf?: (day: string | null) => void;
}

const todayUtc = () => new Date().toISOString().slice(0, 10);

export function DriverPreview({ body, preview, problem, asOf = null, onAsOf }: Props) {
  const p = preview.data;
  const def = body ? { source: body.source, scoring: body.scoring } : undefined;
  const percentValues =
    !!body && (body.scoring.type === 'trend' || (body.source.type === 'event_metric' && body.source.perSeat && body.source.measure === 'avg_daily_users'));
  const histogram = p ? (percentValues && body?.scoring.type !== 'trend' ? p.histogram.map((b) => ({ ...b, from: b.from * 100, to: b.to * 100 })) : p.histogram) : [];

  return (
    <Card
      padding="lg"
      data-testid="driver-preview"
      data-loading={preview.isFetching || undefined}
      // Fresh: what is shown is the answer for the form as it is now.
      data-fresh={(!!p && !preview.isFetching && !preview.isPlaceholderData) || undefined}
      data-body={body ? JSON.stringify(body) : undefined}
    >
      <Group justify="space-between" mb="sm">
        <Title order={4}>Preview</Title>
        <Group gap="xs">
          {onAsOf && (
            <DateInput
              size="xs"
              w={150}
              aria-label="As of"
              placeholder="As of today"
              valueFormat="YYYY-MM-DD"
              clearable
              maxDate={todayUtc()}
              value={asOf}
              onChange={(v) => onAsOf(v && v < todayUtc() ? v : null)}
            />
          )}
          {preview.isFetching && <Loader size="xs" aria-label="Updating preview" />}
        </Group>
      </Group>
      <Text size="xs" c={asOf ? 'orange.8' : 'dimmed'} mb="xs" data-as-of={p?.asOf}>
        {asOf ? `As of the end of ${asOf} (UTC), with today’s drivers and account fields` : 'As of today'}
      </Text>
      {!body && (
        <Text size="sm" c="dimmed">
          {problem ? `To see what this driver does to the book: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}.` : 'Fill in the source and the thresholds to see what this driver does to the book.'}
        </Text>
      )}
      {body && preview.isError && (
        <Alert color="red" variant="light" title="The preview failed">
          {errorMessage(preview.error)}
        </Alert>
      )}
      {body && !p && preview.isPending && <Text size="sm" c="dimmed">Computing…</Text>}
      {p && (
        <Stack gap="md" style={{ opacity: preview.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}>
          <SimpleGrid cols={3} spacing="xs">
            <Stat label="Accounts" value={p.accounts} testId="preview-accounts" />
            <Stat label="With a value" value={p.withValue} testId="preview-with-value" />
            <Stat label="No data" value={p.noData} color={p.noData > 0 ? 'dimmed' : undefined} testId="preview-no-data" />
          </SimpleGrid>
          <div>
            <Section>Accounts per band of this driver’s score</Section>
            <SimpleGrid cols={3} spacing="xs" mt={6}>
              {(['good', 'watch', 'poor'] as Band[]).map((b) => (
                <Stat key={b} label={bandLabel[b]} value={p.bands[b]} color={`${bandColor[b]}.8`} testId={`preview-band-${b}`} />
              ))}
            </SimpleGrid>
          </div>
          <div>
            <Section>Values</Section>
            {p.values ? (
              <Text size="xs" c="dimmed" mt={2} className="canopy-num">
                min {formatDriverValue(p.values.min, def)} · median {formatDriverValue(p.values.median, def)} · max{' '}
                {formatDriverValue(p.values.max, def)}
              </Text>
            ) : (
              <Text size="sm" c="dimmed" mt={2}>
                No account has a value.
              </Text>
            )}
            {histogram.length > 0 && <PreviewHistogram histogram={histogram} percentValues={percentValues} />}
          </div>
          <div>
            <Section>Accounts per score</Section>
            <div style={{ marginTop: 6 }}>
              <ScoreLevels scores={p.scores} total={p.withValue} />
            </div>
          </div>
          {p.sample.length > 0 && (
            <div>
              <Section>Sample</Section>
              <Table className="canopy-table" verticalSpacing={4} fz="sm" aria-label="Preview sample" mt={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Account</Table.Th>
                    <Table.Th ta="right">Value</Table.Th>
                    <Table.Th ta="right">Score</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.sample.map((s) => (
                    <Table.Tr key={s.accountId} style={{ opacity: s.value === null ? 0.6 : 1 }}>
                      <Table.Td>
                        <Anchor component={Link} to={`/accounts/${s.accountId}`} size="sm" c="var(--mantine-color-text)">
                          {s.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right" className="canopy-num nowrap">
                        {s.value === null ? <Text span size="sm" c="dimmed" fs="italic">no data</Text> : formatDriverValue(s.value, def)}
                      </Table.Td>
                      <Table.Td ta="right" className="canopy-num">
                        {s.score === null ? '—' : <Text span size="sm" fw={600} c={`${bandColor[bandOf(s.score)]}.8`}>{s.score}</Text>}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          )}
        </Stack>
      )}
    </Card>
  );
}
