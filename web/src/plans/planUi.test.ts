import { describe, expect, it } from 'vitest';
import type { Criterion } from '../api/planTypes';
import type { Driver } from '../api/healthTypes';
import { criterionFormatter, isUnmeasured, progressNote, valueVsTarget } from './planUi';

const perSeat: Pick<Driver, 'source' | 'scoring'> = {
  source: { type: 'event_metric', events: [], measure: 'avg_daily_users', windowDays: 28, perSeat: true },
  scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [] },
};

const criterion = (over: Partial<Criterion>): Criterion => ({
  id: 'c1',
  goalId: 'g1',
  name: 'Daily users',
  kind: 'driver',
  driverId: 'd1',
  driverName: 'Daily active users as % of seats',
  metric: null,
  direction: 'up',
  baseline: null,
  target: 0.3,
  current: 0.031,
  measuredAt: null,
  progress: 10,
  state: 'measured',
  met: false,
  ratings: null,
  ...over,
});

describe('criterion values', () => {
  it('a driver criterion is shown in its driver’s unit, as the health card shows it', () => {
    const c = criterion({});
    expect(valueVsTarget(c, criterionFormatter(c, perSeat))).toBe('3.1% of seats → at least 30% of seats');
  });

  it('metric and manual criteria stay plain numbers', () => {
    const c = criterion({ kind: 'manual', driverId: null, current: 4, target: 10 });
    expect(valueVsTarget(c, criterionFormatter(c, perSeat))).toBe('4 → at least 10');
  });

  it('without a target: the value alone, and a note to set one (not "no data")', () => {
    const c = criterion({ kind: 'manual', driverId: null, current: 0, target: null, progress: null, state: 'no_target' });
    expect(valueVsTarget(c)).toBe('0');
    expect(progressNote(c)).toBe('No target yet: set one to measure progress');
  });
});

describe('isUnmeasured', () => {
  const progress = { criteriaMet: 0, criteriaTotal: 0, milestonesDone: 0, milestonesTotal: 0, percent: null };
  it('a goal with no criterion that the API calls on track is not measured yet', () => {
    expect(isUnmeasured({ status: 'on_track', progress })).toBe(true);
    expect(isUnmeasured({ status: 'off_track', progress })).toBe(false);
    expect(isUnmeasured({ status: 'on_track', progress: { ...progress, criteriaTotal: 1 } })).toBe(false);
  });
});
