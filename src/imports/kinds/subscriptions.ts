import { MONEY_MAX } from '../../http/zod.js';
import { recomputeAccounts } from '../../subscriptions/service.js';
import { insertSubscriptions, updateSubscriptions, type SubscriptionInput } from '../../subscriptions/store.js';
import { accountRefFields, readAccountRef, resolveAccountRefs } from '../refs.js';
import type { AccountRef, FieldSpec, ImportDeps, ImportKind, RowIssue, RowPlan, WriteResult } from '../types.js';
import { decide, str } from './kit.js';

/**
 * The subscriptions import kind (issue 13): one row per subscription (account, plan, seats, ARR or
 * MRR, start and end). Matched by external id, then by (account, plan, start date). Each chunk
 * writes its subscriptions and recomputes the touched accounts once (ARR, seats, renewal date,
 * contract start, ARR history), in the chunk's transaction.
 *
 * Amounts: `arr` is annual (or monthly with the option { mrr: true }); `mrr` is monthly (ARR = 12 ×);
 * `amount` needs the option { period: 'monthly' | 'annual' }. A row gives exactly one of them.
 */

export type SubscriptionValue = {
  ref: AccountRef; externalId: string | null; plan: string; seats: number | null; arr: number; startsOn: string; endsOn: string | null;
};

