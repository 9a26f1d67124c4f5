import type { Actor } from '../auth/principal.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import { z } from 'zod';
import { cursorInt, cursorTimestamp, decodeCursor, encodeCursor } from '../http/cursor.js';
import { AppError } from '../http/errors.js';
import type { WorkDeps } from '../deps.js';
import { notify } from '../notifications/notify.js';
import { emitEvent } from '../webhooks/emit.js';
import { dedupeMembers } from './members.js';
import type { Escalation, EscalationCreate, EscalationListQuery, EscalationPatch } from './schema.js';
import { ESCALATION_SELECT, SEVERITY_RANK, checkTeam, loadEscalation, queryEscalations, writeContacts, writeMembers, type Loaded } from './store.js';

const SORT = {
  createdAt: { expr: 'e.created_at', cast: 'timestamptz', cursor: z.tuple([cursorTimestamp, z.guid()]) },
  updatedAt: { expr: 'e.updated_at', cast: 'timestamptz', cursor: z.tuple([cursorTimestamp, z.guid()]) },
  severity: { expr: SEVERITY_RANK, cast: 'int', cursor: z.tuple([cursorInt, z.guid()]) },
} as const;

/** The people to tell: members, except whoever made the change (they know). */
const others = (e: Escalation, actor: Actor, only?: Set<string>) =>
  [...new Set(e.members.map((m) => m.userId))].filter((id) => id !== actor.id && (!only || only.has(id)));

