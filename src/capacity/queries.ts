import type { Queryable } from '../db/connect.js';
import type { Ask, AskKind, CheckInEvidence, ContactCapacity, PeriodRange, SustainEvidence } from './ledger.js';
import { LOW_CONFIDENCE_DAYS, SUSTAIN_DAYS } from './ledger.js';

/**
 * What is asked of an account's customer is read from where it lives, never stored twice:
 * - customer-owned tasks (a contact assignee), not cancelled, dated by their due date, else their
 *   creation; the cost is their effort (no effort set: listed at 0);
 * - survey recipients and check-in requests, by the time they were sent, at their spoon cost;
 * - customer e-mails with a spoon cost (a playbook e-mail that asks for action), not cancelled, by
 *   the time they left (else were queued) — except the e-mails of surveys and check-in requests,
 *   counted once through their recipient or request row.
 * An ask is marked `overload` when it was confirmed over capacity (its own flag, or a capacity_overloads row).
 */
export async function readAsks(q: Queryable, accountId: string, p: PeriodRange): Promise<(Ask & { contactName: string | null })[]> {
  const { rows } = await q.query<{
    kind: AskKind; id: string; label: string; cost: number; at: Date; contact_id: string | null; contact_name: string | null; overload: boolean; status: string;
  }>(
    `SELECT 'task' AS kind, t.id, t.title AS label, coalesce(t.customer_effort, 0)::int AS cost, coalesce(t.due_at, t.created_at) AS at,
            t.assignee_contact_id AS contact_id, coalesce(c.name, c.email) AS contact_name, t.status,
            EXISTS (SELECT 1 FROM capacity_overloads o WHERE o.kind = 'task' AND o.ref_id = t.id) AS overload
       FROM tasks t LEFT JOIN contacts c ON c.id = t.assignee_contact_id
      WHERE t.account_id = $1 AND t.assignee_contact_id IS NOT NULL AND t.status <> 'cancelled'
        AND coalesce(t.due_at, t.created_at) >= $2 AND coalesce(t.due_at, t.created_at) < $3
     UNION ALL
     SELECT 'survey', r.id, 'Survey: ' || s.name, r.spoon_cost::int, r.sent_at, r.contact_id, coalesce(c.name, c.email),
            CASE WHEN r.answered_at IS NOT NULL THEN 'answered' ELSE 'sent' END, r.overload
       FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id LEFT JOIN contacts c ON c.id = r.contact_id
      WHERE r.account_id = $1 AND r.sent_at >= $2 AND r.sent_at < $3
     UNION ALL
     SELECT 'check_in', r.id, 'Check-in: ' || i.title, r.spoon_cost::int, r.sent_at, r.contact_id, coalesce(c.name, c.email),
            CASE WHEN r.answered_at IS NOT NULL THEN 'answered' ELSE 'sent' END, r.overload
       FROM check_in_requests r JOIN initiatives i ON i.id = r.initiative_id LEFT JOIN contacts c ON c.id = r.contact_id
      WHERE r.account_id = $1 AND r.sent_at >= $2 AND r.sent_at < $3
     UNION ALL
     SELECT 'email', m.id, 'E-mail: ' || m.subject, m.spoon_cost::int, coalesce(m.sent_at, m.created_at), m.contact_id, coalesce(c.name, c.email),
            m.status, EXISTS (SELECT 1 FROM capacity_overloads o WHERE o.kind = 'email' AND o.ref_id = m.id)
       FROM outbound_messages m LEFT JOIN contacts c ON c.id = m.contact_id
      WHERE m.account_id = $1 AND m.audience = 'customer' AND m.spoon_cost > 0 AND m.status <> 'cancelled'
        AND coalesce(m.sent_at, m.created_at) >= $2 AND coalesce(m.sent_at, m.created_at) < $3
        AND NOT EXISTS (SELECT 1 FROM survey_recipients r WHERE r.outbound_id = m.id OR r.reminder_outbound_id = m.id)
        AND NOT EXISTS (SELECT 1 FROM check_in_requests r WHERE r.outbound_id = m.id)`,
    [accountId, p.from.toISOString(), p.to.toISOString()],
  );
  return rows.map((r) => ({
    kind: r.kind, id: r.id, label: r.label, cost: Number(r.cost), at: new Date(r.at), contactId: r.contact_id, contactName: r.contact_name,
    overload: r.overload, status: r.status,
  }));
}

/** Spoons given in the period: our tasks that do for the customer what we would have asked (not cancelled). */
export async function readGiven(q: Queryable, accountId: string, p: PeriodRange) {
  const { rows } = await q.query<{ id: string; title: string; at: Date; status: string }>(
    `SELECT id, title, coalesce(due_at, created_at) AS at, status FROM tasks
      WHERE account_id = $1 AND gives_spoon AND status <> 'cancelled'
        AND coalesce(due_at, created_at) >= $2 AND coalesce(due_at, created_at) < $3
      ORDER BY 3, id`,
    [accountId, p.from.toISOString(), p.to.toISOString()],
  );
  return rows.map((r) => ({ taskId: r.id, title: r.title, at: new Date(r.at).toISOString(), status: r.status }));
}

