import type { Actor } from '../auth/principal.js';
import type { Ownable } from '../auth/policy.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import type { CanAct, TaskService } from '../tasks/service.js';
import { insertTasks } from '../tasks/store.js';
import { recordCheckInTx, userIdOf } from './checkins.js';
import { insertInitiative, invalid } from './initiatives.js';
import { accountsIn, latestQuadrant, summarize, type QuadrantFilter } from './portfolio.js';
import { spoonTaskTitle } from './recommend.js';
import { configureCheckInMail, requestCheckInTx } from './requests.js';
import type { CheckInCreate, Initiative, InitiativeCreate, InitiativePatch, ReadinessSettings } from './schema.js';
import { readThresholds, toSettings, writeThresholds } from './settings.js';
import { accountsLatestCheckIn, checkInRow, checkPlanLinks, initiativeRef, initiativeRow, initiativesOfAccount, NEWEST_CHECK_IN_FIRST } from './store.js';
import { buildInitiatives, recommendContext, recommendationFor, talkOf, toCheckIn } from './view.js';

/**
 * Readiness: the named operations. Every write runs in one transaction with its audit row (and,
 * for a check-in, its webhook), and wakes the outbox after commit when something was queued.
 */

const DAY_MS = 86_400_000;

const SPOON_TASK_DUE_DAYS = 3;

