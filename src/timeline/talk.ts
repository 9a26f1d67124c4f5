import type { Queryable } from '../db/connect.js';
import { analyzeTexts } from '../changetalk/index.js';
import type { TimelineItem } from './schema.js';

/**
 * Adds `changeTalk` to the page's activity items: the change talk of each activity's whole body
 * (its spans index into the body; the item's summary is the body's first 280 characters). One
 * query for the bodies and one analyzeTexts call per page.
 */
export async function withActivityTalk(db: Queryable, items: TimelineItem[]): Promise<TimelineItem[]> {
  const ids = items.filter((i) => i.kind === 'activity' && i.refs.activityId).map((i) => i.refs.activityId as string);
  if (ids.length === 0) return items;
  const { rows } = await db.query<{ id: string; body: string }>('SELECT id, body FROM activities WHERE id = ANY($1::uuid[])', [ids]);
  const talk = await analyzeTexts(db, rows.map((r) => r.body));
  const byId = new Map(rows.map((r, i) => [r.id, talk[i]]));
  return items.map((item) => {
    const changeTalk = item.kind === 'activity' && item.refs.activityId ? byId.get(item.refs.activityId) : undefined;
    return changeTalk ? { ...item, changeTalk } : item;
  });
}
