import { Anchor, Button, Card, Group, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { isDomain } from '../api/schemas';
import type { Account } from '../api/types';
import { StageBadge } from '../components/Badges';
import { daysLabel, daysUntil, formatDateTime, formatDay, money, moneyFull, relative } from '../components/format';
import { Icon } from '../components/icons';
import { useLastTouch } from '../activities/api';
import { RENEWAL_WARNING_DAYS } from '../portfolio/columns';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

interface Props {
  account: Account;
  canEdit: boolean;
  onEdit: () => void;
  onDelete: () => void;
}

/** A moment shown relative ("18 days ago"), exact on hover. */
function When({ at, none, testId }: { at: string | null; none: string; testId: string }) {
  return (
    <Tooltip label={formatDateTime(at)} disabled={!at} openDelay={300}>
      <Text fw={500} c={at ? undefined : 'dimmed'} span data-testid={testId}>
        {at ? relative(at) : none}
      </Text>
    </Tooltip>
  );
}

export function AccountHeader({ account: a, canEdit, onEdit, onDelete }: Props) {
  const lastTouch = useLastTouch(a.id);
  const days = daysUntil(a.renewalDate);
  const soon = days !== null && days < RENEWAL_WARNING_DAYS;
  return (
    <Card padding="lg">
      {/* Wraps on a narrow screen: Edit and Delete go below the name instead of off the edge (390 px). */}
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4} style={{ flex: '1 1 220px', minWidth: 0 }}>
          <Group gap="sm" align="center">
            <Title order={2} style={{ overflowWrap: 'anywhere' }}>{a.name}</Title>
            <StageBadge stage={a.stage} />
          </Group>
          {/* A link only to a real domain; anything else stored earlier (an old import) shows as plain text. */}
          {a.domain &&
            (isDomain(a.domain) ? (
              <Anchor href={`https://${a.domain}`} target="_blank" rel="noreferrer noopener" size="sm" c="dimmed">
                <Group gap={4} component="span" wrap="nowrap">
                  {a.domain}
                  <Icon name="external" size={12} />
                </Group>
              </Anchor>
            ) : (
              <Text size="sm" c="dimmed" data-testid="domain-not-linked">
                {a.domain}
              </Text>
            ))}
        </Stack>
        {canEdit && (
          <Group gap="xs" wrap="nowrap">
            <Button variant="default" leftSection={<Icon name="edit" size={16} />} onClick={onEdit}>
              Edit
            </Button>
            <Button variant="subtle" color="red" leftSection={<Icon name="trash" size={16} />} onClick={onDelete}>
              Delete
            </Button>
          </Group>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} mt="lg" spacing="lg">
        <Fact label="ARR">
          <Tooltip label={moneyFull(a.arr)} openDelay={300}>
            <Text fw={700} size="lg" className="canopy-num" span>
              {money(a.arr)}
            </Text>
          </Tooltip>
        </Fact>
        <Fact label="Renewal">
          <Text fw={500} className="canopy-num">
            {formatDay(a.renewalDate)}
          </Text>
          {days !== null && (
            <Text size="sm" c={soon ? 'red.7' : 'dimmed'} fw={soon ? 600 : 400}>
              {daysLabel(days)}
            </Text>
          )}
        </Fact>
        <Fact label="Owner">
          <Text fw={500} c={a.ownerName ? undefined : 'dimmed'}>
            {a.ownerName ?? 'Unassigned'}
          </Text>
          {a.teamName && (
            <Text size="sm" c="dimmed">
              {a.teamName}
            </Text>
          )}
        </Fact>
        <Fact label="Segment">
          <Text fw={500} c={a.segment ? undefined : 'dimmed'}>
            {a.segment ?? '—'}
          </Text>
          {a.seats !== null && (
            <Text size="sm" c="dimmed">
              {a.seats} seats
            </Text>
          )}
        </Fact>
        <Fact label="Last product use">
          <When at={a.lastActivityAt} none="No product use yet" testId="last-product-use" />
        </Fact>
        <Fact label="Last touch">
          <When at={lastTouch.data?.occurredAt ?? null} none={lastTouch.isPending ? '…' : 'Never touched'} testId="last-touch" />
          {lastTouch.data && (
            <Text size="sm" c="dimmed" lineClamp={1}>
              {lastTouch.data.kind}: {lastTouch.data.subject}
            </Text>
          )}
        </Fact>
        <Fact label="Contacts">
          <Text fw={500}>{a.contactCount}</Text>
        </Fact>
      </SimpleGrid>
    </Card>
  );
}
