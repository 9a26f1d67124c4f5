import { jsonBytes } from '../../ingest/prepare.js';
import { MAX_EVENT_BYTES } from '../../ingest/segment.js';
import { accountRefFields, readAccountRef } from '../refs.js';
import type { FieldSpec, ImportDeps, ImportKind, RowIssue, TypedRow } from '../types.js';
import { customValue, str } from './kit.js';
import { claimFresh, timeProblem, usageRuns, type Keyed, type UsageBase } from './usage-common.js';
import { monthsOf, oldDayCutoff, rollUpChunk } from './usage-rollup.js';
import { applyRollup, ensureMonths, insertEvents, lockAccounts } from './usage-store.js';

/**
 * Historical usage, one row per event (issue 13, part D): stored as track events with their
 * original time, rolled up exactly as live ingestion does (usage_daily, usage_daily_users), in
 * one transaction per chunk with the engine's checkpoint. Days older than usage_daily_users keeps
 * (usage-rollup.ts oldDayCutoff) write no user keys: their distinct users are counted in the run's
 * memory against what the table holds (usage-common.ts countOld), the same figures. Create-only: each row is a fact; a row
 * whose message id (given, or made from the file's sha-256 and the row number) was imported
 * before is a skip, so re-importing a file adds nothing.
 */

export type UsageEventRow = UsageBase & { event: string; ts: string; userId: string | null; properties: Record<string, unknown> | null };

export const usageEventFields: FieldSpec[] = [
  ...accountRefFields,
  { key: 'userId', label: 'User id', type: 'text', aliases: ['user id', 'user_id', 'userid', 'user', 'person id', 'contact id', 'distinct id', 'member id'], description: 'Optional: usage without a user counts as the account\'s (no active users)' },
  { key: 'event', label: 'Event', type: 'text', required: true, aliases: ['event', 'event name', 'event_name', 'action', 'feature', 'feature name', 'name'] },
  { key: 'timestamp', label: 'Time', type: 'datetime', required: true, aliases: ['timestamp', 'time', 'event time', 'occurred at', 'occurred_at', 'created at', 'date', 'datetime', 'ts'], description: 'When it happened (kept as is); without a zone it is UTC' },
  { key: 'properties', label: 'Properties (JSON)', type: 'json', aliases: ['properties', 'props', 'event properties', 'attributes'], description: 'A JSON object; unknown columns mapped as custom become properties too' },
  { key: 'messageId', label: 'Message id', type: 'text', aliases: ['message id', 'message_id', 'messageid', 'event id', 'event_id', 'insert id', 'uuid'], description: 'Optional: an event id already imported is skipped' },
];

const MAX_TEXT = 200;

export function validateUsageEvent(row: TypedRow, _options: Record<string, unknown>): { ok: true; value: UsageEventRow } | { ok: false; issues: RowIssue[] } {
  const v = row.values;
  const issues: RowIssue[] = [];
  const ref = readAccountRef(row);
  if (!ref.ok) issues.push(...ref.issues);
  const event = str(v.event);
  if (event === undefined) issues.push({ column: 'event', message: 'Required: the event name' });
  else if (event.length > MAX_TEXT) issues.push({ column: 'event', message: `At most ${MAX_TEXT} characters` });
  const userId = str(v.userId) ?? null;
  if (userId !== null && userId.length > 512) issues.push({ column: 'userId', message: 'At most 512 characters' });
  const messageId = str(v.messageId);
  if (messageId !== undefined && messageId.length > 512) issues.push({ column: 'messageId', message: 'At most 512 characters' });
  let ts: string | undefined;
  const ms = typeof v.timestamp === 'string' ? Date.parse(v.timestamp) : Number.NaN;
  if (v.timestamp === undefined) issues.push({ column: 'timestamp', message: 'Required: when the event happened' });
  else if (!Number.isFinite(ms)) issues.push({ column: 'timestamp', message: 'Not a date and time' });
  else {
    const p = timeProblem(ms);
    if (p) issues.push({ column: 'timestamp', message: p });
    else ts = new Date(ms).toISOString();
  }
  let properties: Record<string, unknown> | null = null;
  if (v.properties !== undefined) {
    if (v.properties === null || typeof v.properties !== 'object' || Array.isArray(v.properties)) issues.push({ column: 'properties', message: 'Not a JSON object ({"key": value})' });
    else properties = { ...(v.properties as Record<string, unknown>) };
  }
  const custom = Object.entries(row.custom);
  if (custom.length) {
    properties ??= {};
    for (const [k, raw] of custom) {
      if (Object.hasOwn(properties, k)) issues.push({ column: `custom:${k}`, message: `The properties column already has "${k}": map only one of them` });
      else properties[k] = customValue(raw);
    }
  }
  if (properties && jsonBytes(properties) > MAX_EVENT_BYTES) issues.push({ column: 'properties', message: `Properties over ${MAX_EVENT_BYTES / 1024} KB (the limit of a live event)` });
  if (issues.length || !ref.ok || event === undefined || ts === undefined) return { ok: false, issues };
  const value: UsageEventRow = { ref: ref.ref, event, ts, userId, properties };
  if (messageId !== undefined) value.messageId = messageId;
  return { ok: true, value };
}

export function usageEventsKind(deps: ImportDeps): ImportKind<Keyed<UsageEventRow>> {
  const runs = usageRuns();
  const months = new Set<string>();
  return {
    name: 'usage_events',
    label: 'Usage (one row per event)',
    fields: usageEventFields,
    allowsCustom: true,
    matchBy: ['message id (given, or the file and row number)'],
    modes: ['create'],
    chunkSize: 10_000,
    validate: validateUsageEvent as ImportKind<Keyed<UsageEventRow>>['validate'],

    plan: (q, rows, ctx) => runs.plan(q, rows as { row: number; value: UsageEventRow }[], ctx),

    async write(rows, ctx) {
      const { out, todo } = await claimFresh(ctx.tx, rows);
      if (todo.length === 0) return out;
      const newMonths = monthsOf(todo.map((r) => r.ts)).filter((m) => !months.has(m));
      await ensureMonths(deps.database, ctx.tx, newMonths);
      newMonths.forEach((m) => months.add(m));
      const facts = todo.map((r) => ({ accountId: r.accountId, event: r.event, ts: r.ts, userId: r.userId, count: 1 }));
      // Days older than usage_daily_users keeps: their distinct users counted in the run's memory.
      const rollup = rollUpChunk(facts, oldDayCutoff());
      await lockAccounts(ctx.tx, rollup.accounts.id);
      await runs.countOld(ctx.tx, ctx.importId, rollup, todo[0]?.key ?? '');
      await insertEvents(ctx.tx, {
        messageId: todo.map((r) => r.messageId), event: todo.map((r) => r.event), userId: todo.map((r) => r.userId),
        accountId: todo.map((r) => r.accountId), properties: todo.map((r) => (r.properties ? JSON.stringify(r.properties) : null)),
        ts: todo.map((r) => r.ts), count: todo.map(() => 1),
      });
      await applyRollup(ctx.tx, rollup);
      runs.note(ctx.importId, rollup.earliestDay, rollup.accounts.id);
      return out;
    },

    finish: (summary) => runs.finish(deps, summary),
  };
}
