// Success-plan progress and status, as pure functions: criterion -> goal -> plan.
// Plain data in (the plan, its latest measurements, `now`), plain data out; no I/O.
// All instants are `Date`s; a date-only value (a target date, a due date) is its day's 00:00 UTC.
//
// THE RULES (read these before changing a number; README.md in this folder says why)
//
// Criterion progress, a fraction 0–1, or null when it cannot be measured. Null is "no data",
// never 0 %: it is left out of every average and said in words instead.
//  - state 'no_data': no current value (or a value that is not a finite number).
//  - state 'no_target': no target yet.
//  - state 'no_baseline': direction 'down' without a baseline ("from ? days to 2" has no span).
//    A 'down' criterion without a baseline that already meets its target is still met (progress 1).
//  - state 'measured': progress = how far current has moved from baseline toward target,
//      up:   (current − baseline) / (target − baseline)
//      down: (baseline − current) / (baseline − target)     e.g. from 10 days to 2: 4 days = 75 %
//    clamped to 0–1 (worse than the baseline is 0; past the target is 1).
//    Baseline: the given one; without one, 0 for 'up' and, for ratings, the end of the 1–5 scale
//    the direction starts from (1 for 'up', 5 for 'down').
//    When the baseline already meets the target (no span), progress is 1 when met, else 0.
//  - Ratings (kind 'rating') are on a 1–5 scale: values and targets are clamped into it.
//  - met: up: current ≥ target; down: current ≤ target. Reached before the target date is fine
//    (target reached early): a met criterion stays met until a new measurement says otherwise.
//
// Goal status: achieved | on_track | at_risk | off_track, with reasons in words.
//  - achieved: the goal has at least one criterion and every criterion is met. Nothing else is
//    checked then (milestones are means, the criteria are the outcome). A goal without criteria is
//    never achieved: it has nothing to be measured by ("no success criteria yet").
//  - Otherwise the worst finding below sets the status; none means on_track.
//    Time elapsed = (now − startAt) / (targetDate − startAt), clamped to 0–1: the progress a
//    criterion should have if it moves linearly. No target date = no pace to keep: only milestones
//    and unmet-criteria notes count.
//    * a measured, unmet criterion whose progress lags the time elapsed by more than
//      `atRiskGap` (15 points) is at_risk, by more than `offTrackGap` (35 points) off_track;
//    * a criterion that cannot be measured (no data, no target, no baseline) is only a note while
//      less than `unmeasuredAtRiskFrom` (half) of the time has gone, then at_risk: a plan nobody
//      measures is the plan that decays;
//    * a milestone is overdue once a full day has passed after its due date and it is not done:
//      at_risk, and off_track from `offTrackOverdueDays` (14) days; the reason names the owner's
//      side, because a customer-side delay calls for a different move than a vendor-side one;
//    * a full day after the target date, a goal not achieved is off_track, and each unmet
//      measured criterion is named with how far it got.
//  - Goal progress = the mean progress of its measured criteria (null when none is measured).
//    Milestones are counted (done / total) but do not make progress: outcomes, not checklists.
//
// Plan: progress.percent = the mean of its goals' progress (goals without a measured criterion
// left out), floored to a whole percent, null when nothing is measured; criteria and milestones
// counted over all goals. Status: achieved when it has goals and every goal is achieved; otherwise
// the worst status of its goals (on_track when it has none, saying so).
//
// Monotonic by construction: more progress on a criterion or a milestone done never worsens a
// status at the same `now` (each finding only shrinks or disappears when progress grows).

export const DAY_MS = 86_400_000;

