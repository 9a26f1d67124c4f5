import { z } from 'zod';
import type { WorkDeps } from '../deps.js';
import type { Queryable } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError, type FieldError } from '../http/errors.js';
import { emitEvent } from '../webhooks/emit.js';
import { emitEvents } from '../webhooks/emit-many.js';
import { notify } from '../notifications/notify.js';
import { renderRows } from '../notifications/template.js';
import { logActivity } from '../activities/log.js';
import { decodeCursor, encodeCursor, cursorTimestamp } from '../http/cursor.js';
import { urgencySql } from './rank.js';
import { insertTasks } from './store.js';
import { afterTaskInsert, guardTaskChange, planTaskAsk } from '../capacity/ask-task.js';
import { giveSpoonFor } from '../capacity/give-spoon.js';
import type { Task, TaskCreate, TaskListQuery, TaskPatch } from './schema.js';

type Row = {
  id: string; account_id: string; account_name: string; title: string; reason: string; kind: Task['kind']; priority: number;
  status: Task['status']; due_at: Date | null; snoozed_until: Date | null; assignee_user_id: string | null;
  assignee_contact_id: string | null; assignee_name: string | null; customer_effort: number | null; source: Task['source'];
  rule_firing_id: string | null; playbook_run_id: string | null; escalation_id: string | null; outcome_note: string | null;
  completed_at: Date | null; created_at: Date; arr: string | number; renewal_date: string | null; health_score: number | null;
  band: 'good' | 'watch' | 'poor' | null; account_owner_id: string | null; account_team_id: string | null; gives_spoon: boolean;
};

const SELECT = `
  SELECT t.*, a.name AS account_name, a.owner_id AS account_owner_id, a.team_id AS account_team_id, a.arr, a.renewal_date::text AS renewal_date, h.score AS health_score, h.band,
         coalesce(u.name, c.name, c.email) AS assignee_name
    FROM tasks t JOIN accounts a ON a.id = t.account_id
    LEFT JOIN account_health_effective h ON h.account_id = t.account_id
    LEFT JOIN users u ON u.id = t.assignee_user_id
    LEFT JOIN contacts c ON c.id = t.assignee_contact_id`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Who may act on a task is decided by the policy; the list says so per task for the UI. */
export type CanAct = (task: { assigneeUserId: string | null; account: { ownerId: string | null; teamId: string | null } }) => boolean;

function toDto(r: Row, now: Date, ranked?: { overdue: boolean; score: number }, canAct?: CanAct): Task {
  const dueAt = r.due_at ? new Date(r.due_at) : null;
  const assignee = r.assignee_user_id
    ? { type: 'user' as const, id: r.assignee_user_id, name: r.assignee_name ?? '' }
    : r.assignee_contact_id ? { type: 'contact' as const, id: r.assignee_contact_id, name: r.assignee_name ?? '' } : null;
  return {
    id: r.id, accountId: r.account_id, accountName: r.account_name, title: r.title, reason: r.reason, kind: r.kind,
    priority: r.priority, status: r.status, dueAt: iso(dueAt), snoozedUntil: iso(r.snoozed_until), assignee,
    customerEffort: r.customer_effort, givesSpoon: r.gives_spoon, source: r.source, ruleFiringId: r.rule_firing_id, playbookRunId: r.playbook_run_id,
    escalationId: r.escalation_id, outcomeNote: r.outcome_note, completedAt: iso(r.completed_at), createdAt: iso(r.created_at) ?? '',
    account: { arr: Number(r.arr), healthScore: r.health_score, healthBand: r.band, renewalDate: r.renewal_date },
    overdue: ranked?.overdue ?? (r.status === 'open' && dueAt !== null && dueAt < now),
    canAct: canAct ? canAct({ assigneeUserId: r.assignee_user_id, account: { ownerId: r.account_owner_id, teamId: r.account_team_id } }) : false,
    score: ranked?.score ?? 0,
  };
}