export async function readAccountCapacity(q: Queryable, accountId: string): Promise<{ spoons: number; note: string | null } | null> {
  const { rows } = await q.query<{ spoons: number; note: string | null }>('SELECT spoons, note FROM account_capacity WHERE account_id = $1', [accountId]);
  return rows[0] ?? null;
}

export async function readContactCapacities(q: Queryable, accountId: string): Promise<ContactCapacity[]> {
  const { rows } = await q.query<{ contact_id: string; name: string; spoons: number }>(
    `SELECT cc.contact_id, coalesce(c.name, c.email, '') AS name, cc.spoons
       FROM contact_capacity cc JOIN contacts c ON c.id = cc.contact_id AND c.account_id = cc.account_id
      WHERE cc.account_id = $1 ORDER BY 2, 1`,
    [accountId],
  );
  return rows.map((r) => ({ contactId: r.contact_id, name: r.name, spoons: r.spoons }));
}

export async function countOverloads(q: Queryable, accountId: string, p: PeriodRange): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM capacity_overloads WHERE account_id = $1 AND period_start = $2::date',
    [accountId, p.from.toISOString().slice(0, 10)],
  );
  return rows[0]?.n ?? 0;
}

/** Check-ins of the last 30 days up to `now` (the low-confidence evidence). */
export async function readRecentCheckIns(q: Queryable, accountId: string, now: Date): Promise<CheckInEvidence[]> {
  const { rows } = await q.query<{ initiative_id: string; title: string; contact_name: string | null; confidence: number; at: Date }>(
    `SELECT ci.initiative_id, i.title, c.name AS contact_name, ci.confidence, ci.at
       FROM check_ins ci JOIN initiatives i ON i.id = ci.initiative_id LEFT JOIN contacts c ON c.id = ci.contact_id
      WHERE ci.account_id = $1 AND i.status = 'active' AND ci.at <= $2 AND ci.at > $2::timestamptz - make_interval(days => $3)`,
    [accountId, now.toISOString(), LOW_CONFIDENCE_DAYS],
  );
  return rows.map((r) => ({ initiativeId: r.initiative_id, initiativeTitle: r.title, contactName: r.contact_name, confidence: r.confidence, at: new Date(r.at) }));
}

/** The customer's own words of the last 14 days up to `now`: check-in answers, activity notes, survey comments (people's, not bots'). */
export async function readRecentTexts(q: Queryable, accountId: string, now: Date): Promise<{ source: SustainEvidence['source']; label: string; text: string; at: Date }[]> {
  const { rows } = await q.query<{ source: SustainEvidence['source']; label: string; text: string; at: Date }>(
    `SELECT 'check_in' AS source, 'check-in on “' || i.title || '”' AS label, t.text, ci.at
       FROM check_ins ci JOIN initiatives i ON i.id = ci.initiative_id
       CROSS JOIN LATERAL (VALUES (ci.why_not_lower), (ci.what_would_move_higher)) AS t(text)
      WHERE ci.account_id = $1 AND t.text IS NOT NULL AND t.text <> '' AND ci.at <= $2 AND ci.at > $2::timestamptz - make_interval(days => $3)
     UNION ALL
     SELECT 'activity', a.kind || ' “' || a.subject || '”', a.body, a.occurred_at
       FROM activities a
      WHERE a.account_id = $1 AND a.body <> '' AND a.occurred_at <= $2 AND a.occurred_at > $2::timestamptz - make_interval(days => $3)
     UNION ALL
     SELECT 'survey_comment', 'answer to “' || s.name || '”', r.comment, r.answered_at
       FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
      WHERE r.account_id = $1 AND NOT r.bot AND r.comment IS NOT NULL AND r.comment <> ''
        AND r.answered_at <= $2 AND r.answered_at > $2::timestamptz - make_interval(days => $3)
     ORDER BY 4 DESC LIMIT 200`,
    [accountId, now.toISOString(), SUSTAIN_DAYS],
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}

/** Serialises the capacity checks of one account until the transaction ends (two asks at once cannot both take the last spoons). */
export async function lockAccountCapacity(tx: Queryable, accountId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('canopy.capacity:' || $1::text, 0))", [accountId]);
}

export async function recordOverload(tx: Queryable, o: {
  accountId: string; contactId: string | null; kind: AskKind; refId: string | null; cost: number; leftBefore: number; periodStart: Date;
  by: string | null; playbookRunId: string | null;
}): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO capacity_overloads (account_id, contact_id, kind, ref_id, cost, left_before, period_start, confirmed_by, playbook_run_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9) RETURNING id`,
    [o.accountId, o.contactId, o.kind, o.refId, o.cost, o.leftBefore, o.periodStart.toISOString().slice(0, 10), o.by, o.playbookRunId],
  );
  return (rows[0] as { id: string }).id;
}

/** Links an overload recorded before its ask existed (a task's id is known only once inserted). */
export async function linkOverload(tx: Queryable, overloadId: string, refId: string): Promise<void> {
  await tx.query('UPDATE capacity_overloads SET ref_id = $2 WHERE id = $1', [overloadId, refId]);
}