export const CRITERION_KINDS = ['driver', 'metric', 'manual', 'rating'] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];
export const DIRECTIONS = ['up', 'down'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const GOAL_STATUSES = ['achieved', 'on_track', 'at_risk', 'off_track'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];
export type OwnerSide = 'vendor' | 'customer';

export const RATING_MIN = 1;
export const RATING_MAX = 5;

export type CriterionInput = {
  id: string;
  name: string;
  kind: CriterionKind;
  direction: Direction;
  baseline: number | null;
  /** The latest measurement (for a driver: its value when health was last computed). */
  current: number | null;
  target: number | null;
  measuredAt: Date | null;
};

export type MilestoneInput = {
  id: string;
  title: string;
  dueAt: Date | null;
  /** Done iff set. */
  completedAt: Date | null;
  owner: { side: OwnerSide; name: string | null } | null;
};

export type GoalInput = {
  id: string;
  statement: string;
  /** When the goal was set: the start of its clock (its creation unless backdated). */
  startAt: Date;
  targetDate: Date | null;
  criteria: CriterionInput[];
  milestones: MilestoneInput[];
};

export type PlanInput = { goals: GoalInput[] };

export type ProgressRules = {
  atRiskGap: number;
  offTrackGap: number;
  offTrackOverdueDays: number;
  unmeasuredAtRiskFrom: number;
};
export const DEFAULT_RULES: ProgressRules = { atRiskGap: 0.15, offTrackGap: 0.35, offTrackOverdueDays: 14, unmeasuredAtRiskFrom: 0.5 };

export type CriterionState = 'measured' | 'no_data' | 'no_target' | 'no_baseline';
export type CriterionProgress = {
  id: string;
  name: string;
  state: CriterionState;
  /** 0–1, null when it cannot be measured (never 0 for "no data"). */
  progress: number | null;
  /** Whole percent (floored), null with progress. */
  percent: number | null;
  met: boolean;
  measuredAt: Date | null;
};

export type MilestoneProgress = { id: string; title: string; done: boolean; overdueDays: number; ownerSide: OwnerSide | null };

export type ProgressCounts = { percent: number | null; criteriaMet: number; criteriaTotal: number; milestonesDone: number; milestonesTotal: number };

export type GoalProgress = ProgressCounts & {
  id: string;
  statement: string;
  status: GoalStatus;
  reasons: string[];
  progress: number | null;
  /** Share of the time between start and target date gone, 0–1; null without a target date. */
  timeElapsed: number | null;
  criteria: CriterionProgress[];
  milestones: MilestoneProgress[];
};

export type PlanProgress = { status: GoalStatus; reasons: string[]; progress: ProgressCounts; goals: GoalProgress[] };

/** Worse statuses rank higher: achieved < on_track < at_risk < off_track. */
export const STATUS_RANK: Record<GoalStatus, number> = { achieved: 0, on_track: 1, at_risk: 2, off_track: 3 };
export const worstStatus = (a: GoalStatus, b: GoalStatus): GoalStatus => (STATUS_RANK[a] >= STATUS_RANK[b] ? a : b);

const clamp01 = (n: number) => Math.min(1, Math.max(0, n));
/** Floor to a whole percent without float noise (0.29 × 100 = 28.999…). */
export const toPercent = (fraction: number) => Math.floor(fraction * 100 + 1e-9);
const finite = (n: number | null): number | null => (n !== null && Number.isFinite(n) ? n : null);
const fullDaysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY_MS);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const criteriaWords = (n: number) => `${n} ${n === 1 ? 'criterion' : 'criteria'}`;

export function criterionProgress(c: CriterionInput): CriterionProgress {
  const rating = c.kind === 'rating';
  const scale = (n: number | null) => (n === null || !rating ? n : Math.min(RATING_MAX, Math.max(RATING_MIN, n)));
  const current = scale(finite(c.current));
  const target = scale(finite(c.target));
  const base = { id: c.id, name: c.name, measuredAt: c.measuredAt };
  if (current === null) return { ...base, state: 'no_data', progress: null, percent: null, met: false };
  if (target === null) return { ...base, state: 'no_target', progress: null, percent: null, met: false };
  const up = c.direction === 'up';
  const met = up ? current >= target : current <= target;
  const baseline = scale(finite(c.baseline)) ?? (rating ? (up ? RATING_MIN : RATING_MAX) : up ? 0 : null);
  if (baseline === null) {
    return met ? { ...base, state: 'measured', progress: 1, percent: 100, met } : { ...base, state: 'no_baseline', progress: null, percent: null, met };
  }
  const span = up ? target - baseline : baseline - target;
  const moved = up ? current - baseline : baseline - current;
  const progress = met ? 1 : span <= 0 ? 0 : clamp01(moved / span);
  return { ...base, state: 'measured', progress, percent: toPercent(progress), met };
}

