import { describe, expect, it } from 'vitest';
import type { Driver } from '../api/healthTypes';
import { describeSource, formatDriverValue } from '../components/health';
import { initialForm, toSource, validate } from '../drivers/driverForm';

const driver = (source: Driver['source']): Driver => ({
  id: 'd1',
  key: 'nps_180',
  name: 'NPS',
  description: '',
  source,
  scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 30, score: 100 }] },
  stageWeights: { adoption: 1 },
  enabled: true,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('the survey_metric driver source in the editor', () => {
  it('loads a stored survey source and sends it back unchanged', () => {
    const source = { type: 'survey_metric' as const, metric: 'detractor_share' as const, windowDays: 365, surveyKind: 'nps' as const };
    expect(toSource(initialForm(driver(source)))).toEqual(source);
  });

  it('leaves surveyKind out when any kind counts, and defaults to NPS over 180 days', () => {
    const f = { ...initialForm(), sourceType: 'survey_metric' as const };
    expect(toSource(f)).toEqual({ type: 'survey_metric', metric: 'nps', windowDays: 180 });
  });

  it('sends a survey kind only with the metrics it applies to (response rate, detractor share)', () => {
    const f = { ...initialForm(), sourceType: 'survey_metric' as const, surveyKind: 'csat' as const };
    expect(toSource({ ...f, surveyMetric: 'response_rate' })).toMatchObject({ surveyKind: 'csat' });
    expect(toSource({ ...f, surveyMetric: 'csat' })).not.toHaveProperty('surveyKind');
  });

  it('is a source the API’s own schema accepts', () => {
    const form = initialForm(driver({ type: 'survey_metric', metric: 'detractor_share', windowDays: 365, surveyKind: 'csat' }));
    expect(validate({ ...form, key: 'detractors_1y' }, true)).toEqual({});
  });

  it('refuses a window outside 1–730 whole days on the window field', () => {
    const base = { ...initialForm(), name: 'NPS', key: 'nps_x', sourceType: 'survey_metric' as const };
    expect(validate({ ...base, surveyWindowDays: 731 }, true)['source.windowDays']).toBe('Whole days, 1 to 730');
    expect(validate({ ...base, surveyWindowDays: 0 }, true)['source.windowDays']).toBe('Whole days, 1 to 730');
    expect(validate({ ...base, surveyWindowDays: 1.5 }, true)['source.windowDays']).toBe('Whole days, 1 to 730');
  });

  it('describes the source and its values in words (NPS signed, shares in percent)', () => {
    expect(describeSource({ type: 'survey_metric', metric: 'nps', windowDays: 90 })).toBe('NPS, last 90 days');
    expect(describeSource({ type: 'survey_metric', metric: 'response_rate', windowDays: 1, surveyKind: 'csat' })).toBe('Survey response rate of CSAT surveys, last 1 day');
    const d = driver({ type: 'survey_metric', metric: 'nps', windowDays: 90 });
    expect(formatDriverValue(32, d)).toBe('NPS +32');
    expect(formatDriverValue(-5, d)).toBe('NPS -5');
  });
});
