// Autopilot detection (seed 000): an account whose last touchpoints have become routine — the
// monthly check-in that goes through the motions. Pure: plain data in, a verdict with reasons out.
// All instants are `Date`s.
//
// THE RULE. Take the account's last N touchpoints (default 4; touchpoints after `now` are ignored).
// The account is on autopilot when all of these hold, and otherwise not, with every failing one
// said in words:
//  1. there are at least N touchpoints (fewer is too little to call a routine);
//  2. all N are of the same kind (all calls, all e-mails, ...);
//  3. they keep a steady rhythm: each of the N − 1 gaps between them is within ±30 % of their
//     median gap, and the median is at least a day (several on one day is a burst, not a rhythm);
//     and the rhythm still holds now: the time since the last one is no more than the median gap
//     + 30 % (past that the account has gone quiet — a different problem, not autopilot);
//  4. none of them planted or moved a seed, or worked on a goal of the success plan (a touchpoint
//     linked to either is, by definition, not routine);
//  5. no new topic arose from the first of them until now: a goal created, a seed planted, an
//     escalation opened, a plan changed. A topic after the last touchpoint counts too: the next
//     conversation has something new to be about.
// The author is reported with each touchpoint but is not part of the rule: a routine is a routine
// whoever runs it.

export const DEFAULT_AUTOPILOT_N = 4;
/** Gaps within ±30 % of their median are steady. */
export const RHYTHM_TOLERANCE = 0.3;
const DAY_MS = 86_400_000;

export type Touchpoint = {
  id: string;
  kind: string;
  occurredAt: Date;
  author: string | null;
  /** Linked to a seed (planted in it, or evidence of its move). */
  linkedSeed: boolean;
  /** Linked to a goal of the success plan. */
  linkedGoal: boolean;
};

export const NEW_TOPIC_KINDS = ['goal_created', 'seed_planted', 'escalation_opened', 'plan_changed'] as const;
export type NewTopicKind = (typeof NEW_TOPIC_KINDS)[number];
export type NewTopic = { kind: NewTopicKind; at: Date; label?: string | null };

export type AutopilotInput = { touchpoints: Touchpoint[]; topics: NewTopic[]; now: Date; n?: number };
export type AutopilotVerdict = {
  onAutopilot: boolean;
  reasons: string[];
  /** The last N touchpoints (or all there are), oldest first. */
  touchpoints: Touchpoint[];
  /** Median gap between them in days, when there are at least two. */
  medianGapDays: number | null;
};

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const days = (ms: number) => Math.round((ms / DAY_MS) * 10) / 10;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid] ?? 0;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? 0) + hi) / 2;
}

const TOPIC_WORDS: Record<NewTopicKind, string> = {
  goal_created: 'goal created',
  seed_planted: 'seed planted',
  escalation_opened: 'escalation opened',
  plan_changed: 'plan changed',
};

export function detectAutopilot(input: AutopilotInput): AutopilotVerdict {
  const n = input.n ?? DEFAULT_AUTOPILOT_N;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`autopilot N must be an integer of at least 2, got ${n}`);
  const now = input.now.getTime();
  const last = input.touchpoints
    .filter((t) => t.occurredAt.getTime() <= now)
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
    .slice(-n);
  const gaps = last.slice(1).map((t, i) => t.occurredAt.getTime() - (last[i]?.occurredAt.getTime() ?? 0));
  const med = median(gaps);
  const verdict = (onAutopilot: boolean, reasons: string[]): AutopilotVerdict => ({ onAutopilot, reasons, touchpoints: last, medianGapDays: med === null ? null : days(med) });

  if (last.length < n) {
    return verdict(false, [`only ${plural(last.length, 'touchpoint')} so far; ${n} are needed to call it a routine`]);
  }
  const failing: string[] = [];
  const passing: string[] = [];

  const kinds = new Map<string, number>();
  for (const t of last) kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + 1);
  if (kinds.size === 1) passing.push(`the last ${n} touchpoints are all of kind ${last[0]?.kind ?? ''}`);
  else failing.push(`mixed kinds in the last ${n} touchpoints: ${[...kinds].map(([k, c]) => plural(c, k)).join(', ')}`);

  const m = med ?? 0;
  const lo = m * (1 - RHYTHM_TOLERANCE);
  const hi = m * (1 + RHYTHM_TOLERANCE);
  const gapDays = gaps.map(days);
  const span = `gaps of ${Math.min(...gapDays)}–${Math.max(...gapDays)} days`;
  const sinceLast = now - (last[last.length - 1]?.occurredAt.getTime() ?? now);
  if (m < DAY_MS) failing.push(`no rhythm: the last ${n} touchpoints came less than a day apart`);
  else if (gaps.some((g) => g < lo || g > hi)) failing.push(`irregular rhythm: ${span} around a median of ${days(m)} (steady is within ±${RHYTHM_TOLERANCE * 100}%)`);
  else if (sinceLast > hi) failing.push(`the rhythm stopped: ${days(sinceLast)} days since the last touchpoint, against every ${days(m)} days before`);
  else passing.push(`steady rhythm: every ${days(m)} days (${span})`);

  for (const t of last) {
    if (t.linkedSeed) failing.push(`the ${t.kind} on ${isoDay(t.occurredAt)} planted or moved a seed`);
    if (t.linkedGoal) failing.push(`the ${t.kind} on ${isoDay(t.occurredAt)} worked on a goal of the success plan`);
  }
  const from = last[0]?.occurredAt.getTime() ?? now;
  const topics = input.topics
    .filter((t) => t.at.getTime() >= from && t.at.getTime() <= now)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const t of topics) failing.push(`new topic: ${TOPIC_WORDS[t.kind]}${t.label ? ` '${t.label}'` : ''} on ${isoDay(t.at)}`);
  if (!last.some((t) => t.linkedSeed || t.linkedGoal) && topics.length === 0) {
    passing.push(`no seed planted and no new topic since ${isoDay(new Date(from))}`);
  }

  return failing.length === 0 ? verdict(true, passing) : verdict(false, failing);
}
