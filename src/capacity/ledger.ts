/**
 * The customer's spoons (seed 004), as pure arithmetic: which period a date falls in, what is asked
 * in it, what is used and left (for the account and for contacts with a capacity of their own),
 * and how low confidence and recent sustain talk lower the capacity, each with its reason.
 * No I/O: src/capacity/queries.ts reads the asks and the evidence, this decides.
 *
 * The automatic lowering (documented in README.md, "Capacity"):
 * - low confidence: of the latest check-in per initiative in the last 30 days, the one with the lowest
 *   confidence below the readiness threshold lowers the capacity by 2 spoons, or by 3 when its
 *   confidence is 3 or below ("no confidence"). One reason, whatever the number of low check-ins.
 * - sustain talk: each text of the last 14 days (check-in answers, activity notes, survey comments)
 *   labelled sustain talk lowers it by 1 spoon, at most 3 in all (the three most recent are named).
 * - the capacity never goes below 0: a reason that would take it lower applies only what is left.
 * Contacts' own capacities are what was set for them; only the account's is lowered.
 */

export type PeriodKind = 'week' | 'month';
export type AskKind = 'task' | 'survey' | 'check_in' | 'email';

/** [from, to): from inclusive, to exclusive, both at 00:00 UTC. */
export type PeriodRange = { from: Date; to: Date };

const DAY = 86_400_000;

/** The period holding `at`: the week starting Monday 00:00 UTC, or the calendar month (UTC). */
export function periodOf(at: Date, kind: PeriodKind): PeriodRange {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (kind === 'month') return { from: new Date(Date.UTC(y, m, 1)), to: new Date(Date.UTC(y, m + 1, 1)) };
  const dayStart = Date.UTC(y, m, at.getUTCDate());
  const sinceMonday = (at.getUTCDay() + 6) % 7; // Sunday 0 → 6, Monday 1 → 0
  const from = dayStart - sinceMonday * DAY;
  return { from: new Date(from), to: new Date(from + 7 * DAY) };
}

/** The period after the one holding `at` (a waiting ask is re-checked then). */
export function nextPeriod(at: Date, kind: PeriodKind): PeriodRange {
  return periodOf(periodOf(at, kind).to, kind);
}

export const ymd = (d: Date) => d.toISOString().slice(0, 10);

export function inPeriod(at: Date, p: PeriodRange): boolean {
  return at.getTime() >= p.from.getTime() && at.getTime() < p.to.getTime();
}

/** One thing asked of the customer, wherever it lives. */
export type Ask = { kind: AskKind; id: string; label: string; cost: number; at: Date; contactId: string | null; overload: boolean; status: string };

/** The asks dated in the period, oldest first (cost 0 asks are listed; they cost nothing). */
export function asksIn(asks: Ask[], p: PeriodRange): Ask[] {
  return asks.filter((a) => inPeriod(a.at, p)).sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}

export const usedBy = (asks: Ask[]) => asks.reduce((sum, a) => sum + Math.max(0, a.cost), 0);

/** A check-in as the lowering sees it. */
export type CheckInEvidence = { initiativeId: string; initiativeTitle: string; contactName: string | null; confidence: number; at: Date };
/** A text labelled sustain talk, with the phrases that made it so. */
export type SustainEvidence = { source: 'check_in' | 'activity' | 'survey_comment'; label: string; phrases: string[]; at: Date };
export type Reason = { text: string; delta: number };

export const LOW_CONFIDENCE_DAYS = 30;
export const SUSTAIN_DAYS = 14;
export const LOW_CONFIDENCE_DELTA = -2;
export const NO_CONFIDENCE_DELTA = -3;
export const NO_CONFIDENCE_MAX = 3;
export const SUSTAIN_DELTA = -1;
export const SUSTAIN_MAX_TEXTS = 3;

const day = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const quote = (s: string) => `“${s.length > 80 ? `${s.slice(0, 79)}…` : s}”`;