export function createReadinessService(deps: WorkDeps, opts: { tasks: TaskService }) {
  const { database, outbox, config } = deps;
  configureCheckInMail({ publicUrl: config.publicUrl, emailConfigured: Boolean(config.smtp.url) });

  async function write<T>(fn: (tx: Queryable) => Promise<{ result: T; queued: number }>): Promise<T> {
    const { result, queued } = await database.transaction(fn);
    if (queued > 0) await outbox.wake();
    return result;
  }
  const mustRef = async (q: Queryable, id: string, lock = false) => {
    const ref = await initiativeRef(q, id, lock);
    if (!ref) throw new AppError('initiative.not_found');
    return ref;
  };

  const service = {
    ref: (id: string) => initiativeRef(database, id),
    thresholds: () => readThresholds(database),

    async readiness(accountId: string, canEdit: boolean, now = new Date()) {
      const thresholds = await readThresholds(database);
      const initiatives = await buildInitiatives(database, await initiativesOfAccount(database, accountId), { thresholds, canEdit, now });
      const [latest] = await accountsLatestCheckIn(database, accountId);
      return { initiatives, thresholds, accountQuadrant: latestQuadrant(latest, thresholds) };
    },

    async initiative(id: string, canEdit: boolean, now = new Date()): Promise<Initiative> {
      const row = await initiativeRow(database, id);
      if (!row) throw new AppError('initiative.not_found');
      const [out] = await buildInitiatives(database, [row], { thresholds: await readThresholds(database), canEdit, now });
      if (!out) throw new AppError('initiative.not_found');
      return out;
    },

    async createInitiative(accountId: string, input: InitiativeCreate, actor: Actor): Promise<string> {
      return write(async (tx) => ({ result: await insertInitiative(tx, accountId, input, actor), queued: 0 }));
    },

    async updateInitiative(id: string, patch: InitiativePatch, actor: Actor): Promise<void> {
      await write(async (tx) => {
        const ref = await mustRef(tx, id, true);
        const before = await initiativeRow(tx, id);
        const fields = await checkPlanLinks(tx, ref.accountId, patch);
        if (fields.length) throw invalid(fields);
        const set = (col: string, v: unknown, has: boolean) => (has ? [[col, v] as const] : []);
        const cols = [
          ...set('title', patch.title, patch.title !== undefined), ...set('description', patch.description || null, patch.description !== undefined),
          ...set('goal_id', patch.goalId, patch.goalId !== undefined), ...set('milestone_id', patch.milestoneId, patch.milestoneId !== undefined),
          ...set('status', patch.status, patch.status !== undefined),
        ];
        await tx.query(`UPDATE initiatives SET ${cols.map(([c], i) => `${c} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`, [id, ...cols.map(([, v]) => v)]);
        const was = { title: before?.title, description: before?.description, goalId: before?.goal_id, milestoneId: before?.milestone_id, status: before?.status };
        await recordAuditRaw(tx, actor, [{ action: 'initiative.update', objectType: 'initiative', objectId: id, objectLabel: (patch.title ?? ref.title).slice(0, 200), changes: diff(was, patch) }]);
        return { result: undefined, queued: 0 };
      });
    },

    async deleteInitiative(id: string, actor: Actor): Promise<void> {
      await write(async (tx) => {
        const ref = await mustRef(tx, id, true);
        await tx.query('DELETE FROM initiatives WHERE id = $1', [id]);
        await recordAuditRaw(tx, actor, [{ action: 'initiative.delete', objectType: 'initiative', objectId: id, objectLabel: ref.title.slice(0, 200), changes: { accountId: ref.accountId, title: ref.title } }]);
        return { result: undefined, queued: 0 };
      });
    },

    async recordCheckIn(input: CheckInCreate, actor: Actor, now = new Date()) {
      const id = await write(async (tx) => {
        const { id: created, queued } = await recordCheckInTx(tx, { ...input, at: input.at ? new Date(input.at) : undefined, source: 'csm' }, actor, { now });
        return { result: created, queued };
      });
      return service.checkInResult(id);
    },

    /** A check-in with its quadrant, the recommendation after it (against the check-in before it) and its change talk. */
    async checkInResult(id: string) {
      const row = await checkInRow(database, id);
      if (!row) throw new AppError('check_in.not_found');
      const thresholds = await readThresholds(database);
      const { rows: [prev] } = await database.query<{ id: string }>(
        `SELECT p.id FROM check_ins c JOIN check_ins p ON p.initiative_id = c.initiative_id AND (p.at, p.created_at, p.id) < (c.at, c.created_at, c.id)
          WHERE c.id = $1 ORDER BY p.at DESC, p.created_at DESC, p.id DESC LIMIT 1`, [id],
      );
      const prevRow = prev ? await checkInRow(database, prev.id) : undefined;
      const talk = await talkOf(database, [row]);
      const checkIn = toCheckIn(row, talk.get(row.id), thresholds);
      const initiative = await initiativeRow(database, row.initiative_id);
      if (!initiative) throw new AppError('initiative.not_found');
      const previous = prevRow ? toCheckIn(prevRow, undefined, thresholds) : null;
      const recommendation = recommendationFor(initiative, checkIn, previous, await recommendContext(database, row.account_id, thresholds));
      return { id, quadrant: checkIn.quadrant, recommendation, changeTalk: checkIn.talk, checkIn };
    },

    /** Accounts and ARR per quadrant (an account's quadrant: its newest check-in on an active initiative), of the accounts `mayRead`. */
    /** Accounts and ARR per quadrant over the active accounts (as the portfolio counts them) the caller may read. */
    async summary(mayRead: (a: Ownable) => boolean) {
      const [thresholds, rows] = await Promise.all([readThresholds(database), accountsLatestCheckIn(database)]);
      return summarize(rows, thresholds, mayRead);
    },

    /** The accounts behind the summary's numbers, one quadrant (or none yet) at a time: the same rows, rule and scope. */
    async accounts(mayRead: (a: Ownable) => boolean, q: { quadrant: QuadrantFilter; limit: number; cursor?: string | undefined }) {
      const [thresholds, rows] = await Promise.all([readThresholds(database), accountsLatestCheckIn(database)]);
      return accountsIn(rows, thresholds, mayRead, q);
    },

    settings: async () => toSettings(await readThresholds(database)),
    putSettings: (value: ReadinessSettings, actor: Actor) => database.transaction((tx) => writeThresholds(tx, value, actor)),

    /** Asks the contact by e-mail (409 capacity.exceeded unless confirmed); field errors for a contact that cannot be asked.
     *  While the contact's request on this initiative is open, asking again returns it (`reused`): nothing sent, nothing charged. */
    async requestCheckIn(initiativeId: string, input: { contactId: string; confirmOverload?: boolean | undefined }, actor: Actor, now = new Date()) {
      const result = await write(async (tx) => {
        await mustRef(tx, initiativeId);
        const r = await requestCheckInTx(tx, { initiativeId, contactId: input.contactId, by: userIdOf(actor), now, confirmOverload: input.confirmOverload ?? false },
          { publicUrl: config.publicUrl, emailConfigured: Boolean(config.smtp.url) }, true, actor);
        if ('skipped' in r) throw new AppError('check_in_request.invalid', r.detail, [{ path: 'contactId', message: r.detail }]);
        return { result: r, queued: r.reused ? 0 : 1 };
      });
      const { rows: [c] } = await database.query<{ id: string; name: string | null; email: string | null }>(
        'SELECT c.id, c.name, coalesce(m.recipient, c.email) AS email FROM check_in_requests r JOIN contacts c ON c.id = r.contact_id LEFT JOIN outbound_messages m ON m.id = r.outbound_id WHERE r.id = $1',
        [result.requestId],
      );
      return { requestId: result.requestId, sentTo: { contactId: input.contactId, name: c?.name ?? null, email: c?.email ?? '' }, reused: result.reused };
    },

    /** Our "give a spoon" task (gives_spoon): what the customer would have had to do, done for them; its reason cites the latest check-in.
     *  While the initiative has an open spoon task of ours made here, that one is returned (reused) instead of a second. */
    async spoonTask(initiativeId: string, input: { title?: string | undefined; dueAt?: string | undefined }, actor: Actor, canAct?: CanAct, now = new Date()) {
      const { taskId, reused } = await write(async (tx) => {
        // The initiative row is locked first, and the open spoon task read after the lock: two requests at once make one task.
        const ref = await mustRef(tx, initiativeId, true);
        const { rows: [open] } = await tx.query<{ id: string }>(
          `SELECT id FROM tasks WHERE spoon_initiative_id = $1 AND gives_spoon AND status = 'open' AND assignee_contact_id IS NULL
            ORDER BY created_at, id LIMIT 1`, [initiativeId],
        );
        if (open) return { result: { taskId: open.id, reused: true }, queued: 0 };
        const { rows: [last] } = await tx.query<{ importance: number; confidence: number; at: Date | string; what_would_move_higher: string | null; why_not_lower: string | null; name: string | null }>(
          `SELECT c.importance, c.confidence, c.at, c.what_would_move_higher, c.why_not_lower, ct.name FROM check_ins c LEFT JOIN contacts ct ON ct.id = c.contact_id
            WHERE c.initiative_id = $1 ORDER BY ${NEWEST_CHECK_IN_FIRST} LIMIT 1`, [initiativeId],
        );
        const cited = last
          ? `Check-in of ${new Date(last.at).toISOString().slice(0, 10)}${last.name ? ` with ${last.name}` : ''}: importance ${last.importance}, confidence ${last.confidence}` +
            `${last.what_would_move_higher ? `; what would move it higher: “${last.what_would_move_higher.slice(0, 300)}”` : ''}${last.why_not_lower ? `; why not lower: “${last.why_not_lower.slice(0, 300)}”` : ''}.`
          : 'No check-in recorded yet.';
        const { rows: [owner] } = await tx.query<{ owner_id: string | null }>('SELECT owner_id FROM accounts WHERE id = $1', [ref.accountId]);
        const [t] = await insertTasks(tx, [{
          accountId: ref.accountId, title: input.title ?? spoonTaskTitle(ref.title, last?.what_would_move_higher ?? null),
          reason: `Give a spoon on “${ref.title}”: do it for them so acting costs them nothing. ${cited}`,
          kind: 'todo', priority: 2, dueAt: input.dueAt ?? new Date(now.getTime() + SPOON_TASK_DUE_DAYS * DAY_MS),
          assigneeUserId: userIdOf(actor) ?? owner?.owner_id ?? null, source: 'manual', createdBy: userIdOf(actor),
        }]);
        if (!t) throw new Error('spoon task insert returned nothing');
        await tx.query('UPDATE tasks SET gives_spoon = true, spoon_initiative_id = $2 WHERE id = $1', [t.id, initiativeId]);
        await opts.tasks.afterCreate(tx, [t.id], actor);
        return { result: { taskId: t.id, reused: false }, queued: 1 };
      });
      const task = await opts.tasks.get(taskId, canAct);
      if (!task) throw new Error('spoon task vanished');
      return { ...task, reused };
    },
  };
  return service;
}
export type ReadinessService = ReturnType<typeof createReadinessService>;
