import { recordAuditRaw } from '../audit/record.js';
import type { Actor } from '../auth/principal.js';
import type { Database, Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { formKey, judgeSubmission, type BotReason } from '../public/guard.js';
import { hashToken, isTokenShaped } from '../public/token.js';
import { emitEvent } from '../webhooks/emit.js';
import { firstNameOf } from './email.js';
import { npsBucket, scoreProblem, type SurveyKind } from './scores.js';

/**
 * The customer's side of a survey, authorized by the token alone. The page shows the question and
 * the contact's first name, nothing else. Opening it records only the first view; following the
 * honeypot link records only that; only a POST answers. A person's second answer through the same
 * link, or through the reminder's own link (`reminder_token_hash`), updates the first (one answer per recipient); an answer judged automated (src/public/guard.ts)
 * is kept apart (bot = true) and counts for nothing, and never overwrites a person's.
 */

export type LiveRecipient = {
  id: string; tokenHash: string; surveyId: string; surveyName: string; kind: SurveyKind; question: string; commentPrompt: string | null;
  accountId: string; contactId: string; firstName: string; firstViewedAt: Date | null; trapFollowedAt: Date | null;
  answer: { score: number; comment: string | null } | null;
};

/** The recipient of a token; a malformed token is not looked up, and it answers like an unknown one. */
export async function liveRecipient(q: Queryable, token: string, lock = false): Promise<LiveRecipient> {
  if (!isTokenShaped(token)) throw new AppError('survey_link.not_found');
  const tokenHash = hashToken(token);
  const { rows: [r] } = await q.query<{
    id: string; survey_id: string; name: string; kind: SurveyKind; question: string; comment_prompt: string | null; account_id: string; contact_id: string;
    contact_name: string | null; first_viewed_at: Date | string | null; trap_followed_at: Date | string | null; score: number | null; comment: string | null;
  }>(
    `SELECT r.id, r.survey_id, s.name, s.kind, s.question, s.comment_prompt, r.account_id, r.contact_id, c.name AS contact_name, r.first_viewed_at, r.trap_followed_at,
            x.score, x.comment
       FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id JOIN contacts c ON c.id = r.contact_id
       LEFT JOIN survey_responses x ON x.recipient_id = r.id AND NOT x.bot
      WHERE (r.token_hash = $1 OR r.reminder_token_hash = $1) ${lock ? 'FOR UPDATE OF r' : ''}`,
    [tokenHash],
  );
  if (!r) throw new AppError('survey_link.not_found');
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return {
    id: r.id, tokenHash, surveyId: r.survey_id, surveyName: r.name, kind: r.kind, question: r.question, commentPrompt: r.comment_prompt,
    accountId: r.account_id, contactId: r.contact_id, firstName: firstNameOf(r.contact_name),
    firstViewedAt: date(r.first_viewed_at), trapFollowedAt: date(r.trap_followed_at),
    answer: r.score === null ? null : { score: r.score, comment: r.comment },
  };
}

/** The page was opened: its first view is kept (the bot judgement needs it); nothing else is written. */
export async function openSurvey(database: Database, token: string, now: Date, countView: boolean): Promise<LiveRecipient> {
  const rec = await liveRecipient(database, token);
  if (countView && !rec.firstViewedAt) {
    await database.query('UPDATE survey_recipients SET first_viewed_at = $2 WHERE id = $1 AND first_viewed_at IS NULL', [rec.id, now.toISOString()]);
    return { ...rec, firstViewedAt: now };
  }
  return rec;
}

/** The honeypot link was followed: a scanner read the e-mail (recorded; the person's own answer still counts). */
export async function followTrap(database: Database, token: string, now: Date): Promise<void> {
  const rec = await liveRecipient(database, token);
  await database.query('UPDATE survey_recipients SET trap_followed_at = $2 WHERE id = $1 AND trap_followed_at IS NULL', [rec.id, now.toISOString()]);
}

/** `via`: the page's own form (its stamp is required) or the JSON answer (a stamp is checked when sent). */
export type Answer = { score: number; comment?: string | undefined; stamp?: string | undefined; website?: string | undefined; via?: 'page' | 'api' };
export type Answered = { updated: boolean; bot: boolean; reason: BotReason | null; responseId: string; queued: number };

const customerActor = (first: string): Actor => ({ type: 'system', id: null, label: `${first || 'customer'} (customer, via the survey link)` });

export async function answerSurvey(tx: Queryable, token: string, a: Answer, now: Date): Promise<Answered> {
  const rec = await liveRecipient(tx, token, true);
  const problem = scoreProblem(rec.kind, a.score);
  if (problem) throw new AppError('survey.invalid', `The score ${problem}.`, [{ path: 'score', message: problem }]);
  // Kept as written (leading spaces and all); a comment of only whitespace is no comment.
  const comment = a.comment?.trim() ? a.comment : null;
  const key = await formKey(tx);
  const judged = judgeSubmission({
    key, stamp: a.stamp, tokenHash: rec.tokenHash, honeypot: a.website, now, viewed: { firstViewedAt: rec.firstViewedAt },
    stampRequired: a.via !== 'api',
  });
  const { rows: [row] } = await tx.query<{ id: string; inserted: boolean }>(
    `INSERT INTO survey_responses (survey_id, recipient_id, account_id, contact_id, score, comment, bot, bot_reason, answered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (recipient_id, bot) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, bot_reason = EXCLUDED.bot_reason, updated_at = now()
     RETURNING id, (xmax = 0) AS inserted`,
    [rec.surveyId, rec.id, rec.accountId, rec.contactId, a.score, comment, judged.bot, judged.reason, now.toISOString()],
  );
  if (!row) throw new Error('survey response upsert returned nothing');
  const updated = !row.inserted;
  if (judged.bot) return { updated, bot: true, reason: judged.reason, responseId: row.id, queued: 0 };

  await tx.query('UPDATE survey_recipients SET answered_at = coalesce(answered_at, $2) WHERE id = $1', [rec.id, now.toISOString()]);
  const actor = customerActor(rec.firstName);
  await recordAuditRaw(tx, actor, [{
    action: updated ? 'survey_response.update' : 'survey_response.record', objectType: 'survey_response', objectId: row.id, objectLabel: rec.surveyName.slice(0, 200),
    changes: { surveyId: rec.surveyId, accountId: rec.accountId, contactId: rec.contactId, score: a.score, comment },
  }]);
  const queued = await emitEvent(tx, {
    type: 'survey.answered', accountId: rec.accountId,
    data: {
      responseId: row.id, survey: { id: rec.surveyId, name: rec.surveyName, kind: rec.kind }, accountId: rec.accountId, contactId: rec.contactId,
      score: a.score, ...(rec.kind === 'nps' ? { npsCategory: npsBucket(a.score) } : {}), comment, updated, at: now.toISOString(),
    },
  });
  return { updated, bot: false, reason: null, responseId: row.id, queued };
}
