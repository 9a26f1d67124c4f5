import { Group, SegmentedControl, Select, Switch, Tabs, TextInput } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { TASK_SOURCES, type TaskListParams, type TaskSource, type TaskStatus } from '../api/tasks';
import { Icon } from '../components/icons';
import { sourceLabel } from './taskFormat';

export type Who = 'mine' | 'team' | 'all';
export type StatusTab = TaskStatus | 'all';

export interface InboxParams {
  who: Who;
  status: StatusTab;
  q: string;
  source: TaskSource | null;
  snoozed: boolean;
}

const WHO: Who[] = ['mine', 'team', 'all'];
const STATUSES: StatusTab[] = ['open', 'done', 'cancelled', 'all'];

/** The filters a URL's query string asks for (unknown values fall back to the defaults). */
export function parseInboxParams(sp: URLSearchParams): InboxParams {
  const who = sp.get('who');
  const status = sp.get('status');
  const source = sp.get('source');
  return {
    who: WHO.includes(who as Who) ? (who as Who) : 'mine',
    status: STATUSES.includes(status as StatusTab) ? (status as StatusTab) : 'open',
    q: sp.get('q') ?? '',
    source: (TASK_SOURCES as readonly string[]).includes(source ?? '') ? (source as TaskSource) : null,
    snoozed: sp.get('snoozed') === '1',
  };
}

/** What the list asks the API for, given the filters and the (debounced) search. */
export function inboxQuery(params: InboxParams, search: string): TaskListParams {
  const assignee = params.who === 'mine' ? 'me' : params.who === 'team' ? 'team' : 'any';
  return { assignee, status: params.status, source: params.source ?? undefined, includeSnoozed: params.snoozed || undefined, search: search || undefined };
}

/** The inbox filters live in the URL, so a reload or a shared link keeps them. */
export function useInboxParams(): [InboxParams, (patch: Partial<InboxParams>) => void] {
  const [sp, setSp] = useSearchParams();
  const params = parseInboxParams(sp);
  const set = (patch: Partial<InboxParams>) => {
    const next = { ...params, ...patch };
    const out = new URLSearchParams();
    if (next.who !== 'mine') out.set('who', next.who);
    if (next.status !== 'open') out.set('status', next.status);
    if (next.q) out.set('q', next.q);
    if (next.source) out.set('source', next.source);
    if (next.snoozed) out.set('snoozed', '1');
    setSp(out, { replace: true });
  };
  return [params, set];
}

export function InboxFilters({ params, set, hasTeam }: { params: InboxParams; set: (p: Partial<InboxParams>) => void; hasTeam: boolean }) {
  const whoData = [
    { value: 'mine', label: 'Mine' },
    ...(hasTeam ? [{ value: 'team', label: 'My team' }] : []),
    { value: 'all', label: 'Everyone' },
  ];
  return (
    <Group justify="space-between" align="flex-end" gap="sm">
      <Tabs value={params.status} onChange={(v) => v && set({ status: v as StatusTab })}>
        <Tabs.List>
          <Tabs.Tab value="open">Open</Tabs.Tab>
          <Tabs.Tab value="done">Done</Tabs.Tab>
          <Tabs.Tab value="cancelled">Cancelled</Tabs.Tab>
          <Tabs.Tab value="all">All</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <Group gap="sm" align="center">
        <SegmentedControl size="xs" data={whoData} value={params.who} onChange={(v) => set({ who: v as Who })} aria-label="Whose tasks" />
        <Select
          size="xs"
          w={160}
          placeholder="Any source"
          aria-label="Source"
          data={TASK_SOURCES.map((s) => ({ value: s, label: sourceLabel[s] }))}
          value={params.source}
          onChange={(v) => set({ source: (v as TaskSource | null) ?? null })}
          clearable
        />
        {params.status === 'open' && (
          <Switch size="xs" label="Show snoozed" checked={params.snoozed} onChange={(e) => set({ snoozed: e.currentTarget.checked })} />
        )}
        <TextInput
          size="xs"
          w={220}
          leftSection={<Icon name="search" size={14} />}
          placeholder="Search tasks and accounts"
          aria-label="Search tasks"
          value={params.q}
          onChange={(e) => set({ q: e.currentTarget.value })}
        />
      </Group>
    </Group>
  );
}
