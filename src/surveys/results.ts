import { stringify } from 'csv-stringify/sync';
import { safeCell } from '../exports/csv.js';
import { analyzeTexts } from '../changetalk/index.js';
import type { Queryable } from '../db/connect.js';
import { decodeCursor, encodeCursor, timestampUuid } from '../http/cursor.js';
import { byMonth, ces, csat, distribution, nps, responseRate, type SurveyKind } from './scores.js';
import type { SurveyResults } from './schema.js';

/**
 * A survey's results over a period (answers by their time, recipients by their send time; both
 * bounds are UTC days, `to` inclusive): only people's answers count; bots are counted apart.
 * Comments come with their change talk (src/changetalk analyzeTexts), newest first, one page at a
 * time (keyset on answered_at, id) with their total.
 */

type Range = { from?: string | undefined; to?: string | undefined };
type CommentPage = { commentsCursor?: string | undefined; commentsLimit: number };

function rangeSql(col: string, r: Range, values: unknown[]): string {
  const parts: string[] = [];
  if (r.from) parts.push(`${col} >= ($${values.push(r.from)}::date)::timestamp AT TIME ZONE 'UTC'`);
  if (r.to) parts.push(`${col} < ($${values.push(r.to)}::date + 1)::timestamp AT TIME ZONE 'UTC'`);
  return parts.map((p) => ` AND ${p}`).join('');
}

type AnswerRow = {
  id: string; score: number; comment: string | null; answered_at: Date | string; contact_id: string | null; contact_name: string | null;
  account_id: string; account_name: string;
};

export async function surveyResults(q: Queryable, surveyId: string, kind: SurveyKind, range: Range & CommentPage): Promise<SurveyResults> {
  const av: unknown[] = [surveyId];
  const answersWhere = rangeSql('x.answered_at', range, av);
  const { rows } = await q.query<AnswerRow>(
    `SELECT x.id, x.score, x.comment, x.answered_at, x.contact_id, c.name AS contact_name, x.account_id, a.name AS account_name
       FROM survey_responses x JOIN accounts a ON a.id = x.account_id LEFT JOIN contacts c ON c.id = x.contact_id
      WHERE x.survey_id = $1 AND NOT x.bot ${answersWhere} ORDER BY x.answered_at DESC, x.id DESC`, av,
  );
  const bv: unknown[] = [surveyId];
  const { rows: [bots] } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM survey_responses x WHERE x.survey_id = $1 AND x.bot ${rangeSql('x.answered_at', range, bv)}`, bv);
  const sv: unknown[] = [surveyId];
  const { rows: [sent] } = await q.query<{ sent: number; answered: number }>(
    `SELECT count(*)::int AS sent, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM survey_responses x WHERE x.recipient_id = r.id AND NOT x.bot))::int AS answered
       FROM survey_recipients r WHERE r.survey_id = $1 ${rangeSql('r.sent_at', range, sv)}`, sv,
  );
  const scores = rows.map((r) => r.score);
  const comments = await commentPage(q, surveyId, range);
  const withComment = comments.rows;
  const talk = await analyzeTexts(q, withComment.map((r) => r.comment));
  return {
    responses: rows.length,
    sent: sent?.sent ?? 0,
    responseRate: responseRate(sent?.sent ?? 0, sent?.answered ?? 0),
    ...(kind === 'nps' ? { nps: nps(scores) } : {}),
    ...(kind === 'csat' ? { csat: csat(scores) } : {}),
    ...(kind === 'ces' ? { ces: ces(scores) } : {}),
    distribution: distribution(kind, scores),
    overTime: byMonth(kind, rows.map((r) => ({ score: r.score, at: new Date(r.answered_at) }))),
    comments: withComment.map((r, i) => ({
      id: r.id, score: r.score, comment: r.comment, at: new Date(r.answered_at).toISOString(),
      contact: r.contact_id ? { id: r.contact_id, name: r.contact_name ?? '' } : null, account: { id: r.account_id, name: r.account_name },
      // analyzeTexts answers one analysis per text, in order.
      changeTalk: talk[i] ?? { label: 'neutral', spans: [], version: 'none', predicted: 'neutral', corrected: false },
    })),
    commentsTotal: comments.total,
    nextCommentsCursor: comments.next,
    bots: bots?.n ?? 0,
  };
}

/** One page of people's comments (a comment of only whitespace is stored as none), newest first, and their total. */
async function commentPage(q: Queryable, surveyId: string, p: Range & CommentPage) {
  const values: unknown[] = [surveyId];
  const where = `x.survey_id = $1 AND NOT x.bot AND x.comment IS NOT NULL ${rangeSql('x.answered_at', p, values)}`;
  const { rows: [counted] } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM survey_responses x WHERE ${where}`, values);
  let after = '';
  if (p.commentsCursor) {
    const [at, id] = decodeCursor(p.commentsCursor, timestampUuid, 'commentsCursor');
    after = ` AND (x.answered_at, x.id) < ($${values.push(at)}::timestamptz, $${values.push(id)}::uuid)`;
  }
  const { rows } = await q.query<AnswerRow & { comment: string; sort_at: string }>(
    `SELECT x.id, x.score, x.comment, x.answered_at, x.answered_at::text AS sort_at, x.contact_id, c.name AS contact_name, x.account_id, a.name AS account_name
       FROM survey_responses x JOIN accounts a ON a.id = x.account_id LEFT JOIN contacts c ON c.id = x.contact_id
      WHERE ${where}${after} ORDER BY x.answered_at DESC, x.id DESC LIMIT $${values.push(p.commentsLimit + 1)}`, values,
  );
  const page = rows.slice(0, p.commentsLimit);
  const last = page[page.length - 1];
  return { rows: page, total: counted?.n ?? 0, next: rows.length > p.commentsLimit && last ? encodeCursor([last.sort_at, last.id]) : null };
}

