/**
 * The timeline's source registry. Each source turns one table (or one moment of it) into
 * timeline items with the common columns:
 *
 *   id text (kind-prefixed, stable) · kind text · at timestamptz · title text · summary text
 *   actor_type text ('user' | 'rule' | 'system') · actor_id text · actor_name text · refs jsonb · data jsonb
 *
 * `sql(f)` returns one SELECT over its table for the account `f.account`, ending with `f.page(at,
 * id)` (the keyset condition, the order and the limit on its own `at` and `id` expressions), so
 * that each source reads its newest rows through its account index and the union merges at
 * most `limit` rows per source. A later capability adds one entry here (see README.md).
 */
export const TIMELINE_KINDS = ['activity', 'task', 'health', 'playbook', 'rule', 'escalation', 'email', 'seed', 'plan', 'check_in', 'survey_response', 'risk_signal'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export type SourceFragment = {
  /** Placeholder of the account id parameter. */
  account: string;
  /** `AND <keyset on (at, id)> ORDER BY at DESC, id DESC LIMIT n`, for this source's expressions. */
  page(at: string, id: string): string;
};

export type TimelineSource = { kind: TimelineKind; name: string; sql(f: SourceFragment): string };

const user = (idExpr: string, nameExpr: string) =>
  `CASE WHEN ${idExpr} IS NULL THEN NULL ELSE 'user' END AS actor_type, ${idExpr}::text AS actor_id, ${nameExpr} AS actor_name`;
const noActor = 'NULL::text AS actor_type, NULL::text AS actor_id, NULL::text AS actor_name';

/** "key: value, …" for a rule's matched values, whatever their shape. */
/** A firing's matched values: {match, results: [{label, actual, ok}]} reads "Health band is poor (poor), ARR ≥ 50000 (120000)". */
const matchedSummary = (m: string) => `CASE
    WHEN jsonb_typeof(${m} -> 'results') = 'array' THEN (SELECT string_agg((x ->> 'label') || ' (' || coalesce(x ->> 'actual', 'none') || ')', ', ')
      FROM jsonb_array_elements(${m} -> 'results') AS r(x) WHERE (x ->> 'ok')::boolean)
    ELSE CASE jsonb_typeof(${m})
    WHEN 'object' THEN (SELECT string_agg(x.k || ': ' || x.v, ', ' ORDER BY x.k) FROM jsonb_each_text(${m}) AS x(k, v))
    WHEN 'array' THEN (SELECT string_agg(x.v, ', ') FROM jsonb_array_elements_text(${m}) AS x(v))
    ELSE ${m} #>> '{}' END END`;

const playbookName = "coalesce(pb.name, 'playbook')";
/** A run's starter: a person, or the rule whose firing started it. */
const runActor = `CASE WHEN r.started_by IS NOT NULL THEN 'user' WHEN rf.rule_id IS NOT NULL THEN 'rule' END AS actor_type,
  coalesce(r.started_by::text, rf.rule_id::text) AS actor_id, coalesce(su.name, ru.name) AS actor_name`;
const runJoins = `LEFT JOIN playbooks pb ON pb.id = r.playbook_id LEFT JOIN users su ON su.id = r.started_by
  LEFT JOIN rule_firings rf ON rf.id = r.rule_firing_id LEFT JOIN rules ru ON ru.id = rf.rule_id`;
const runRefs = `jsonb_strip_nulls(jsonb_build_object('playbookRunId', r.id, 'playbookId', r.playbook_id, 'ruleFiringId', r.rule_firing_id, 'ruleId', rf.rule_id))`;

export const SOURCES: TimelineSource[] = [
  {
    kind: 'activity', name: 'activities',
    sql: (f) => `SELECT 'activity:' || a.id AS id, 'activity' AS kind, a.occurred_at AS at, a.subject AS title, left(a.body, 280) AS summary,
        ${user('a.author_id', 'u.name')},
        jsonb_strip_nulls(jsonb_build_object('activityId', a.id, 'escalationId', a.escalation_id)) AS refs,
        jsonb_build_object('activityKind', a.kind, 'proactive', a.proactive, 'proactiveSource', a.proactive_source, 'respondsTo', a.responds_to,
                           'ticketPriority', a.ticket_priority, 'ticketStatus', a.ticket_status) AS data
      FROM activities a LEFT JOIN users u ON u.id = a.author_id
     WHERE a.account_id = ${f.account} ${f.page('a.occurred_at', "'activity:' || a.id")}`,
  },
  {
    kind: 'task', name: 'tasks created',
    sql: (f) => `SELECT 'task:' || t.id || ':created' AS id, 'task' AS kind, t.created_at AS at, 'Task: ' || t.title AS title, nullif(t.reason, '') AS summary,
        ${user('t.created_by', 'u.name')},
        jsonb_strip_nulls(jsonb_build_object('taskId', t.id, 'escalationId', t.escalation_id, 'playbookRunId', t.playbook_run_id, 'ruleFiringId', t.rule_firing_id)) AS refs,
        jsonb_build_object('event', 'created', 'source', t.source, 'priority', t.priority, 'status', t.status, 'dueAt', t.due_at,
                           'assignee', coalesce(au.name, ac.name, ac.email)) AS data
      FROM tasks t LEFT JOIN users u ON u.id = t.created_by LEFT JOIN users au ON au.id = t.assignee_user_id LEFT JOIN contacts ac ON ac.id = t.assignee_contact_id
     WHERE t.account_id = ${f.account} ${f.page('t.created_at', "'task:' || t.id || ':created'")}`,
  },
  {
    kind: 'task', name: 'tasks completed',
    sql: (f) => `SELECT 'task:' || t.id || ':done' AS id, 'task' AS kind, t.completed_at AS at, 'Done: ' || t.title AS title, t.outcome_note AS summary,
        ${user('t.completed_by', 'u.name')},
        jsonb_strip_nulls(jsonb_build_object('taskId', t.id, 'escalationId', t.escalation_id, 'playbookRunId', t.playbook_run_id, 'ruleFiringId', t.rule_firing_id)) AS refs,
        jsonb_build_object('event', 'completed', 'source', t.source, 'outcomeNote', t.outcome_note) AS data
      FROM tasks t LEFT JOIN users u ON u.id = t.completed_by
     WHERE t.account_id = ${f.account} AND t.status = 'done' AND t.completed_at IS NOT NULL ${f.page('t.completed_at', "'task:' || t.id || ':done'")}`,
  },
  {
    kind: 'health', name: 'health changes',
    // Zero-padded so that the text order of the ids is their numeric order.
    sql: (f) => `SELECT 'health:' || lpad(h.id::text, 19, '0') AS id, 'health' AS kind, h.at,
        'Health ' || coalesce(h.from_score::text, '–') || ' → ' || coalesce(h.to_score::text, '–')
          || CASE WHEN h.from_band IS DISTINCT FROM h.to_band THEN ', ' || coalesce(h.from_band, 'none') || ' → ' || coalesce(h.to_band, 'none') ELSE '' END AS title,
        NULL::text AS summary, ${noActor}, '{}'::jsonb AS refs,
        jsonb_build_object('fromScore', h.from_score, 'toScore', h.to_score, 'fromBand', h.from_band, 'toBand', h.to_band, 'cause', h.cause) AS data
      FROM health_changes h
     WHERE h.account_id = ${f.account}
       -- A first score is not news once history was back-filled before it (the demo, a bulk load).
       AND NOT (h.from_score IS NULL AND h.from_band IS NULL
                AND EXISTS (SELECT 1 FROM health_changes p WHERE p.account_id = h.account_id AND p.at < h.at))
       ${f.page('h.at', "'health:' || lpad(h.id::text, 19, '0')")}`,
  },
  {
    kind: 'playbook', name: 'playbook runs started',
    sql: (f) => `SELECT 'playbook_run:' || r.id || ':started' AS id, 'playbook' AS kind, r.started_at AS at,
        'Playbook ' || ${playbookName} || ' started' AS title, NULL::text AS summary, ${runActor}, ${runRefs} AS refs,
        jsonb_build_object('event', 'started', 'playbookName', pb.name, 'version', r.version, 'status', r.status) AS data
      FROM playbook_runs r ${runJoins}
     WHERE r.account_id = ${f.account} ${f.page('r.started_at', "'playbook_run:' || r.id || ':started'")}`,
  },
  {
    kind: 'playbook', name: 'playbook runs finished',
    sql: (f) => `SELECT 'playbook_run:' || r.id || ':finished' AS id, 'playbook' AS kind, r.finished_at AS at,
        'Playbook ' || ${playbookName} || ' ' || r.status AS title, NULL::text AS summary, ${runActor}, ${runRefs} AS refs,
        jsonb_build_object('event', r.status, 'playbookName', pb.name, 'version', r.version, 'status', r.status) AS data
      FROM playbook_runs r ${runJoins}
     WHERE r.account_id = ${f.account} AND r.status <> 'running' AND r.finished_at IS NOT NULL
       ${f.page('r.finished_at', "'playbook_run:' || r.id || ':finished'")}`,
  },
  {
    kind: 'playbook', name: 'playbook steps',
    sql: (f) => `SELECT 'playbook_step:' || s.run_id || ':' || lpad(s.step_index::text, 4, '0') AS id, 'playbook' AS kind, s.finished_at AS at,
        'Step ' || (s.step_index + 1) || ' of ' || ${playbookName} || ': ' || s.title || ' — ' || s.status AS title, s.error AS summary,
        ${runActor}, ${runRefs} AS refs,
        jsonb_build_object('event', 'step_' || s.status, 'playbookName', pb.name, 'stepIndex', s.step_index, 'stepKind', s.kind, 'status', s.status, 'result', s.result) AS data
      FROM playbook_run_steps s JOIN playbook_runs r ON r.id = s.run_id ${runJoins}
     WHERE r.account_id = ${f.account} AND s.status IN ('completed', 'failed', 'cancelled') AND s.finished_at IS NOT NULL
       ${f.page('s.finished_at', "'playbook_step:' || s.run_id || ':' || lpad(s.step_index::text, 4, '0')")}`,
  },
  {
    kind: 'rule', name: 'rule firings',
    sql: (f) => `SELECT 'rule_firing:' || rf.id AS id, 'rule' AS kind, rf.fired_at AS at, 'Rule ' || coalesce(ru.name, 'rule') || ' fired' AS title,
        ${matchedSummary('rf.matched')} AS summary,
        'rule' AS actor_type, rf.rule_id::text AS actor_id, ru.name AS actor_name,
        jsonb_build_object('ruleId', rf.rule_id, 'ruleFiringId', rf.id) AS refs,
        jsonb_build_object('trigger', rf.trigger, 'matched', rf.matched, 'actions', rf.actions) AS data
      FROM rule_firings rf LEFT JOIN rules ru ON ru.id = rf.rule_id
     WHERE rf.account_id = ${f.account} ${f.page('rf.fired_at', "'rule_firing:' || rf.id")}`,
  },
  {
    kind: 'escalation', name: 'escalations opened',
    sql: (f) => `SELECT 'escalation:' || e.id || ':opened' AS id, 'escalation' AS kind, e.created_at AS at, 'Escalation opened: ' || e.title AS title,
        nullif(left(e.description, 280), '') AS summary, ${user('e.opened_by', 'u.name')},
        jsonb_build_object('escalationId', e.id) AS refs,
        jsonb_build_object('event', 'opened', 'severity', e.severity, 'status', e.status) AS data
      FROM escalations e LEFT JOIN users u ON u.id = e.opened_by
     WHERE e.account_id = ${f.account} ${f.page('e.created_at', "'escalation:' || e.id || ':opened'")}`,
  },
  {
    kind: 'escalation', name: 'escalations resolved',
    sql: (f) => `SELECT 'escalation:' || e.id || ':resolved' AS id, 'escalation' AS kind, e.resolved_at AS at, 'Escalation resolved: ' || e.title AS title,
        NULL::text AS summary, ${noActor}, jsonb_build_object('escalationId', e.id) AS refs,
        jsonb_build_object('event', 'resolved', 'severity', e.severity, 'status', e.status) AS data
      FROM escalations e
     WHERE e.account_id = ${f.account} AND e.resolved_at IS NOT NULL ${f.page('e.resolved_at', "'escalation:' || e.id || ':resolved'")}`,
  },
  {
    kind: 'email', name: 'customer e-mails',
    // A customer e-mail (a playbook step's) at the time it left, else when it was written; with its
    // text, recipient, status, why it waits or failed, and the Message-ID it was sent with.
    sql: (f) => `SELECT 'email:' || m.id AS id, 'email' AS kind, coalesce(m.sent_at, m.created_at) AS at,
        CASE m.status WHEN 'sent' THEN 'E-mail sent' WHEN 'dead' THEN 'E-mail failed' WHEN 'cancelled' THEN 'E-mail cancelled'
                      WHEN 'draft' THEN 'E-mail awaiting approval' ELSE 'E-mail queued' END || ': ' || m.subject AS title,
        left(m.body, 280) AS summary,
        ${user('m.approved_by', 'au.name')},
        jsonb_strip_nulls(jsonb_build_object('outboundMessageId', m.id, 'playbookRunId', m.playbook_run_id, 'taskId', m.approval_task_id, 'contactId', m.contact_id)) AS refs,
        jsonb_build_object('status', CASE m.status WHEN 'draft' THEN 'awaiting_approval' WHEN 'pending' THEN 'queued' WHEN 'dead' THEN 'failed' ELSE m.status END,
                           'subject', m.subject, 'body', m.body, 'to', jsonb_build_array(m.recipient), 'contactName', c.name,
                           'messageId', m.message_id, 'sentAt', m.sent_at, 'lastError', m.last_error, 'cancelReason', m.cancel_reason,
                           'approvedBy', au.name, 'edited', m.edited, 'stepIndex', m.step_index, 'playbookName', pb.name) AS data
      FROM outbound_messages m LEFT JOIN users au ON au.id = m.approved_by LEFT JOIN contacts c ON c.id = m.contact_id
      LEFT JOIN playbook_runs r ON r.id = m.playbook_run_id LEFT JOIN playbooks pb ON pb.id = r.playbook_id
     WHERE m.account_id = ${f.account} AND m.audience = 'customer' ${f.page('coalesce(m.sent_at, m.created_at)', "'email:' || m.id")}`,
  },
  {
    kind: 'seed', name: 'seed plantings and moves',
    // Success planting: the planting and every move with its evidence (no-move evidence such as an
    // objection stays on the seed's own history). A harvest undone by a deleted goal is a move too.
    sql: (f) => `SELECT 'seed:' || e.id AS id, 'seed' AS kind, e.at,
        CASE WHEN e.kind = 'planted' THEN 'Seed planted: ' ELSE 'Seed ' || e.to_stage || ': ' END || left(s.text, 200) AS title,
        e.summary, ${user('e.actor_id', 'u.name')},
        jsonb_strip_nulls(jsonb_build_object('seedId', e.seed_id, 'activityId', e.activity_id, 'goalId', e.goal_id)) AS refs,
        jsonb_build_object('event', e.kind, 'fromStage', e.from_stage, 'toStage', e.to_stage, 'question', s.text,
                           'note', e.data ->> 'note', 'strength', e.data ->> 'strength', 'variant', e.data ->> 'variant') AS data
      FROM seed_events e JOIN seeds s ON s.id = e.seed_id LEFT JOIN users u ON u.id = e.actor_id
     WHERE e.account_id = ${f.account} AND e.moved ${f.page('e.at', "'seed:' || e.id")}`,
  },
  {
    kind: 'plan', name: 'success plan moves',
    // What moved in a success plan (plan_events): created, goals set and removed, milestones done,
    // status changes with their reasons, templates applied, and what the customer did through a
    // shared link. Edits of criteria and goal wording stay in the audit log.
    sql: (f) => `SELECT 'plan:' || e.id AS id, 'plan' AS kind, e.at,
        CASE e.kind
          WHEN 'plan_created' THEN 'Success plan created: ' || coalesce(p.title, e.data ->> 'title', '')
          WHEN 'goal_created' THEN 'Goal set: ' || left(coalesce(e.data ->> 'statement', ''), 200)
          WHEN 'goal_deleted' THEN 'Goal removed: ' || left(coalesce(e.data ->> 'statement', ''), 200)
          WHEN 'milestone_completed' THEN 'Milestone completed: ' || coalesce(e.data ->> 'title', '')
          WHEN 'status_changed' THEN 'Success plan ' || replace(coalesce(e.data ->> 'from', '?'), '_', ' ') || ' → ' || replace(coalesce(e.data ->> 'to', '?'), '_', ' ')
          WHEN 'template_applied' THEN 'Plan template applied: ' || coalesce(e.data ->> 'name', '')
          WHEN 'customer_comment' THEN 'Customer comment on the plan' || coalesce(' from ' || (e.data ->> 'contactName'), '')
          WHEN 'customer_task_done' THEN 'Customer completed: ' || coalesce(e.data ->> 'title', 'a task') || coalesce(' (' || (e.data ->> 'contactName') || ')', '')
          ELSE e.kind END AS title,
        CASE e.kind
          WHEN 'status_changed' THEN left((SELECT string_agg(r, '; ') FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.data -> 'reasons') = 'array' THEN e.data -> 'reasons' ELSE '[]'::jsonb END) AS x(r)), 280)
          WHEN 'customer_comment' THEN left(e.data ->> 'body', 280)
          ELSE NULL END AS summary,
        ${user('e.actor_id', 'u.name')},
        jsonb_strip_nulls(jsonb_build_object('planId', e.plan_id, 'goalId', e.goal_id, 'milestoneId', e.data ->> 'milestoneId', 'taskId', e.data ->> 'taskId')) AS refs,
        jsonb_build_object('event', e.kind, 'planTitle', p.title, 'from', e.data ->> 'from', 'to', e.data ->> 'to') AS data
      FROM plan_events e LEFT JOIN success_plans p ON p.id = e.plan_id LEFT JOIN users u ON u.id = e.actor_id
     WHERE e.account_id = ${f.account} AND e.kind NOT IN ('goal_changed', 'criterion_changed') ${f.page('e.at', "'plan:' || e.id")}`,
  },
  {
    kind: 'check_in', name: 'readiness check-ins',
    // A check-in (logged by us or answered by the customer on its page) with its quadrant under the
    // thresholds as they are now (app_settings 'readiness.thresholds', default 7 and 7) and the two follow-ups.
    sql: (f) => `SELECT 'check_in:' || c.id AS id, 'check_in' AS kind, c.at,
        'Check-in: ' || left(i.title, 200) || ' — ' || q.quadrant || ' (importance ' || c.importance || ', confidence ' || c.confidence || ')' AS title,
        left(concat_ws(' · ', c.why_not_lower, c.what_would_move_higher), 280) AS summary,
        ${user('c.recorded_by', 'u.name')},
        jsonb_strip_nulls(jsonb_build_object('checkInId', c.id, 'initiativeId', c.initiative_id, 'activityId', c.activity_id, 'contactId', c.contact_id)) AS refs,
        jsonb_build_object('initiative', i.title, 'importance', c.importance, 'confidence', c.confidence, 'quadrant', q.quadrant, 'source', c.source,
                           'contactName', ct.name, 'whyNotLower', c.why_not_lower, 'whatWouldMoveHigher', c.what_would_move_higher) AS data
      FROM check_ins c JOIN initiatives i ON i.id = c.initiative_id LEFT JOIN users u ON u.id = c.recorded_by LEFT JOIN contacts ct ON ct.id = c.contact_id
      CROSS JOIN (SELECT coalesce((SELECT (value ->> 'importanceThreshold')::int FROM app_settings WHERE key = 'readiness.thresholds'), 7) AS imp,
                         coalesce((SELECT (value ->> 'confidenceThreshold')::int FROM app_settings WHERE key = 'readiness.thresholds'), 7) AS conf) th
      CROSS JOIN LATERAL (SELECT CASE WHEN c.importance >= th.imp THEN CASE WHEN c.confidence >= th.conf THEN 'ready' ELSE 'enable' END
                                      ELSE CASE WHEN c.confidence >= th.conf THEN 'align' ELSE 'nurture' END END AS quadrant) q
     WHERE c.account_id = ${f.account} ${f.page('c.at', "'check_in:' || c.id")}`,
  },
  {
    kind: 'survey_response', name: 'survey answers',
    // A person's answer (bots are kept apart and never shown), at the time it was first given; the comment is the summary.
    sql: (f) => `SELECT 'survey_response:' || x.id AS id, 'survey_response' AS kind, x.answered_at AS at,
        upper(s.kind) || ' ' || x.score || ' from ' || coalesce(ct.name, 'a contact') || ' (' || left(s.name, 200) || ')' AS title,
        left(x.comment, 280) AS summary, ${noActor},
        jsonb_strip_nulls(jsonb_build_object('surveyResponseId', x.id, 'surveyId', x.survey_id, 'contactId', x.contact_id)) AS refs,
        jsonb_build_object('survey', s.name, 'surveyKind', s.kind, 'score', x.score, 'comment', x.comment, 'contactName', ct.name,
                           'npsCategory', CASE WHEN s.kind <> 'nps' THEN NULL WHEN x.score >= 9 THEN 'promoter' WHEN x.score >= 7 THEN 'passive' ELSE 'detractor' END) AS data
      FROM survey_responses x JOIN surveys s ON s.id = x.survey_id LEFT JOIN contacts ct ON ct.id = x.contact_id
     WHERE x.account_id = ${f.account} AND NOT x.bot ${f.page('x.answered_at', "'survey_response:' || x.id")}`,
  },
  {
    kind: 'risk_signal', name: 'risk signals',
    // A risk signal when it began (computed from the data, or raised by a person, a rule or another system), with its evidence.
    sql: (f) => `SELECT 'risk_signal:' || s.id AS id, 'risk_signal' AS kind, s.started_at AS at,
        'Risk signal: ' || d.label || CASE WHEN s.ended_at IS NOT NULL THEN ' (ended)' ELSE '' END AS title,
        left(coalesce(s.note, s.evidence ->> 'summary'), 280) AS summary, ${user('s.raised_by', 'u.name')},
        jsonb_strip_nulls(jsonb_build_object('riskSignalId', s.id, 'ruleFiringId', s.rule_firing_id)) AS refs,
        jsonb_build_object('signalKind', s.kind, 'family', d.family, 'strength', s.strength, 'source', s.source, 'endedAt', s.ended_at, 'evidence', s.evidence) AS data
      FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind LEFT JOIN users u ON u.id = s.raised_by
     WHERE s.account_id = ${f.account} ${f.page('s.started_at', "'risk_signal:' || s.id")}`,
  },
];
