import type { WorkDeps } from '../deps.js';
import type { Queryable } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { decodeCursor, encodeCursor, timestampUuid } from '../http/cursor.js';
import { createTaskService } from '../tasks/service.js';
import { createPlaybookService } from '../playbooks/service.js';
import type { Started } from '../playbooks/runs.js';
import { evaluate, needs } from './evaluate.js';
import { loadFacts } from './facts.js';
import { fireRule, type FiringRule, type Match } from './fire.js';
import { accountChunks, applyBaselines, clearBaseline, matchBook, recordBaseline } from './book.js';
import { previewEffects } from './preview.js';
import type { Activation, Condition, Rule, RuleAction, RuleInput, RulePatch } from './schema.js';
import { validateRefs } from './validate.js';

export const EVALUATE_JOB = 'rules.evaluate';
export const SWEEP_JOB = 'rules.sweep';
const DIRTY_CHUNK = 2000;

/** What evaluation needs of a rule (no firing counts: read per chunk, inside its transaction). */
type RuleRow = { id: string; name: string; enabled: boolean; condition: Condition; actions: RuleAction[]; window_hours: number; activation: Activation };
type Row = RuleRow & { description: string; activated_at: Date | null; created_at: Date; updated_at: Date; total: number; last7d: number; last_at: Date | null };

