import { ActionIcon, Button, Group, Input, NumberInput, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import type { Direction, Scoring } from '../api/healthTypes';
import { STAGES } from '../api/types';
import { stageLabel } from '../components/format';
import { Icon } from '../components/icons';
import { toShown, valueUnit } from '../components/health';
import { type DriverForm, newRow, type NumText, type ThresholdRow, toSource } from './driverForm';

interface Props {
  f: DriverForm;
  set: <K extends keyof DriverForm>(k: K, v: DriverForm[K]) => void;
  error: (path: string) => string | undefined;
  readOnly: boolean;
}

export function ScoringFields({ f, set, error, readOnly }: Props) {
  const higher = f.direction === 'higher_is_better';
  const trend = f.scoringType === 'trend';
  // Thresholds are typed in the unit the values are shown in (a per-seat ratio as "% of seats"), stored as the API keeps them.
  const unit = valueUnit(toSource(f), { type: f.scoringType });
  const shown = (v: NumText): NumText => (typeof v === 'number' ? toShown(v, unit) : v);
  const stored = (v: NumText): NumText => (typeof v === 'number' && unit ? v / unit.scale : v);
  const setRow = (id: number, patch: Partial<ThresholdRow>) =>
    set('thresholds', f.thresholds.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  const rule = higher
    ? `An account gets the score of the highest threshold its ${trend ? 'change' : 'value'} reaches, else 0.`
    : `An account gets the score of the lowest threshold its ${trend ? 'change' : 'value'} stays under, else 0.`;

  return (
    <Stack gap="sm">
      <Group gap="md" wrap="wrap">
        <Input.Wrapper label="Scored on">
          <div>
            <SegmentedControl
              size="xs"
              value={f.scoringType}
              onChange={(v) => set('scoringType', v as Scoring['type'])}
              readOnly={readOnly}
              data={[
                { value: 'bands', label: 'The value' },
                { value: 'trend', label: 'Its % change (trend)' },
              ]}
            />
          </div>
        </Input.Wrapper>
        <Input.Wrapper label="Direction">
          <div>
            <SegmentedControl
              size="xs"
              value={f.direction}
              onChange={(v) => set('direction', v as Direction)}
              readOnly={readOnly}
              data={[
                { value: 'higher_is_better', label: 'Higher is better' },
                { value: 'lower_is_better', label: 'Lower is better' },
              ]}
            />
          </div>
        </Input.Wrapper>
      </Group>
      <Input.Wrapper
        label="Thresholds"
        description={`${trend ? 'Values are the percent change against the previous window. ' : ''}${unit ? `Values are daily active users as a percentage of seats. ` : ''}${rule}`}
        error={error('scoring.thresholds') ?? error('scoring')}
      >
        <Stack gap={6} mt={6} data-testid="thresholds">
          {f.thresholds.map((t, i) => (
            <Group key={t.id} gap="xs" wrap="nowrap" data-threshold-row={i}>
              <NumberInput
                aria-label={`Threshold ${i + 1} value`}
                leftSection={<Text size="sm" c="dimmed">{higher ? '≥' : '≤'}</Text>}
                rightSection={trend || unit ? <Text size="sm" c="dimmed">%</Text> : undefined}
                value={shown(t.value)}
                onChange={(v) => setRow(t.id, { value: stored(v) })}
                decimalScale={4}
                w={150}
                readOnly={readOnly}
              />
              <Icon name="chevronRight" size={16} />
              <NumberInput
                aria-label={`Threshold ${i + 1} score`}
                leftSection={<Text size="xs" c="dimmed">score</Text>}
                leftSectionWidth={48}
                clampBehavior="none"
                min={0}
                max={100}
                allowDecimal={false}
                value={t.score}
                onChange={(v) => setRow(t.id, { score: v })}
                w={120}
                readOnly={readOnly}
              />
              {!readOnly && (
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-label={`Remove threshold ${i + 1}`}
                  onClick={() => set('thresholds', f.thresholds.filter((x) => x.id !== t.id))}
                >
                  <Icon name="trash" size={14} />
                </ActionIcon>
              )}
            </Group>
          ))}
          {!readOnly && (
            <div>
              <Button size="compact-sm" variant="subtle" leftSection={<Icon name="plus" size={14} />} onClick={() => set('thresholds', [...f.thresholds, newRow()])}>
                Add threshold
              </Button>
            </div>
          )}
        </Stack>
      </Input.Wrapper>
    </Stack>
  );
}

export function StageWeightFields({ f, set, error, readOnly }: Props) {
  const total = STAGES.reduce((s, st) => s + (typeof f.stageWeights[st] === 'number' ? Number(f.stageWeights[st]) : 0), 0);
  return (
    <Input.Wrapper
      label="Stage weights"
      description="The weight of this driver in each lifecycle stage, relative to the other drivers of the stage. Empty: not used in that stage."
      error={error('stageWeights')}
    >
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" mt={6}>
        {STAGES.map((s) => (
          <NumberInput
            key={s}
            label={stageLabel[s]}
            placeholder="not used"
            clampBehavior="none"
            min={0}
            value={f.stageWeights[s]}
            onChange={(v) => set('stageWeights', { ...f.stageWeights, [s]: v })}
            error={error(`stageWeights.${s}`) ? ' ' : undefined}
            readOnly={readOnly}
            size="sm"
          />
        ))}
      </SimpleGrid>
      {total === 0 && !error('stageWeights') && (
        <Text size="xs" c="dimmed" mt={4}>
          Not used in any stage yet.
        </Text>
      )}
    </Input.Wrapper>
  );
}
