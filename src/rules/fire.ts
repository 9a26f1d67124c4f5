import type { Queryable } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { emitEvents } from '../webhooks/emit-many.js';
import { notify } from '../notifications/notify.js';
import { insertTasks, resolveAssignees } from '../tasks/store.js';
import { proposeCalls } from '../tasks/signals.js';
import type { TaskService } from '../tasks/service.js';
import type { PlaybookService } from '../playbooks/service.js';
import type { Started } from '../playbooks/runs.js';
import type { LeafResult, RuleAction } from './schema.js';
import { raiseSignalsForFirings } from '../risk/signals/index.js';

export type FiringRule = { id: string; name: string; match: 'all' | 'any'; actions: RuleAction[]; windowHours: number };
export type Match = { accountId: string; name: string; results: LeafResult[] };
export type FireResult = { fired: { firingId: string; accountId: string }[]; started: Started[] };

/** Who the audit log names for what a rule does: the rule, not an anonymous "system". */
export const ruleActor = (rule: { id: string; name: string }): Actor => ({ type: 'system', id: rule.id, label: `rule "${rule.name}"` });

/**
 * Fires a rule for the accounts that match it, in the caller's transaction. At most once per
 * account per window: firings are inserted only where none is younger than the window, under a
 * per-rule lock so two evaluators cannot both fire. Each new firing's actions run in the same
 * transaction (tasks, playbook runs, notifications and webhook deliveries are rows here), so a
 * crash fires nothing and a retry fires once. The firing records what its actions did.
 */
