import { recordAuditRaw } from '../../audit/record.js';
import { logActivity } from '../../activities/log.js';
import { resolveProactive } from '../../activities/proactive.js';
import { activityCreate, type ActivityKind } from '../../activities/schema.js';
import { accountRefFields, readAccountRef, resolveAccountRefs } from '../refs.js';
import type { AccountRef, FieldSpec, ImportDeps, ImportKind, RowIssue, RowPlan, TypedRow, WriteResult } from '../types.js';
import { activitiesByExternalId, setImportedColumns, updateImportedActivity } from './activities-store.js';
import { decide, isoOf, str, usersByEmail, zodIssues } from './kit.js';

/** What an import may log: every kind but escalation thread entries (those belong to an escalation). */
export const IMPORTED_ACTIVITY_KINDS = ['call', 'meeting', 'email', 'note', 'qbr', 'ticket'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'] as const;

export type ActivityRow = {
  ref: AccountRef;
  kind: (typeof IMPORTED_ACTIVITY_KINDS)[number];
  occurredAt: string;
  subject: string;
  body?: string;
  authorEmail?: string;
  priority?: (typeof TICKET_PRIORITIES)[number];
  status?: (typeof TICKET_STATUSES)[number];
  externalId?: string;
};
type Resolved = ActivityRow & { accountId: string; authorId?: string };

export const activityFields: FieldSpec[] = [
  ...accountRefFields,
  { key: 'kind', label: 'Kind', type: 'enum', values: IMPORTED_ACTIVITY_KINDS, aliases: ['kind', 'type', 'activity type', 'activity kind', 'channel'], description: "call, meeting, email, note, qbr or ticket (map e.g. 'Support ticket' → ticket); a file without this column needs the option kind (e.g. ticket for a support desk's export)" },
  { key: 'occurredAt', label: 'When', type: 'datetime', required: true, aliases: ['occurred at', 'date', 'timestamp', 'created at', 'created', 'activity date', 'opened at'] },
  { key: 'subject', label: 'Subject', type: 'text', required: true, aliases: ['subject', 'title', 'summary', 'ticket subject'] },
  { key: 'body', label: 'Body', type: 'text', aliases: ['body', 'description', 'notes', 'note', 'details', 'comment'] },
  { key: 'author', label: 'Author (e-mail)', type: 'email', aliases: ['author', 'author email', 'owner', 'logged by', 'csm', 'agent email'], description: 'The e-mail of a Canopy user; empty: no author' },
  { key: 'priority', label: 'Ticket priority', type: 'enum', values: TICKET_PRIORITIES, aliases: ['priority', 'ticket priority', 'severity'], description: 'Tickets only' },
  { key: 'status', label: 'Ticket status', type: 'enum', values: TICKET_STATUSES, aliases: ['status', 'ticket status', 'state'], description: 'Tickets only' },
  { key: 'externalId', label: 'External id', type: 'text', aliases: ['external id', 'id', 'ticket id', 'activity id', 'ticket number'], description: 'The source system\'s id: importing it again updates the activity' },
];

const base = activityCreate.pick({ kind: true, occurredAt: true, subject: true, body: true });

/**
 * options.kind: the kind of every row of a file that has no kind column (a support desk's export
 * of tickets). A kind column, when mapped, wins for the rows that fill it.
 */
export function validateActivity(row: TypedRow, options: Record<string, unknown> = {}): { ok: true; value: ActivityRow } | { ok: false; issues: RowIssue[] } {
  const v = row.values;
  const ref = readAccountRef(row);
  const issues: RowIssue[] = ref.ok ? [] : [...ref.issues];
  const kind = str(v.kind) ?? (typeof options.kind === 'string' ? options.kind : undefined);
  if (kind === undefined) issues.push({ column: 'kind', message: 'Each row needs a kind: map a column to it, or choose the kind of every row (option kind)' });
  else if (!(IMPORTED_ACTIVITY_KINDS as readonly string[]).includes(kind)) issues.push({ column: 'kind', message: `"${kind}" is not one of ${IMPORTED_ACTIVITY_KINDS.join(', ')}: map it to one` });
  const occurredAt = isoOf(v.occurredAt);
  if (occurredAt === undefined) issues.push({ column: 'occurredAt', message: 'Each row needs the date and time it happened' });
  if (str(v.subject) === undefined) issues.push({ column: 'subject', message: 'Each row needs a subject' });
  const parsed = base.safeParse({ kind: kind ?? 'note', occurredAt: occurredAt ?? new Date(0).toISOString(), subject: str(v.subject) ?? '-', ...(v.body !== undefined ? { body: v.body } : {}) });
  if (!parsed.success) issues.push(...zodIssues(parsed.error).filter((i) => !issues.some((x) => x.column === i.column)));
  const priority = str(v.priority);
  const status = str(v.status);
  if (priority !== undefined && !(TICKET_PRIORITIES as readonly string[]).includes(priority)) issues.push({ column: 'priority', message: `"${priority}" is not one of ${TICKET_PRIORITIES.join(', ')}` });
  if (status !== undefined && !(TICKET_STATUSES as readonly string[]).includes(status)) issues.push({ column: 'status', message: `"${status}" is not one of ${TICKET_STATUSES.join(', ')}` });
  if (kind !== 'ticket' && kind !== undefined) {
    if (priority !== undefined) issues.push({ column: 'priority', message: 'Only tickets have a priority' });
    if (status !== undefined) issues.push({ column: 'status', message: 'Only tickets have a status' });
  }
  const externalId = str(v.externalId);
  if (externalId !== undefined && externalId.length > 200) issues.push({ column: 'externalId', message: 'At most 200 characters' });
  const author = str(v.author);
  if (issues.length || !ref.ok || !parsed.success) return { ok: false, issues };
  const value: ActivityRow = { ref: ref.ref, kind: parsed.data.kind as ActivityRow['kind'], occurredAt: parsed.data.occurredAt ?? '', subject: parsed.data.subject };
  if (parsed.data.body !== undefined) value.body = parsed.data.body;
  if (author) value.authorEmail = author;
  if (priority) value.priority = priority as ActivityRow['priority'];
  if (status) value.status = status as ActivityRow['status'];
  if (externalId) value.externalId = externalId;
  return { ok: true, value };
}

export function activitiesKind(deps: ImportDeps): ImportKind<ActivityRow> {
  /** Per import: the earliest day written, from which health history is rebuilt. */
  const earliest = new Map<string, string>();
  return {
    name: 'activities',
    label: 'Activities and support tickets',
    fields: activityFields,
    allowsCustom: false,
    matchBy: ['external id'],
    modes: ['create', 'update', 'upsert'],
    validate: (row, options) => validateActivity(row, options),

    async plan(q, rows, ctx) {
      const [refs, authors, found] = await Promise.all([
        resolveAccountRefs(q, rows.map((r) => r.value.ref)),
        usersByEmail(q, rows.flatMap((r) => (r.value.authorEmail ? [r.value.authorEmail] : []))),
        activitiesByExternalId(q, [...new Set(rows.flatMap((r) => (r.value.externalId ? [r.value.externalId] : [])))]),
      ]);
      return rows.map(({ row, value }, i): RowPlan<ActivityRow> => {
        const ref = refs[i];
        const issues: RowIssue[] = [];
        if (!ref || 'error' in ref) issues.push({ column: ref?.column ?? null, message: ref && 'error' in ref ? ref.error : 'No account' });
        const authorId = value.authorEmail ? authors.get(value.authorEmail.toLowerCase()) : undefined;
        if (value.authorEmail && !authorId) issues.push({ column: 'author', message: `No Canopy user has the e-mail ${value.authorEmail}` });
        if (issues.length || !ref || 'error' in ref) return { row, action: 'error', issues };
        const resolved: Resolved = { ...value, accountId: ref.id, ...(authorId ? { authorId } : {}) };
        if (!value.externalId) {
          // Without an id nothing can find the row again: each row is a new activity.
          return ctx.mode === 'update' ? { row, action: 'skip', reason: 'No external id to find the activity by (update-only)' } : { row, action: 'create', value: resolved };
        }
        const stored = found.get(value.externalId);
        const ownerKey = `activity:ext-account:${value.externalId}`;
        if ((stored ? stored.account_id : (ctx.seen.get(ownerKey) ?? ref.id)) !== ref.id) return { row, action: 'error', issues: [{ column: 'externalId', message: 'This external id belongs to an activity of another account' }] };
        const key = `activity:ext:${value.externalId}`;
        const plan = decide<ActivityRow>(row, resolved, ctx.mode, stored?.id, ctx.seen.get(key), 'Activity');
        if (plan.action === 'create') { ctx.seen.set(key, String(row)); ctx.seen.set(ownerKey, ref.id); }
        return plan;
      });
    },

    async write(rows, ctx) {
      const out: WriteResult[] = [];
      const actor = { type: ctx.actor.type, id: ctx.actor.id, label: ctx.actor.label };
      for (const p of rows) {
        const v = p.value as Resolved;
        const day = v.occurredAt.slice(0, 10);
        const prev = earliest.get(ctx.importId);
        if (!prev || day < prev) earliest.set(ctx.importId, day);
        const stored = v.externalId ? (await activitiesByExternalId(ctx.tx, [v.externalId], true)).get(v.externalId) : undefined;
        if (!stored) {
          const logged = await logActivity(ctx.tx, { accountId: v.accountId, kind: v.kind, occurredAt: v.occurredAt, subject: v.subject, ...(v.body !== undefined ? { body: v.body } : {}) }, actor);
          await setImportedColumns(ctx.tx, logged.id, { authorId: v.authorId ?? null, priority: v.priority ?? null, status: v.status ?? null, externalId: v.externalId ?? null });
          await recordAuditRaw(ctx.tx, actor, [{ action: 'activity.import', objectType: 'activity', objectId: logged.id,
            changes: { importId: ctx.importId, externalId: v.externalId ?? null, authorId: v.authorId ?? null, ticketPriority: v.priority ?? null, ticketStatus: v.status ?? null } }]);
          out.push({ row: p.row, action: 'create', id: logged.id });
          continue;
        }
        const facts = { kind: v.kind as ActivityKind, respondsTo: stored.responds_to as never, escalationId: stored.escalation_id };
        const setting = resolveProactive(facts, undefined, { proactive: stored.proactive, source: stored.proactive_source });
        const next = { kind: v.kind, occurredAt: v.occurredAt, subject: v.subject, body: v.body ?? null, authorId: v.authorEmail ? (v.authorId ?? null) : undefined,
          priority: v.priority ?? null, status: v.status ?? null, proactive: setting.proactive, proactiveSource: setting.source };
        await updateImportedActivity(ctx.tx, stored.id, next);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        const cmp: [string, unknown, unknown][] = [['kind', stored.kind, v.kind], ['occurredAt', stored.occurred_at, new Date(v.occurredAt).toISOString()], ['subject', stored.subject, v.subject],
          ['body', stored.body, v.body ?? stored.body], ['ticketPriority', stored.ticket_priority, next.priority], ['ticketStatus', stored.ticket_status, next.status],
          ['authorId', stored.author_id, next.authorId === undefined ? stored.author_id : next.authorId], ['proactive', stored.proactive, setting.proactive]];
        for (const [k, from, to] of cmp) if (from !== to) changes[k] = { from, to };
        await recordAuditRaw(ctx.tx, actor, [{ action: 'activity.update', objectType: 'activity', objectId: stored.id, changes: { ...changes, importId: ctx.importId } }]);
        out.push({ row: p.row, action: 'update', id: stored.id });
      }
      return out;
    },

    async finish(summary) {
      const from = earliest.get(summary.importId);
      earliest.delete(summary.importId);
      // Deliveries of 'activity.logged' were queued in the chunks' transactions, now committed.
      if (summary.created > 0) await deps.outbox.wake();
      if (from && summary.accountIds.length) await deps.rebuildHealth(summary.accountIds, from);
    },
  };
}
