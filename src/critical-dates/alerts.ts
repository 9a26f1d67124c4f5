import type { Database, Queryable } from '../db/connect.js';
import { resolveAssignees, insertTasks } from '../tasks/store.js';
import { emitEvent } from '../webhooks/emit.js';
import { alertTask, daysLeft, leadsDue, whenText, type CriticalDateKind } from './schedule.js';

type Candidate = {
  id: string; account_id: string; account_name: string; kind: CriticalDateKind; label: string; target: string | null;
  expires_at: Date; lead_days: number[]; alerted: number[];
};

/**
 * The daily alert pass: every live date inside one of its lead times that has not been alerted for
 * that lead and expiry gets, once, a task for the account owner (a manager when the account has no
 * owner) — a call for a domain or certificate (seed 002: pick up the phone), a to-do otherwise — the
 * assignee told through the task's own notification, a `critical_date.due` webhook, and
 * `critical_date_alerts` rows (the dedupe: a renewed date, with a new expiry, alerts again).
 * One transaction per date; the alert rows are inserted first, so a pass run twice alerts once.
 */
export async function runAlertPass(
  db: Database,
  now: Date,
  tasksCreated: (tx: Queryable, ids: string[]) => Promise<void>,
  limit = 2000,
): Promise<{ alerted: number }> {
  const { rows } = await db.query<Candidate>(
    `SELECT d.id, d.account_id, a.name AS account_name, d.kind, d.label, d.target, d.expires_at, d.lead_days,
            coalesce((SELECT array_agg(x.lead_days) FROM critical_date_alerts x WHERE x.critical_date_id = d.id AND x.expires_at = d.expires_at), '{}') AS alerted
       FROM critical_dates d JOIN accounts a ON a.id = d.account_id
      WHERE d.archived_at IS NULL AND d.expires_at IS NOT NULL
        AND d.expires_at <= $1::timestamptz + make_interval(days => (SELECT max(l) FROM unnest(d.lead_days) l))
      ORDER BY d.expires_at, d.id LIMIT $2`,
    [now, limit],
  );
  let alerted = 0;
  for (const d of rows) {
    const due = leadsDue(d.lead_days, d.expires_at, now, d.alerted);
    if (due.record.length === 0) continue;
    const made = await db.transaction(async (tx) => {
      const { rows: inserted } = await tx.query<{ lead_days: number }>(
        `INSERT INTO critical_date_alerts (critical_date_id, lead_days, expires_at)
         SELECT $1, l, $3 FROM unnest($2::int[]) l ON CONFLICT DO NOTHING RETURNING lead_days`,
        [d.id, due.record, d.expires_at],
      );
      if (due.alert === null || !inserted.some((r) => r.lead_days === due.alert)) return false;
      const owner = (await resolveAssignees(tx, [d.account_id], 'owner')).get(d.account_id)?.userId ?? null;
      const assignee = owner ?? (await resolveAssignees(tx, [d.account_id], 'manager')).get(d.account_id)?.userId ?? null;
      const left = daysLeft(d.expires_at, now);
      const task = alertTask({ kind: d.kind, label: d.label, target: d.target, accountName: d.account_name, expiresAt: d.expires_at }, now);
      const expiryText = d.expires_at.toISOString().slice(0, 10);
      const [t] = await insertTasks(tx, [{
        accountId: d.account_id, title: task.title, kind: task.kind, source: 'recommendation',
        reason: `${d.label} ${whenText(d.expires_at, now)} (${expiryText}); alert at ${due.alert} days before.${owner ? '' : ' The account has no owner: a manager has it.'}`,
        priority: left <= 7 ? 4 : left <= 30 ? 3 : 2,
        dueAt: new Date(Math.max(now.getTime(), Math.min(d.expires_at.getTime(), now.getTime() + (left <= 7 ? 1 : 7) * 86_400_000))),
        assigneeUserId: assignee, dedupeKey: `critical_date:${d.id}:${due.alert}:${d.expires_at.toISOString()}`,
      }]);
      if (t) {
        await tx.query('UPDATE critical_date_alerts SET task_id = $1 WHERE critical_date_id = $2 AND expires_at = $3 AND lead_days = ANY($4::int[])', [t.id, d.id, d.expires_at, due.record]);
        if (t.created) await tasksCreated(tx, [t.id]);
      }
      await emitEvent(tx, {
        type: 'critical_date.due', accountId: d.account_id,
        data: {
          criticalDate: { id: d.id, kind: d.kind, label: d.label, target: d.target, expiresAt: d.expires_at.toISOString(), daysLeft: left, leadDays: d.lead_days },
          account: { id: d.account_id, name: d.account_name }, leadDays: due.alert, taskId: t?.id ?? null, assigneeUserId: assignee,
        },
      });
      return true;
    });
    if (made) alerted++;
  }
  return { alerted };
}
