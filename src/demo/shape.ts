// How much of an account's user base is active on a given day, and which features it uses
// then, by usage pattern. Time runs in days before today (`ago`), so shapes do not stretch
// with the length of the window.
import type { AccountPlan } from './accounts.js';
import type { Rng } from './random.js';
import type { UsagePattern } from './types.js';
import type { EventName } from './words.js';
import { EVENT_WEIGHTS } from './words.js';

/** Declining usage falls to ~15% over 90 days: about −25% every 14 days. */
const DECLINE_PER_DAY = Math.log(1 / 0.15) / 89;
/** Growing usage rises from ~60% over 90 days: about +8% every 14 days. */
const GROWTH_PER_DAY = Math.log(1 / 0.6) / 89;

/**
 * Weekday share of the users active (before weekends and noise): for 'growing' the share
 * today, for 'declining' and fading 'silent' the share 90 days ago, otherwise the average.
 * With weekends, the 28-day average of daily active users ÷ seats comes out at about
 * growing 0.15–0.35, steady and seasonal 0.1–0.25, declining ~0.03.
 */
const LEVELS: Record<UsagePattern, readonly [number, number]> = {
  growing: [0.25, 0.5],
  steady: [0.15, 0.34],
  seasonal: [0.15, 0.34],
  declining: [0.14, 0.28],
  silent: [0.14, 0.28],
};

export interface Shape {
  pattern: UsagePattern;
  fading: boolean;
  level: number;
  /** Days before today from which declining (and fading silent) usage falls. */
  declineFrom: number;
  weeklyPhase: number;
  monthlyPhase: number;
}

export function drawShape(rng: Rng, plan: AccountPlan): Shape {
  const [lo, hi] = plan.pattern === 'silent' && !plan.fading ? LEVELS.steady : LEVELS[plan.pattern];
  // An account with an outcome was already falling some weeks before the value that driver
  // impact looks at (~4 weeks before the outcome); the others fall over the whole 90 days.
  const declineFrom = plan.outcome ? plan.outcome.daysAgo + 28 + rng.int(30, 60) : 89;
  return { pattern: plan.pattern, fading: plan.fading, level: rng.range(lo, hi), declineFrom, weeklyPhase: rng.range(0, 7), monthlyPhase: rng.int(0, 29) };
}

/** Share of the users active on a weekday `ago` days before today (`dayNumber`: days since 1970). */
export function activeShare(shape: Shape, ago: number, dayNumber: number): number {
  const decline = () => shape.level * Math.min(1.3, Math.exp(-DECLINE_PER_DAY * (shape.declineFrom - ago)));
  switch (shape.pattern) {
    case 'growing':
      return shape.level * Math.max(0.4, Math.exp(-GROWTH_PER_DAY * ago));
    case 'declining':
      return decline();
    case 'steady':
      return shape.level;
    case 'seasonal': {
      // Calendar-aligned waves: a weekly cycle and a month-end reporting peak.
      const weekly = 1 + 0.3 * Math.sin((2 * Math.PI * dayNumber) / 7 + shape.weeklyPhase);
      const monthly = 1 + 0.5 * Math.cos((2 * Math.PI * (dayNumber + shape.monthlyPhase)) / 30);
      return shape.level * weekly * monthly;
    }
    case 'silent':
      // The stop itself is the cut-off in generateUsage; before it, usage faded or was normal.
      return shape.fading ? decline() : shape.level;
  }
}

/** A feature (event name) the account uses while `until` <= ago <= `from`. */
export type FeatureSpan = { event: EventName; weight: number; from: number; until: number };

const CORE: readonly EventName[] = ['Logged In', 'Dashboard Viewed'];
const OPTIONAL: readonly EventName[] = [
  'Report Created', 'Export Run', 'Workflow Automated', 'API Call', 'Comment Added', 'File Uploaded', 'Alert Configured',
];
const ALWAYS = { from: Number.POSITIVE_INFINITY, until: Number.NEGATIVE_INFINITY };

/**
 * The features an account uses besides logging in and dashboards: growing accounts use many
 * and adopt some during the window, declining and fading ones drop some. Activation events
 * (integrations, invites, seats) come from the lifecycle instead; see activationEvents().
 */
export function drawFeatures(rng: Rng, plan: AccountPlan, quietAgo: number | null): FeatureSpan[] {
  // Dropped features go before the stop, and before the weeks that lead up to an outcome.
  const dropAfter = Math.max(quietAgo ?? 0, plan.outcome ? plan.outcome.daysAgo + 20 : 0);
  const spans: FeatureSpan[] = CORE.map((event) => ({ event, weight: EVENT_WEIGHTS[event], ...ALWAYS }));
  const optional = rng.shuffle([...OPTIONAL]);
  const fades = plan.pattern === 'declining' || (plan.pattern === 'silent' && plan.fading);
  const count = { growing: rng.int(4, 7), steady: rng.int(3, 7), seasonal: rng.int(3, 6), declining: rng.int(3, 6), silent: rng.int(2, 5) }[plan.pattern];
  for (const event of optional.slice(0, count)) {
    const span: FeatureSpan = { event, weight: EVENT_WEIGHTS[event], ...ALWAYS };
    if (plan.pattern === 'growing' && rng.chance(0.35)) span.from = rng.int(10, 80);
    if (fades && rng.chance(0.5)) span.until = dropAfter + rng.int(5, 50);
    spans.push(span);
  }
  return spans;
}

/** The features in use on a day, as parallel lists for Rng.weighted. */
export function featuresOn(spans: readonly FeatureSpan[], ago: number): { events: EventName[]; weights: number[] } {
  const events: EventName[] = [];
  const weights: number[] = [];
  for (const s of spans) {
    if (ago > s.from || ago < s.until) continue;
    events.push(s.event);
    weights.push(s.weight);
  }
  return { events, weights };
}
