import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { recordCheckInTx, userIdOf } from './checkins.js';
import type { ActivityCheckIn, InitiativeCreate } from './schema.js';
import { checkPlanLinks } from './store.js';

/** Writes other capabilities call inside their own transaction: an initiative, and a check-in logged with an activity. */

export const invalid = (fields: { path: string; message: string }[]) => new AppError('initiative.invalid', fields[0]?.message, fields);

/** Inserts an initiative (goal and milestone checked against the account's plans), audited. */
export async function insertInitiative(tx: Queryable, accountId: string, input: InitiativeCreate, actor: Actor, prefix = ''): Promise<string> {
  const fields = (await checkPlanLinks(tx, accountId, input)).map((f) => ({ ...f, path: `${prefix}${f.path}` }));
  if (fields.length) throw invalid(fields);
  const { rows: [row] } = await tx.query<{ id: string }>(
    'INSERT INTO initiatives (account_id, title, description, goal_id, milestone_id, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [accountId, input.title, input.description || null, input.goalId ?? null, input.milestoneId ?? null, userIdOf(actor)],
  );
  if (!row) throw new Error('initiative insert returned nothing');
  await recordAuditRaw(tx, actor, [{ action: 'initiative.create', objectType: 'initiative', objectId: row.id, objectLabel: input.title.slice(0, 200), changes: { accountId, ...input } }]);
  return row.id;
}

/**
 * A check-in logged with an activity, in the activity's transaction: on an initiative of the
 * account, or on a new one named by `initiativeTitle`; at the activity's time. Field errors name
 * `checkIn.` + the field. Returns how many webhook deliveries were queued.
 */
export async function recordActivityCheckIn(tx: Queryable, c: ActivityCheckIn, accountId: string, activityId: string, actor: Actor): Promise<number> {
  const initiativeId = c.initiativeId ?? await insertInitiative(tx, accountId, { title: c.initiativeTitle ?? '' }, actor, 'checkIn.');
  const { queued } = await recordCheckInTx(tx, {
    accountId, initiativeId, contactId: c.contactId, importance: c.importance, confidence: c.confidence,
    whyNotLower: c.whyNotLower, whatWouldMoveHigher: c.whatWouldMoveHigher, activityId, source: 'csm',
  }, actor, { prefix: 'checkIn.' });
  return queued;
}

