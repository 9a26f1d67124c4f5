import { Card, Code, Divider, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Account } from '../api/types';
import { displayValue } from '../components/KeyValueEditor';
import { formatDay, relative } from '../components/format';

function Row({ k, children }: { k: string; children: ReactNode }) {
  return (
    <Group justify="space-between" gap="md" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>
        {k}
      </Text>
      <Text size="sm" ta="right" style={{ wordBreak: 'break-word' }}>
        {children}
      </Text>
    </Group>
  );
}

/** Contract facts, external ids and custom fields as key/value lists. */
export function DetailsCard({ account: a }: { account: Account }) {
  const custom = Object.entries(a.custom ?? {});
  const externalIds = Object.entries(a.externalIds ?? {});
  return (
    <Card padding="lg" h="100%">
      <Title order={4} mb="sm">
        Details
      </Title>
      <Stack gap={6}>
        <Row k="Contract start">{formatDay(a.contractStart)}</Row>
        <Row k="Renewal date">{formatDay(a.renewalDate)}</Row>
        <Row k="Team">{a.teamName ?? '—'}</Row>
        <Row k="External id">{a.externalId ? <Code>{a.externalId}</Code> : '—'}</Row>
        {externalIds.map(([k, v]) => (
          <Row key={`x-${k}`} k={`${k} id`}>
            <Code>{v}</Code>
          </Row>
        ))}
      </Stack>
      <Divider my="md" label="Custom fields" labelPosition="left" />
      {custom.length === 0 ? (
        <Text size="sm" c="dimmed">
          No custom fields. Add them with Edit, the API or a Segment <code>group</code> trait.
        </Text>
      ) : (
        <Stack gap={6} aria-label="Custom fields">
          {custom.map(([k, v]) => (
            <Row key={k} k={k}>
              {displayValue(v) || '—'}
            </Row>
          ))}
        </Stack>
      )}
      <Text size="xs" c="dimmed" mt="md">
        Created {formatDay(a.createdAt)} · updated {relative(a.updatedAt)}
      </Text>
    </Card>
  );
}