/** The reasons (unbounded deltas) that lower the capacity as of `now`, newest evidence first. */
export function loweringReasons(input: { checkIns: CheckInEvidence[]; sustain: SustainEvidence[]; confidenceThreshold: number; now: Date }): Reason[] {
  const reasons: Reason[] = [];
  const now = input.now.getTime();
  const recent = (at: Date, days: number) => at.getTime() <= now && at.getTime() > now - days * DAY;
  const latest = new Map<string, CheckInEvidence>();
  for (const c of input.checkIns) {
    if (!recent(c.at, LOW_CONFIDENCE_DAYS)) continue;
    const seen = latest.get(c.initiativeId);
    if (!seen || c.at.getTime() > seen.at.getTime()) latest.set(c.initiativeId, c);
  }
  const low = [...latest.values()].filter((c) => c.confidence < input.confidenceThreshold)
    .sort((a, b) => a.confidence - b.confidence || b.at.getTime() - a.at.getTime())[0];
  if (low) {
    const delta = low.confidence <= NO_CONFIDENCE_MAX ? NO_CONFIDENCE_DELTA : LOW_CONFIDENCE_DELTA;
    const who = low.contactName ? ` (${low.contactName})` : '';
    reasons.push({ delta, text: `Low confidence: ${low.confidence}/10 on “${low.initiativeTitle}” at the check-in of ${day(low.at)}${who}, below ${input.confidenceThreshold}` });
  }
  const talk = input.sustain.filter((s) => recent(s.at, SUSTAIN_DAYS) && s.phrases.length > 0)
    .sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, SUSTAIN_MAX_TEXTS);
  for (const s of talk) {
    const where = s.source === 'check_in' ? 'a check-in answer' : s.source === 'activity' ? 'an activity note' : 'a survey comment';
    reasons.push({ delta: SUSTAIN_DELTA, text: `Sustain talk in ${where} of ${day(s.at)} (${s.label}): ${s.phrases.map(quote).join(', ')}` });
  }
  return reasons;
}

/** Applies the reasons to the base, never below 0; each reason carries the delta it actually applied. */
export function applyReasons(base: number, reasons: Reason[]): { capacity: number; reasons: Reason[] } {
  let capacity = Math.max(0, base);
  const applied = reasons.map((r) => {
    const delta = Math.max(r.delta, -capacity) || 0; // never -0
    capacity += delta;
    return delta === r.delta ? r : { text: `${r.text} (only ${-delta} applied: capacity never goes below 0)`, delta };
  });
  return { capacity, reasons: applied };
}

export type ContactCapacity = { contactId: string; name: string; spoons: number };
export type ContactLedger = { contactId: string; name: string; capacity: number; used: number; left: number };

export type Ledger = {
  period: PeriodRange; base: number; capacity: number; used: number; left: number;
  asks: Ask[]; reasons: Reason[]; contacts: ContactLedger[];
};

/**
 * The ledger of one account for the period holding `at`. `accountSpoons` null: no capacity set, the
 * default applies. `left` is capacity − used: negative when the period is overloaded.
 */
export function ledger(input: {
  at: Date; period: PeriodKind; defaultSpoons: number; accountSpoons: number | null; contacts: ContactCapacity[];
  asks: Ask[]; lowering: Reason[];
}): Ledger {
  const period = periodOf(input.at, input.period);
  const asks = asksIn(input.asks, period);
  const base = input.accountSpoons ?? input.defaultSpoons;
  const { capacity, reasons } = applyReasons(base, input.lowering);
  const used = usedBy(asks);
  const contacts = input.contacts.map((c) => {
    const cu = usedBy(asks.filter((a) => a.contactId === c.contactId));
    return { contactId: c.contactId, name: c.name, capacity: c.spoons, used: cu, left: c.spoons - cu };
  });
  return { period, base, capacity, used, left: capacity - used, asks, reasons, contacts };
}

export type Verdict =
  | { ok: true }
  | { ok: false; scope: 'account' | 'contact'; left: number; capacity: number; used: number; contactName?: string };

/**
 * Whether an ask of `cost` fits: in what is left for the account, and for its contact when the
 * contact has a capacity of its own (an ask to a contact counts against both). Cost 0 always fits.
 * When both are short, the tighter one (least left) is reported.
 */
export function judgeAsk(l: Ledger, ask: { cost: number; contactId?: string | null }): Verdict {
  if (ask.cost <= 0) return { ok: true };
  const short: Exclude<Verdict, { ok: true }>[] = [];
  if (ask.cost > l.left) short.push({ ok: false, scope: 'account', left: l.left, capacity: l.capacity, used: l.used });
  const c = ask.contactId ? l.contacts.find((x) => x.contactId === ask.contactId) : undefined;
  if (c && ask.cost > c.left) short.push({ ok: false, scope: 'contact', left: c.left, capacity: c.capacity, used: c.used, contactName: c.name });
  short.sort((a, b) => a.left - b.left);
  return short[0] ?? { ok: true };
}