/** A row of the inbox list: the task, its rank, and its keyset position. */
type ListRow = Row & { score: number | null; is_overdue: boolean; grp: 0 | 1; k1: 0 | 1; k2: number; k3_text: string };

/** [ranked as of (ms), open 0 / closed 1, overdue 0 / not 1, -urgency or -completion epoch, due or infinity, id]. */
const bit = z.union([z.literal(0), z.literal(1)]);
const listCursor = z.tuple([z.number().int().min(0).max(Date.UTC(9999, 0, 1)), bit, bit, z.number(), cursorTimestamp, z.guid()]);

/** Checks that a user or contact may own a task on this account. */
async function checkAssignee(q: Queryable, accountId: string, userId: string | null | undefined, contactId: string | null | undefined): Promise<void> {
  const fields: FieldError[] = [];
  if (userId && contactId) fields.push({ path: 'assigneeContactId', message: 'a task has one owner: a user or a contact, not both' });
  if (userId) {
    const { rows } = await q.query('SELECT 1 FROM users WHERE id = $1 AND active', [userId]);
    if (!rows.length) fields.push({ path: 'assigneeUserId', message: 'no such active user' });
  }
  if (contactId) {
    const { rows } = await q.query('SELECT 1 FROM contacts WHERE id = $1 AND account_id = $2', [contactId, accountId]);
    if (!rows.length) fields.push({ path: 'assigneeContactId', message: "not a contact of the task's account" });
  }
  if (fields.length) throw new AppError('task.invalid', undefined, fields);
}

/** Task kinds whose completion is an activity with the customer (logged as that kind). */
const ACTIVITY_KINDS = new Set<Task['kind']>(['call', 'meeting', 'email']);

/**
 * What other capabilities hear about tasks, in the writing transaction. `statusChanged`: a task of a
 * playbook run was done, cancelled or reopened (the run's step follows it); it returns work to do
 * after commit.
 */
export type TaskHooks = {
  statusChanged?: (tx: Queryable, task: { id: string; playbookRunId: string; status: Task['status'] }) => Promise<(() => Promise<void>) | undefined>;
};

/** Titles and reasons stored before templates were rendered at creation are rendered for display. */
const renderLegacy = (q: Queryable, rows: Row[]) =>
  renderRows(q, rows, (r) => r.account_id, (r) => [r.title, r.reason], (r, [title, reason]) => { r.title = title ?? r.title; r.reason = reason ?? r.reason; });

