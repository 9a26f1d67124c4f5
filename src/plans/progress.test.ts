import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  criterionProgress, goalProgress, milestoneProgress, planProgress, timeElapsed, STATUS_RANK,
  type CriterionInput, type GoalInput, type MilestoneInput,
} from './progress.js';

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const at = (iso: string) => new Date(iso);

let seq = 0;
const criterion = (c: Partial<CriterionInput> = {}): CriterionInput => ({
  id: `c${++seq}`, name: 'weekly reports', kind: 'metric', direction: 'up', baseline: 0, current: null, target: 100, measuredAt: null, ...c,
});
const milestone = (m: Partial<MilestoneInput> = {}): MilestoneInput => ({
  id: `m${++seq}`, title: 'SSO live', dueAt: null, completedAt: null, owner: { side: 'vendor', name: null }, ...m,
});
// A 100-day goal: 1 Jan → 11 Apr 2025, so "day N" is N % of the time.
const START = day('2025-01-01');
const TARGET = day('2025-04-11');
const dayOf = (n: number) => new Date(START.getTime() + n * 86_400_000);
const goal = (g: Partial<GoalInput> = {}): GoalInput => ({
  id: `g${++seq}`, statement: 'Cut reporting time', startAt: START, targetDate: TARGET, criteria: [], milestones: [], ...g,
});

describe('criterionProgress', () => {
  it('measures up from the baseline toward the target', () => {
    expect(criterionProgress(criterion({ baseline: 20, current: 50, target: 80 }))).toMatchObject({ state: 'measured', progress: 0.5, percent: 50, met: false });
  });

  it('takes 0 as the baseline of an up criterion without one', () => {
    expect(criterionProgress(criterion({ baseline: null, current: 40, target: 100 }))).toMatchObject({ progress: 0.4, percent: 40 });
  });

  it('measures a down target: from 10 days to 2, at 4 days is 75 %', () => {
    const c = criterionProgress(criterion({ direction: 'down', baseline: 10, current: 4, target: 2 }));
    expect(c).toMatchObject({ state: 'measured', progress: 0.75, percent: 75, met: false });
    expect(criterionProgress(criterion({ direction: 'down', baseline: 10, current: 2, target: 2 }))).toMatchObject({ progress: 1, met: true });
  });

  it('a down criterion without a baseline cannot be measured until it meets its target', () => {
    expect(criterionProgress(criterion({ direction: 'down', baseline: null, current: 4, target: 2 }))).toMatchObject({ state: 'no_baseline', progress: null, percent: null, met: false });
    expect(criterionProgress(criterion({ direction: 'down', baseline: null, current: 1, target: 2 }))).toMatchObject({ state: 'measured', progress: 1, met: true });
  });

  it('no data is null, never 0 %', () => {
    const c = criterionProgress(criterion({ current: null }));
    expect(c).toMatchObject({ state: 'no_data', progress: null, percent: null, met: false });
    expect(criterionProgress(criterion({ current: Number.NaN })).state).toBe('no_data');
    expect(criterionProgress(criterion({ current: Number.POSITIVE_INFINITY })).state).toBe('no_data');
  });

  it('no target: measured nothing, met nothing', () => {
    expect(criterionProgress(criterion({ current: 50, target: null }))).toMatchObject({ state: 'no_target', progress: null, met: false });
  });

  it('past the target is 100 % and met (target reached early); worse than the baseline is 0 %', () => {
    expect(criterionProgress(criterion({ current: 130, target: 100 }))).toMatchObject({ progress: 1, percent: 100, met: true });
    expect(criterionProgress(criterion({ baseline: 20, current: 5, target: 100 }))).toMatchObject({ progress: 0, percent: 0, met: false });
  });

  it('a baseline that already meets the target leaves no span: 1 when met, else 0', () => {
    expect(criterionProgress(criterion({ baseline: 100, current: 100, target: 100 }))).toMatchObject({ progress: 1, met: true });
    expect(criterionProgress(criterion({ baseline: 120, current: 90, target: 100 }))).toMatchObject({ progress: 0, met: false });
  });

  it('ratings run on 1–5: baseline defaults to the scale end, values are clamped', () => {
    expect(criterionProgress(criterion({ kind: 'rating', baseline: null, current: 3, target: 4 }))).toMatchObject({ percent: 66, met: false });
    expect(criterionProgress(criterion({ kind: 'rating', baseline: 2, current: 9, target: 5 }))).toMatchObject({ progress: 1, met: true });
    expect(criterionProgress(criterion({ kind: 'rating', baseline: null, current: 0, target: 4 }))).toMatchObject({ progress: 0 });
    expect(criterionProgress(criterion({ kind: 'rating', direction: 'down', baseline: null, current: 3, target: 1 }))).toMatchObject({ progress: 0.5 });
  });

  it('floors the percent without float noise', () => {
    expect(criterionProgress(criterion({ current: 29, target: 100 })).percent).toBe(29);
    expect(criterionProgress(criterion({ current: 99.9, target: 100 })).percent).toBe(99);
  });
});