export function milestoneProgress(m: MilestoneInput, now: Date): MilestoneProgress {
  const done = m.completedAt !== null;
  const late = !done && m.dueAt !== null ? fullDaysBetween(m.dueAt, now) : 0;
  return { id: m.id, title: m.title, done, overdueDays: Math.max(0, late), ownerSide: m.owner?.side ?? null };
}

/** Share of the goal's time gone at `now`, 0–1; null without a target date. */
export function timeElapsed(startAt: Date, targetDate: Date | null, now: Date): number | null {
  if (targetDate === null) return null;
  const span = targetDate.getTime() - startAt.getTime();
  if (span <= 0) return now.getTime() >= targetDate.getTime() ? 1 : 0;
  return clamp01((now.getTime() - startAt.getTime()) / span);
}

type Finding = { status: 'at_risk' | 'off_track' | null; text: string };

function timeLeftWords(elapsed: number): string {
  const left = Math.round((1 - elapsed) * 100);
  return left <= 0 ? 'no time left' : `${left}% of time left`;
}

function ownerWords(m: MilestoneInput): string {
  if (m.owner === null) return 'no owner';
  return `owner on the ${m.owner.side} side${m.owner.name ? ` (${m.owner.name})` : ''}`;
}

const UNMEASURED_WORDS: Record<Exclude<CriterionState, 'measured'>, string> = {
  no_data: 'has no data yet',
  no_target: 'has no target yet',
  no_baseline: 'has no baseline to measure progress from',
};

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export function goalProgress(goal: GoalInput, now: Date, rules: ProgressRules = DEFAULT_RULES): GoalProgress {
  const criteria = goal.criteria.map(criterionProgress);
  const milestones = goal.milestones.map((m) => milestoneProgress(m, now));
  const elapsed = timeElapsed(goal.startAt, goal.targetDate, now);
  const measured = criteria.flatMap((c) => (c.progress === null ? [] : [c.progress]));
  const progress = mean(measured);
  const criteriaMet = criteria.filter((c) => c.met).length;
  const counts: ProgressCounts = {
    percent: progress === null ? null : toPercent(progress),
    criteriaMet,
    criteriaTotal: criteria.length,
    milestonesDone: milestones.filter((m) => m.done).length,
    milestonesTotal: milestones.length,
  };
  const result = (status: GoalStatus, reasons: string[]): GoalProgress => ({
    id: goal.id, statement: goal.statement, status, reasons, progress, timeElapsed: elapsed, criteria, milestones, ...counts,
  });

  if (criteria.length > 0 && criteriaMet === criteria.length) {
    const reasons = [criteria.length === 1 ? `criterion '${criteria[0]?.name ?? ''}' met` : `all ${criteria.length} criteria met`];
    const early = goal.targetDate === null ? 0 : fullDaysBetween(now, goal.targetDate);
    if (early >= 1) reasons.push(`target reached early: ${plural(early, 'day')} before the target date`);
    return result('achieved', reasons);
  }

  const findings: Finding[] = [];
  const daysPastTarget = goal.targetDate === null ? 0 : fullDaysBetween(goal.targetDate, now);
  if (daysPastTarget >= 1) {
    const what = criteria.length === 0 ? 'no success criteria' : `${criteriaMet} of ${criteriaWords(criteria.length)} met`;
    findings.push({ status: 'off_track', text: `target date passed ${plural(daysPastTarget, 'day')} ago with ${what}` });
  }
  for (const c of criteria) {
    if (c.met) continue;
    if (c.progress === null) {
      const late = elapsed !== null && elapsed >= rules.unmeasuredAtRiskFrom;
      const state = c.state === 'measured' ? 'no_data' : c.state; // unreachable: measured has progress
      findings.push({ status: late ? 'at_risk' : null, text: `criterion '${c.name}' ${UNMEASURED_WORDS[state]}${late && elapsed !== null ? ` with ${timeLeftWords(elapsed)}` : ''}` });
      continue;
    }
    if (elapsed === null) continue;
    const gap = elapsed - c.progress;
    const status = daysPastTarget >= 1 || gap > rules.offTrackGap ? 'off_track' : gap > rules.atRiskGap ? 'at_risk' : null;
    if (status) findings.push({ status, text: `criterion '${c.name}' at ${toPercent(c.progress)}% of target with ${timeLeftWords(elapsed)}` });
  }
  goal.milestones.forEach((m, i) => {
    const days = milestones[i]?.overdueDays ?? 0;
    if (days < 1) return;
    const status = days >= rules.offTrackOverdueDays ? 'off_track' : 'at_risk';
    findings.push({ status, text: `milestone '${m.title}' ${plural(days, 'day')} overdue, ${ownerWords(m)}` });
  });
  if (criteria.length === 0) findings.push({ status: null, text: 'no success criteria yet' });

  const status = findings.reduce<GoalStatus>((s, f) => (f.status ? worstStatus(s, f.status) : s), 'on_track');
  const order = (f: Finding) => (f.status === 'off_track' ? 0 : f.status === 'at_risk' ? 1 : 2);
  const reasons = [...findings].sort((a, b) => order(a) - order(b)).map((f) => f.text);
  if (status === 'on_track') reasons.unshift(onTrackWords(progress, elapsed, milestones));
  return result(status, reasons);
}