export async function fireRule(
  tx: Queryable, rule: FiringRule, matches: Match[], trigger: string, now: Date,
  deps: { tasks: TaskService; playbooks: PlaybookService },
): Promise<FireResult> {
  if (matches.length === 0) return { fired: [], started: [] };
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rule:${rule.id}`]);
  const { rows: fired } = await tx.query<{ id: string; account_id: string }>(
    `INSERT INTO rule_firings (rule_id, account_id, fired_at, trigger, matched)
     SELECT $1, m.account_id, $4, $2, m.matched FROM jsonb_to_recordset($3::jsonb) AS m(account_id uuid, matched jsonb)
      WHERE NOT EXISTS (SELECT 1 FROM rule_firings f WHERE f.rule_id = $1 AND f.account_id = m.account_id
                          AND f.fired_at > $4::timestamptz - make_interval(hours => $5))
     RETURNING id, account_id`,
    [rule.id, trigger, JSON.stringify(matches.map((m) => ({ account_id: m.accountId, matched: { match: rule.match, results: m.results } }))), now.toISOString(), rule.windowHours],
  );
  if (fired.length === 0) return { fired: [], started: [] };
  const firingOf = new Map(fired.map((f) => [f.account_id, f.id]));
  const nameOf = new Map(matches.map((m) => [m.accountId, m.name]));
  const ids = fired.map((f) => f.account_id);
  const done = new Map<string, Record<string, unknown>[]>(fired.map((f) => [f.id, []]));
  const record = (accountId: string, entry: Record<string, unknown>) => done.get(firingOf.get(accountId) as string)?.push(entry);
  let started: Started[] = [];
  const actor = ruleActor(rule);

  for (const [n, a] of rule.actions.entries()) {
    if (a.type === 'start_playbook') {
      started = started.concat(await deps.playbooks.startInTx(tx, ids.map((accountId) => ({ accountId, playbookId: a.playbookId, ruleFiringId: firingOf.get(accountId) ?? null })), actor));
      for (const s of started) if (s.playbookId === a.playbookId) record(s.accountId, { type: a.type, playbookRunId: s.runId });
    } else if (a.type === 'create_task') {
      const who = await resolveAssignees(tx, ids, a.assignee);
      const created = await insertTasks(tx, ids.map((accountId) => ({
        accountId, title: a.title, kind: a.kind, priority: a.priority,
        reason: [a.reason ?? `Rule "${rule.name}" fired`, who.get(accountId)?.note].filter(Boolean).join('. '),
        dueAt: new Date(now.getTime() + a.dueInDays * 86_400_000),
        assigneeUserId: who.get(accountId)?.userId ?? null, assigneeContactId: who.get(accountId)?.contactId ?? null,
        source: 'rule', ruleFiringId: firingOf.get(accountId) ?? null, dedupeKey: `rule:${firingOf.get(accountId)}:${n}`,
      })));
      await deps.tasks.afterCreate(tx, created.filter((t) => t.created).map((t) => t.id), actor);
      for (const t of created) record(t.accountId, { type: a.type, taskId: t.id });
    } else if (a.type === 'notify') {
      const perUser = new Map<string, string[]>();
      for (const role of a.recipients) {
        for (const [accountId, who] of await resolveAssignees(tx, ids, role)) {
          if (who.userId) perUser.set(who.userId, [...(perUser.get(who.userId) ?? []), accountId]);
        }
      }
      for (const [userId, accounts] of perUser) {
        const unique = [...new Set(accounts)];
        // A handful of accounts: one notification each; a bulk firing: one summary per person.
        if (unique.length <= 5) {
          for (const accountId of unique) {
            await notify(tx, { userIds: [userId], kind: 'rule.fired', title: `${rule.name}: ${nameOf.get(accountId) ?? ''}`, body: a.message, accountId, link: `/accounts/${accountId}`, dedupeKey: `rule:${firingOf.get(accountId)}:${n}` });
          }
        } else {
          await notify(tx, { userIds: [userId], kind: 'rule.fired', title: `${rule.name}: ${unique.length} accounts`, body: `${a.message}\n\n${unique.slice(0, 20).map((id) => `- ${nameOf.get(id) ?? id}`).join('\n')}${unique.length > 20 ? `\n… and ${unique.length - 20} more` : ''}`, link: `/rules/${rule.id}`, dedupeKey: `rule:${rule.id}:${fired[0]?.id}:${n}` });
        }
      }
      for (const accountId of ids) record(accountId, { type: a.type, recipients: a.recipients });
    } else if (a.type === 'webhook') {
      const events = fired.map((f) => ({ event_id: f.id, account_id: f.account_id, payload: { id: f.id, type: 'rule.fired', occurredAt: now.toISOString(), accountId: f.account_id, data: { ruleId: rule.id, rule: rule.name, firingId: f.id } } }));
      await tx.query(
        `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
         SELECT w.id, e.event_id, 'rule.fired', e.payload FROM jsonb_to_recordset($2::jsonb) AS e(event_id uuid, payload jsonb)
           JOIN webhooks w ON w.id = $1 AND w.enabled
         ON CONFLICT (webhook_id, event_id) DO NOTHING`,
        [a.webhookId, JSON.stringify(events)],
      );
      for (const accountId of ids) record(accountId, { type: a.type, webhookId: a.webhookId });
    } else if (a.type === 'raise_risk') {
      // One signal per firing and kind (a retry of the same firing raises none).
      const raised = await raiseSignalsForFirings(tx, a, fired.map((f) => ({ firingId: f.id, accountId: f.account_id })), now);
      for (const [accountId, signalId] of raised) record(accountId, { type: a.type, kind: a.kind, signalId });
    }
  }

  // Common sense over automation: a rule firing again soon, or several signals on a big account,
  // puts a "Call them" task in the owner's inbox.
  const calls = await proposeCalls(tx, ids, now, {});
  for (const [accountId, c] of calls) record(accountId, { type: 'call_them', taskId: c.taskId, reasons: c.reasons });
  const newCalls = [...calls.values()].filter((c) => c.created).map((c) => c.taskId);
  await deps.tasks.afterCreate(tx, newCalls, actor);

  await emitEvents(tx, fired.map((f) => ({ type: 'rule.fired' as const, accountId: f.account_id, id: f.id, data: { ruleId: rule.id, rule: rule.name, firingId: f.id } })));
  await tx.query(
    `UPDATE rule_firings f SET actions = d.actions FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, actions jsonb) WHERE f.id = d.id`,
    [JSON.stringify([...done].map(([id, actions]) => ({ id, actions })))],
  );
  return { fired: fired.map((f) => ({ firingId: f.id, accountId: f.account_id })), started };
}