const toDto = (r: Row): Rule => ({
  id: r.id, name: r.name, description: r.description, enabled: r.enabled, condition: r.condition, actions: r.actions, windowHours: r.window_hours,
  activation: r.activation, activatedAt: r.activated_at ? new Date(r.activated_at).toISOString() : null,
  firings: { total: r.total, last7d: r.last7d, lastAt: r.last_at ? new Date(r.last_at).toISOString() : null },
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

const SELECT = `
  SELECT r.*, coalesce(f.total, 0) AS total, coalesce(f.last7d, 0) AS last7d, f.last_at
    FROM rules r LEFT JOIN LATERAL (
      SELECT count(*)::int AS total, (count(*) FILTER (WHERE fired_at > now() - interval '7 days'))::int AS last7d, max(fired_at) AS last_at
        FROM rule_firings WHERE rule_id = r.id) f ON true`;

export function createRuleService(deps: WorkDeps) {
  const { database, jobs, outbox } = deps;
  const tasks = createTaskService(deps);
  const playbooks = createPlaybookService(deps);
  const load = async (q: Queryable, id: string) => (await q.query<Row>(`${SELECT} WHERE r.id = $1`, [id])).rows[0];

  /** Evaluates rules over one chunk of accounts and fires the ones that match, in the caller's transaction. */
  async function evaluateChunk(tx: Queryable, rules: RuleRow[], accountIds: string[], trigger: string, now: Date) {
    const facts = await loadFacts(tx, accountIds, needs(rules.map((r) => r.condition)), now);
    const matchesOf = new Map<string, Match[]>();
    for (const rule of rules) {
      const matches: Match[] = [];
      for (const f of facts.values()) {
        const e = evaluate(rule.condition, f, now);
        if (e.matched) matches.push({ accountId: f.accountId, name: f.name, results: e.results });
      }
      matchesOf.set(rule.id, matches);
    }
    // "From now on only" rules: what already matched at activation does not fire.
    const held = await applyBaselines(tx, [...facts.keys()], rules.filter((r) => r.activation === 'from_now_on').map((r) => ({ ruleId: r.id, matched: new Set((matchesOf.get(r.id) ?? []).map((m) => m.accountId)) })));
    let fired = 0;
    let started: Started[] = [];
    for (const rule of rules) {
      const skip = held.get(rule.id);
      const matches = (matchesOf.get(rule.id) ?? []).filter((m) => !skip?.has(m.accountId));
      const firing: FiringRule = { id: rule.id, name: rule.name, match: rule.condition.match, actions: rule.actions, windowHours: rule.window_hours };
      const r = await fireRule(tx, firing, matches, trigger, now, { tasks, playbooks });
      fired += r.fired.length;
      started = started.concat(r.started);
    }
    return { fired, started, evaluated: facts.size };
  }

  async function enabledRules(q: Queryable): Promise<RuleRow[]> {
    return (await q.query<RuleRow>('SELECT id, name, enabled, condition, actions, window_hours, activation FROM rules WHERE enabled ORDER BY created_at, id')).rows;
  }

  /**
   * A rule starts acting (created enabled, re-enabled, or its condition changed): "now" lets the
   * next sweep fire every match; "from_now_on" records today's matches as the baseline first.
   */
  async function activate(tx: Queryable, id: string, condition: Condition, activation: Activation, now: Date) {
    if (activation === 'from_now_on') await recordBaseline(tx, id, condition, now);
    else await clearBaseline(tx, id);
    await tx.query('UPDATE rules SET activation = $2, activated_at = $3 WHERE id = $1', [id, activation, now.toISOString()]);
  }

  async function afterCommit(started: Started[], fired: number) {
    if (started.length) await playbooks.afterStart(started);
    else if (fired) await outbox.wake();
  }

  const service = {
    async list(): Promise<Rule[]> {
      return (await database.query<Row>(`${SELECT} ORDER BY lower(r.name), r.id`)).rows.map(toDto);
    },
    async get(id: string): Promise<Rule | null> {
      const r = await load(database, id);
      return r ? toDto(r) : null;
    },

    /** Without an activation the rule fires now, as before (the web app always asks). */
    async create(given: Omit<RuleInput, 'activation'> & { activation?: Activation }, actor: Actor, now = new Date()): Promise<Rule> {
      const input = { ...given, activation: given.activation ?? 'now' };
      const id = await database.transaction(async (tx) => {
        await validateRefs(tx, input.condition, input.actions);
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO rules (name, description, enabled, condition, actions, window_hours, created_by, activation) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8) RETURNING id`,
          [input.name, input.description, input.enabled, JSON.stringify(input.condition), JSON.stringify(input.actions), input.windowHours, actor.type === 'user' ? actor.id : null, input.activation],
        );
        const rid = rows[0]?.id as string;
        if (input.enabled) await activate(tx, rid, input.condition, input.activation, now);
        await recordAuditRaw(tx, actor, [{ action: 'create', objectType: 'rule', objectId: rid, changes: { name: input.name, enabled: input.enabled, activation: input.activation, condition: input.condition, actions: input.actions } }]);
        return rid;
      });
      if (input.enabled) await service.scheduleSweep();
      return (await service.get(id)) as Rule;
    },

    async update(id: string, patch: RulePatch, actor: Actor, now = new Date()): Promise<Rule> {
      await database.transaction(async (tx) => {
        const before = await load(tx, id);
        if (!before) throw new AppError('rule.not_found');
        await validateRefs(tx, patch.condition, patch.actions);
        // jsonb equality, not text: a form that sends the same condition back does not restart the rule.
        const conditionChanged = patch.condition !== undefined && (await tx.query<{ changed: boolean }>('SELECT condition IS DISTINCT FROM $2::jsonb AS changed FROM rules WHERE id = $1', [id, JSON.stringify(patch.condition)])).rows[0]?.changed === true;
        await tx.query(
          `UPDATE rules SET name = coalesce($2, name), description = coalesce($3, description), enabled = coalesce($4, enabled),
                  condition = coalesce($5::jsonb, condition), actions = coalesce($6::jsonb, actions), window_hours = coalesce($7, window_hours), updated_at = now()
            WHERE id = $1`,
          [id, patch.name ?? null, patch.description ?? null, patch.enabled ?? null, patch.condition ? JSON.stringify(patch.condition) : null, patch.actions ? JSON.stringify(patch.actions) : null, patch.windowHours ?? null],
        );
        const enabled = patch.enabled ?? before.enabled;
        if (!enabled) await clearBaseline(tx, id);
        // Enabling, a new condition or a stated choice starts the rule again, with the stated (else the stored) activation.
        else if (!before.enabled || conditionChanged || patch.activation) await activate(tx, id, patch.condition ?? before.condition, patch.activation ?? before.activation, now);
        await recordAuditRaw(tx, actor, [{ action: 'update', objectType: 'rule', objectId: id, changes: patch }]);
      });
      if (patch.enabled !== false && (patch.enabled || patch.condition || patch.actions || patch.windowHours || patch.activation)) await service.scheduleSweep();
      return (await service.get(id)) as Rule;
    },

    async remove(id: string, actor: Actor): Promise<void> {
      await database.transaction(async (tx) => {
        const { rows } = await tx.query<{ name: string }>('DELETE FROM rules WHERE id = $1 RETURNING name', [id]);
        if (rows.length === 0) throw new AppError('rule.not_found');
        await recordAuditRaw(tx, actor, [{ action: 'delete', objectType: 'rule', objectId: id, objectLabel: rows[0]?.name, changes: { name: rows[0]?.name } }]);
      });
    },

    /**
     * The accounts that match a condition now, without firing anything (most ARR first), and what
     * saving the rule with activation "now" would create at once (firings, tasks per person,
     * playbook runs, notifications, e-mails, webhook deliveries).
     */
    async dryRun(body: { condition: Condition; limit: number; actions: RuleAction[]; windowHours: number; ruleId?: string | undefined }, now = new Date()) {
      const { condition, limit } = body;
      await validateRefs(database, condition, body.actions);
      const { matches, evaluated, churned } = await matchBook(database, condition, now);
      const effects = await previewEffects(database, matches.map((m) => m.accountId), body.actions, { ruleId: body.ruleId, windowHours: body.windowHours, now });
      matches.sort((a, b) => b.arr - a.arr || a.name.localeCompare(b.name));
      const top = matches.slice(0, limit);
      const owners = top.length ? (await database.query<{ id: string; name: string }>('SELECT id, name FROM users WHERE id = ANY ($1::uuid[])', [[...new Set(top.flatMap((m) => (m.ownerId ? [m.ownerId] : [])))]])).rows : [];
      const ownerName = new Map(owners.map((o) => [o.id, o.name]));
      return { total: matches.length, evaluated, evaluatedActive: evaluated - churned, evaluatedChurned: churned, effects, items: top.map((m) => ({ accountId: m.accountId, name: m.name, arr: m.arr, ownerName: m.ownerId ? ownerName.get(m.ownerId) ?? null : null, results: m.results })) };
    },

    /**
     * Evaluates rules for accounts marked in rule_dirty (health moved, fields changed), a chunk per
     * transaction: the marks are taken, evaluated and fired in one commit, so a crash loses none.
     */
    async evaluateDirty(now = new Date()): Promise<{ evaluated: number; fired: number }> {
      let evaluated = 0;
      let fired = 0;
      for (;;) {
        const r = await database.transaction(async (tx) => {
          const { rows } = await tx.query<{ account_id: string }>(
            // ARRAY(...), not IN (subquery): see claimMarks in src/db/dirty-claims.ts (a stale plan claimed all marks quadratically).
            `DELETE FROM rule_dirty WHERE account_id = ANY (ARRAY(SELECT account_id FROM rule_dirty ORDER BY account_id LIMIT ${DIRTY_CHUNK} FOR UPDATE SKIP LOCKED)) RETURNING account_id`,
          );
          if (rows.length === 0) return null;
          const rules = await enabledRules(tx);
          if (rules.length === 0) return { fired: 0, started: [] as Started[], evaluated: rows.length };
          return evaluateChunk(tx, rules, rows.map((x) => x.account_id), 'change', now);
        });
        if (!r) break;
        evaluated += r.evaluated;
        fired += r.fired;
        await afterCommit(r.started, r.fired);
      }
      return { evaluated, fired };
    },

    /** Every account against every enabled rule (hourly: time-based conditions such as days to renewal). */
    async sweep(now = new Date(), onProgress?: (done: number) => void): Promise<{ evaluated: number; fired: number }> {
      const rules = await enabledRules(database);
      let evaluated = 0;
      let fired = 0;
      if (rules.length === 0) return { evaluated, fired };
      for await (const ids of accountChunks(database)) {
        // The rules again per chunk, in its transaction: one disabled or re-activated meanwhile is seen as it is now.
        const r = await database.transaction(async (tx) => evaluateChunk(tx, await enabledRules(tx), ids, 'schedule', now));
        evaluated += r.evaluated;
        fired += r.fired;
        await afterCommit(r.started, r.fired);
        onProgress?.(evaluated);
      }
      return { evaluated, fired };
    },

    async scheduleEvaluation(): Promise<void> {
      if (jobs) await jobs.sendDebounced(EVALUATE_JOB, {}, 2, 'rules');
    },

    /** A new, changed or re-enabled rule looks at the whole book soon (without a queue: at the next sweep); a "from now on" rule's baseline keeps what already matched from firing. */
    async scheduleSweep(): Promise<void> {
      if (jobs) await jobs.sendDebounced(SWEEP_JOB, {}, 5, 'rules-sweep');
    },

    async firings(ruleId: string, q: { cursor?: string | undefined; limit: number; accountId?: string | undefined }) {
      const values: unknown[] = [ruleId];
      const where = ['f.rule_id = $1'];
      if (q.accountId) where.push(`f.account_id = $${values.push(q.accountId)}`);
      if (q.cursor) {
        const [at, id] = decodeCursor(q.cursor, timestampUuid);
        where.push(`(f.fired_at, f.id) < ($${values.push(at)}::timestamptz, $${values.push(id)}::uuid)`);
      }
      const { rows } = await database.query<{ id: string; rule_id: string; account_id: string; name: string; fired_at: Date; trigger: string; matched: Rule['condition'] & { results: Match['results'] }; actions: Record<string, unknown>[] }>(
        `SELECT f.*, a.name FROM rule_firings f JOIN accounts a ON a.id = f.account_id WHERE ${where.join(' AND ')}
          ORDER BY f.fired_at DESC, f.id DESC LIMIT ${q.limit + 1}`, values,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({ id: r.id, ruleId: r.rule_id, accountId: r.account_id, accountName: r.name, firedAt: new Date(r.fired_at).toISOString(), trigger: r.trigger, matched: { match: r.matched.match, results: r.matched.results }, actions: r.actions })),
        nextCursor: rows.length > q.limit && last ? encodeCursor([new Date(last.fired_at).toISOString(), last.id]) : null,
      };
    },
  };
  return service;
}
export type RuleService = ReturnType<typeof createRuleService>;
