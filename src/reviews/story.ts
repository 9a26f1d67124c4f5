// The account's story over a review's lookback: what happened, in the order it happened, from the
// tables of the capabilities that own it (read only).
import type { Queryable } from '../db/connect.js';
import type { ReviewDetail } from './schema.js';
import type { Action, MilestoneFact, TaskFact } from './unacted.js';

type Story = ReviewDetail['story'];
type D = Date | string;
const iso = (v: D) => (v instanceof Date ? v : new Date(v)).toISOString();
const isoOrNull = (v: D | null) => (v === null ? null : iso(v));
const named = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);

export type StoryData = { story: Story; actions: Action[]; tasks: TaskFact[]; milestones: MilestoneFact[] };

/**
 * Loads the story of one account between `from` and `to` (exclusive): signals started in it or open
 * at its start, health by day, tasks created in it (or due in it), activities, escalations opened in
 * it or open at its start, check-ins, plan events; and what the findings need: every action (task
 * created, activity, playbook run started) from the earliest signal's start up to `to`, and the plan
 * milestones due in the lookback.
 */
export async function loadStory(db: Queryable, accountId: string, from: Date, to: Date): Promise<StoryData> {
  const p = [accountId, from, to];
  const [signals, health, tasks, activities, escalations, checkIns, planEvents, milestones] = await Promise.all([
    db.query<{ id: string; kind: string; family: string; label: string; strength: string | number; started_at: D; ended_at: D | null; source: string; note: string | null; evidence: Record<string, unknown> | null }>(
      `SELECT s.id, s.kind, d.family, d.label, s.strength, s.started_at, s.ended_at, s.source, s.note, s.evidence
         FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind
        WHERE s.account_id = $1 AND s.withdrawn_at IS NULL AND s.started_at < $3 AND (s.started_at >= $2 OR s.ended_at IS NULL OR s.ended_at >= $2)
        ORDER BY s.started_at, s.id`, p),
    db.query<{ day: string; score: number | null }>(
      `SELECT day::text AS day, score FROM health_snapshots WHERE account_id = $1 AND day >= ($2::timestamptz AT TIME ZONE 'UTC')::date
          AND day < ($3::timestamptz AT TIME ZONE 'UTC')::date ORDER BY day`, p),
    db.query<{ id: string; title: string; status: TaskFact['status']; source: string; created_at: D; due_at: D | null; completed_at: D | null; assignee_id: string | null; assignee_name: string | null }>(
      `SELECT t.id, t.title, t.status, t.source, t.created_at, t.due_at, t.completed_at, t.assignee_user_id AS assignee_id, u.name AS assignee_name
         FROM tasks t LEFT JOIN users u ON u.id = t.assignee_user_id
        WHERE t.account_id = $1 AND t.created_at < $3 AND (t.created_at >= $2 OR (t.due_at >= $2 AND t.due_at < $3))
        ORDER BY t.created_at, t.id LIMIT 2000`, p),
    db.query<{ id: string; kind: string; subject: string; occurred_at: D; proactive: boolean; author_id: string | null; author_name: string | null }>(
      `SELECT x.id, x.kind, x.subject, x.occurred_at, x.proactive, x.author_id, u.name AS author_name
         FROM activities x LEFT JOIN users u ON u.id = x.author_id
        WHERE x.account_id = $1 AND x.occurred_at >= $2 AND x.occurred_at < $3 ORDER BY x.occurred_at, x.id LIMIT 2000`, p),
    db.query<{ id: string; title: string; severity: string; status: string; created_at: D; resolved_at: D | null }>(
      `SELECT e.id, e.title, e.severity, e.status, e.created_at, e.resolved_at FROM escalations e
        WHERE e.account_id = $1 AND e.created_at < $3 AND (e.created_at >= $2 OR e.resolved_at IS NULL OR e.resolved_at >= $2)
        ORDER BY e.created_at, e.id`, p),
    db.query<{ id: string; initiative: string; importance: number; confidence: number; source: string; at: D }>(
      `SELECT c.id, i.title AS initiative, c.importance, c.confidence, c.source, c.at FROM check_ins c JOIN initiatives i ON i.id = c.initiative_id
        WHERE c.account_id = $1 AND c.at >= $2 AND c.at < $3 ORDER BY c.at, c.id`, p),
    db.query<{ id: string; plan_id: string; kind: string; at: D; data: Record<string, unknown> | null }>(
      `SELECT e.id, e.plan_id, e.kind, e.at, e.data FROM plan_events e
        WHERE e.account_id = $1 AND e.at >= $2 AND e.at < $3 ORDER BY e.at, e.id LIMIT 2000`, p),
    db.query<{ id: string; title: string; due_on: string; completed_at: D | null }>(
      `SELECT m.id, m.title, m.due_at::text AS due_on, m.completed_at
         FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id JOIN success_plans sp ON sp.id = g.plan_id
        WHERE sp.account_id = $1 AND m.due_at >= ($2::timestamptz AT TIME ZONE 'UTC')::date AND m.due_at < ($3::timestamptz AT TIME ZONE 'UTC')::date
        ORDER BY m.due_at, m.id`, p),
  ]);

  // Actions count from the first signal's start (it may have started before the lookback) up to the loss.
  const firstStart = signals.rows.reduce((min, s) => Math.min(min, new Date(s.started_at).getTime()), from.getTime());
  const { rows: actions } = await db.query<{ type: Action['type']; at: D }>(
    `SELECT 'task' AS type, created_at AS at FROM tasks WHERE account_id = $1 AND created_at >= $2 AND created_at < $3
     UNION ALL SELECT 'activity', occurred_at FROM activities WHERE account_id = $1 AND occurred_at >= $2 AND occurred_at < $3
     UNION ALL SELECT 'playbook_run', started_at FROM playbook_runs WHERE account_id = $1 AND started_at >= $2 AND started_at < $3`,
    [accountId, new Date(firstStart), to],
  );

  return {
    story: {
      signals: signals.rows.map((s) => ({
        id: s.id, kind: s.kind, family: s.family, label: s.label, strength: Number(s.strength), startedAt: iso(s.started_at), endedAt: isoOrNull(s.ended_at),
        source: s.source, note: s.note, evidence: { summary: '', ...(s.evidence ?? {}) } as { summary: string } & Record<string, unknown>,
      })),
      health: health.rows.map((h) => ({ day: h.day, score: h.score })),
      tasks: tasks.rows.map((t) => ({
        id: t.id, title: t.title, status: t.status, source: t.source, createdAt: iso(t.created_at), dueAt: isoOrNull(t.due_at),
        completedAt: isoOrNull(t.completed_at), assignee: named(t.assignee_id, t.assignee_name),
      })),
      activities: activities.rows.map((a) => ({ id: a.id, kind: a.kind, subject: a.subject, occurredAt: iso(a.occurred_at), proactive: a.proactive, author: named(a.author_id, a.author_name) })),
      escalations: escalations.rows.map((e) => ({ id: e.id, title: e.title, severity: e.severity, status: e.status, createdAt: iso(e.created_at), resolvedAt: isoOrNull(e.resolved_at) })),
      checkIns: checkIns.rows.map((c) => ({ id: c.id, initiative: c.initiative, importance: c.importance, confidence: c.confidence, source: c.source, at: iso(c.at) })),
      planEvents: planEvents.rows.map((e) => ({ id: e.id, planId: e.plan_id, kind: e.kind, at: iso(e.at), data: e.data ?? {} })),
    },
    actions: actions.map((a) => ({ type: a.type, at: new Date(a.at) })),
    tasks: tasks.rows.map((t) => ({
      id: t.id, title: t.title, status: t.status,
      dueAt: t.due_at === null ? null : new Date(t.due_at), completedAt: t.completed_at === null ? null : new Date(t.completed_at),
    })),
    milestones: milestones.rows.map((m) => ({ id: m.id, title: m.title, dueOn: m.due_on, completedAt: m.completed_at === null ? null : new Date(m.completed_at) })),
  };
}
