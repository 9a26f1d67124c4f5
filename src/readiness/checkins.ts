import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import { AppError, type FieldError } from '../http/errors.js';
import { emitEvent } from '../webhooks/emit.js';
import { quadrant } from './quadrant.js';
import { readThresholds } from './settings.js';
import { contactOf, iso } from './store.js';

/**
 * Recording a check-in inside the caller's transaction (the check-in API, the log-activity form,
 * the customer's answer page): references checked with field errors, the row, the audit entry and
 * the `check_in.recorded` webhook in the same transaction.
 */

export type CheckInInput = {
  accountId: string;
  initiativeId: string;
  contactId?: string | null | undefined;
  importance: number;
  confidence: number;
  whyNotLower?: string | null | undefined;
  whatWouldMoveHigher?: string | null | undefined;
  /** When it was asked; with an activity and no time, the activity's time; else now. */
  at?: Date | undefined;
  activityId?: string | null | undefined;
  source: 'csm' | 'customer';
  requestId?: string | null | undefined;
};

export const userIdOf = (actor: Actor) => (actor.type === 'user' ? actor.id : null);
/** An empty answer is no answer. */
export const answerOrNull = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);

/** Field errors for the initiative, contact and activity of a check-in (`prefix` names the request's fields). */
export async function checkInReferences(tx: Queryable, input: Pick<CheckInInput, 'accountId' | 'initiativeId' | 'contactId' | 'activityId'>, prefix = ''): Promise<{ fields: FieldError[]; initiativeTitle: string; activityAt: Date | null }> {
  const fields: FieldError[] = [];
  const { rows: [i] } = await tx.query<{ account_id: string; title: string }>('SELECT account_id, title FROM initiatives WHERE id = $1', [input.initiativeId]);
  if (!i) fields.push({ path: `${prefix}initiativeId`, message: 'no such initiative' });
  else if (i.account_id !== input.accountId) fields.push({ path: `${prefix}initiativeId`, message: 'an initiative of another account' });
  if (input.contactId && !(await contactOf(tx, input.accountId, input.contactId))) {
    const { rows } = await tx.query('SELECT 1 FROM contacts WHERE id = $1', [input.contactId]);
    fields.push({ path: `${prefix}contactId`, message: rows.length ? 'a contact of another account' : 'no such contact' });
  }
  let activityAt: Date | null = null;
  if (input.activityId) {
    const { rows: [a] } = await tx.query<{ account_id: string; occurred_at: Date | string }>('SELECT account_id, occurred_at FROM activities WHERE id = $1', [input.activityId]);
    if (!a) fields.push({ path: `${prefix}activityId`, message: 'no such activity' });
    else if (a.account_id !== input.accountId) fields.push({ path: `${prefix}activityId`, message: 'an activity of another account' });
    else activityAt = new Date(a.occurred_at);
  }
  return { fields, initiativeTitle: i?.title ?? '', activityAt };
}

/** Records a check-in; returns its id and how many webhook deliveries it queued. */
export async function recordCheckInTx(tx: Queryable, input: CheckInInput, actor: Actor, opts: { prefix?: string; now?: Date } = {}): Promise<{ id: string; queued: number }> {
  const prefix = opts.prefix ?? '';
  const now = opts.now ?? new Date();
  const { fields, initiativeTitle, activityAt } = await checkInReferences(tx, input, prefix);
  const at = input.at ?? activityAt ?? now;
  if (at.getTime() > now.getTime()) {
    fields.push(prefix
      ? { path: 'occurredAt', message: 'A check-in is recorded when it was asked: this activity has not happened yet' }
      : { path: 'at', message: 'Cannot be in the future' });
  }
  if (fields.length) throw new AppError('check_in.invalid', fields[0]?.message, fields);

  const whyNotLower = answerOrNull(input.whyNotLower);
  const whatWouldMoveHigher = answerOrNull(input.whatWouldMoveHigher);
  const { rows: [prev] } = await tx.query<{ importance: number; confidence: number; at: Date | string }>(
    'SELECT importance, confidence, at FROM check_ins WHERE initiative_id = $1 AND at <= $2 ORDER BY at DESC, created_at DESC, id DESC LIMIT 1',
    [input.initiativeId, at.toISOString()],
  );
  const { rows: [row] } = await tx.query<{ id: string }>(
    `INSERT INTO check_ins (account_id, initiative_id, contact_id, importance, confidence, why_not_lower, what_would_move_higher, source, activity_id, request_id, at, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [input.accountId, input.initiativeId, input.contactId ?? null, input.importance, input.confidence, whyNotLower, whatWouldMoveHigher,
      input.source, input.activityId ?? null, input.requestId ?? null, at.toISOString(), userIdOf(actor)],
  );
  if (!row) throw new Error('check-in insert returned nothing');
  const queued = await announce(tx, row.id, { ...input, whyNotLower, whatWouldMoveHigher, at }, initiativeTitle, prev ?? null, actor, 'check_in.record');
  return { id: row.id, queued };
}

type Announced = Omit<CheckInInput, 'at'> & { at: Date; whyNotLower: string | null; whatWouldMoveHigher: string | null };

/** The audit row and the `check_in.recorded` webhook of a recorded (or re-answered) check-in. */
export async function announce(
  tx: Queryable, id: string, c: Announced, initiativeTitle: string, prev: { importance: number; confidence: number; at: Date | string } | null, actor: Actor, action: string,
): Promise<number> {
  const thresholds = await readThresholds(tx);
  const q = quadrant(c.importance, c.confidence, thresholds);
  const { rows: [contact] } = c.contactId ? await tx.query<{ name: string | null }>('SELECT name FROM contacts WHERE id = $1', [c.contactId]) : { rows: [] };
  await recordAuditRaw(tx, actor, [{
    action, objectType: 'check_in', objectId: id, objectLabel: initiativeTitle.slice(0, 200),
    changes: {
      accountId: c.accountId, initiativeId: c.initiativeId, contactId: c.contactId ?? null, importance: c.importance, confidence: c.confidence,
      whyNotLower: c.whyNotLower, whatWouldMoveHigher: c.whatWouldMoveHigher, source: c.source, activityId: c.activityId ?? null, at: c.at.toISOString(),
    },
  }]);
  return emitEvent(tx, {
    type: 'check_in.recorded', accountId: c.accountId,
    data: {
      checkInId: id, accountId: c.accountId, initiative: { id: c.initiativeId, title: initiativeTitle },
      contact: c.contactId ? { id: c.contactId, name: contact?.name ?? null } : null,
      importance: c.importance, confidence: c.confidence, quadrant: q, thresholds,
      whyNotLower: c.whyNotLower, whatWouldMoveHigher: c.whatWouldMoveHigher, source: c.source, activityId: c.activityId ?? null, at: c.at.toISOString(),
      previous: prev ? { importance: prev.importance, confidence: prev.confidence, quadrant: quadrant(prev.importance, prev.confidence, thresholds), at: iso(prev.at) } : null,
    },
  });
}
