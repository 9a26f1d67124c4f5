/**
 * The customer's capacity ("spoons", seed 004) as other capabilities use it: `guardAsk` before every
 * ask of the customer (a customer-owned task, a survey, a check-in request, an e-mail that asks for
 * action), and `accountCapacity` for what is asked and left in a period.
 */
import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { judgeAsk, ledger, ymd, type AskKind, type Ledger, type PeriodKind } from './ledger.js';
import { lowering } from './evidence.js';
import { countOverloads, lockAccountCapacity, readAccountCapacity, readAsks, readContactCapacities, readGiven, recordOverload } from './queries.js';
import { readCapacitySettings } from './settings.js';
import type { Capacity as CapacityDto } from './schema.js';

export type { AskKind } from './ledger.js';
export type AskCheck = { accountId: string; contactId?: string | null; cost: number; at: Date; kind: AskKind; label: string };
/** The GET /api/accounts/:id/capacity shape, less what depends on who asks (canEdit). */
export type Capacity = Omit<CapacityDto, 'canEdit'>;

/** The lowering is judged as of the ask's time, or now when the ask is dated later (a task due next week). */
const asOf = (at: Date) => (at.getTime() > Date.now() ? new Date() : at);

async function compute(q: Queryable, accountId: string, at: Date, replaces: string | null = null) {
  const settings = await readCapacitySettings(q);
  // One query at a time: q may be a transaction's single connection (guardAsk).
  const set = await readAccountCapacity(q, accountId);
  const contacts = await readContactCapacities(q, accountId);
  const reasons = await lowering(q, accountId, asOf(at));
  const probe = ledger({ at, period: settings.period, defaultSpoons: settings.defaultSpoons, accountSpoons: set?.spoons ?? null, contacts, asks: [], lowering: reasons });
  // An ask being changed (a task given a new effort, contact or date) is judged as if made anew: its old self does not count.
  const asks = (await readAsks(q, accountId, probe.period)).filter((a) => a.id !== replaces);
  const l = ledger({ at, period: settings.period, defaultSpoons: settings.defaultSpoons, accountSpoons: set?.spoons ?? null, contacts, asks, lowering: reasons });
  return { l, settings, set, asks };
}

const periodWord = (kind: PeriodKind) => (kind === 'week' ? 'this week' : 'this month');

/**
 * Throws AppError 'capacity.exceeded' (409, details {left, capacity, used, cost, periodStart, suggestion}) when the ask
 * would exceed what is left for the account (or the contact, when it has its own capacity), unless `confirmOverload`,
 * in which case it records a capacity_overloads row and returns {overload: true}. cost 0 always passes.
 *
 * Call it in the transaction that records the ask, before the ask is written: it locks the account's
 * capacity until that transaction ends, so two asks at once cannot both take the last spoons.
 * `by` is a user id (or null). `replaces`: the id of an existing ask being changed (it is left out
 * of what is used, so only the changed ask counts). `overloadId` names the recorded overload so that a caller whose ask
 * gets its id only once inserted can link it (`linkOverload`).
 */
export async function guardAsk(
  tx: Queryable, ask: AskCheck,
  opts: { confirmOverload?: boolean; by?: string | null; refId?: string | null; playbookRunId?: string | null; replaces?: string | null },
): Promise<{ overload: boolean; overloadId?: string }> {
  if (ask.cost <= 0) return { overload: false };
  await lockAccountCapacity(tx, ask.accountId);
  const { l, settings } = await compute(tx, ask.accountId, ask.at, opts.replaces ?? null);
  const verdict = judgeAsk(l, { cost: ask.cost, contactId: ask.contactId ?? null });
  if (verdict.ok) return { overload: false };
  if (opts.confirmOverload) {
    const overloadId = await recordOverload(tx, {
      accountId: ask.accountId, contactId: ask.contactId ?? null, kind: ask.kind, refId: opts.refId ?? null, cost: ask.cost,
      leftBefore: verdict.left, periodStart: l.period.from, by: opts.by ?? null, playbookRunId: opts.playbookRunId ?? null,
    });
    return { overload: true, overloadId };
  }
  const left = Math.max(0, verdict.left);
  const who = verdict.scope === 'contact' ? (verdict.contactName ?? 'This contact') : 'The customer';
  const spoons = (n: number) => `${n} spoon${n === 1 ? '' : 's'}`;
  throw new AppError(
    'capacity.exceeded',
    `${who} has ${left} of ${spoons(verdict.capacity)} left ${periodWord(settings.period)} (${verdict.used} used); “${ask.label}” would cost ${spoons(ask.cost)}. ` +
      'Confirm it as an overload, or give a spoon instead.',
    undefined, undefined,
    {
      left, capacity: verdict.capacity, used: verdict.used, cost: ask.cost, periodStart: ymd(l.period.from), periodEnd: ymd(l.period.to),
      scope: verdict.scope, ...(verdict.scope === 'contact' ? { contactId: ask.contactId ?? null } : {}),
      suggestion: { action: 'give_spoon', text: `Give a spoon instead: do “${ask.label}” for them. A task of ours costs them nothing.` },
    },
  );
}

/** What is asked of the account's customer in the period holding `now`, what is left, and why the capacity is what it is. */
export async function accountCapacity(q: Queryable, accountId: string, now: Date): Promise<Capacity> {
  const { l, settings, set, asks } = await compute(q, accountId, now);
  const given = await readGiven(q, accountId, l.period);
  const overloads = await countOverloads(q, accountId, l.period);
  const names = new Map(asks.map((a) => [a.id, a.contactName]));
  return toDto(l, settings.period, set, given, overloads, names);
}

function toDto(l: Ledger, kind: PeriodKind, set: { note: string | null } | null, given: Capacity['given'], overloads: number, names: Map<string, string | null>): Capacity {
  return {
    period: { from: ymd(l.period.from), to: ymd(l.period.to), kind },
    capacity: l.capacity, base: l.base, isDefault: set === null, note: set?.note ?? null, used: l.used, left: l.left,
    asks: l.asks.map((a) => ({
      kind: a.kind, id: a.id, label: a.label, cost: a.cost, at: a.at.toISOString(),
      contact: a.contactId ? { id: a.contactId, name: names.get(a.id) ?? '' } : null, overload: a.overload, status: a.status,
    })),
    given, reasons: l.reasons, contacts: l.contacts, overloads,
  };
}

export { linkOverload } from './queries.js';
export { periodOf, nextPeriod } from './ledger.js';
export { readCapacitySettings } from './settings.js';
