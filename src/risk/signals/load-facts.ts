import type { Queryable } from '../../db/connect.js';
import { analyzeTexts } from '../../changetalk/index.js';
import { emptyFacts, type AccountFacts } from './facts.js';
import { effectiveParams, type DetectorKind } from './params.js';

/** Which detectors run, with their params: decides which facts to load and how far back. */
export type Wanted = Partial<Record<DetectorKind, Record<string, unknown>>>;

const DAY_OF = `($2::timestamptz AT TIME ZONE 'UTC')::date`;
const TALK_PER_ACCOUNT = 6;

/**
 * The facts of many accounts at once, as of `now`: one set-based query per kind of fact (and only for
 * the detectors that run), never one per account. Churned accounts get no facts (their signals end).
 */
export async function loadFacts(q: Queryable, accountIds: string[], now: Date, wanted: Wanted): Promise<Map<string, AccountFacts>> {
  const out = new Map<string, AccountFacts>();
  if (accountIds.length === 0) return out;
  const on = (k: DetectorKind) => k in wanted;
  const p = <K extends DetectorKind>(k: K) => effectiveParams(k, wanted[k]);
  const args = [accountIds, now];
  const accts = await q.query<{ id: string; created_at: Date; seats: number | null; custom: Record<string, unknown> }>(
    `SELECT id, created_at, seats, custom FROM accounts WHERE id = ANY($1::uuid[]) AND stage <> 'churned' AND created_at <= $2`, args);
  for (const a of accts.rows) out.set(a.id, { ...emptyFacts(a.id, new Date(a.created_at)), seats: a.seats, custom: a.custom ?? {} });
  if (out.size === 0) return out;
  const ids = [...out.keys()];
  const each = <T extends { account_id: string }>(rows: T[], fn: (f: AccountFacts, r: T) => void) => {
    for (const r of rows) { const f = out.get(r.account_id); if (f) fn(f, r); }
  };
  const a2 = [ids, now];

  if (on('usage_drop')) {
    const r = await q.query<{ account_id: string; recent: number; prior: number }>(
      `SELECT account_id, coalesce(sum(count) FILTER (WHERE day > ${DAY_OF} - 30), 0)::int AS recent,
              coalesce(sum(count) FILTER (WHERE day <= ${DAY_OF} - 30), 0)::int AS prior
         FROM usage_daily WHERE account_id = ANY($1::uuid[]) AND event = '$all' AND day > ${DAY_OF} - 60 AND day <= ${DAY_OF}
        GROUP BY account_id`, a2);
    each(r.rows, (f, x) => { f.usage = { recent: Number(x.recent), prior: Number(x.prior) }; });
  }
  if (on('seat_use_falling')) {
    const r = await q.query<{ account_id: string; recent: number; prior: number }>(
      `SELECT account_id, (count(DISTINCT user_key) FILTER (WHERE day > ${DAY_OF} - 30))::int AS recent,
              (count(DISTINCT user_key) FILTER (WHERE day <= ${DAY_OF} - 30))::int AS prior
         FROM usage_daily_users WHERE account_id = ANY($1::uuid[]) AND event = '$all' AND day > ${DAY_OF} - 60 AND day <= ${DAY_OF}
        GROUP BY account_id`, a2);
    each(r.rows, (f, x) => { f.users = { recent: Number(x.recent), prior: Number(x.prior) }; });
  }
  const eventNames = [...(on('support_spike') ? p('support_spike').events : []), ...(on('payment_failed') ? p('payment_failed').events : [])];
  if (eventNames.length) {
    const back = Math.max(on('support_spike') ? p('support_spike').windowDays + 90 : 0, on('payment_failed') ? p('payment_failed').withinDays + 1 : 0);
    const r = await q.query<{ account_id: string; event: string; day: string; count: number }>(
      `SELECT account_id, event, day::text AS day, count FROM usage_daily
        WHERE account_id = ANY($1::uuid[]) AND event = ANY($3::text[]) AND day > ${DAY_OF} - $4::int AND day <= ${DAY_OF}`,
      [ids, now, [...new Set(eventNames)], back]);
    each(r.rows, (f, x) => { f.eventDays.push({ event: x.event, day: x.day, count: Number(x.count) }); });
  }
  if (on('support_spike')) {
    const r = await q.query<{ account_id: string; day: string; count: number }>(
      `SELECT account_id, (occurred_at AT TIME ZONE 'UTC')::date::text AS day, count(*)::int AS count FROM activities
        WHERE account_id = ANY($1::uuid[]) AND kind = 'ticket' AND occurred_at <= $2
          AND occurred_at > ($2::timestamptz - make_interval(days => $3::int))
        GROUP BY 1, 2`, [ids, now, p('support_spike').windowDays + 91]);
    each(r.rows, (f, x) => { (f.ticketDays ??= []).push({ day: x.day, count: Number(x.count) }); });
  }
  if (on('champion_left') || on('sponsor_left') || on('champion_quiet')) {
    const r = await q.query<{ account_id: string; id: string; name: string | null; role: string | null; deactivated_at: Date | null; last_seen_at: Date | null; created_at: Date; last_activity_at: Date | null }>(
      `SELECT c.account_id, c.id, c.name, c.role, c.deactivated_at, c.last_seen_at, c.created_at,
              (SELECT max(a.occurred_at) FROM activity_participants ap JOIN activities a ON a.id = ap.activity_id
                WHERE ap.contact_id = c.id AND a.occurred_at <= $2) AS last_activity_at
         FROM contacts c WHERE c.account_id = ANY($1::uuid[]) AND c.role IN ('champion', 'executive_sponsor') AND c.created_at <= $2`, a2);
    each(r.rows, (f, x) => f.contacts.push({ id: x.id, name: x.name, role: x.role, deactivatedAt: x.deactivated_at && new Date(x.deactivated_at) <= now ? new Date(x.deactivated_at) : null,
      lastSeenAt: x.last_seen_at && new Date(x.last_seen_at), createdAt: new Date(x.created_at), lastActivityAt: x.last_activity_at && new Date(x.last_activity_at) }));
    const within = Math.max(on('champion_left') ? p('champion_left').withinDays : 0, on('sponsor_left') ? p('sponsor_left').withinDays : 0);
    if (within > 0) {
      const ch = await q.query<{ account_id: string; contact_id: string; name: string | null; from_role: string | null; to_role: string | null; change: 'role' | 'deactivated' | 'reactivated'; at: Date }>(
        `SELECT r.account_id, r.contact_id, c.name, r.from_role, r.to_role, r.change, r.at FROM contact_role_changes r JOIN contacts c ON c.id = r.contact_id
          WHERE r.account_id = ANY($1::uuid[]) AND r.at > $2::timestamptz - make_interval(days => $3) AND r.at <= $2
            AND r.from_role IN ('champion', 'executive_sponsor')`, [ids, now, within]);
      each(ch.rows, (f, x) => f.roleChanges.push({ contactId: x.contact_id, name: x.name, fromRole: x.from_role, toRole: x.to_role, change: x.change, at: new Date(x.at) }));
    }
  }
  if (on('no_exec_touch')) {
    const r = await q.query<{ account_id: string; id: string; occurred_at: Date }>(
      `SELECT DISTINCT ON (a.account_id) a.account_id, a.id, a.occurred_at
         FROM activities a JOIN activity_participants ap ON ap.activity_id = a.id JOIN contacts c ON c.id = ap.contact_id
        WHERE a.account_id = ANY($1::uuid[]) AND a.kind IN ('call', 'meeting', 'email', 'qbr') AND a.occurred_at <= $2
          AND c.role = 'executive_sponsor'
        ORDER BY a.account_id, a.occurred_at DESC`, a2);
    each(r.rows, (f, x) => { f.lastExecTouch = { activityId: x.id, at: new Date(x.occurred_at) }; });
  }
  const surveyDays = Math.max(on('detractor_nps') ? p('detractor_nps').withinDays : 0, on('low_csat') ? p('low_csat').withinDays : 0);
  if (surveyDays > 0) {
    const r = await q.query<{ account_id: string; id: string; kind: 'nps' | 'csat'; score: number; answered_at: Date; contact_id: string | null }>(
      `SELECT r.account_id, r.id, s.kind, r.score, r.answered_at, r.contact_id FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
        WHERE r.account_id = ANY($1::uuid[]) AND NOT r.bot AND s.kind IN ('nps', 'csat')
          AND r.answered_at > $2::timestamptz - make_interval(days => $3) AND r.answered_at <= $2`, [ids, now, surveyDays]);
    each(r.rows, (f, x) => f.surveyAnswers.push({ id: x.id, kind: x.kind, score: x.score, answeredAt: new Date(x.answered_at), contactId: x.contact_id }));
  }
  if (on('low_confidence')) {
    const r = await q.query<{ account_id: string; id: string; initiative_id: string; title: string; confidence: number; at: Date }>(
      `SELECT DISTINCT ON (c.initiative_id) c.account_id, c.id, c.initiative_id, i.title, c.confidence, c.at
         FROM check_ins c JOIN initiatives i ON i.id = c.initiative_id
        WHERE c.account_id = ANY($1::uuid[]) AND i.status = 'active' AND c.at <= $2
        ORDER BY c.initiative_id, c.at DESC, c.id`, a2);
    each(r.rows, (f, x) => f.checkIns.push({ id: x.id, initiativeId: x.initiative_id, initiativeTitle: x.title, confidence: x.confidence, at: new Date(x.at) }));
  }
  if (on('sustain_talk')) await loadTalk(q, ids, now, p('sustain_talk').withinDays, out);
  if (on('overdue_milestones')) {
    const r = await q.query<{ account_id: string; id: string; title: string; due: string }>(
      `SELECT sp.account_id, m.id, m.title, m.due_at::text AS due FROM plan_milestones m
         JOIN plan_goals g ON g.id = m.goal_id JOIN success_plans sp ON sp.id = g.plan_id
        WHERE sp.account_id = ANY($1::uuid[]) AND m.owner_contact_id IS NOT NULL AND m.completed_at IS NULL
          AND m.due_at IS NOT NULL AND m.due_at < ${DAY_OF}`, a2);
    each(r.rows, (f, x) => f.overdueMilestones.push({ id: x.id, title: x.title, due: x.due }));
  }
  if (on('critical_date_close')) {
    const r = await q.query<{ account_id: string; id: string; kind: string; label: string; expires_at: Date; lead_days: number[]; created_at: Date }>(
      `SELECT account_id, id, kind, label, expires_at, lead_days, created_at FROM critical_dates
        WHERE account_id = ANY($1::uuid[]) AND archived_at IS NULL AND expires_at IS NOT NULL AND created_at <= $2`, a2);
    each(r.rows, (f, x) => f.criticalDates.push({ id: x.id, kind: x.kind, label: x.label, expiresAt: new Date(x.expires_at), leadDays: (x.lead_days ?? []).map(Number), createdAt: new Date(x.created_at) }));
  }
  if (on('open_escalation')) {
    const r = await q.query<{ account_id: string; id: string; title: string; severity: 'low' | 'medium' | 'high' | 'critical'; status: string; created_at: Date }>(
      `SELECT account_id, id, title, severity, status, created_at FROM escalations
        WHERE account_id = ANY($1::uuid[]) AND status <> 'resolved' AND created_at <= $2`, a2);
    each(r.rows, (f, x) => f.escalations.push({ id: x.id, title: x.title, severity: x.severity, status: x.status, createdAt: new Date(x.created_at) }));
  }
  if (on('health_drop')) {
    const r = await q.query<{ account_id: string; at: Date; from_score: number | null; to_score: number | null }>(
      `SELECT account_id, at, from_score, to_score FROM health_changes
        WHERE account_id = ANY($1::uuid[]) AND at > $2::timestamptz - make_interval(days => $3) AND at <= $2 ORDER BY account_id, at, id`,
      [ids, now, p('health_drop').withinDays]);
    each(r.rows, (f, x) => f.healthChanges.push({ at: new Date(x.at), fromScore: x.from_score, toScore: x.to_score }));
  }
  if (on('autopilot')) {
    const r = await q.query<{ account_id: string; on_autopilot: boolean; computed_at: Date; n: number; reasons: unknown }>(
      `SELECT account_id, on_autopilot, computed_at, n, reasons FROM account_autopilot WHERE account_id = ANY($1::uuid[]) AND on_autopilot`, [ids]);
    each(r.rows, (f, x) => { f.autopilot = { on: x.on_autopilot, computedAt: new Date(x.computed_at), n: x.n, reasons: x.reasons }; });
  }
  return out;
}