const fields: FieldSpec[] = [
  ...accountRefFields,
  { key: 'externalId', label: 'Subscription id', type: 'text', aliases: ['subscription id', 'subscription_id', 'sub id', 'external id', 'contract id', 'billing id'], description: 'The id in your billing system: re-importing updates instead of duplicating' },
  { key: 'plan', label: 'Plan', type: 'text', required: true, aliases: ['plan', 'plan name', 'product', 'tier', 'package', 'sku'] },
  { key: 'seats', label: 'Seats', type: 'int', aliases: ['seats', 'licenses', 'licences', 'quantity', 'users', 'seat count'] },
  { key: 'arr', label: 'ARR', type: 'money', aliases: ['arr', 'annual recurring revenue', 'arr amount', 'annual amount', 'acv'], description: 'Annual; monthly when the option "amounts are MRR" is on' },
  { key: 'mrr', label: 'MRR', type: 'money', aliases: ['mrr', 'mrr amount', 'monthly recurring revenue', 'monthly amount'], description: 'Monthly: ARR = 12 × MRR' },
  { key: 'amount', label: 'Amount', type: 'money', aliases: ['amount', 'price', 'value'], description: 'Needs the option period: monthly or annual' },
  { key: 'startsOn', label: 'Start date', type: 'date', required: true, aliases: ['start', 'start date', 'starts on', 'starts_on', 'start_date', 'begin date', 'subscription start', 'period start'] },
  { key: 'endsOn', label: 'End date', type: 'date', aliases: ['end', 'end date', 'ends on', 'ends_on', 'end_date', 'renewal date', 'subscription end', 'period end', 'cancel date'], description: 'The first day it no longer runs (its renewal day); empty: open-ended' },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const cents = (n: number) => Math.round(n * 100) / 100;
const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** The row's ARR from arr / mrr / amount and the options, or its issue. */
export function annualOf(values: Record<string, unknown>, options: Record<string, unknown>): { ok: true; arr: number } | { ok: false; issue: RowIssue } {
  const given = (['arr', 'mrr', 'amount'] as const).filter((k) => values[k] !== undefined);
  if (given.length === 0) return { ok: false, issue: { column: 'arr', message: 'No amount: map a column to ARR, MRR or amount' } };
  if (given.length > 1) return { ok: false, issue: { column: given[1] ?? 'arr', message: `Give one amount per row, not ${given.join(' and ')}` } };
  const key = given[0] as 'arr' | 'mrr' | 'amount';
  const raw = values[key];
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return { ok: false, issue: { column: key, message: 'Not an amount' } };
  if (raw < 0) return { ok: false, issue: { column: key, message: 'Must not be negative' } };
  let monthly: boolean;
  if (key === 'mrr') monthly = true;
  else if (key === 'arr') monthly = options.mrr === true;
  else if (options.period === 'monthly' || options.period === 'annual') monthly = options.period === 'monthly';
  else return { ok: false, issue: { column: 'amount', message: 'An amount needs the option period: monthly or annual' } };
  const arr = cents(monthly ? raw * 12 : raw);
  if (arr > MONEY_MAX) return { ok: false, issue: { column: key, message: `ARR would be ${arr}: at most ${MONEY_MAX}` } };
  return { ok: true, arr };
}

const keyOf = (accountId: string, v: SubscriptionValue) => (v.externalId ? `ext:${v.externalId}` : `k:${accountId}|${v.plan.toLowerCase()}|${v.startsOn}`);

export function subscriptionsKind(_deps: ImportDeps): ImportKind<SubscriptionValue> {
  /** Existing subscriptions by external id and by (account, plan, start), for these rows (two queries). */
  const existing = async (q: Parameters<ImportKind['plan']>[0], rows: { accountId: string; v: SubscriptionValue }[]) => {
    const byExt = new Map<string, string>();
    const byKey = new Map<string, string>();
    const exts = [...new Set(rows.flatMap((r) => (r.v.externalId ? [r.v.externalId] : [])))];
    if (exts.length) {
      const { rows: found } = await q.query<{ id: string; external_id: string }>('SELECT id, external_id FROM subscriptions WHERE external_id = ANY($1::text[])', [exts]);
      for (const f of found) byExt.set(f.external_id, f.id);
    }
    if (rows.length) {
      const { rows: found } = await q.query<{ id: string; account_id: string; plan: string; starts_on: string }>(
        `SELECT s.id, s.account_id, lower(s.plan) AS plan, s.starts_on::text AS starts_on
           FROM subscriptions s JOIN jsonb_to_recordset($1::jsonb) AS x(account_id uuid, plan text, starts_on date)
             ON s.account_id = x.account_id AND lower(s.plan) = x.plan AND s.starts_on = x.starts_on
          ORDER BY s.created_at, s.id`,
        [JSON.stringify(rows.map((r) => ({ account_id: r.accountId, plan: r.v.plan.toLowerCase(), starts_on: r.v.startsOn })))],
      );
      for (const f of found) {
        const k = `k:${f.account_id}|${f.plan}|${f.starts_on}`;
        if (!byKey.has(k)) byKey.set(k, f.id);
      }
    }
    return (accountId: string, v: SubscriptionValue) =>
      (v.externalId ? byExt.get(v.externalId) : undefined) ?? byKey.get(`k:${accountId}|${v.plan.toLowerCase()}|${v.startsOn}`);
  };

  return {
    name: 'subscriptions',
    label: 'Subscriptions',
    fields,
    allowsCustom: false,
    matchBy: ['external id', 'account, plan and start date'],
    modes: ['create', 'update', 'upsert'],
    chunkSize: 500,

    validate(row, options) {
      const issues: RowIssue[] = [];
      const ref = readAccountRef(row);
      if (!ref.ok) issues.push(...ref.issues);
      const v = row.values;
      const plan = str(v.plan);
      if (!plan) issues.push({ column: 'plan', message: 'A plan is required' });
      else if (plan.length > 200) issues.push({ column: 'plan', message: 'At most 200 characters' });
      const externalId = str(v.externalId) ?? null;
      if (externalId && externalId.length > 200) issues.push({ column: 'externalId', message: 'At most 200 characters' });
      let seats: number | null = null;
      if (v.seats !== undefined) {
        if (typeof v.seats !== 'number' || !Number.isInteger(v.seats) || v.seats < 0 || v.seats > 2_147_483_647) issues.push({ column: 'seats', message: 'Seats must be a whole number, 0 or more' });
        else seats = v.seats;
      }
      const amount = annualOf(v, options);
      if (!amount.ok) issues.push(amount.issue);
      const startsOn = v.startsOn;
      if (!isDay(startsOn)) issues.push({ column: 'startsOn', message: 'A start date is required' });
      const endsOn = v.endsOn === undefined ? null : v.endsOn;
      if (endsOn !== null && !isDay(endsOn)) issues.push({ column: 'endsOn', message: 'Not a date' });
      if (isDay(startsOn) && isDay(endsOn) && endsOn <= startsOn) {
        issues.push({ column: 'endsOn', message: `Must be after the start date ${startsOn} (the end date is the first day it no longer runs)` });
      }
      if (issues.length || !ref.ok || !plan || !amount.ok || !isDay(startsOn)) return { ok: false, issues };
      return { ok: true, value: { ref: ref.ref, externalId, plan, seats, arr: amount.arr, startsOn, endsOn: isDay(endsOn) ? endsOn : null } };
    },

    async plan(q, rows, ctx) {
      const resolved = await resolveAccountRefs(q, rows.map((r) => r.value.ref));
      const ok: { row: number; accountId: string; v: SubscriptionValue }[] = [];
      const out: RowPlan<SubscriptionValue>[] = [];
      rows.forEach((r, i) => {
        const res = resolved[i];
        if (!res || 'error' in res) out.push({ row: r.row, action: 'error', issues: [{ column: res?.column ?? null, message: res?.error ?? 'No account' }] });
        else ok.push({ row: r.row, accountId: res.id, v: r.value });
      });
      const find = await existing(q, ok.map((r) => ({ accountId: r.accountId, v: r.v })));
      for (const r of ok) {
        const value = { ...r.v, ref: { id: r.accountId } };
        const key = keyOf(r.accountId, r.v);
        const p = decide(r.row, value, ctx.mode, find(r.accountId, r.v), ctx.seen.get(key), 'Subscription');
        if (p.action === 'create') ctx.seen.set(key, String(r.row));
        out.push(p);
      }
      return out.sort((a, b) => a.row - b.row);
    },

    async write(rows, ctx) {
      const importId = UUID.test(ctx.importId) ? ctx.importId : null;
      const input = (v: SubscriptionValue): SubscriptionInput => ({ accountId: v.ref.id ?? '', externalId: v.externalId, plan: v.plan, seats: v.seats, arr: v.arr, startsOn: v.startsOn, endsOn: v.endsOn });
      const results: WriteResult[] = [];
      const touched = new Set<string>();
      const creates = rows.filter((r) => r.action === 'create');
      const ids = await insertSubscriptions(ctx.tx, creates.map((r) => input(r.value)), 'import', importId);
      creates.forEach((r, i) => { results.push({ row: r.row, action: 'create', id: ids[i] }); touched.add(r.value.ref.id ?? ''); });
      // Updates of a row an earlier row of the file created have no target yet: found now by key.
      const updates = rows.filter((r) => r.action === 'update');
      const find = await existing(ctx.tx, updates.filter((r) => !r.targetId).map((r) => ({ accountId: r.value.ref.id ?? '', v: r.value })));
      const todo: (SubscriptionInput & { id: string })[] = [];
      for (const r of updates) {
        const id = r.targetId ?? find(r.value.ref.id ?? '', r.value);
        if (!id) { results.push({ row: r.row, action: 'skip' }); continue; }
        todo.push({ ...input(r.value), id });
        results.push({ row: r.row, action: 'update', id });
        touched.add(r.value.ref.id ?? '');
      }
      if (todo.length) {
        const { rows: before } = await ctx.tx.query<{ account_id: string }>('SELECT DISTINCT account_id FROM subscriptions WHERE id = ANY($1::uuid[])', [todo.map((t) => t.id)]);
        for (const b of before) touched.add(b.account_id);
        await updateSubscriptions(ctx.tx, todo, true);
      }
      await recomputeAccounts(ctx.tx, [...touched].filter(Boolean));
      return results.sort((a, b) => a.row - b.row);
    },
  };
}
