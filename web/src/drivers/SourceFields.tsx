import { Checkbox, Code, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, TagsInput, Text, Textarea, UnstyledButton } from '@mantine/core';
import type { ActivitySourceKind, DriverCatalog, Measure, SourceType, SurveyMetric } from '../api/healthTypes';
import { ACTIVITY_SOURCE_KINDS, MEASURES, SOURCE_TYPES, SURVEY_METRICS } from '../api/healthTypes';
import { CONTACT_ROLES, type ContactRole } from '../api/types';
import { contactRoleLabel } from '../components/format';
import { fieldLabel, measureLabel, sourceLabel, surveyMetricLabel } from '../components/health';
import type { DriverForm } from './driverForm';

interface Props {
  f: DriverForm;
  set: <K extends keyof DriverForm>(k: K, v: DriverForm[K]) => void;
  error: (path: string) => string | undefined;
  catalog: DriverCatalog | undefined;
  /** Keys of the other drivers, for formulas. */
  otherKeys: string[];
  readOnly: boolean;
}

const ACTIVITY_KIND_LABEL: Record<ActivitySourceKind, string> = { call: 'Call', meeting: 'Meeting', email: 'E-mail', qbr: 'QBR', note: 'Note' };

const withCurrent = (values: string[], current: string | null) => (current && !values.includes(current) ? [...values, current] : values);