/** The few latest texts per account within the window (check-in answers, activity notes), classified. */
async function loadTalk(q: Queryable, ids: string[], now: Date, withinDays: number, out: Map<string, AccountFacts>) {
  const r = await q.query<{ account_id: string; type: 'check_in' | 'activity'; id: string; at: Date; text: string }>(
    `SELECT account_id, type, id, at, text FROM (
       SELECT t.*, row_number() OVER (PARTITION BY t.account_id ORDER BY t.at DESC, t.id) AS n FROM (
         SELECT c.account_id, 'check_in' AS type, c.id, c.at, concat_ws(' ', c.why_not_lower, c.what_would_move_higher) AS text
           FROM check_ins c WHERE c.account_id = ANY($1::uuid[]) AND c.at > $2::timestamptz - make_interval(days => $3) AND c.at <= $2
            AND coalesce(c.why_not_lower, c.what_would_move_higher) IS NOT NULL
         UNION ALL
         SELECT a.account_id, 'activity', a.id, a.occurred_at, left(a.body, 4000) FROM activities a
          WHERE a.account_id = ANY($1::uuid[]) AND a.occurred_at > $2::timestamptz - make_interval(days => $3) AND a.occurred_at <= $2
            AND a.kind IN ('call', 'meeting', 'email', 'note', 'qbr') AND a.body <> '') t) x
     WHERE n <= ${TALK_PER_ACCOUNT}`, [ids, now, withinDays]);
  if (r.rows.length === 0) return;
  const shown = await analyzeTexts(q, r.rows.map((x) => x.text));
  r.rows.forEach((x, i) => {
    out.get(x.account_id)?.talk.push({ type: x.type, id: x.id, at: new Date(x.at), label: shown[i]?.label ?? 'neutral', excerpt: x.text.slice(0, 300) });
  });
}
