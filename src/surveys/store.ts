import type { Queryable } from '../db/connect.js';
import { responseRate, type SurveyKind } from './scores.js';
import type { Survey, SurveyCreate, SurveyPatch } from './schema.js';

/** SQL of the surveys themselves; recipients and answers live in send.ts, answer.ts and results.ts. */

type Row = {
  id: string; name: string; kind: SurveyKind; question: string; comment_prompt: string | null; email_subject: string; email_intro: string;
  throttle_days: number; reminder_after_days: number | null; spoon_cost: number; archived: boolean; created_at: Date | string;
  sent: number; answered: number;
};

const SELECT = `SELECT s.id, s.name, s.kind, s.question, s.comment_prompt, s.email_subject, s.email_intro, s.throttle_days, s.reminder_after_days,
    s.spoon_cost, s.archived, s.created_at,
    (SELECT count(*)::int FROM survey_recipients r WHERE r.survey_id = s.id) AS sent,
    (SELECT count(DISTINCT x.recipient_id)::int FROM survey_responses x WHERE x.survey_id = s.id AND NOT x.bot) AS answered
  FROM surveys s`;

const toSurvey = (r: Row): Survey => ({
  id: r.id, name: r.name, kind: r.kind, question: r.question, commentPrompt: r.comment_prompt, emailSubject: r.email_subject, emailIntro: r.email_intro,
  throttleDays: r.throttle_days, reminderAfterDays: r.reminder_after_days, spoonCost: r.spoon_cost, archived: r.archived,
  createdAt: new Date(r.created_at).toISOString(),
  stats: { sent: r.sent, answered: r.answered, responseRate: responseRate(r.sent, r.answered) },
});

export async function listSurveys(q: Queryable, includeArchived: boolean): Promise<Survey[]> {
  const { rows } = await q.query<Row>(`${SELECT} ${includeArchived ? '' : 'WHERE NOT s.archived'} ORDER BY s.created_at DESC, s.id DESC`);
  return rows.map(toSurvey);
}

export async function getSurvey(q: Queryable, id: string): Promise<Survey | null> {
  const { rows: [r] } = await q.query<Row>(`${SELECT} WHERE s.id = $1`, [id]);
  return r ? toSurvey(r) : null;
}

export async function insertSurvey(q: Queryable, s: SurveyCreate, by: string | null): Promise<string> {
  const { rows: [r] } = await q.query<{ id: string }>(
    `INSERT INTO surveys (name, kind, question, comment_prompt, email_subject, email_intro, throttle_days, reminder_after_days, spoon_cost, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [s.name, s.kind, s.question, s.commentPrompt ?? null, s.emailSubject, s.emailIntro, s.throttleDays, s.reminderAfterDays, s.spoonCost, by],
  );
  if (!r) throw new Error('survey insert returned nothing');
  return r.id;
}

const COLUMNS: Record<keyof Omit<SurveyPatch, never>, string> = {
  name: 'name', question: 'question', commentPrompt: 'comment_prompt', emailSubject: 'email_subject', emailIntro: 'email_intro',
  throttleDays: 'throttle_days', reminderAfterDays: 'reminder_after_days', spoonCost: 'spoon_cost', archived: 'archived',
};

/** Applies the fields present in the patch; returns false when there is no such survey. */
export async function updateSurvey(q: Queryable, id: string, patch: SurveyPatch): Promise<boolean> {
  const values: unknown[] = [id];
  const sets = (Object.keys(COLUMNS) as (keyof SurveyPatch)[])
    .filter((k) => patch[k] !== undefined)
    .map((k) => `${COLUMNS[k]} = $${values.push(patch[k])}`);
  const { rowCount } = await q.query(`UPDATE surveys SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`, values);
  return rowCount > 0;
}
