import { analyzeTexts } from '../changetalk/index.js';
import type { Queryable } from '../db/connect.js';
import type { TimelineItem } from '../timeline/schema.js';

/**
 * Adds `changeTalk` to the page's survey answers that have a comment: the change talk of the whole
 * comment (in `data.comment`; the summary is its first 280 characters). One query and one
 * classifier call per page.
 */
export async function withSurveyTalk(db: Queryable, items: TimelineItem[]): Promise<TimelineItem[]> {
  const ids = items.filter((i) => i.kind === 'survey_response' && i.refs.surveyResponseId).map((i) => i.refs.surveyResponseId as string);
  if (ids.length === 0) return items;
  const { rows } = await db.query<{ id: string; comment: string }>(
    `SELECT id, comment FROM survey_responses WHERE id = ANY ($1::uuid[]) AND comment IS NOT NULL AND btrim(comment) <> ''`, [ids],
  );
  const talk = await analyzeTexts(db, rows.map((r) => r.comment));
  const byId = new Map(rows.map((r, i) => [r.id, talk[i]]));
  return items.map((item) => {
    const changeTalk = item.kind === 'survey_response' && item.refs.surveyResponseId ? byId.get(item.refs.surveyResponseId) : undefined;
    return changeTalk ? { ...item, changeTalk } : item;
  });
}
