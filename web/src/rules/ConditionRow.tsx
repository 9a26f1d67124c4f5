import { ActionIcon, Autocomplete, Group, MultiSelect, NumberInput, Select, SegmentedControl, TagsInput, Text, TextInput, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Band } from '../api/healthTypes';
import { PLAN_STATUSES, SEED_STAGE_NAMES, type LeafType } from '../api/rules';
import { STAGES } from '../api/types';
import { stageLabel } from '../components/format';
import { bandLabel } from '../components/health';
import { Icon } from '../components/icons';
import { cmpOptions, fieldOpOptions, leafTypeGroups, leafTypeLabel, planStatusLabel, seedStageLabel, setOpOptions } from './labels';
import { type LeafDraft, switchType } from './ruleForm';

export interface ConditionChoices {
  drivers: { key: string; name: string }[];
  segments: string[];
  events: string[];
}

interface Props {
  index: number;
  leaf: LeafDraft;
  set: (patch: Partial<LeafDraft>) => void;
  onRemove?: () => void;
  error: (key: string) => string | undefined;
  readOnly: boolean;
  choices: ConditionChoices;
}

const BANDS: Band[] = ['good', 'watch', 'poor'];
const FIELD_SUGGESTIONS = ['seats', 'domain', 'name', 'custom.'];
const CHANGED_FIELDS = ['stage', 'segment', 'arr', 'renewalDate', 'ownerId', 'seats', 'domain', 'name'];