describe('milestoneProgress and timeElapsed', () => {
  it('is overdue only once a full day has passed after the due date', () => {
    const m = milestone({ dueAt: day('2025-03-01') });
    expect(milestoneProgress(m, at('2025-03-01T18:00:00Z')).overdueDays).toBe(0);
    expect(milestoneProgress(m, at('2025-03-02T00:00:00Z')).overdueDays).toBe(1);
    expect(milestoneProgress(m, at('2025-02-01T00:00:00Z')).overdueDays).toBe(0);
  });

  it('a done milestone is never overdue; one without a due date neither', () => {
    expect(milestoneProgress(milestone({ dueAt: day('2025-01-01'), completedAt: day('2025-02-01') }), day('2025-06-01'))).toMatchObject({ done: true, overdueDays: 0 });
    expect(milestoneProgress(milestone({ dueAt: null }), day('2025-06-01')).overdueDays).toBe(0);
  });

  it('time elapsed is clamped to 0–1 and null without a target date', () => {
    expect(timeElapsed(START, TARGET, dayOf(25))).toBeCloseTo(0.25);
    expect(timeElapsed(START, TARGET, day('2024-12-01'))).toBe(0);
    expect(timeElapsed(START, TARGET, day('2026-01-01'))).toBe(1);
    expect(timeElapsed(START, null, dayOf(25))).toBeNull();
    expect(timeElapsed(TARGET, START, dayOf(25))).toBe(1);
    expect(timeElapsed(TARGET, TARGET, dayOf(25))).toBe(0);
  });
});

