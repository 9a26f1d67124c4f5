import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import { emitEvent } from '../webhooks/emit.js';
import { resolveProactive } from './proactive.js';
import type { ActivityCreate } from './schema.js';
import { checkReferences, writeParticipants } from './store.js';

/** The author of what an actor writes: a signed-in user; an API key writes without one. */
export const authorOf = (actor: Actor) => (actor.type === 'user' ? actor.id : null);

/**
 * Logs an activity in the caller's transaction: checked references, participants, audit row and
 * the 'activity.logged' event. Other capabilities log through this (completing a call task logs
 * the call, linked by `taskId`). Returns the id and how many deliveries it queued.
 */
export async function logActivity(tx: Queryable, input: ActivityCreate & { taskId?: string | null }, actor: Actor): Promise<{ id: string; queued: number }> {
  const participants = { userIds: input.participants?.userIds ?? [], contactIds: input.participants?.contactIds ?? [] };
  const facts = { kind: input.kind, respondsTo: input.respondsTo ?? null, escalationId: input.escalationId ?? null };
  const setting = resolveProactive(facts, input.proactive);
  await checkReferences(tx, input.accountId, { participants, escalationId: facts.escalationId });
  const { rows } = await tx.query<{ id: string; occurred_at: Date }>(
    `INSERT INTO activities (account_id, kind, occurred_at, subject, body, responds_to, escalation_id, proactive, proactive_source, author_id, task_id)
     VALUES ($1, $2, coalesce($3::timestamptz, now()), $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, occurred_at`,
    [input.accountId, input.kind, input.occurredAt ?? null, input.subject, input.body ?? '', facts.respondsTo, facts.escalationId,
      setting.proactive, setting.source, authorOf(actor), input.taskId ?? null],
  );
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  await writeParticipants(tx, row.id, participants);
  await recordAuditRaw(tx, actor, [{
    action: 'activity.create', objectType: 'activity', objectId: row.id,
    changes: { accountId: input.accountId, subject: input.subject, ...facts, proactive: setting.proactive, proactiveSource: setting.source, ...(input.taskId ? { taskId: input.taskId } : {}) },
  }]);
  const queued = await emitEvent(tx, {
    type: 'activity.logged', accountId: input.accountId,
    data: {
      activityId: row.id, kind: input.kind, subject: input.subject, occurredAt: new Date(row.occurred_at).toISOString(),
      proactive: setting.proactive, respondsTo: facts.respondsTo, escalationId: facts.escalationId, authorId: authorOf(actor),
      ...(input.taskId ? { taskId: input.taskId } : {}),
    },
  });
  return { id: row.id, queued };
}
