import { Anchor, Badge, SegmentedControl, Select, Stack, Text, Tooltip } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { CHECKED_KINDS, CRITICAL_DATE_KINDS, type CriticalDate, type CriticalDateKind, useCriticalDates } from '../api/criticalDates';
import { plural } from '../components/format';
import { listColumns, ListPage } from '../components/ListPage';
import { KIND_HINT, KIND_LABEL, WINDOWS } from './logic';
import { CheckNowButton, Expiry, LastCheck } from './parts';

const col = listColumns<CriticalDate>();
const isKind = (v: string | null): v is CriticalDateKind => v !== null && (CRITICAL_DATE_KINDS as readonly string[]).includes(v);

/** /critical-dates: the book's next expiries, expired first — domains, certificates, contracts, cards. */
export default function CriticalDatesPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const windowParam = Number(params.get('within'));
  const withinDays = (WINDOWS as readonly number[]).includes(windowParam) ? windowParam : 60;
  const kindParam = params.get('kind');
  const kind = isKind(kindParam) ? kindParam : null;
  const dates = useCriticalDates({ withinDays, kind });
  const rows = dates.data?.pages.flatMap((p) => p.items);
  const total = dates.data?.pages[0]?.total;

  const set = (key: string, value: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const columns = [
    col.display({
      id: 'account',
      header: 'Account',
      meta: { td: { style: { minWidth: 150 } } },
      cell: ({ row: { original: d } }) => (
        <Anchor component={Link} to={`/accounts/${d.accountId}#critical-dates`} size="sm" fw={500}>
          {d.account?.name ?? 'Account'}
        </Anchor>
      ),
    }),
    col.display({
      id: 'kind',
      header: 'Kind',
      cell: ({ row: { original: d } }) => (
        <Tooltip label={KIND_HINT[d.kind]} withArrow>
          <Badge variant="light" radius="sm" color={d.kind === 'tls' || d.kind === 'domain' ? 'blue' : 'gray'} style={{ whiteSpace: 'nowrap' }}>
            {KIND_LABEL[d.kind]}
          </Badge>
        </Tooltip>
      ),
    }),
    col.display({
      id: 'label',
      header: 'What',
      meta: { td: { style: { minWidth: 160 } } },
      cell: ({ row: { original: d } }) => (
        <Stack gap={0}>
          <Text size="sm">{d.label}</Text>
          {d.target && (
            <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {d.target}
            </Text>
          )}
        </Stack>
      ),
    }),
    col.display({ id: 'expires', header: 'Expires', cell: ({ row: { original: d } }) => <Expiry expiresAt={d.expiresAt} /> }),
    col.display({ id: 'check', header: 'Last check', meta: { td: { style: { maxWidth: 260 } } }, cell: ({ row: { original: d } }) => <LastCheck date={d} /> }),
    ...(can.write(me)
      ? [
          col.display({
            id: 'actions',
            header: '',
            meta: { align: 'right' as const },
            cell: ({ row: { original: d } }) => ((d.canEdit ?? true) && CHECKED_KINDS.includes(d.kind) ? <CheckNowButton id={d.id} label={d.label} /> : null),
          }),
        ]
      : []),
  ];

  return (
    <ListPage
      title="Critical dates"
      description="What expires across the book — domains, TLS certificates, contracts, licences, cards — expired first. Domains and certificates are read live; pick up the phone before they lapse."
      filters={
        <>
          <Stack gap={4}>
            <Text size="xs" fw={500} c="dimmed">
              Expiring within
            </Text>
            <SegmentedControl
              aria-label="Expiring within"
              size="xs"
              value={String(withinDays)}
              onChange={(v) => set('within', v)}
              data={WINDOWS.map((w) => ({ value: String(w), label: w === 365 ? '1 year' : `${w} days` }))}
            />
          </Stack>
          <Select
            aria-label="Kind"
            label="Kind"
            placeholder="All kinds"
            size="xs"
            data={CRITICAL_DATE_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
            value={kind}
            onChange={(v) => set('kind', v)}
            clearable
            w={170}
          />
          {rows && (
            <Text size="sm" c="dimmed" ml="auto" data-testid="critical-dates-count">
              {plural(total ?? rows.length, 'date')}
            </Text>
          )}
        </>
      }
      query={dates}
      rows={rows}
      columns={columns}
      getRowId={(d) => d.id}
      rowProps={(d) => ({ 'data-critical-date-id': d.id, 'data-kind': d.kind })}
      empty={`Nothing expires within ${withinDays === 365 ? 'a year' : `${withinDays} days`}${kind ? ` among ${KIND_LABEL[kind].toLowerCase()}s` : ''}. Add domains, certificates and contract dates on each account's page (Critical dates card), or widen the window.`}
      tableLabel="Critical dates"
      minWidth={780}
      loadMore={dates}
    />
  );
}
