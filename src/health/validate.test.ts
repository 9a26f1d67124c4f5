import { describe, expect, it } from 'vitest';
import { usedBy, validateDriver } from './validate.js';
import type { DriverSource } from './schema.js';

const metric: DriverSource = { type: 'event_metric', events: ['Login'], measure: 'count', windowDays: 7, perSeat: false };
const bands = { type: 'bands' as const, thresholds: [{ value: 1 }, { value: 5 }] };
const known = new Set(['Login', 'Export']);
const others = [{ key: 'logins', source: metric }, { key: 'ratio', source: { type: 'formula', expression: 'logins / 2' } as DriverSource }];
const paths = (e: { path: string }[]) => e.map((x) => x.path);

describe('validateDriver', () => {
  it('accepts a sound driver', () => {
    expect(validateDriver({ key: 'x', source: metric, scoring: bands, stageWeights: { adoption: 10 } }, others, known)).toEqual([]);
  });
  it('rejects an unknown event, empty stage weights and duplicate thresholds, naming the fields', () => {
    const e = validateDriver({ key: 'x', source: { ...metric, events: ['Login', 'Teleported'] }, scoring: { type: 'bands', thresholds: [{ value: 1 }, { value: 1 }] }, stageWeights: { adoption: 0 } }, others, known);
    expect(paths(e).sort()).toEqual(['scoring.thresholds', 'source.events.1', 'stageWeights']);
  });
  it('rejects a trend on a source without windows, and daily users over several events', () => {
    expect(paths(validateDriver({ key: 'x', source: { type: 'account_field', field: 'arr' }, scoring: { ...bands, type: 'trend' }, stageWeights: { renewal: 1 } }, others, known))).toEqual(['scoring.type']);
    expect(paths(validateDriver({ key: 'x', source: { ...metric, measure: 'avg_daily_users', events: ['Login', 'Export'] }, scoring: bands, stageWeights: { renewal: 1 } }, others, known))).toEqual(['source.events']);
  });
  it('rejects formulas that do not parse, use unknown drivers or make a cycle', () => {
    const f = (expression: string, key = 'x') => validateDriver({ key, source: { type: 'formula', expression }, scoring: bands, stageWeights: { adoption: 1 } }, others, known);
    expect(f('logins *')[0]?.message).toMatch(/cannot parse/);
    expect(f('logins / nothing')[0]?.message).toMatch(/unknown driver\(s\): nothing/);
    expect(f('ratio + 1')).toEqual([]);
    // logins is itself a metric; redefining it as a formula over ratio closes a loop.
    expect(f('ratio * 2', 'logins')[0]?.message).toMatch(/formula cycle: (logins → ratio → logins|ratio → logins → ratio)/);
    expect(f('x + 1')[0]?.message).toMatch(/cycle/);
  });
  it('finds the formulas that use a driver', () => {
    expect(usedBy('logins', others)).toEqual(['ratio']);
    expect(usedBy('ratio', others)).toEqual([]);
  });
});

describe('validateDriver for a disabled driver', () => {
  it('leaves out the checks that need data (events received), keeps the others', () => {
    const def = { key: 'x', source: { ...metric, events: ['Never Seen'] }, scoring: bands, stageWeights: { adoption: 1 } };
    expect(paths(validateDriver(def, others, known))).toEqual(['source.events.0']);
    expect(validateDriver(def, others, null)).toEqual([]);
    expect(paths(validateDriver({ ...def, stageWeights: {} }, others, null))).toEqual(['stageWeights']);
  });
});