export function SourceFields({ f, set, error, catalog, otherKeys, readOnly }: Props) {
  const types = catalog?.sources.length
    ? catalog.sources.map((s) => ({ value: s.type, label: s.available ? s.label : `${s.label} (not available yet)`, disabled: !s.available && s.type !== f.sourceType }))
    : SOURCE_TYPES.map((t) => ({ value: t, label: sourceLabel[t] }));
  const description = catalog?.sources.find((s) => s.type === f.sourceType)?.description;
  const events = catalog?.events ?? [];
  const fields = withCurrent(catalog?.fields ?? ['arr', 'seats', 'days_to_renewal', 'account_age_days'], f.field);

  const eventsInput = (
    <TagsInput
      label="Events"
      description="Pick from the events seen, or type a name and press Enter. Empty means all events."
      placeholder={f.events.length ? '' : 'All events'}
      data={events}
      value={f.events}
      onChange={(v) => set('events', v)}
      error={error('source.events')}
      clearable
      readOnly={readOnly}
      comboboxProps={{ withinPortal: true }}
    />
  );
  const maxDaysInput = (
    <NumberInput
      label="Cap (days)"
      description="Never seen counts as this many days"
      clampBehavior="none"
      min={1}
      allowDecimal={false}
      value={f.maxDays}
      onChange={(v) => set('maxDays', v)}
      error={error('source.maxDays')}
      readOnly={readOnly}
    />
  );

  return (
    <Stack gap="sm">
      <Select
        label="Source"
        description={description}
        data={types}
        value={f.sourceType}
        onChange={(v) => v && set('sourceType', v as SourceType)}
        allowDeselect={false}
        error={error('source.type')}
        readOnly={readOnly}
      />
      {f.sourceType === 'event_metric' && (
        <>
          {eventsInput}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Measure"
              data={MEASURES.map((m) => ({ value: m, label: measureLabel[m] }))}
              value={f.measure}
              onChange={(v) => v && set('measure', v as Measure)}
              allowDeselect={false}
              error={error('source.measure')}
              readOnly={readOnly}
            />
            <NumberInput
              label="Window (days)"
              clampBehavior="none"
              min={1}
              max={90}
              allowDecimal={false}
              value={f.windowDays}
              onChange={(v) => set('windowDays', v)}
              error={error('source.windowDays')}
              readOnly={readOnly}
            />
          </SimpleGrid>
          <Checkbox
            label="Per seat: divide by the seats the account bought"
            checked={f.perSeat}
            onChange={(e) => set('perSeat', e.currentTarget.checked)}
            error={error('source.perSeat')}
            disabled={readOnly}
          />
        </>
      )}
      {f.sourceType === 'account_field' && (
        <Select
          label="Field"
          data={fields.map((v) => ({ value: v, label: fieldLabel(v) }))}
          value={f.field}
          onChange={(v) => set('field', v)}
          searchable
          error={error('source.field')}
          readOnly={readOnly}
        />
      )}
      {f.sourceType === 'days_since_event' && (
        <>
          {eventsInput}
          {maxDaysInput}
        </>
      )}
      {f.sourceType === 'days_since_contact_seen' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Contact role"
            data={CONTACT_ROLES.map((r) => ({ value: r, label: contactRoleLabel[r] }))}
            value={f.role}
            onChange={(v) => v && set('role', v as ContactRole)}
            allowDeselect={false}
            error={error('source.role')}
            readOnly={readOnly}
          />
          {maxDaysInput}
        </SimpleGrid>
      )}
      {f.sourceType === 'days_since_activity' && (
        <>
          <MultiSelect
            label="Activity kinds"
            description="Empty means any logged activity"
            placeholder={f.activityKinds.length ? '' : 'Any activity'}
            data={ACTIVITY_SOURCE_KINDS.map((k) => ({ value: k, label: ACTIVITY_KIND_LABEL[k] }))}
            value={f.activityKinds}
            onChange={(v) => set('activityKinds', v as ActivitySourceKind[])}
            error={error('source.kinds')}
            readOnly={readOnly}
            comboboxProps={{ withinPortal: true }}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="With a contact of the role"
              description="Only activities this contact took part in"
              placeholder="Any (or none)"
              data={CONTACT_ROLES.map((r) => ({ value: r, label: contactRoleLabel[r] }))}
              value={f.activityRole}
              onChange={(v) => set('activityRole', v as ContactRole | null)}
              clearable
              error={error('source.contactRole')}
              readOnly={readOnly}
            />
            {maxDaysInput}
          </SimpleGrid>
        </>
      )}
      {f.sourceType === 'survey_metric' && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <Select
            label="Metric"
            description="From people’s answers; automated clicks never count"
            data={SURVEY_METRICS.map((m) => ({ value: m, label: surveyMetricLabel[m] }))}
            value={f.surveyMetric}
            onChange={(v) => v && set('surveyMetric', v as SurveyMetric)}
            allowDeselect={false}
            error={error('source.metric')}
            readOnly={readOnly}
          />
          <NumberInput
            label="Window (days)"
            description="Answers of the last N days"
            clampBehavior="none"
            min={1}
            max={730}
            allowDecimal={false}
            value={f.surveyWindowDays}
            onChange={(v) => set('surveyWindowDays', v)}
            error={error('source.windowDays')}
            readOnly={readOnly}
          />
          {(f.surveyMetric === 'response_rate' || f.surveyMetric === 'detractor_share') && (
            <Select
              label="Surveys"
              description="Only surveys of this kind"
              placeholder={f.surveyMetric === 'detractor_share' ? 'NPS (the default)' : 'Any kind'}
              data={[
                { value: 'nps', label: 'NPS' },
                { value: 'csat', label: 'CSAT' },
                { value: 'ces', label: 'CES' },
              ]}
              value={f.surveyKind}
              onChange={(v) => set('surveyKind', v as 'nps' | 'csat' | 'ces' | null)}
              clearable
              error={error('source.surveyKind')}
              readOnly={readOnly}
            />
          )}
        </SimpleGrid>
      )}
      {f.sourceType === 'formula' && (
        <Stack gap={6}>
          <Textarea
            label="Expression"
            description="Arithmetic over other drivers’ keys: + - * / ( ) min() max() abs()"
            placeholder="e.g. min(seat_utilization * 100, 100) - days_since_activity"
            autosize
            minRows={2}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            value={f.expression}
            onChange={(e) => set('expression', e.currentTarget.value)}
            error={error('source.expression')}
            readOnly={readOnly}
          />
          {otherKeys.length > 0 && (
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                Keys:
              </Text>
              {otherKeys.map((k) => (
                <UnstyledButton
                  key={k}
                  disabled={readOnly}
                  onClick={() => set('expression', `${f.expression}${f.expression && !f.expression.endsWith(' ') ? ' ' : ''}${k}`)}
                  aria-label={`Insert ${k}`}
                >
                  <Code>{k}</Code>
                </UnstyledButton>
              ))}
            </Group>
          )}
        </Stack>
      )}
    </Stack>
  );
}
