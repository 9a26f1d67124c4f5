import { isoDate } from '../../http/zod.js';
import { accountRefFields, readAccountRef } from '../refs.js';
import type { FieldSpec, ImportDeps, ImportKind, RowIssue, TypedRow } from '../types.js';
import { str } from './kit.js';
import { claimFresh, timeProblem, usageRuns, type Keyed, type UsageBase } from './usage-common.js';
import { monthsOf } from './usage-rollup.js';
import { applyDaily, ensureMonths, insertEvents, lockAccounts, touchAccounts } from './usage-store.js';

/**
 * Historical usage, one row per account, event and day with a count (issue 13, part D). Each row
 * is stored as one track event carrying its count (ts = the day at 00:00 UTC, properties {}), and
 * added to usage_daily: count += N per event and under '$all'; the day's distinct users when the
 * file gives them (never invented: without them the count is unattributed, and the active-users
 * measures have no users to count). Create-only, deduped by message id like usage_events.
 */

export type UsageDailyRow = UsageBase & { event: string; day: string; count: number; users: number | null };

export const usageDailyFields: FieldSpec[] = [
  ...accountRefFields,
  { key: 'event', label: 'Event', type: 'text', required: true, aliases: ['event', 'event name', 'event_name', 'feature', 'feature name', 'action', 'metric'] },
  { key: 'day', label: 'Day', type: 'date', required: true, aliases: ['day', 'date', 'usage date', 'activity date', 'event date'] },
  { key: 'count', label: 'Count', type: 'int', required: true, aliases: ['count', 'events', 'event count', 'uses', 'usage count', 'total', 'n', 'occurrences'], description: 'How many times that day (at least 1)' },
  { key: 'users', label: 'Distinct users', type: 'int', aliases: ['users', 'distinct users', 'unique users', 'active users', 'user count', 'dau'], description: 'Optional: how many distinct users that day' },
  { key: 'messageId', label: 'Row id', type: 'text', aliases: ['message id', 'message_id', 'row id', 'record id'], description: 'Optional: a row id already imported is skipped' },
];

export function validateUsageDaily(row: TypedRow, _options: Record<string, unknown>): { ok: true; value: UsageDailyRow } | { ok: false; issues: RowIssue[] } {
  const v = row.values;
  const issues: RowIssue[] = [];
  const ref = readAccountRef(row);
  if (!ref.ok) issues.push(...ref.issues);
  const event = str(v.event);
  if (event === undefined) issues.push({ column: 'event', message: 'Required: the event name' });
  else if (event.length > 200) issues.push({ column: 'event', message: 'At most 200 characters' });
  let day: string | undefined;
  const d = isoDate().safeParse(v.day);
  if (v.day === undefined) issues.push({ column: 'day', message: 'Required: the day (a date)' });
  else if (!d.success) issues.push({ column: 'day', message: 'Not a date' });
  else {
    const p = timeProblem(Date.parse(`${d.data}T00:00:00Z`));
    if (p) issues.push({ column: 'day', message: p });
    else day = d.data;
  }
  const count = v.count;
  if (count === undefined) issues.push({ column: 'count', message: 'Required: how many times' });
  else if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) issues.push({ column: 'count', message: 'A whole number of at least 1' });
  let users: number | null = null;
  if (v.users !== undefined) {
    if (typeof v.users !== 'number' || !Number.isInteger(v.users) || v.users < 0) issues.push({ column: 'users', message: 'A whole number of at least 0' });
    else if (typeof count === 'number' && v.users > count) issues.push({ column: 'users', message: `${v.users} users cannot make ${count} events` });
    else users = v.users;
  }
  const messageId = str(v.messageId);
  if (messageId !== undefined && messageId.length > 512) issues.push({ column: 'messageId', message: 'At most 512 characters' });
  if (issues.length || !ref.ok || event === undefined || day === undefined || typeof count !== 'number') return { ok: false, issues };
  const value: UsageDailyRow = { ref: ref.ref, event, day, count, users };
  if (messageId !== undefined) value.messageId = messageId;
  return { ok: true, value };
}

/** Sums rows of the same account, event and day (a statement cannot update one usage_daily row twice). */
export function sumDaily(rows: Keyed<UsageDailyRow>[]) {
  const m = new Map<string, { a: string; e: string; d: string; n: number; u: number | null; un: number }>();
  for (const r of rows) {
    const k = `${r.accountId}\u0000${r.event}\u0000${r.day}`;
    const x = m.get(k) ?? { a: r.accountId, e: r.event, d: r.day, n: 0, u: null, un: 0 };
    x.n += r.count;
    if (r.users === null) x.un += r.count;
    else x.u = Math.max(x.u ?? 0, r.users);
    m.set(k, x);
  }
  const xs = [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, x]) => x);
  return { accountId: xs.map((x) => x.a), event: xs.map((x) => x.e), day: xs.map((x) => x.d), count: xs.map((x) => x.n), users: xs.map((x) => x.u), unattributed: xs.map((x) => x.un) };
}

export function usageDailyKind(deps: ImportDeps): ImportKind<Keyed<UsageDailyRow>> {
  const runs = usageRuns();
  const months = new Set<string>();
  return {
    name: 'usage_daily',
    label: 'Usage (daily counts)',
    fields: usageDailyFields,
    allowsCustom: false,
    matchBy: ['row id (given, or the file and row number)'],
    modes: ['create'],
    chunkSize: 10_000,
    validate: validateUsageDaily as ImportKind<Keyed<UsageDailyRow>>['validate'],

    plan: (q, rows, ctx) => runs.plan(q, rows as { row: number; value: UsageDailyRow }[], ctx),

    async write(rows, ctx) {
      const { out, todo } = await claimFresh(ctx.tx, rows);
      if (todo.length === 0) return out;
      const ts = todo.map((r) => `${r.day}T00:00:00.000Z`);
      const newMonths = monthsOf(ts).filter((m) => !months.has(m));
      await ensureMonths(deps.database, ctx.tx, newMonths);
      newMonths.forEach((m) => months.add(m));
      const span = new Map<string, { first: string; last: string }>();
      for (const r of todo) {
        const s = span.get(r.accountId);
        const t = `${r.day}T00:00:00.000Z`;
        if (!s) span.set(r.accountId, { first: t, last: t });
        else { if (t < s.first) s.first = t; if (t > s.last) s.last = t; }
      }
      const ids = [...span.keys()].sort();
      await lockAccounts(ctx.tx, ids);
      await insertEvents(ctx.tx, {
        messageId: todo.map((r) => r.messageId), event: todo.map((r) => r.event), userId: todo.map(() => null),
        accountId: todo.map((r) => r.accountId), properties: todo.map(() => '{}'), ts, count: todo.map((r) => r.count),
      });
      await applyDaily(ctx.tx, sumDaily(todo));
      await touchAccounts(ctx.tx, { id: ids, first: ids.map((i) => span.get(i)?.first ?? ''), last: ids.map((i) => span.get(i)?.last ?? '') });
      runs.note(ctx.importId, [...ts].sort()[0]?.slice(0, 10) ?? null, ids);
      return out;
    },

    finish: (summary) => runs.finish(deps, summary),
  };
}
