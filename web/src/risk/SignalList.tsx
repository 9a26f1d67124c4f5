import { Badge, Button, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useResolveSignal } from '../api/risk';
import { notifyError, notifySuccess } from '../components/feedback';
import { formatDay, relative } from '../components/format';
import { familyLabel, pct } from './logic';
import { EvidenceText } from './RiskBadges';
import type { Signal } from './schemas';

const SOURCE_LABEL: Record<string, string> = { computed: 'computed', manual: 'by hand', rule: 'by a rule', api: 'by API' };

/** Each signal with what it adds, how strong it is now after decay, the evidence and when it started. */
export function SignalList({ accountId, signals, canEdit }: { accountId: string; signals: Signal[]; canEdit: boolean }) {
  const resolve = useResolveSignal();
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="xs" className="canopy-table" data-testid="risk-signals">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Signal</Table.Th>
            <Table.Th style={{ textAlign: 'right' }}>Points</Table.Th>
            <Table.Th>Strength</Table.Th>
            <Table.Th>Evidence</Table.Th>
            <Table.Th>Since</Table.Th>
            {canEdit && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {signals.map((s) => (
            <Table.Tr key={s.id} data-signal-id={s.id} data-kind={s.kind}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {s.label || s.kind}
                </Text>
                <Group gap={4}>
                  <Badge size="xs" variant="light" color="gray" radius="sm" tt="none">
                    {familyLabel(s.family)}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {SOURCE_LABEL[s.source] ?? s.source}
                    {s.raisedBy ? ` · ${s.raisedBy.name}` : ''}
                  </Text>
                </Group>
              </Table.Td>
              <Table.Td style={{ textAlign: 'right' }}>
                <Text size="sm" fw={700} className="canopy-num" data-testid="contribution">
                  +{s.contribution}
                </Text>
              </Table.Td>
              <Table.Td>
                <Tooltip label="Strength: the probability this alone precedes a loss; now: after decay since it started or ended" multiline w={260} openDelay={300}>
                  <Text size="sm" className="canopy-num">
                    {pct(s.strength)}
                    {s.effective !== undefined && s.effective !== s.strength && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        → {pct(s.effective)} now
                      </Text>
                    )}
                  </Text>
                </Tooltip>
              </Table.Td>
              <Table.Td maw={320}>
                <EvidenceText evidence={s.evidence} accountId={accountId} />
                {s.note && (
                  <Text size="xs" fs="italic">
                    “{s.note}”
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm" title={formatDay(s.startedAt.slice(0, 10))}>
                  {relative(s.startedAt)}
                </Text>
                {s.endedAt && (
                  <Text size="xs" c="dimmed">
                    ended {relative(s.endedAt)}
                  </Text>
                )}
              </Table.Td>
              {canEdit && (
                <Table.Td>
                  {s.source !== 'computed' && !s.endedAt && (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      loading={resolve.isPending && resolve.variables?.id === s.id}
                      onClick={() =>
                        resolve.mutate({ id: s.id }, { onSuccess: () => notifySuccess('Signal resolved: it decays from now'), onError: (e) => notifyError(e, 'Could not resolve the signal') })
                      }
                    >
                      Resolve
                    </Button>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Each family's own probability: independence is judged by family, so three usage signals are one fact. */
export function FamilyBars({ families }: { families: { family: string; probability: number }[] }) {
  if (families.length === 0) return null;
  return (
    <Stack gap={2} data-testid="risk-families">
      <Text size="xs" fw={700} c="dimmed" tt="uppercase">
        By family
      </Text>
      <Group gap={6}>
        {families.map((f) => (
          <Badge key={f.family} variant="light" color="gray" radius="sm" tt="none">
            {familyLabel(f.family)} {pct(f.probability)}
          </Badge>
        ))}
      </Group>
    </Stack>
  );
}