describe('goalProgress', () => {
  it('is achieved when every criterion is met, and says the target was reached early', () => {
    const g = goalProgress(goal({ criteria: [criterion({ current: 100 }), criterion({ name: 'adoption', current: 120 })], milestones: [milestone({ dueAt: dayOf(10) })] }), dayOf(60));
    expect(g.status).toBe('achieved');
    expect(g.reasons).toEqual(['all 2 criteria met', 'target reached early: 40 days before the target date']);
    expect(g).toMatchObject({ progress: 1, percent: 100, criteriaMet: 2, criteriaTotal: 2, milestonesDone: 0, milestonesTotal: 1 });
  });

  it('achieved on or after the target date does not claim early', () => {
    const g = goalProgress(goal({ criteria: [criterion({ current: 100 })] }), dayOf(120));
    expect(g.status).toBe('achieved');
    expect(g.reasons).toEqual(["criterion 'weekly reports' met"]);
  });

  it("says the issue's example: 40 % of target with 20 % of time left is off track", () => {
    const g = goalProgress(goal({ criteria: [criterion({ current: 40 })] }), dayOf(80));
    expect(g.status).toBe('off_track');
    expect(g.reasons).toEqual(["criterion 'weekly reports' at 40% of target with 20% of time left"]);
  });

  it('a lag of more than 15 points is at risk, up to 15 is on track', () => {
    expect(goalProgress(goal({ criteria: [criterion({ current: 40 })] }), dayOf(60)).status).toBe('at_risk');
    const onPace = goalProgress(goal({ criteria: [criterion({ current: 46 })] }), dayOf(60));
    expect(onPace.status).toBe('on_track');
    expect(onPace.reasons).toEqual(['on pace: 46% of target with 60% of time elapsed; no milestones']);
  });

  it('names an overdue customer milestone with its owner: at risk, off track from 14 days', () => {
    const m = milestone({ dueAt: dayOf(40), owner: { side: 'customer', name: 'Dana Lee' } });
    const g = goalProgress(goal({ criteria: [criterion({ current: 60 })], milestones: [m] }), dayOf(52));
    expect(g.status).toBe('at_risk');
    expect(g.reasons).toEqual(["milestone 'SSO live' 12 days overdue, owner on the customer side (Dana Lee)"]);
    expect(goalProgress(goal({ criteria: [criterion({ current: 60 })], milestones: [m] }), dayOf(54)).status).toBe('off_track');
    const noName = goalProgress(goal({ milestones: [milestone({ dueAt: dayOf(40), owner: { side: 'customer', name: null } })] }), dayOf(41));
    expect(noName.reasons[0]).toBe("milestone 'SSO live' 1 day overdue, owner on the customer side");
    const noOwner = goalProgress(goal({ milestones: [milestone({ dueAt: dayOf(40), owner: null })] }), dayOf(43));
    expect(noOwner.reasons[0]).toBe("milestone 'SSO live' 3 days overdue, no owner");
  });

  it('a criterion with no data yet is a note early, at risk once half the time is gone, never 0 %', () => {
    const input = goal({ criteria: [criterion({ current: null })] });
    const early = goalProgress(input, dayOf(30));
    expect(early).toMatchObject({ status: 'on_track', progress: null, percent: null });
    expect(early.reasons).toEqual(['nothing measured yet with 30% of time elapsed; no milestones', "criterion 'weekly reports' has no data yet"]);
    const late = goalProgress(input, dayOf(70));
    expect(late.status).toBe('at_risk');
    expect(late.reasons).toEqual(["criterion 'weekly reports' has no data yet with 30% of time left"]);
  });

  it('no data does not drag the goal progress down', () => {
    const g = goalProgress(goal({ criteria: [criterion({ current: 50 }), criterion({ name: 'nps', current: null })] }), dayOf(40));
    expect(g.progress).toBe(0.5);
    expect(g.percent).toBe(50);
    expect(g.criteriaTotal).toBe(2);
  });

  it('a criterion without a target is said, and is not met', () => {
    const g = goalProgress(goal({ criteria: [criterion({ current: 50, target: null })] }), dayOf(10));
    expect(g.status).toBe('on_track');
    expect(g.reasons).toContain("criterion 'weekly reports' has no target yet");
    expect(g.criteriaMet).toBe(0);
    const noBaseline = goalProgress(goal({ criteria: [criterion({ direction: 'down', baseline: null, current: 8, target: 2 })] }), dayOf(80));
    expect(noBaseline.reasons).toEqual(["criterion 'weekly reports' has no baseline to measure progress from with 20% of time left"]);
  });

  it('a goal without criteria is never achieved, and says so', () => {
    const g = goalProgress(goal({ milestones: [milestone({ completedAt: dayOf(5) })] }), dayOf(10));
    expect(g.status).toBe('on_track');
    expect(g.reasons).toEqual(['nothing measured yet with 10% of time elapsed; no milestone overdue', 'no success criteria yet']);
    expect(g).toMatchObject({ progress: null, criteriaTotal: 0, milestonesDone: 1, milestonesTotal: 1 });
  });

  it('is off track a full day after the target date when not achieved', () => {
    const g = goalProgress(goal({ criteria: [criterion({ current: 95 }), criterion({ name: 'nps', current: 100 })] }), day('2025-04-14'));
    expect(g.status).toBe('off_track');
    expect(g.reasons[0]).toBe('target date passed 3 days ago with 1 of 2 criteria met');
    expect(g.reasons).toContain("criterion 'weekly reports' at 95% of target with no time left");
    expect(goalProgress(goal(), day('2025-04-12')).reasons[0]).toBe('target date passed 1 day ago with no success criteria');
    expect(goalProgress(goal({ criteria: [criterion({ current: 95 })] }), at('2025-04-11T15:00:00Z')).status).toBe('on_track');
  });

  it('without a target date there is no pace: only milestones and notes count', () => {
    const g = goalProgress(goal({ targetDate: null, criteria: [criterion({ current: 1 })] }), dayOf(300));
    expect(g).toMatchObject({ status: 'on_track', timeElapsed: null });
    expect(g.reasons).toEqual(['no target date, so no pace to keep; no milestones']);
  });

  it('lists the worst reasons first (same severity: criteria, then milestones)', () => {
    const g = goalProgress(goal({
      criteria: [criterion({ current: 50 }), criterion({ name: 'nps', current: null })],
      milestones: [milestone({ title: 'Kickoff', dueAt: dayOf(50) }), milestone({ dueAt: dayOf(30), owner: { side: 'customer', name: null } })],
    }), dayOf(60));
    expect(g.status).toBe('off_track');
    expect(g.reasons).toEqual([
      "milestone 'SSO live' 30 days overdue, owner on the customer side",
      "criterion 'nps' has no data yet with 40% of time left",
      "milestone 'Kickoff' 10 days overdue, owner on the vendor side",
    ]);
  });
});