/** One "when" row: the condition type, then the inputs that type needs. */
export function ConditionRow({ index, leaf: l, set, onRemove, error, readOnly, choices }: Props) {
  const n = index + 1;
  const common = { size: 'sm' as const, readOnly };
  const days = (key: 'withinDays', label = 'days') => (
    <Group gap={6} wrap="nowrap">
      <Text size="sm">within</Text>
      <NumberInput {...common} w={90} min={1} max={365} clampBehavior="none" allowDecimal={false} aria-label={`Condition ${n} days`} value={l[key]} onChange={(v) => set({ [key]: v })} error={error(key)} />
      <Text size="sm">{label}</Text>
    </Group>
  );
  const cmp = (unit?: { prefix?: string; suffix?: string; description?: string }) => (
    <>
      <Select {...common} w={150} aria-label={`Condition ${n} comparison`} data={cmpOptions} value={l.op} onChange={(v) => v && set({ op: v })} allowDeselect={false} error={error('op')} />
      <NumberInput
        {...common}
        w={150}
        aria-label={`Condition ${n} value`}
        prefix={unit?.prefix}
        suffix={unit?.suffix}
        thousandSeparator={unit?.prefix === '$' ? ',' : undefined}
        value={l.value}
        onChange={(v) => set({ value: v })}
        error={error('value')}
      />
    </>
  );
  const setOp = (
    <Select {...common} w={100} aria-label={`Condition ${n} operator`} data={setOpOptions} value={l.op} onChange={(v) => v && set({ op: v })} allowDeselect={false} error={error('op')} />
  );
  const bands = (key: 'bands' | 'to') => (
    <MultiSelect
      {...common}
      miw={200}
      aria-label={`Condition ${n} bands`}
      data={BANDS.map((b) => ({ value: b, label: bandLabel[b] }))}
      value={l.bands}
      onChange={(v) => set({ bands: v as Band[] })}
      error={error(key)}
      comboboxProps={{ withinPortal: true }}
    />
  );

  let inputs: ReactNode;
  switch (l.type) {
    case 'health_band':
      inputs = <>{setOp}{bands('bands')}</>;
      break;
    case 'health_band_changed':
      inputs = <><Text size="sm">moved to</Text>{bands('to')}{days('withinDays')}</>;
      break;
    case 'health_score':
      inputs = cmp();
      break;
    case 'health_score_change':
      inputs = (
        <>
          <SegmentedControl size="xs" disabled={readOnly} aria-label={`Condition ${n} direction`} data={[{ value: 'drop', label: 'dropped' }, { value: 'rise', label: 'rose' }]} value={l.direction} onChange={(v) => set({ direction: v as 'drop' | 'rise' })} />
          <Text size="sm">by at least</Text>
          <NumberInput {...common} w={90} min={1} max={100} clampBehavior="none" allowDecimal={false} aria-label={`Condition ${n} points`} value={l.points} onChange={(v) => set({ points: v })} error={error('points')} suffix=" pts" />
          {days('withinDays')}
        </>
      );
      break;
    case 'driver':
      inputs = (
        <>
          <Select {...common} w={220} searchable aria-label={`Condition ${n} driver`} placeholder="Choose a driver" data={choices.drivers.map((d) => ({ value: d.key, label: d.name }))} value={l.driver} onChange={(v) => v !== l.driver && set({ driver: v, value: '' })} error={error('driver')} />
          <Select {...common} w={110} aria-label={`Condition ${n} measure`} data={[{ value: 'value', label: 'value' }, { value: 'score', label: 'score' }]} value={l.measure} onChange={(v) => v && v !== l.measure && set({ measure: v as 'value' | 'score', value: '' })} allowDeselect={false} error={error('measure')} />
          {cmp()}
        </>
      );
      break;
    case 'stage':
      inputs = (
        <>
          {setOp}
          <MultiSelect {...common} miw={220} aria-label={`Condition ${n} stages`} data={STAGES.map((s) => ({ value: s, label: stageLabel[s] }))} value={l.values} onChange={(v) => set({ values: v })} error={error('values')} comboboxProps={{ withinPortal: true }} />
        </>
      );
      break;
    case 'segment':
      inputs = (
        <>
          {setOp}
          <TagsInput {...common} miw={220} aria-label={`Condition ${n} segments`} placeholder="Pick or type a segment" data={choices.segments} value={l.values} onChange={(v) => set({ values: v })} error={error('values')} comboboxProps={{ withinPortal: true }} />
        </>
      );
      break;
    case 'arr':
      inputs = cmp({ prefix: '$' });
      break;
    case 'days_to_renewal':
      inputs = cmp({ suffix: ' days' });
      break;
    case 'event':
      inputs = (
        <>
          <Autocomplete {...common} w={220} aria-label={`Condition ${n} event`} placeholder="Event name" data={choices.events} value={l.event} onChange={(v) => set({ event: v })} error={error('event')} comboboxProps={{ withinPortal: true }} />
          <SegmentedControl size="xs" disabled={readOnly} aria-label={`Condition ${n} seen`} data={[{ value: 'seen', label: 'was seen' }, { value: 'not', label: 'was not seen' }]} value={l.seen ? 'seen' : 'not'} onChange={(v) => set({ seen: v === 'seen' })} />
          {days('withinDays')}
        </>
      );
      break;
    case 'field':
      inputs = (
        <>
          <Autocomplete {...common} w={170} aria-label={`Condition ${n} field`} placeholder="seats, custom.tier" data={FIELD_SUGGESTIONS} value={l.field} onChange={(v) => v !== l.field && set({ field: v, fieldValue: '' })} error={error('field')} comboboxProps={{ withinPortal: true }} />
          <Select {...common} w={150} aria-label={`Condition ${n} comparison`} data={fieldOpOptions} value={l.op} onChange={(v) => v && set({ op: v })} allowDeselect={false} error={error('op')} />
          {l.op !== 'is_empty' && l.op !== 'is_not_empty' && (
            <TextInput {...common} w={150} aria-label={`Condition ${n} value`} value={l.fieldValue} onChange={(e) => set({ fieldValue: e.currentTarget.value })} error={error('value')} />
          )}
        </>
      );
      break;
    case 'field_changed':
      inputs = (
        <>
          <Autocomplete {...common} w={170} aria-label={`Condition ${n} field`} placeholder="stage, custom.tier" data={CHANGED_FIELDS} value={l.field} onChange={(v) => set({ field: v })} error={error('field')} comboboxProps={{ withinPortal: true }} />
          <Text size="sm">changed</Text>
          {days('withinDays')}
        </>
      );
      break;
    case 'autopilot':
      inputs = (
        <SegmentedControl size="xs" disabled={readOnly} aria-label={`Condition ${n} autopilot`} data={[{ value: 'on', label: 'is on autopilot' }, { value: 'off', label: 'is not on autopilot' }]} value={l.onAutopilot ? 'on' : 'off'} onChange={(v) => set({ onAutopilot: v === 'on' })} />
      );
      break;
    case 'plan_status':
      inputs = (
        <>
          {setOp}
          <MultiSelect {...common} miw={220} aria-label={`Condition ${n} plan statuses`} data={PLAN_STATUSES.map((s) => ({ value: s, label: planStatusLabel[s] }))} value={l.values} onChange={(v) => set({ values: v })} error={error('statuses')} comboboxProps={{ withinPortal: true }} />
          <Text size="sm" c="dimmed">(the worst of the account's plans)</Text>
        </>
      );
      break;
    case 'seed_stage':
      inputs = (
        <MultiSelect {...common} miw={220} aria-label={`Condition ${n} seed stages`} data={SEED_STAGE_NAMES.map((s) => ({ value: s, label: seedStageLabel[s] }))} value={l.values} onChange={(v) => set({ values: v })} error={error('stages')} comboboxProps={{ withinPortal: true }} />
      );
      break;
  }

  return (
    <Group gap="sm" align="flex-start" wrap="nowrap" data-condition-index={index}>
      <Group gap="sm" align="center" style={{ flex: 1 }}>
        <Select
          size="sm"
          w={200}
          readOnly={readOnly}
          aria-label={`Condition ${n} type`}
          data={leafTypeGroups.map((g) => ({ group: g.group, items: g.items.map((t) => ({ value: t, label: leafTypeLabel[t] })) }))}
          value={l.type}
          onChange={(v) => {
            if (!v) return;
            if (v !== l.type) set(switchType(l, v as LeafType));
          }}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
        {inputs}
      </Group>
      {onRemove && !readOnly && (
        <Tooltip label="Remove condition">
          <ActionIcon variant="subtle" color="gray" mt={4} onClick={onRemove} aria-label={`Remove condition ${n}`}>
            <Icon name="trash" size={16} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
