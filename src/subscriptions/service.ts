import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Database, Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { accountFields, stepsFrom, type Step } from './steps.js';
import {
  deleteSubscription, insertSubscriptions, replaceHistory, subscriptionById, subscriptionsOf, updateAccountFields, updateSubscriptions,
  type SubscriptionInput, type SubscriptionRow,
} from './store.js';

/**
 * Subscriptions and what follows from them. An account with subscriptions takes its ARR, seats,
 * renewal date and contract start from them, and its ARR history is their step function (source
 * 'subscriptions'), rewritten after every change. An account whose last subscription is deleted keeps
 * its fields and history as they were; from then on changes of its ARR write its history again.
 */

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Recomputes these accounts from their subscriptions inside `tx`: history rewritten, then the account
 * fields updated through an UPDATE the accounts trigger records in account_field_history (source 'subscriptions').
 */
export async function recomputeAccounts(tx: Queryable, accountIds: string[], now = new Date()): Promise<void> {
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return;
  const subs = await subscriptionsOf(tx, ids);
  const byAccount = new Map<string, SubscriptionRow[]>();
  for (const s of subs) byAccount.set(s.accountId, [...(byAccount.get(s.accountId) ?? []), s]);
  const today = utcDay(now);
  const steps = new Map<string, Step[]>();
  const fields = [];
  for (const [id, list] of byAccount) {
    steps.set(id, stepsFrom(list));
    const f = accountFields(list, today);
    fields.push({ id, arr: f.arr, seats: f.seats, renewalDate: f.renewalDate, contractStart: f.contractStart });
  }
  await tx.query("SELECT set_config('canopy.change_source', 'subscriptions', true)");
  await replaceHistory(tx, steps);
  await updateAccountFields(tx, fields);
}

const dto = (s: SubscriptionRow) => s;

export function createSubscriptionService(database: Database) {
  const check = (s: { startsOn: string; endsOn?: string | null | undefined }) => {
    if (s.endsOn && s.endsOn <= s.startsOn) throw new AppError('request.invalid', 'endsOn must be after startsOn', [{ path: 'endsOn', message: 'Must be after startsOn (endsOn is the first day the subscription no longer runs)' }]);
  };
  const uniqueExternal = async (q: Queryable, externalId: string | null | undefined, except: string | null) => {
    if (!externalId) return;
    const { rows } = await q.query('SELECT 1 FROM subscriptions WHERE external_id = $1 AND id IS DISTINCT FROM $2::uuid', [externalId, except]);
    if (rows.length > 0) throw new AppError('request.invalid', 'externalId is taken', [{ path: 'externalId', message: 'Another subscription has this external id' }]);
  };

  return {
    list: (accountId: string) => subscriptionsOf(database, [accountId]).then((l) => l.map(dto)),
    get: (id: string) => subscriptionById(database, id),

    async history(accountId: string) {
      const { rows } = await database.query<{ valid_from: string; arr: number; seats: number | null; plan: string | null; source: string }>(
        'SELECT valid_from::text AS valid_from, arr::float8 AS arr, seats, plan, source FROM account_arr_history WHERE account_id = $1 ORDER BY valid_from', [accountId],
      );
      return rows.map((r) => ({ validFrom: r.valid_from, arr: r.arr, seats: r.seats, plan: r.plan, source: r.source }));
    },

    async create(input: SubscriptionInput, actor: Actor) {
      check(input);
      const id = await database.transaction(async (tx) => {
        await uniqueExternal(tx, input.externalId, null);
        const [newId] = await insertSubscriptions(tx, [input], 'api');
        if (!newId) throw new Error('subscription insert returned no id');
        await recomputeAccounts(tx, [input.accountId]);
        await recordAuditRaw(tx, actor, [{ action: 'subscription.created', objectType: 'account', objectId: input.accountId, changes: { subscriptionId: newId, ...input } }]);
        return newId;
      });
      return (await subscriptionById(database, id)) as SubscriptionRow;
    },

    async update(current: SubscriptionRow, patch: Partial<Omit<SubscriptionInput, 'accountId'>>, actor: Actor) {
      const next = { ...current, ...patch };
      check(next);
      await database.transaction(async (tx) => {
        await uniqueExternal(tx, next.externalId, current.id);
        await updateSubscriptions(tx, [{ ...next, id: current.id }]);
        await recomputeAccounts(tx, [current.accountId]);
        const changes = Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, { from: (current as Record<string, unknown>)[k] ?? null, to: v ?? null }]));
        await recordAuditRaw(tx, actor, [{ action: 'subscription.updated', objectType: 'account', objectId: current.accountId, changes: { subscriptionId: current.id, ...changes } }]);
      });
      return (await subscriptionById(database, current.id)) as SubscriptionRow;
    },

    async remove(current: SubscriptionRow, actor: Actor) {
      await database.transaction(async (tx) => {
        await deleteSubscription(tx, current.id);
        await recomputeAccounts(tx, [current.accountId]);
        await recordAuditRaw(tx, actor, [{ action: 'subscription.deleted', objectType: 'account', objectId: current.accountId, changes: { subscriptionId: current.id, plan: current.plan, arr: current.arr, startsOn: current.startsOn, endsOn: current.endsOn } }]);
      });
    },
  };
}
export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