describe('planProgress', () => {
  it('rolls up counts, the mean of measured goals and the worst status with goal-prefixed reasons', () => {
    const p = planProgress({ goals: [
      goal({ statement: 'Cut reporting time', criteria: [criterion({ current: 100 })], milestones: [milestone({ completedAt: dayOf(3) })] }),
      goal({ statement: 'Roll out SSO', criteria: [criterion({ name: 'logins via SSO', current: 10 }), criterion({ current: null })], milestones: [milestone({ dueAt: dayOf(40), owner: { side: 'customer', name: 'Dana Lee' } })] }),
      goal({ statement: 'Exec sponsor', criteria: [criterion({ current: null })] }),
    ] }, dayOf(52));
    expect(p.progress).toEqual({ percent: 55, criteriaMet: 1, criteriaTotal: 4, milestonesDone: 1, milestonesTotal: 2 });
    expect(p.status).toBe('off_track');
    expect(p.reasons).toEqual([
      '3 goals: 1 achieved, 1 at risk, 1 off track',
      "goal 'Roll out SSO': criterion 'logins via SSO' at 10% of target with 48% of time left",
      "goal 'Roll out SSO': criterion 'weekly reports' has no data yet with 48% of time left",
      "goal 'Roll out SSO': milestone 'SSO live' 12 days overdue, owner on the customer side (Dana Lee)",
      "goal 'Exec sponsor': criterion 'weekly reports' has no data yet with 48% of time left",
    ]);
    expect(p.goals.map((g) => g.status)).toEqual(['achieved', 'off_track', 'at_risk']);
  });

  it('percent is null when nothing is measured, and an empty plan says it has no goals', () => {
    expect(planProgress({ goals: [goal({ criteria: [criterion()] })] }, dayOf(10)).progress.percent).toBeNull();
    expect(planProgress({ goals: [] }, dayOf(10))).toEqual({
      status: 'on_track', reasons: ['no goals yet'], goals: [],
      progress: { percent: null, criteriaMet: 0, criteriaTotal: 0, milestonesDone: 0, milestonesTotal: 0 },
    });
  });

  it('is achieved only when every goal is; achieved goals do not hide a slipping one', () => {
    const done = goal({ criteria: [criterion({ current: 100 })] });
    expect(planProgress({ goals: [done, goal({ criteria: [criterion({ current: 100 })] })] }, dayOf(50)).status).toBe('achieved');
    expect(planProgress({ goals: [done, goal()] }, dayOf(50)).status).toBe('on_track');
    expect(planProgress({ goals: [done, goal({ criteria: [criterion({ current: 10 })] })] }, dayOf(50)).status).toBe('off_track');
  });
});

// ---- properties ----------------------------------------------------------------------------