/**
 * Every answer (people's and, marked, bots') as CSV for a spreadsheet. Cells that a spreadsheet
 * would run as a formula (= + - @ at the start) are prefixed with a quote.
 */
export async function responsesCsv(q: Queryable, surveyId: string): Promise<string> {
  const { rows } = await q.query<AnswerRow & { bot: boolean; bot_reason: string | null; email: string | null; sent_at: Date | string }>(
    `SELECT x.id, x.score, x.comment, x.answered_at, x.contact_id, c.name AS contact_name, c.email, x.account_id, a.name AS account_name, x.bot, x.bot_reason, r.sent_at
       FROM survey_responses x JOIN survey_recipients r ON r.id = x.recipient_id JOIN accounts a ON a.id = x.account_id LEFT JOIN contacts c ON c.id = x.contact_id
      WHERE x.survey_id = $1 ORDER BY x.answered_at, x.id`, [surveyId],
  );
  const safe = (v: string | null) => safeCell(v); // src/exports/csv.ts: one formula rule for every CSV
  return stringify([
    ['response_id', 'answered_at', 'sent_at', 'score', 'comment', 'account_id', 'account', 'contact_id', 'contact', 'email', 'bot', 'bot_reason'],
    ...rows.map((r) => [
      r.id, new Date(r.answered_at).toISOString(), new Date(r.sent_at).toISOString(), r.score, safe(r.comment), r.account_id, safe(r.account_name),
      r.contact_id ?? '', safe(r.contact_name), safe(r.email), r.bot ? 'true' : 'false', r.bot_reason ?? '',
    ]),
  ]);
}

/** An account's answers (people's only), newest first. */
export async function accountAnswers(q: Queryable, accountId: string, limit = 200) {
  const { rows } = await q.query<{
    id: string; survey_id: string; name: string; kind: SurveyKind; score: number; comment: string | null; answered_at: Date | string; contact_id: string | null; contact_name: string | null;
  }>(
    `SELECT x.id, x.survey_id, s.name, s.kind, x.score, x.comment, x.answered_at, x.contact_id, c.name AS contact_name
       FROM survey_responses x JOIN surveys s ON s.id = x.survey_id LEFT JOIN contacts c ON c.id = x.contact_id
      WHERE x.account_id = $1 AND NOT x.bot ORDER BY x.answered_at DESC, x.id DESC LIMIT $2`, [accountId, limit],
  );
  const commented = rows.map((r) => r.comment ?? '');
  const talk = await analyzeTexts(q, commented);
  return {
    items: rows.map((r, i) => ({
      id: r.id, survey: { id: r.survey_id, name: r.name, kind: r.kind }, score: r.score, comment: r.comment, at: new Date(r.answered_at).toISOString(),
      contact: r.contact_id ? { id: r.contact_id, name: r.contact_name ?? '' } : null,
      changeTalk: r.comment && r.comment.trim() ? talk[i] ?? null : null,
    })),
  };
}