export function createTaskService({ database, outbox }: WorkDeps, hooks: TaskHooks = {}) {
  const load = async (q: Queryable, id: string) => {
    const rows = (await q.query<Row>(`${SELECT} WHERE t.id = $1`, [id])).rows;
    await renderLegacy(q, rows);
    return rows[0];
  };

  const service = {
    async get(id: string, canAct?: CanAct, now = new Date()): Promise<Task | null> {
      const r = await load(database, id);
      return r ? toDto(r, now, undefined, canAct) : null;
    },

    /**
     * Open tasks in inbox order (overdue, then urgency), then done and cancelled ones newest first,
     * a page at a time. The database ranks (urgencySql) and pages by keyset, so a page costs the
     * same at 20 or 20,000 tasks; counts are of the whole filtered set. The cursor carries the time
     * the first page was ranked at: urgency and "overdue" move with the clock, and ranking every
     * page as of that one moment keeps the order stable, with no task skipped or shown twice.
     */
    async list(q: TaskListQuery & { assigneeUserId?: string | null; assigneeTeamId?: string }, canAct?: CanAct, now = new Date()) {
      const after = q.cursor ? decodeCursor(q.cursor, listCursor) : undefined;
      const asOf = after ? new Date(after[0]) : now;
      const values: unknown[] = [];
      const where: string[] = [];
      const p = (v: unknown) => `$${values.push(v)}`;
      const at = `${p(asOf.toISOString())}::timestamptz`;
      if (q.assigneeUserId !== undefined) where.push(q.assigneeUserId === null ? 't.assignee_user_id IS NULL' : `t.assignee_user_id = ${p(q.assigneeUserId)}`);
      if (q.assigneeTeamId) where.push(`t.assignee_user_id IN (SELECT id FROM users WHERE team_id = ${p(q.assigneeTeamId)})`);
      if (q.accountId) where.push(`t.account_id = ${p(q.accountId)}`);
      if (q.search) {
        const s = p(`%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
        where.push(`(t.title ILIKE ${s} OR t.reason ILIKE ${s} OR a.name ILIKE ${s})`);
      }
      if (q.source) where.push(`t.source = ${p(q.source)}`);
      if (q.kind) where.push(`t.kind = ${p(q.kind)}`);
      if (q.status !== 'all') where.push(`t.status = ${p(q.status)}`);
      if (!q.includeSnoozed) where.push(`(t.snoozed_until IS NULL OR t.snoozed_until <= ${at})`);
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const base = values.length;

      const today = asOf.toISOString().slice(0, 10);
      const counts = database.query<{ open: number; overdue: number; due_today: number; call_them: number }>(
        `SELECT count(*) FILTER (WHERE t.status = 'open')::int AS open,
                count(*) FILTER (WHERE t.status = 'open' AND t.due_at < ${at})::int AS overdue,
                count(*) FILTER (WHERE t.status = 'open' AND (t.due_at AT TIME ZONE 'UTC')::date = $${base + 1}::date)::int AS due_today,
                count(*) FILTER (WHERE t.status = 'open' AND t.kind = 'call' AND t.source = 'recommendation')::int AS call_them
           FROM tasks t JOIN accounts a ON a.id = t.account_id ${filter}`,
        [...values, today],
      );

      // One ascending key for both parts: (open first, overdue first, -urgency or -completion time, due, id).
      const page: unknown[] = [...values];
      const pp = (v: unknown) => `$${page.push(v)}`;
      const keyset = after ? `WHERE (k.grp, k.k1, k.k2, k.k3, k.id) > (${pp(after[1])}::int, ${pp(after[2])}::int, ${pp(after[3])}::float8, ${pp(after[4])}::timestamptz, ${pp(after[5])}::uuid)` : '';
      const rows = database.query<ListRow>(
        `WITH f AS (${SELECT} ${filter}),
              r AS (SELECT f.*, CASE WHEN f.status = 'open' THEN ${urgencySql({ priority: 'f.priority', arr: 'f.arr', band: 'f.band', renewalDate: 'f.renewal_date::date', dueAt: 'f.due_at' }, at)} END AS score,
                           (f.status = 'open' AND f.due_at < ${at}) AS is_overdue
                      FROM f),
              k AS (SELECT r.*, (r.status <> 'open')::int AS grp, CASE WHEN r.is_overdue THEN 0 ELSE 1 END AS k1,
                           coalesce(-r.score, -extract(epoch FROM coalesce(r.completed_at, r.updated_at))::float8) AS k2,
                           CASE WHEN r.status = 'open' THEN coalesce(r.due_at, 'infinity'::timestamptz) ELSE 'infinity'::timestamptz END AS k3
                      FROM r)
         SELECT k.*, k.k3::text AS k3_text FROM k ${keyset}
          ORDER BY k.grp, k.k1, k.k2, k.k3, k.id LIMIT ${pp(q.limit + 1)}`,
        page,
      );
      const [c, r] = await Promise.all([counts, rows]);
      const items = r.rows.slice(0, q.limit);
      await renderLegacy(database, items);
      const last = items[items.length - 1];
      const n = c.rows[0];
      return {
        items: items.map((row) => toDto(row, asOf, row.status === 'open' ? { overdue: row.is_overdue, score: row.score ?? 0 } : undefined, canAct)),
        nextCursor: r.rows.length > q.limit && last ? encodeCursor([asOf.getTime(), last.grp, last.k1, last.k2, last.k3_text, last.id]) : null,
        counts: { open: n?.open ?? 0, overdue: n?.overdue ?? 0, dueToday: n?.due_today ?? 0, callThem: n?.call_them ?? 0 },
      };
    },

    async create(input: TaskCreate, actor: Actor, defaultAssignee: string | null, canAct?: CanAct): Promise<Task> {
      const assigneeUserId = input.assigneeContactId ? null : input.assigneeUserId ?? defaultAssignee;
      const id = await database.transaction(async (tx) => {
        const { rows } = await tx.query('SELECT 1 FROM accounts WHERE id = $1', [input.accountId]);
        if (!rows.length) throw new AppError('account.not_found', undefined, [{ path: 'accountId', message: 'no such account' }]);
        await checkAssignee(tx, input.accountId, assigneeUserId, input.assigneeContactId);
        // A contact's task with an effort is an ask of the customer: within capacity, confirmed as an overload, or given as a spoon.
        const plan = await planTaskAsk(tx, {
          accountId: input.accountId, title: input.title, reason: input.reason ?? '', dueAt: input.dueAt ? new Date(input.dueAt) : null,
          assigneeUserId, assigneeContactId: input.assigneeContactId ?? null, customerEffort: input.customerEffort ?? null,
          confirmOverload: input.confirmOverload, giveSpoon: input.giveSpoon, ourAssignee: defaultAssignee, by: actor.type === 'user' ? actor.id : null,
        });
        const [t] = await insertTasks(tx, [{
          accountId: input.accountId, title: input.title, reason: plan.reason, kind: input.kind ?? 'todo', priority: input.priority ?? 2,
          dueAt: input.dueAt ?? null, assigneeUserId: plan.assigneeUserId, assigneeContactId: plan.assigneeContactId,
          customerEffort: plan.customerEffort, source: 'manual', createdBy: actor.type === 'user' ? actor.id : null,
        }]);
        if (!t) throw new Error('task insert returned nothing');
        await afterTaskInsert(tx, t.id, plan);
        await service.afterCreate(tx, [t.id], actor);
        return t.id;
      });
      await outbox.wake();
      return (await service.get(id, canAct)) as Task;
    },

    /**
     * Gives a spoon for an open customer task: theirs is cancelled with a note, ours (assigned to
     * `ourAssignee`, else the account's owner) does it for them. A playbook task's step follows the
     * cancellation as for any cancelled task.
     */
    async giveSpoon(id: string, actor: Actor, ourAssignee: string | null, canAct?: CanAct): Promise<{ task: Task; cancelled: Task }> {
      const result = await database.transaction(async (tx) => {
        const before = (await tx.query<Row>(`${SELECT} WHERE t.id = $1 FOR UPDATE OF t`, [id])).rows[0];
        if (!before) throw new AppError('task.not_found');
        const ours = await giveSpoonFor(tx, {
          id, accountId: before.account_id, title: before.title, reason: before.reason, kind: before.kind, priority: before.priority, dueAt: before.due_at,
          status: before.status, assigneeContactId: before.assignee_contact_id, customerEffort: before.customer_effort,
        }, ourAssignee, actor.type === 'user' ? actor.id : null);
        await recordAuditRaw(tx, actor, [{ action: 'update', objectType: 'task', objectId: id, changes: { status: { from: before.status, to: 'cancelled' }, givenSpoon: ours } }]);
        await service.afterCreate(tx, [ours], actor);
        const follow = before.playbook_run_id && hooks.statusChanged ? await hooks.statusChanged(tx, { id, playbookRunId: before.playbook_run_id, status: 'cancelled' }) : undefined;
        return { ours, follow };
      });
      if (result.follow) await result.follow();
      await outbox.wake();
      return { task: (await service.get(result.ours, canAct)) as Task, cancelled: (await service.get(id, canAct)) as Task };
    },

    /**
     * What every new task gets, whoever made it (a person, a rule, a playbook): an audit row, a
     * 'task.created' webhook event, and a notification to its assignee unless they made it.
     */
    async afterCreate(tx: Queryable, ids: string[], actor: Actor): Promise<void> {
      if (ids.length === 0) return;
      const { rows } = await tx.query<Row>(`${SELECT} WHERE t.id = ANY ($1::uuid[])`, [ids]);
      const now = new Date();
      await recordAuditRaw(tx, actor, rows.map((r) => ({ action: 'create', objectType: 'task', objectId: r.id, changes: { title: r.title, source: r.source, accountId: r.account_id, assigneeUserId: r.assignee_user_id, assigneeContactId: r.assignee_contact_id } })));
      await emitEvents(tx, rows.map((r) => ({ type: 'task.created' as const, accountId: r.account_id, id: r.id, data: { task: toDto(r, now) } })));
      // One notification per task; a person handed many at once (a rule over a whole book) gets one summary.
      const byAssignee = new Map<string, Row[]>();
      for (const r of rows) {
        if (r.assignee_user_id && r.assignee_user_id !== actor.id) byAssignee.set(r.assignee_user_id, [...(byAssignee.get(r.assignee_user_id) ?? []), r]);
      }
      for (const [userId, list] of byAssignee) {
        const first = list[0] as Row;
        if (list.length <= 5) {
          for (const r of list) {
            await notify(tx, {
              userIds: [userId], kind: 'task.assigned', title: `${r.kind === 'call' ? 'Call' : 'Task'} for ${r.account_name}: ${r.title}`,
              body: r.reason, accountId: r.account_id, link: '/inbox', dedupeKey: `task:${r.id}:assigned:${userId}`,
            });
          }
        } else {
          await notify(tx, {
            userIds: [userId], kind: 'task.assigned', title: `${list.length} new tasks in your inbox`,
            body: list.slice(0, 20).map((r) => `- ${r.account_name}: ${r.title}`).join('\n') + (list.length > 20 ? `\n… and ${list.length - 20} more` : ''),
            link: '/inbox', dedupeKey: `tasks:${first.id}:assigned:${userId}`,
          });
        }
      }
    },

    /**
     * Changes a task. Completing a call, meeting or e-mail task with an outcome note (or an
     * `activity`) logs that activity, linked to the task, in the same transaction; `activity: null`
     * completes it without one. A playbook task's step follows its status (done, cancelled, reopened).
     */
    async update(id: string, patch: TaskPatch, actor: Actor, canAct?: CanAct): Promise<Task> {
      const after = await database.transaction(async (tx) => {
        const before = (await tx.query<Row>(`${SELECT} WHERE t.id = $1 FOR UPDATE OF t`, [id])).rows[0];
        if (!before) throw new AppError('task.not_found');
        const sets: string[] = [];
        const values: unknown[] = [id];
        const set = (col: string, v: unknown) => sets.push(`${col} = $${values.push(v)}`);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        const note = (k: string, from: unknown, to: unknown) => { if (JSON.stringify(from) !== JSON.stringify(to)) changes[k] = { from, to }; };
        let contactAfter = before.assignee_contact_id;
        if (patch.assigneeUserId !== undefined || patch.assigneeContactId !== undefined) {
          const userId = patch.assigneeContactId ? null : patch.assigneeUserId ?? (patch.assigneeUserId === null ? null : before.assignee_user_id);
          const contactId = patch.assigneeContactId ?? (patch.assigneeUserId ? null : patch.assigneeContactId === null ? null : before.assignee_contact_id);
          await checkAssignee(tx, before.account_id, userId, contactId);
          contactAfter = contactId;
          set('assignee_user_id', userId); set('assignee_contact_id', contactId);
          note('assigneeUserId', before.assignee_user_id, userId); note('assigneeContactId', before.assignee_contact_id, contactId);
          if (userId && userId !== before.assignee_user_id && userId !== actor.id) {
            await notify(tx, {
              userIds: [userId], kind: 'task.assigned', title: `Task for ${before.account_name}: ${patch.title ?? before.title}`,
              body: patch.reason ?? before.reason, accountId: before.account_id, link: '/inbox', dedupeKey: `task:${id}:assigned:${userId}`,
            });
          }
        }
        const simple = { title: 'title', reason: 'reason', priority: 'priority', dueAt: 'due_at', snoozedUntil: 'snoozed_until', customerEffort: 'customer_effort', outcomeNote: 'outcome_note' } as const;
        for (const [k, col] of Object.entries(simple) as [keyof typeof simple, string][]) {
          if (patch[k] === undefined) continue;
          set(col, patch[k]);
          note(k, (before as unknown as Record<string, unknown>)[col] ?? null, patch[k]);
        }
        if (patch.status && patch.status !== before.status) {
          set('status', patch.status);
          note('status', before.status, patch.status);
          if (patch.status === 'done') { set('completed_at', new Date().toISOString()); set('completed_by', actor.type === 'user' ? actor.id : null); }
          else { set('completed_at', null); set('completed_by', null); }
        }
        // Made (or kept) an ask of the customer by this change: checked against their capacity as a new one is.
        const reopened = patch.status === 'open' && before.status !== 'open';
        if (reopened || patch.assigneeUserId !== undefined || patch.assigneeContactId !== undefined || patch.customerEffort !== undefined || patch.dueAt !== undefined) {
          const dueAt = patch.dueAt !== undefined ? patch.dueAt : before.due_at;
          await guardTaskChange(tx, {
            id, accountId: before.account_id, title: patch.title ?? before.title, contactId: contactAfter, status: patch.status ?? before.status,
            effort: patch.customerEffort !== undefined ? patch.customerEffort : before.customer_effort, dueAt: dueAt ? new Date(dueAt) : null, createdAt: new Date(before.created_at),
          }, { confirmOverload: patch.confirmOverload, by: actor.type === 'user' ? actor.id : null });
        }
        sets.push('updated_at = now()');
        await tx.query(`UPDATE tasks SET ${sets.join(', ')} WHERE id = $1`, values);
        await recordAuditRaw(tx, actor, [{ action: 'update', objectType: 'task', objectId: id, changes }]);
        if (patch.status === 'done' && before.status !== 'done') {
          const after = await load(tx, id);
          if (after) await emitEvent(tx, { type: 'task.completed', accountId: after.account_id, data: { task: toDto(after, new Date()) } });
          const note = patch.outcomeNote ?? null;
          if (ACTIVITY_KINDS.has(before.kind) && patch.activity !== null && (note || patch.activity)) {
            await logActivity(tx, {
              accountId: before.account_id, kind: before.kind as 'call' | 'meeting' | 'email', taskId: id,
              subject: patch.activity?.subject ?? before.title, body: patch.activity?.body ?? note ?? '',
              ...(patch.activity?.occurredAt ? { occurredAt: patch.activity.occurredAt } : {}),
              ...(before.escalation_id ? { escalationId: before.escalation_id } : {}),
              ...(before.assignee_contact_id ? { participants: { userIds: [], contactIds: [before.assignee_contact_id] } } : {}),
            }, actor);
          }
        }
        if (patch.status && patch.status !== before.status && before.playbook_run_id && hooks.statusChanged) {
          return hooks.statusChanged(tx, { id, playbookRunId: before.playbook_run_id, status: patch.status });
        }
        return undefined;
      });
      if (after) await after();
      await outbox.wake();
      return (await service.get(id, canAct)) as Task;
    },
  };
  return service;
}
export type TaskService = ReturnType<typeof createTaskService>;