const num = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0, 1, 5));
const arbCriterion = fc.record({
  id: fc.uuid(), name: fc.string({ maxLength: 10 }),
  kind: fc.constantFrom('driver', 'metric', 'manual', 'rating' as const),
  direction: fc.constantFrom('up', 'down' as const),
  baseline: fc.option(num), current: fc.option(num), target: fc.option(num), measuredAt: fc.constant(null),
});
const T0 = START.getTime();
const arbDate = fc.integer({ min: -200, max: 400 }).map((n) => new Date(T0 + n * 86_400_000));
const arbMilestone = fc.record({
  id: fc.uuid(), title: fc.string({ maxLength: 10 }), dueAt: fc.option(arbDate), completedAt: fc.option(arbDate),
  owner: fc.option(fc.record({ side: fc.constantFrom('vendor', 'customer' as const), name: fc.option(fc.string({ maxLength: 8 })) })),
});
const arbGoal = fc.record({
  id: fc.uuid(), statement: fc.string({ maxLength: 10 }), startAt: arbDate, targetDate: fc.option(arbDate),
  criteria: fc.array(arbCriterion, { maxLength: 4 }), milestones: fc.array(arbMilestone, { maxLength: 3 }),
});
const arbPlan = fc.record({ goals: fc.array(arbGoal, { maxLength: 4 }) });

describe('properties', () => {
  it('every percent is a whole number within 0–100, or null', () => {
    fc.assert(fc.property(arbPlan, arbDate, (plan, now) => {
      const p = planProgress(plan, now);
      const percents = [p.progress.percent, ...p.goals.flatMap((g) => [g.percent, ...g.criteria.map((c) => c.percent)])];
      for (const x of percents) if (x !== null) expect(Number.isInteger(x) && x >= 0 && x <= 100).toBe(true);
      for (const g of p.goals) for (const c of g.criteria) if (c.progress !== null) expect(c.progress >= 0 && c.progress <= 1).toBe(true);
      expect(p.reasons.length).toBeGreaterThan(0);
      for (const g of p.goals) expect(g.reasons.length).toBeGreaterThan(0);
    }));
  });

  it('a goal is achieved iff it has criteria and all are met; a plan iff it has goals and all are achieved', () => {
    fc.assert(fc.property(arbPlan, arbDate, (plan, now) => {
      const p = planProgress(plan, now);
      for (const g of p.goals) expect(g.status === 'achieved').toBe(g.criteriaTotal > 0 && g.criteriaMet === g.criteriaTotal);
      expect(p.status === 'achieved').toBe(p.goals.length > 0 && p.goals.every((g) => g.status === 'achieved'));
    }));
  });

  it('more progress (a criterion moved toward its target, a milestone done) never worsens a status at the same time', () => {
    fc.assert(fc.property(arbPlan, arbDate, fc.nat(), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.boolean(), (plan, now, pick, step, finishMilestone) => {
      const goals = plan.goals;
      if (goals.length === 0) return;
      const gi = pick % goals.length;
      const g = goals[gi];
      if (!g) return;
      let better: GoalInput = g;
      if (finishMilestone && g.milestones.length > 0) {
        const mi = pick % g.milestones.length;
        better = { ...g, milestones: g.milestones.map((m, i) => (i === mi && m.completedAt === null ? { ...m, completedAt: now } : m)) };
      } else if (g.criteria.length > 0) {
        const ci = pick % g.criteria.length;
        better = { ...g, criteria: g.criteria.map((c, i) => {
          if (i !== ci || c.current === null || !Number.isFinite(c.current)) return c;
          return { ...c, current: c.direction === 'up' ? c.current + step : c.current - step };
        }) };
      }
      const before = planProgress(plan, now);
      const after = planProgress({ goals: goals.map((x, i) => (i === gi ? better : x)) }, now);
      expect(STATUS_RANK[after.goals[gi]?.status ?? 'on_track']).toBeLessThanOrEqual(STATUS_RANK[before.goals[gi]?.status ?? 'on_track']);
      expect(STATUS_RANK[after.status]).toBeLessThanOrEqual(STATUS_RANK[before.status]);
      const pb = before.goals[gi]?.progress ?? null;
      const pa = after.goals[gi]?.progress ?? null;
      if (pb !== null && pa !== null) expect(pa).toBeGreaterThanOrEqual(pb - 1e-12);
    }));
  });
});