export function createEscalationService(deps: WorkDeps) {
  const { database, outbox } = deps;

  async function write<T>(fn: (tx: Queryable) => Promise<{ result: T; queued: number }>): Promise<T> {
    const { result, queued } = await database.transaction(fn);
    if (queued > 0) await outbox.wake();
    return result;
  }

  async function mustLoad(db: Queryable, id: string): Promise<Loaded> {
    const e = await loadEscalation(db, id);
    if (!e) throw new AppError('escalation.not_found');
    return e;
  }

  return {
    /** The escalation with what authorization needs (members, the account's owner and team). */
    load: (id: string) => loadEscalation(database, id),

    async list(q: EscalationListQuery, viewer: { userId: string | null }) {
      const desc = q.sort.startsWith('-');
      const key = SORT[q.sort.replace(/^-/, '') as keyof typeof SORT];
      const values: unknown[] = [];
      const param = (v: unknown) => `$${values.push(v)}`;
      const where: string[] = [];
      if (q.accountId) where.push(`e.account_id = ${param(q.accountId)}`);
      if (q.status === 'active') where.push(`e.status <> 'resolved'`);
      else if (q.status) where.push(`e.status = ${param(q.status)}`);
      if (q.severity) where.push(`e.severity = ${param(q.severity)}`);
      if (q.mine) {
        if (!viewer.userId) return { items: [], nextCursor: null };
        where.push(`EXISTS (SELECT 1 FROM escalation_members m WHERE m.escalation_id = e.id AND m.user_id = ${param(viewer.userId)})`);
      }
      if (q.cursor) {
        const [v, id] = decodeCursor(q.cursor, key.cursor);
        where.push(`(${key.expr}, e.id) ${desc ? '<' : '>'} (${param(String(v))}::${key.cast}, ${param(id)}::uuid)`);
      }
      const dir = desc ? 'DESC' : 'ASC';
      const rows = await queryEscalations(
        database,
        `${ESCALATION_SELECT(key.expr)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY ${key.expr} ${dir}, e.id ${dir} LIMIT ${param(q.limit + 1)}`,
        values,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => r.escalation),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.sortValue, last.escalation.id]) : null,
      };
    },

    /** Opens an escalation with its team; tells the members and the webhooks in the same transaction. */
    async create(input: EscalationCreate, actor: Actor): Promise<Escalation> {
      const members = dedupeMembers(input.members);
      const id = await write(async (tx) => {
        await checkTeam(tx, input.accountId, { members, contactIds: input.contactIds });
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO escalations (account_id, title, description, severity, opened_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [input.accountId, input.title, input.description, input.severity, actor.type === 'user' ? actor.id : null],
        );
        const eid = rows[0]?.id;
        if (!eid) throw new Error('insert returned no row');
        await writeMembers(tx, eid, members);
        await writeContacts(tx, eid, input.contactIds);
        const e = (await mustLoad(tx, eid)).escalation;
        await recordAuditRaw(tx, actor, [{ action: 'escalation.create', objectType: 'escalation', objectId: eid, changes: { ...input, members } }]);
        let queued = await notify(tx, {
          userIds: others(e, actor), kind: 'escalation.opened',
          title: `Escalation opened on ${e.accountName}: ${e.title}`,
          body: `Severity ${e.severity}. You are on the team with ${e.members.map((m) => `${m.name} (${m.role})`).join(', ')}.`,
          accountId: e.accountId, link: `/accounts/${e.accountId}`, dedupeKey: `escalation:${eid}:opened`,
        });
        queued += await emitEvent(tx, { type: 'escalation.opened', accountId: e.accountId, data: { escalation: e } });
        return { result: eid, queued };
      });
      return (await mustLoad(database, id)).escalation;
    },

    async update(id: string, patch: EscalationPatch, actor: Actor): Promise<Escalation> {
      await write(async (tx) => {
        await tx.query('SELECT 1 FROM escalations WHERE id = $1 FOR UPDATE', [id]);
        const before = (await mustLoad(tx, id)).escalation;
        const members = patch.members ? dedupeMembers(patch.members) : undefined;
        await checkTeam(tx, before.accountId, { members, contactIds: patch.contactIds });
        const { rows } = await tx.query<{ updated_at: Date }>(
          `UPDATE escalations SET title = coalesce($2, title), description = coalesce($3, description), severity = coalesce($4, severity),
                  status = coalesce($5, status), updated_at = now(),
                  resolved_at = CASE WHEN $5::text IS NULL OR $5::text = status THEN resolved_at WHEN $5::text = 'resolved' THEN now() ELSE NULL END
            WHERE id = $1 RETURNING updated_at`,
          [id, patch.title ?? null, patch.description ?? null, patch.severity ?? null, patch.status ?? null],
        );
        if (members) await writeMembers(tx, id, members);
        if (patch.contactIds) await writeContacts(tx, id, patch.contactIds);
        const after = (await mustLoad(tx, id)).escalation;
        const changes = diff(before as unknown as Record<string, unknown>, { ...patch, members: undefined, contactIds: undefined });
        if (members) changes.members = { from: before.members.map(({ userId, role }) => ({ userId, role })), to: members };
        if (patch.contactIds) changes.contactIds = { from: before.contacts.map((c) => c.id), to: patch.contactIds };
        await recordAuditRaw(tx, actor, [{ action: 'escalation.update', objectType: 'escalation', objectId: id, changes }]);

        let queued = 0;
        const stamp = rows[0]?.updated_at.valueOf() ?? Date.now();
        const link = `/accounts/${after.accountId}`;
        if (after.status !== before.status) {
          queued += await notify(tx, {
            userIds: others(after, actor), kind: 'escalation.updated', accountId: after.accountId, link,
            title: `Escalation ${after.status} on ${after.accountName}: ${after.title}`,
            body: `Status ${before.status} → ${after.status}. Severity ${after.severity}.`,
            dedupeKey: `escalation:${id}:status:${after.status}:${stamp}`,
          });
        }
        const newcomers = new Set(after.members.map((m) => m.userId).filter((u) => !before.members.some((m) => m.userId === u)));
        if (newcomers.size) {
          queued += await notify(tx, {
            userIds: others(after, actor, newcomers), kind: 'escalation.opened', accountId: after.accountId, link,
            title: `You were added to an escalation on ${after.accountName}: ${after.title}`,
            body: `Severity ${after.severity}, status ${after.status}.`,
            dedupeKey: `escalation:${id}:opened`,
          });
        }
        if (after.status !== before.status || after.severity !== before.severity) {
          queued += await emitEvent(tx, {
            type: 'escalation.updated', accountId: after.accountId,
            data: { escalation: after, previous: { status: before.status, severity: before.severity } },
          });
        }
        return { result: undefined, queued };
      });
      return (await mustLoad(database, id)).escalation;
    },
  };
}
export type EscalationService = ReturnType<typeof createEscalationService>;
