import type { Queryable } from '../db/connect.js';
import { adviseCall, CALL_POLICY, type CallAdvice, type Signal } from './recommend.js';
import { insertTasks } from './store.js';

/**
 * The signals per account that the call advice weighs (see ./recommend.ts). Health is the
 * effective health: under a CSM's valid override, the override's band counts and the computed
 * score's drops do not (the CSM vouched for the account).
 */
export async function loadSignals(q: Queryable, accountIds: string[], now: Date): Promise<Map<string, Signal[]>> {
  const out = new Map<string, Signal[]>();
  if (accountIds.length === 0) return out;
  const days = Math.max(CALL_POLICY.signalDays, CALL_POLICY.repeatDays);
  const { rows } = await q.query<{ account_id: string; kind: Signal['kind']; at: Date; detail: string; rule_id: string | null }>(
    `SELECT account_id, 'health_drop' AS kind, at, 'Health ' || from_score || ' → ' || to_score AS detail, NULL::uuid AS rule_id
       FROM health_changes WHERE account_id = ANY ($1::uuid[]) AND at >= $2::timestamptz - make_interval(days => $3)
        AND from_score IS NOT NULL AND to_score IS NOT NULL AND to_score <= from_score - 10
        AND NOT EXISTS (SELECT 1 FROM account_health_effective e WHERE e.account_id = health_changes.account_id AND e.source = 'override')
     UNION ALL
     SELECT account_id, 'poor_health', computed_at, 'Health is poor (' || score || CASE WHEN source = 'override' THEN ', override' ELSE '' END || ')', NULL
       FROM account_health_effective WHERE account_id = ANY ($1::uuid[]) AND band = 'poor'
     UNION ALL
     SELECT f.account_id, 'rule_fired', f.fired_at, 'Rule "' || r.name || '"', f.rule_id
       FROM rule_firings f JOIN rules r ON r.id = f.rule_id
      WHERE f.account_id = ANY ($1::uuid[]) AND f.fired_at >= $2::timestamptz - make_interval(days => $3)
     UNION ALL
     SELECT account_id, 'escalation_open', created_at, 'Open ' || severity || ' escalation: ' || title, NULL
       FROM escalations WHERE account_id = ANY ($1::uuid[]) AND status <> 'resolved'
     UNION ALL
     SELECT account_id, 'overdue_task', min(due_at), count(*) || ' overdue task(s)', NULL
       FROM tasks WHERE account_id = ANY ($1::uuid[]) AND status = 'open' AND due_at < $2::timestamptz
      GROUP BY account_id`,
    [accountIds, now.toISOString(), days],
  );
  for (const r of rows) {
    const list = out.get(r.account_id) ?? [];
    list.push({ kind: r.kind, at: new Date(r.at), detail: r.detail, ...(r.rule_id ? { ruleId: r.rule_id } : {}) });
    out.set(r.account_id, list);
  }
  return out;
}

/** "High ARR": the top fifth of the live book (at least 1). */
export async function highArrThreshold(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ p80: number | string | null }>(
    `SELECT percentile_cont(0.8) WITHIN GROUP (ORDER BY arr) AS p80 FROM accounts WHERE stage <> 'churned'`,
  );
  return Math.max(1, Number(rows[0]?.p80 ?? 1));
}

export async function adviseCalls(q: Queryable, accountIds: string[], now: Date): Promise<Map<string, CallAdvice>> {
  const [signals, highArr, arr] = [
    await loadSignals(q, accountIds, now),
    await highArrThreshold(q),
    await q.query<{ id: string; arr: string | number }>('SELECT id, arr FROM accounts WHERE id = ANY ($1::uuid[])', [accountIds]),
  ];
  const out = new Map<string, CallAdvice>();
  for (const a of arr.rows) out.set(a.id, adviseCall({ arr: Number(a.arr), highArr, signals: signals.get(a.id) ?? [], now }));
  return out;
}

/**
 * For each account where a call is advised, a "Call them" task for the owner (one per account and
 * day, whatever fires). Returns the accounts that got one (or had one today) with the task id.
 */
export async function proposeCalls(tx: Queryable, accountIds: string[], now: Date, source: { ruleFiringId?: string | null } = {}) {
  const advice = await adviseCalls(tx, accountIds, now);
  const calls = [...advice].filter(([, a]) => a.call);
  if (calls.length === 0) return new Map<string, { taskId: string; reasons: string[]; created: boolean }>();
  const { rows: owners } = await tx.query<{ id: string; owner_id: string | null; name: string }>(
    'SELECT id, owner_id, name FROM accounts WHERE id = ANY ($1::uuid[])', [calls.map(([id]) => id)],
  );
  const byId = new Map(owners.map((o) => [o.id, o]));
  const day = now.toISOString().slice(0, 10);
  const endOfDay = new Date(`${day}T23:59:59Z`);
  const inserted = await insertTasks(tx, calls.map(([accountId, a]) => ({
    accountId,
    title: `Call ${byId.get(accountId)?.name ?? 'them'}`,
    reason: a.reasons.join(' · '),
    kind: 'call' as const,
    priority: 4,
    dueAt: endOfDay,
    assigneeUserId: byId.get(accountId)?.owner_id ?? null,
    source: 'recommendation' as const,
    ruleFiringId: source.ruleFiringId ?? null,
    dedupeKey: `call:${accountId}:${day}`,
  })));
  return new Map(inserted.map((t) => [t.accountId, { taskId: t.id, reasons: advice.get(t.accountId)?.reasons ?? [], created: t.created }]));
}
