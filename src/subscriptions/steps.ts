/**
 * The ARR step function of an account from its subscriptions (pure; days are YYYY-MM-DD, compared as
 * text). A subscription runs on day D when startsOn <= D and (endsOn is null or D < endsOn): endsOn is
 * the first day it no longer runs, so one ending the day another starts leaves no gap.
 */

export type Sub = { plan: string; seats: number | null; arr: number; startsOn: string; endsOn: string | null };
/** From validFrom until the next step: ARR (sum of running subscriptions), seats (sum), plan (the largest running by ARR). */
export type Step = { validFrom: string; arr: number; seats: number | null; plan: string | null };

const round2 = (n: number) => Math.round(n * 100) / 100;

export const runsOn = (s: Sub, day: string) => s.startsOn <= day && (s.endsOn === null || day < s.endsOn);

/** What runs on `day`: ARR, seats and plan. No subscription running: ARR 0, seats null, plan null. */
export function stateOn(subs: readonly Sub[], day: string): Omit<Step, 'validFrom'> {
  const running = subs.filter((s) => runsOn(s, day));
  if (running.length === 0) return { arr: 0, seats: null, plan: null };
  const arr = round2(running.reduce((t, s) => t + s.arr, 0));
  const seats = running.some((s) => s.seats !== null) ? running.reduce((t, s) => t + (s.seats ?? 0), 0) : null;
  // The largest by ARR; ties: the later start, then the plan's name (so the answer does not depend on order).
  const top = [...running].sort((a, b) => b.arr - a.arr || (a.startsOn < b.startsOn ? 1 : a.startsOn > b.startsOn ? -1 : 0) || a.plan.localeCompare(b.plan))[0];
  return { arr, seats, plan: top?.plan ?? null };
}

/**
 * The step function: one step at each day where what runs changes (a start or an end), from the first
 * start on; consecutive days with the same ARR, seats and plan are one step. A gap between
 * subscriptions is a step at ARR 0. No subscriptions: no steps.
 */
export function stepsFrom(subs: readonly Sub[]): Step[] {
  const days = [...new Set(subs.flatMap((s) => (s.endsOn ? [s.startsOn, s.endsOn] : [s.startsOn])))].sort();
  const out: Step[] = [];
  for (const day of days) {
    const st = stateOn(subs, day);
    const last = out[out.length - 1];
    if (last && last.arr === st.arr && last.seats === st.seats && last.plan === st.plan) continue;
    out.push({ validFrom: day, ...st });
  }
  return out;
}

/** The account's fields that follow from its subscriptions on `today`. */
export function accountFields(subs: readonly Sub[], today: string): { arr: number; seats: number | null; plan: string | null; renewalDate: string | null; contractStart: string | null } {
  const now = stateOn(subs, today);
  const contractStart = subs.reduce<string | null>((m, s) => (m === null || s.startsOn < m ? s.startsOn : m), null);
  const renewalDate = subs
    .filter((s) => runsOn(s, today) && s.endsOn !== null && s.endsOn >= today)
    .reduce<string | null>((m, s) => (m === null || (s.endsOn as string) < m ? s.endsOn : m), null);
  return { ...now, renewalDate, contractStart };
}

/** ARR of a step function on `day` (the last step on or before it; before the first: 0). */
export function arrOn(steps: readonly { validFrom: string; arr: number }[], day: string): number {
  let v = 0;
  for (const s of steps) {
    if (s.validFrom > day) break;
    v = s.arr;
  }
  return v;
}
