import { Badge, Button, Group, Popover, Stack, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { CHECKED_KINDS, type CriticalDate, type CriticalDateCheck, useCheckCriticalDate } from '../api/criticalDates';
import { notifyError } from '../components/feedback';
import { formatDateTime, formatDay, relative } from '../components/format';
import { checkFacts, daysLeft, expiryWords, lastCheckWords } from './logic';

/** The expiry day and "in N days" / "expired N days ago", coloured by how close it is. */
export function Expiry({ expiresAt }: { expiresAt: string | null }) {
  const days = daysLeft(expiresAt);
  const words = expiryWords(days);
  return (
    <Stack gap={0} data-testid="expiry" data-days={days ?? ''}>
      <Text size="sm" className="canopy-num" style={{ whiteSpace: 'nowrap' }}>
        {expiresAt ? formatDay(expiresAt) : '—'}
      </Text>
      <Text size="xs" c={words.color === 'gray' ? 'dimmed' : words.color} fw={days !== null && days <= 7 ? 600 : undefined}>
        {words.text}
      </Text>
    </Stack>
  );
}

/** The last check: ok, or the error it recorded; when. */
export function LastCheck({ date }: { date: Pick<CriticalDate, 'kind' | 'lastCheckedAt' | 'lastCheckOk' | 'lastError'> }) {
  const w = lastCheckWords(date);
  if (!CHECKED_KINDS.includes(date.kind)) {
    return (
      <Text size="sm" c="dimmed" data-testid="last-check" data-state="typed">
        a typed date, not checked
      </Text>
    );
  }
  return (
    <Stack gap={2} data-testid="last-check" data-state={w.state} style={{ minWidth: 0 }}>
      {w.state === 'never' ? (
        <Text size="sm" c="dimmed">
          not checked yet
        </Text>
      ) : (
        <Group gap={6} wrap="nowrap" align="flex-start">
          <Badge size="sm" radius="sm" variant="light" color={w.state === 'ok' ? 'teal' : 'red'} style={{ flexShrink: 0 }}>
            {w.state === 'ok' ? 'OK' : 'Error'}
          </Badge>
          {w.state === 'error' && (
            <Text size="xs" c="red.8" lineClamp={2} style={{ wordBreak: 'break-word' }} data-testid="last-check-error">
              {w.text}
            </Text>
          )}
        </Group>
      )}
      {date.lastCheckedAt && (
        <Tooltip label={formatDateTime(date.lastCheckedAt)} withArrow>
          <Text size="xs" c="dimmed" w="fit-content">
            {relative(date.lastCheckedAt)}
          </Text>
        </Tooltip>
      )}
    </Stack>
  );
}

/** What one check read, in a line: the expiry found or the error. */
export function CheckResult({ check }: { check: CriticalDateCheck }) {
  const facts = checkFacts(check);
  return (
    <Stack gap={2} data-testid="check-result" data-ok={String(check.ok)}>
      <Text size="sm" c={check.ok ? 'teal.8' : 'red.8'} style={{ wordBreak: 'break-word' }}>
        {check.ok ? `OK: expires ${formatDay(check.expiresAt)}` : `Error: ${check.error ?? 'the check failed'}`}
      </Text>
      {facts.length > 0 && (
        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
          {facts.join(' · ')}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {formatDateTime(check.at)}
      </Text>
    </Stack>
  );
}

/** "Check now": runs the check and shows what it read beside the button. */
export function CheckNowButton({ id, label }: { id: string; label: string }) {
  const check = useCheckCriticalDate();
  const [result, setResult] = useState<CriticalDateCheck | null>(null);
  const run = () =>
    check.mutate(id, {
      onSuccess: (r) => setResult(r),
      onError: (err) => notifyError(err, `Could not check ${label}`),
    });
  return (
    <Popover opened={result !== null} onChange={(o) => !o && setResult(null)} position="bottom-end" withArrow shadow="md" width={300}>
      <Popover.Target>
        <Button size="compact-sm" variant="light" loading={check.isPending} onClick={run} aria-label={`Check now: ${label}`}>
          Check now
        </Button>
      </Popover.Target>
      <Popover.Dropdown>{result && <CheckResult check={result} />}</Popover.Dropdown>
    </Popover>
  );
}