function onTrackWords(progress: number | null, elapsed: number | null, milestones: MilestoneProgress[]): string {
  const noneOverdue = milestones.length > 0 ? 'no milestone overdue' : 'no milestones';
  if (elapsed === null) return `no target date, so no pace to keep; ${noneOverdue}`;
  if (progress === null) return `nothing measured yet with ${Math.round(elapsed * 100)}% of time elapsed; ${noneOverdue}`;
  return `on pace: ${toPercent(progress)}% of target with ${Math.round(elapsed * 100)}% of time elapsed; ${noneOverdue}`;
}

export function planProgress(plan: PlanInput, now: Date, rules: ProgressRules = DEFAULT_RULES): PlanProgress {
  const goals = plan.goals.map((g) => goalProgress(g, now, rules));
  const sum = (f: (g: GoalProgress) => number) => goals.reduce((a, g) => a + f(g), 0);
  const progress = mean(goals.flatMap((g) => (g.progress === null ? [] : [g.progress])));
  const counts: ProgressCounts = {
    percent: progress === null ? null : toPercent(progress),
    criteriaMet: sum((g) => g.criteriaMet),
    criteriaTotal: sum((g) => g.criteriaTotal),
    milestonesDone: sum((g) => g.milestonesDone),
    milestonesTotal: sum((g) => g.milestonesTotal),
  };
  if (goals.length === 0) return { status: 'on_track', reasons: ['no goals yet'], progress: counts, goals };
  const status = goals.every((g) => g.status === 'achieved')
    ? 'achieved'
    : goals.reduce<GoalStatus>((s, g) => (g.status === 'achieved' ? s : worstStatus(s, g.status)), 'on_track');
  const tally = GOAL_STATUSES.filter((s) => goals.some((g) => g.status === s))
    .map((s) => `${goals.filter((g) => g.status === s).length} ${s.replace('_', ' ')}`)
    .join(', ');
  const reasons = [`${plural(goals.length, 'goal')}: ${tally}`];
  for (const g of [...goals].sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status])) {
    if (g.status !== 'at_risk' && g.status !== 'off_track') continue;
    for (const r of g.reasons) reasons.push(`goal '${g.statement}': ${r}`);
  }
  return { status, reasons, progress: counts, goals };
}
