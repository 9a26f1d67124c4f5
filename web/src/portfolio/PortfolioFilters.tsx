import { Chip, Group, NumberInput, Select, TextInput } from '@mantine/core';
import { useFacets } from '../api/accounts';
import { isStage, stageLabel } from '../components/format';
import { Icon } from '../components/icons';
import { ARR_FILTER_MAX, arrFilterError, arrFilterValue } from './arrFilter';
import { DROP_POINTS, useDebouncedUrlText, type usePortfolioParams } from './usePortfolioParams';

type Params = ReturnType<typeof usePortfolioParams>;

const BAND_OPTIONS = [
  { value: 'good', label: 'Good ≥ 70' },
  { value: 'watch', label: 'Watch 40–69' },
  { value: 'poor', label: 'Poor < 40' },
  { value: 'none', label: 'No data' },
];

const RISK_OPTIONS = [
  { value: 'critical', label: 'Risk: critical' },
  { value: 'high', label: 'Risk: high' },
  { value: 'medium', label: 'Risk: medium' },
  { value: 'low', label: 'Risk: low' },
  { value: 'none', label: 'Risk: not computed' },
];

const RENEWAL_OPTIONS = [30, 60, 90, 180].map((d) => ({ value: String(d), label: `Renews in ${d} days` }));

export function PortfolioFilters({ p }: { p: Params }) {
  const facets = useFacets();
  const [search, setSearch] = useDebouncedUrlText(p.get('q'), (v) => p.update({ q: v }, { replace: true }));
  // An amount the API refuses (negative, too large, more than cents) is the field's message and is not applied.
  const arrCommit = (key: 'arrMin' | 'arrMax') => (v: string) => {
    const value = arrFilterValue(v);
    if (value !== null) p.update({ [key]: value }, { replace: true });
  };
  const [arrMin, setArrMin] = useDebouncedUrlText(p.get('arrMin'), arrCommit('arrMin'), 400);
  const [arrMax, setArrMax] = useDebouncedUrlText(p.get('arrMax'), arrCommit('arrMax'), 400);

  const stages = (facets.data?.stages ?? ['onboarding', 'adoption', 'renewal', 'churned']).map((s) => ({
    value: s,
    label: isStage(s) ? stageLabel[s] : s,
  }));
  const segments = facets.data?.segments ?? [];
  const owners = [
    { value: 'me', label: 'Me' },
    { value: 'none', label: 'Unassigned' },
    ...(facets.data?.owners ?? []).map((o) => ({ value: o.id, label: o.name })),
  ];
  const withCurrent = (opts: { value: string; label: string }[], current: string) =>
    current && !opts.some((o) => o.value === current) ? [...opts, { value: current, label: current }] : opts;

  return (
    <Group gap="xs" align="center" wrap="wrap">
      <TextInput
        aria-label="Search accounts"
        placeholder="Search accounts"
        leftSection={<Icon name="search" size={16} />}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={200}
      />
      <Select
        aria-label="Stage"
        placeholder="All stages"
        data={withCurrent(stages, p.get('stage'))}
        value={p.get('stage') || null}
        onChange={(v) => p.update({ stage: v })}
        clearable
        w={130}
      />
      <Select
        aria-label="Health"
        placeholder="Any health"
        data={withCurrent(BAND_OPTIONS, p.get('band'))}
        value={p.get('band') || null}
        onChange={(v) => p.update({ band: v })}
        clearable
        w={150}
      />
      <Select
        aria-label="Risk level"
        placeholder="Any risk"
        data={withCurrent(RISK_OPTIONS, p.get('risk'))}
        value={p.get('risk') || null}
        onChange={(v) => p.update({ risk: v })}
        clearable
        w={170}
      />
      <Select
        aria-label="Segment"
        placeholder="All segments"
        data={withCurrent(segments.map((s) => ({ value: s, label: s })), p.get('segment'))}
        value={p.get('segment') || null}
        onChange={(v) => p.update({ segment: v })}
        clearable
        searchable
        w={140}
      />
      <Select
        aria-label="Owner"
        placeholder="All owners"
        data={withCurrent(owners, p.get('owner'))}
        value={p.get('owner') || null}
        onChange={(v) => p.update({ owner: v })}
        clearable
        searchable
        w={140}
      />
      <Select
        aria-label="Renewal"
        placeholder="Any renewal date"
        data={withCurrent(RENEWAL_OPTIONS, p.get('renewal'))}
        value={p.get('renewal') || null}
        onChange={(v) => p.update({ renewal: v })}
        clearable
        w={190}
      />
      <NumberInput
        aria-label="ARR min"
        placeholder="Min ARR"
        value={arrMin}
        onChange={(v) => setArrMin(String(v))}
        min={0}
        max={ARR_FILTER_MAX}
        clampBehavior="none"
        decimalScale={2}
        error={arrFilterError(arrMin)}
        thousandSeparator=","
        prefix="$"
        hideControls
        w={100}
      />
      <NumberInput
        aria-label="ARR max"
        placeholder="Max ARR"
        value={arrMax}
        onChange={(v) => setArrMax(String(v))}
        min={0}
        max={ARR_FILTER_MAX}
        clampBehavior="none"
        decimalScale={2}
        error={arrFilterError(arrMax)}
        thousandSeparator=","
        prefix="$"
        hideControls
        w={100}
      />
      <Chip
        checked={p.get('dropped') !== ''}
        onChange={(checked) => p.update({ dropped: checked ? String(DROP_POINTS) : null })}
        variant="outline"
        color="red"
        size="sm"
      >
        Dropped ≥ {p.get('dropped') || DROP_POINTS} in 30 days
      </Chip>
      <Chip
        checked={p.get('autopilot') === 'true'}
        onChange={(checked) => p.update({ autopilot: checked ? 'true' : null })}
        variant="outline"
        color="orange"
        size="sm"
      >
        On autopilot
      </Chip>
    </Group>
  );
}
