import type { Actor } from '../auth/principal.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import { decodeCursor, encodeCursor, timestampUuid } from '../http/cursor.js';
import { AppError } from '../http/errors.js';
import type { WorkDeps } from '../deps.js';
import { resolveProactive } from './proactive.js';
import { proactiveRatio } from './ratio.js';
import type { Activity, ActivityCreate, ActivityListQuery, ActivityPatch, ActivityRecord, RatioQuery } from './schema.js';
import { analyzeTexts } from '../changetalk/index.js';
import { logActivity } from './log.js';
import { plantSeedInTx } from '../seeds/plant.js';
import { recordActivityCheckIn } from '../readiness/initiatives.js';
import { ACTIVITY_SELECT, checkReferences, loadActivity, toActivity, writeParticipants, type ActivityRow } from './store.js';


export function createActivityService(deps: WorkDeps) {
  const { database, outbox } = deps;

  /** The body's change talk on each activity: one analyzeTexts call for the whole page. */
  async function withTalk(items: ActivityRecord[]): Promise<Activity[]> {
    const talk = await analyzeTexts(database, items.map((a) => a.body));
    return items.map((a, i) => {
      const changeTalk = talk[i];
      if (!changeTalk) throw new Error('analyzeTexts answered fewer texts than asked');
      return { ...a, changeTalk };
    });
  }

  async function list(q: ActivityListQuery & { order?: 'asc' | 'desc' }) {
    const values: unknown[] = [];
    const param = (v: unknown) => `$${values.push(v)}`;
    const where: string[] = [];
    if (q.accountId) where.push(`a.account_id = ${param(q.accountId)}`);
    if (q.authorId) where.push(`a.author_id = ${param(q.authorId)}`);
    if (q.escalationId) where.push(`a.escalation_id = ${param(q.escalationId)}`);
    if (q.kind) where.push(`a.kind = ${param(q.kind)}`);
    if (q.from) where.push(`a.occurred_at >= ${param(q.from)}::timestamptz`);
    if (q.to) where.push(`a.occurred_at < ${param(q.to)}::timestamptz`);
    const desc = q.order !== 'asc';
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, timestampUuid);
      where.push(`(a.occurred_at, a.id) ${desc ? '<' : '>'} (${param(at)}::timestamptz, ${param(id)}::uuid)`);
    }
    const dir = desc ? 'DESC' : 'ASC';
    const { rows } = await database.query<ActivityRow>(
      `${ACTIVITY_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.occurred_at ${dir}, a.id ${dir} LIMIT ${param(q.limit + 1)}`,
      values,
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: await withTalk(page.map(toActivity)), nextCursor: rows.length > q.limit && last ? encodeCursor([last.sort_at, last.id]) : null };
  }

  /** Runs a write and wakes the webhook deliverer after commit when it queued anything. */
  async function write<T>(fn: (tx: Queryable) => Promise<{ result: T; queued: number }>): Promise<T> {
    const { result, queued } = await database.transaction(fn);
    if (queued > 0) await outbox.wake();
    return result;
  }

  const service = {
    async get(id: string): Promise<Activity | null> {
      const a = await loadActivity(database, id);
      return a ? (await withTalk([a]))[0] ?? null : null;
    },
    list,
    ratio: (q: RatioQuery) => proactiveRatio(database, q),

    /** Logs an activity (audited, 'activity.logged' emitted in the same transaction). */
    async create(input: ActivityCreate, actor: Actor): Promise<Activity> {
      const id = await write(async (tx) => {
        const { id: created, queued } = await logActivity(tx, input, actor);
        // A seed planted from the activity form: asked in this activity, at its time, in the same transaction.
        if (input.seed) await plantSeedInTx(tx, { ...input.seed, accountId: input.accountId, activityId: created }, actor, { prefix: 'seed.' });
        // A check-in asked in this activity: recorded at its time, in the same transaction.
        const checkInQueued = input.checkIn ? await recordActivityCheckIn(tx, input.checkIn, input.accountId, created, actor) : 0;
        return { result: created, queued: queued + checkInQueued };
      });
      return service.mustGet(id);
    },

    async update(id: string, patch: ActivityPatch, actor: Actor): Promise<Activity> {
      await write(async (tx) => {
        await tx.query('SELECT 1 FROM activities WHERE id = $1 FOR UPDATE', [id]);
        const before = await loadActivity(tx, id);
        if (!before) throw new AppError('activity.not_found');
        const facts = {
          kind: patch.kind ?? before.kind,
          respondsTo: patch.respondsTo !== undefined ? patch.respondsTo : before.respondsTo,
          escalationId: patch.escalationId !== undefined ? patch.escalationId : before.escalationId,
        };
        await checkReferences(tx, before.accountId, {
          participants: patch.participants,
          escalationId: patch.escalationId !== undefined ? patch.escalationId : undefined,
        });
        const setting = resolveProactive(facts, patch.proactive, { proactive: before.proactive, source: before.proactiveSource });
        await tx.query(
          `UPDATE activities SET kind = $2, occurred_at = coalesce($3::timestamptz, occurred_at), subject = coalesce($4, subject), body = coalesce($5, body),
                  responds_to = $6, escalation_id = $7, proactive = $8, proactive_source = $9, updated_at = now()
            WHERE id = $1`,
          [id, facts.kind, patch.occurredAt ?? null, patch.subject ?? null, patch.body ?? null, facts.respondsTo, facts.escalationId, setting.proactive, setting.source],
        );
        if (patch.participants) await writeParticipants(tx, id, patch.participants);
        const changes = diff(before as unknown as Record<string, unknown>, { ...patch, participants: undefined, proactive: setting.proactive, proactiveSource: setting.source });
        if (patch.participants) changes.participants = { from: null, to: patch.participants };
        await recordAuditRaw(tx, actor, [{ action: 'activity.update', objectType: 'activity', objectId: id, changes }]);
        return { result: undefined, queued: 0 };
      });
      return service.mustGet(id);
    },

    async remove(id: string, actor: Actor): Promise<void> {
      await write(async (tx) => {
        const { rows } = await tx.query<{ account_id: string; kind: string; subject: string }>(
          'DELETE FROM activities WHERE id = $1 RETURNING account_id, kind, subject',
          [id],
        );
        const row = rows[0];
        if (!row) throw new AppError('activity.not_found');
        await recordAuditRaw(tx, actor, [{ action: 'activity.delete', objectType: 'activity', objectId: id, changes: { accountId: row.account_id, kind: row.kind, subject: row.subject } }]);
        return { result: undefined, queued: 0 };
      });
    },

    async mustGet(id: string): Promise<Activity> {
      const a = await service.get(id);
      if (!a) throw new AppError('activity.not_found');
      return a;
    },
  };
  return service;
}
export type ActivityService = ReturnType<typeof createActivityService>;
