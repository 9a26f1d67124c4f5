import { Button, Select, Text, TextInput } from '@mantine/core';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { can, useMe } from '../api/auth';
import type { Stage } from '../api/types';
import { type PlanTemplate, usePlanTemplates } from '../api/plans';
import { StageBadge } from '../components/Badges';
import { relative, stageLabel } from '../components/format';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';

const col = listColumns<PlanTemplate>();
const milestoneCount = (t: PlanTemplate) => t.goals.reduce((n, g) => n + g.milestones.length, 0);
const criteriaCount = (t: PlanTemplate) => t.goals.reduce((n, g) => n + g.criteria.length, 0);

const columns = [
  col.display({
    id: 'name',
    header: 'Template',
    meta: { sortKey: 'name' },
    cell: ({ row: { original: t } }) => (
      <div>
        <Text size="sm" fw={500}>
          {t.name}
        </Text>
        {t.description && (
          <Text size="xs" c="dimmed" lineClamp={1}>
            {t.description}
          </Text>
        )}
      </div>
    ),
  }),
  col.display({ id: 'segment', header: 'Segment', meta: { sortKey: 'segment' }, cell: ({ row }) => row.original.segment ?? <Text size="sm" c="dimmed">Any</Text> }),
  col.display({
    id: 'stage',
    header: 'Stage',
    meta: { sortKey: 'stage' },
    cell: ({ row }) => (row.original.stage ? <StageBadge stage={row.original.stage} /> : <Text size="sm" c="dimmed">Any</Text>),
  }),
  col.display({ id: 'goals', header: 'Goals', meta: { sortKey: 'goals', align: 'right' }, cell: ({ row }) => row.original.goals.length }),
  col.display({ id: 'criteria', header: 'Criteria', meta: { align: 'right' }, cell: ({ row }) => criteriaCount(row.original) }),
  col.display({ id: 'milestones', header: 'Milestones', meta: { sortKey: 'milestones', align: 'right' }, cell: ({ row }) => milestoneCount(row.original) }),
  col.display({ id: 'updated', header: 'Updated', meta: { sortKey: 'updatedAt', td: { className: 'nowrap' } }, cell: ({ row }) => relative(row.original.updatedAt) }),
];

const sorters: Record<string, (t: PlanTemplate) => string | number> = {
  name: (t) => t.name.toLowerCase(),
  segment: (t) => (t.segment ?? '~').toLowerCase(),
  stage: (t) => t.stage ?? '~',
  goals: (t) => t.goals.length,
  milestones: milestoneCount,
  updatedAt: (t) => t.updatedAt,
};

function sortRows(rows: PlanTemplate[], sort: string): PlanTemplate[] {
  const desc = sort.startsWith('-');
  const key = sorters[desc ? sort.slice(1) : sort] ?? sorters.name;
  if (!key) return rows;
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
  });
}

/** Plan templates: goals, criteria and milestones with offsets and roles, per segment or stage. Admins and managers edit. */
export default function TemplatesPage() {
  const me = useMe();
  const editable = can.audit(me);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const templates = usePlanTemplates();
  const segment = params.get('segment');
  const stage = params.get('stage');
  const search = params.get('q') ?? '';
  const sort = params.get('sort') ?? 'name';
  const set = (key: string, value: string | null, fallback?: string) => {
    const next = new URLSearchParams(params);
    if (value === null || value === '' || value === fallback) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const all = templates.data;
  const segments = [...new Set((all ?? []).map((t) => t.segment).filter((s): s is string => !!s))].sort();
  const rows = all
    ? sortRows(
        all.filter(
          (t) =>
            (!segment || t.segment === segment) &&
            (!stage || t.stage === stage) &&
            (!search || `${t.name} ${t.description}`.toLowerCase().includes(search.toLowerCase())),
        ),
        sort,
      )
    : undefined;
  const filtered = !!(segment || stage || search);

  return (
    <ListPage
      title="Plan templates"
      description={
        editable
          ? 'Goals, criteria and milestones that fit a segment or a stage. Applied to an account, offsets become dates and roles become people.'
          : 'Templates your CS ops team built. Apply one from a plan; admins and managers edit them.'
      }
      actions={
        editable && (
          <Button component={Link} to="/plan-templates/new" leftSection={<Icon name="plus" size={16} />}>
            New template
          </Button>
        )
      }
      filters={
        <>
          <TextInput aria-label="Search templates" placeholder="Search" leftSection={<Icon name="search" size={14} />} value={search} onChange={(e) => set('q', e.currentTarget.value)} w={220} />
          <Select aria-label="Segment" placeholder="Any segment" data={segments} value={segment} onChange={(v) => set('segment', v)} clearable w={180} />
          <Select
            aria-label="Stage"
            placeholder="Any stage"
            data={(['onboarding', 'adoption', 'renewal', 'churned'] as Stage[]).map((s) => ({ value: s, label: stageLabel[s] }))}
            value={stage}
            onChange={(v) => set('stage', v)}
            clearable
            w={160}
          />
        </>
      }
      query={templates}
      rows={rows}
      columns={columns}
      getRowId={(t) => t.id}
      rowProps={(t) => ({ 'data-template-id': t.id, style: { cursor: 'pointer' }, onClick: () => void navigate(`/plan-templates/${t.id}`) })}
      empty={
        filtered
          ? 'No template matches these filters.'
          : editable
            ? 'No templates yet. Build one for a segment or a stage — e.g. “Onboarding, mid-market”: first value in 30 days, SSO live, admins trained — and CSMs start plans from it in one click.'
            : 'No templates yet. Ask an admin or a manager to build one.'
      }
      tableLabel="Plan templates"
      minWidth={820}
      sort={{ value: sort, onChange: (v) => set('sort', v, 'name') }}
    />
  );
}
