import type { Actor } from '../auth/principal.js';
import { diff } from '../audit/record.js';
import type { FieldError } from '../http/errors.js';
import { measureCriteria } from './measure.js';
import type { Criterion, CriterionCreate, CriterionPatch, ValueCreate } from './schema.js';
import { criterionRef, goalRef, insertPlanEvent } from './store.js';
import { actorId, invalid, type PlanWriter } from './writer.js';

/** How far ahead of the server's clock a value's `at` may be (the sender's clock may run a little fast). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A target must lie beyond the baseline in the criterion's direction: a baseline already at or past
 * its target would count a decline as success. No baseline or no target: nothing to compare.
 */
export function targetVsBaseline(direction: 'up' | 'down', baseline: number | null | undefined, target: number | null | undefined): FieldError | null {
  if (baseline === null || baseline === undefined || target === null || target === undefined) return null;
  if (direction === 'up' && !(target > baseline)) return { path: 'target', message: `for a rising target it must be above the baseline (${baseline})` };
  if (direction === 'down' && !(target < baseline)) return { path: 'target', message: `for a falling target it must be below the baseline (${baseline})` };
  return null;
}

/** Success criteria: add, change, delete, values entered by hand or rated, and their history. */
export function criterionOperations(w: PlanWriter) {
  const { database, write, mustRef, mustLoad, criterionOf, driverDirection, audit, settle } = w;
  return {
    async addCriterion(goalId: string, input: CriterionCreate, actor: Actor): Promise<Criterion> {
      const ref = await mustRef(goalRef, database, goalId, 'plan_goal.not_found');
      const id = await write(async (tx) => {
        const direction = input.direction ?? (input.kind === 'driver' && input.driverId ? await driverDirection(tx, input.driverId) : 'up');
        if (input.kind === 'driver' && input.driverId && input.direction) await driverDirection(tx, input.driverId);
        const mismatch = targetVsBaseline(direction, input.baseline, input.target);
        if (mismatch) throw invalid([mismatch]);
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO plan_criteria (goal_id, name, kind, driver_id, metric, direction, baseline, target) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING id`,
          [goalId, input.name, input.kind, input.driverId ?? null, input.metric ? JSON.stringify(input.metric) : null, direction, input.baseline ?? null, input.target ?? null],
        );
        const cid = rows[0]?.id;
        if (!cid) throw new Error('insert returned no row');
        await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId, kind: 'criterion_changed', actorId: actorId(actor), data: { criterionId: cid, name: input.name, change: 'created' } });
        await audit(tx, actor, 'plan_criterion.create', 'plan_criterion', cid, input.name, { goalId, ...input, direction });
        await measureCriteria(tx, { criterionIds: [cid] }, null);
        const { queued } = await settle(tx, ref.planId);
        return { result: cid, queued };
      });
      return criterionOf(await mustLoad(database, ref.planId), id);
    },

    async updateCriterion(criterionId: string, patch: CriterionPatch, actor: Actor): Promise<Criterion> {
      const ref = await mustRef(criterionRef, database, criterionId, 'plan_criterion.not_found');
      await write(async (tx) => {
        const before = criterionOf(await mustLoad(tx, ref.planId), criterionId);
        const fields: FieldError[] = [];
        if (patch.driverId !== undefined && before.kind !== 'driver') fields.push({ path: 'driverId', message: 'Only a driver criterion has a driver' });
        if (patch.metric !== undefined && before.kind !== 'metric') fields.push({ path: 'metric', message: 'Only a metric criterion has a metric' });
        if (before.kind === 'rating') {
          for (const k of ['target', 'baseline'] as const) {
            const n = patch[k];
            if (n !== undefined && n !== null && (n < 1 || n > 5)) fields.push({ path: k, message: 'A rating is 1 to 5' });
          }
        }
        // The merged result, when the patch touches what it compares (a rename of an older row is not refused for it).
        if (patch.direction !== undefined || patch.target !== undefined || patch.baseline !== undefined) {
          const mismatch = targetVsBaseline(patch.direction ?? before.direction, patch.baseline !== undefined ? patch.baseline : before.baseline, patch.target !== undefined ? patch.target : before.target);
          if (mismatch) fields.push(mismatch);
        }
        if (fields.length) throw invalid(fields);
        if (patch.driverId) await driverDirection(tx, patch.driverId);
        await tx.query(
          `UPDATE plan_criteria SET name = coalesce($2, name), driver_id = coalesce($3, driver_id), metric = coalesce($4::jsonb, metric),
                  direction = coalesce($5, direction), target = CASE WHEN $6 THEN $7::float8 ELSE target END,
                  baseline = CASE WHEN $8 THEN $9::float8 ELSE baseline END, updated_at = now()
            WHERE id = $1`,
          [criterionId, patch.name ?? null, patch.driverId ?? null, patch.metric ? JSON.stringify(patch.metric) : null, patch.direction ?? null,
            patch.target !== undefined, patch.target ?? null, patch.baseline !== undefined, patch.baseline ?? null],
        );
        // A different source of measurement: the old path measured something else.
        if ((patch.driverId && patch.driverId !== before.driverId) || (patch.metric && JSON.stringify(patch.metric) !== JSON.stringify(before.metric))) {
          await tx.query(`DELETE FROM plan_criterion_values WHERE criterion_id = $1 AND source = 'measured'`, [criterionId]);
          await measureCriteria(tx, { criterionIds: [criterionId] }, null);
        }
        const changes = diff(before as unknown as Record<string, unknown>, patch);
        await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId: ref.goalId, kind: 'criterion_changed', actorId: actorId(actor), data: { criterionId, name: patch.name ?? before.name, change: 'updated', changes } });
        await audit(tx, actor, 'plan_criterion.update', 'plan_criterion', criterionId, patch.name ?? before.name, changes);
        return settle(tx, ref.planId);
      });
      return criterionOf(await mustLoad(database, ref.planId), criterionId);
    },

    async deleteCriterion(criterionId: string, actor: Actor): Promise<void> {
      const ref = await mustRef(criterionRef, database, criterionId, 'plan_criterion.not_found');
      await write(async (tx) => {
        const before = criterionOf(await mustLoad(tx, ref.planId), criterionId);
        await tx.query('DELETE FROM plan_criteria WHERE id = $1', [criterionId]);
        await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId: ref.goalId, kind: 'criterion_changed', actorId: actorId(actor), data: { criterionId, name: before.name, change: 'deleted' } });
        await audit(tx, actor, 'plan_criterion.delete', 'plan_criterion', criterionId, before.name, { name: before.name, goalId: ref.goalId });
        return settle(tx, ref.planId);
      });
    },

    /**
     * A manual number with its date, or a 1–5 rating from one side. Driver and metric criteria are
     * measured from data: a hand-entered value would be overwritten by the next health run, so it is refused.
     */
    async recordValue(criterionId: string, input: ValueCreate, actor: Actor, source: 'manual' | 'customer' = 'manual'): Promise<Criterion> {
      const ref = await mustRef(criterionRef, database, criterionId, 'plan_criterion.not_found');
      await write(async (tx) => {
        const c = criterionOf(await mustLoad(tx, ref.planId), criterionId);
        if (c.kind === 'driver' || c.kind === 'metric') throw invalid([{ path: 'value', message: `A ${c.kind} criterion is measured from data; values are entered only for manual and rating criteria` }]);
        if (c.kind === 'rating') {
          const fields: FieldError[] = [];
          if (!input.side) fields.push({ path: 'side', message: 'Say whose rating it is: vendor or customer' });
          if (!Number.isInteger(input.value) || input.value < 1 || input.value > 5) fields.push({ path: 'value', message: 'A rating is a whole number from 1 to 5' });
          if (fields.length) throw invalid(fields);
        } else if (input.side) {
          throw invalid([{ path: 'side', message: 'Only a rating has a side' }]);
        }
        const now = new Date();
        const at = input.at ? new Date(input.at) : now;
        // A value dated ahead would stay the criterion's latest (its current) until that day comes.
        if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalid([{ path: 'at', message: 'cannot be in the future' }]);
        await tx.query(
          `INSERT INTO plan_criterion_values (criterion_id, at, day, value, side, source, actor_id) VALUES ($1, $2, ($2::timestamptz AT TIME ZONE 'UTC')::date, $3, $4, $5, $6)`,
          [criterionId, at.toISOString(), input.value, input.side ?? null, c.kind === 'rating' ? 'rating' : source, actorId(actor)],
        );
        await audit(tx, actor, 'plan_criterion.value', 'plan_criterion', criterionId, c.name, { value: input.value, at: at.toISOString(), side: input.side ?? null });
        return settle(tx, ref.planId);
      });
      return criterionOf(await mustLoad(database, ref.planId), criterionId);
    },

    async listValues(criterionId: string) {
      const { rows } = await database.query<{ at: Date | string; value: number; side: 'vendor' | 'customer' | null; source: 'measured' | 'manual' | 'rating' | 'customer' }>(
        'SELECT at, value, side, source FROM plan_criterion_values WHERE criterion_id = $1 ORDER BY at, created_at LIMIT 2000',
        [criterionId],
      );
      return { items: rows.map((r) => ({ at: new Date(r.at).toISOString(), value: r.value, side: r.side, source: r.source })) };
    },

  };
}
