import { Anchor, SegmentedControl, Select, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { relative } from '../components/format';
import { ListPage, listColumns } from '../components/ListPage';
import { type Escalation, type EscalationFilter, SEVERITIES, type Severity, STATUSES, statusLabel, type EscalationStatus, useEscalations } from './api';
import { EscalationDrawer, SeverityBadge, StatusBadge } from './EscalationDrawer';

type StatusFilter = EscalationStatus | 'active' | 'all';

const col = listColumns<Escalation>();
const columns = [
  col.display({ id: 'title', header: 'Escalation', meta: { td: { fw: 500 } }, cell: ({ row }) => row.original.title }),
  col.display({
    id: 'account',
    header: 'Account',
    cell: ({ row: { original: e } }) => (
      // The row opens the drawer; the account link goes to the account instead.
      <Anchor component={Link} to={`/accounts/${e.accountId}`} size="sm" onClick={(ev) => ev.stopPropagation()}>
        {e.accountName}
      </Anchor>
    ),
  }),
  col.display({ id: 'severity', header: 'Severity', meta: { sortKey: 'severity' }, cell: ({ row }) => <SeverityBadge severity={row.original.severity} /> }),
  col.display({ id: 'status', header: 'Status', cell: ({ row }) => <StatusBadge status={row.original.status} /> }),
  col.display({
    id: 'team',
    header: 'Team',
    cell: ({ row }) => (
      <Text size="sm" lineClamp={1}>
        {row.original.members.map((m) => m.name).join(', ')}
      </Text>
    ),
  }),
  col.display({ id: 'opened', header: 'Opened', meta: { sortKey: 'createdAt', td: { className: 'nowrap' } }, cell: ({ row }) => relative(row.original.createdAt) }),
  col.display({ id: 'updated', header: 'Updated', meta: { sortKey: 'updatedAt', td: { className: 'nowrap' } }, cell: ({ row }) => relative(row.original.updatedAt) }),
];

/** Every escalation across the book: filter by status, severity and "mine", sort by the headers. */
export default function EscalationsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? 'active') as StatusFilter;
  const severity = params.get('severity') as Severity | null;
  const mine = params.get('mine') === 'true';
  const sort = params.get('sort') ?? '-createdAt';
  const [shown, setShown] = useState<string | null>(null);
  const set = (key: string, value: string | null, fallback?: string) => {
    const next = new URLSearchParams(params);
    if (value === null || value === fallback) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const filter: EscalationFilter = { status: status === 'all' ? undefined : status, severity: severity ?? undefined, mine, sort };
  const list = useEscalations(filter);

  return (
    <ListPage
      title="Escalations"
      description="Each one is owned by a team of at least two roles. Open one from its account."
      filters={
        <>
          <SegmentedControl
            aria-label="Status"
            value={status}
            onChange={(v) => set('status', v, 'active')}
            data={[{ value: 'active', label: 'Active' }, ...STATUSES.map((s) => ({ value: s, label: statusLabel[s] })), { value: 'all', label: 'All' }]}
          />
          <Select
            aria-label="Severity"
            placeholder="Any severity"
            data={SEVERITIES.map((s) => ({ value: s, label: s }))}
            value={severity}
            onChange={(v) => set('severity', v)}
            clearable
            w={160}
          />
          <Switch label="Mine" checked={mine} onChange={(e) => set('mine', e.currentTarget.checked ? 'true' : null)} />
        </>
      }
      query={list}
      rows={list.data?.pages.flatMap((p) => p.items)}
      columns={columns}
      getRowId={(e) => e.id}
      rowProps={(e) => ({ 'data-escalation-id': e.id, style: { cursor: 'pointer' }, onClick: () => setShown(e.id) })}
      empty="No escalations match."
      tableLabel="Escalations"
      minWidth={860}
      sort={{ value: sort, onChange: (v) => set('sort', v, '-createdAt') }}
      loadMore={list}
    >
      <EscalationDrawer id={shown} onClose={() => setShown(null)} />
    </ListPage>
  );
}
