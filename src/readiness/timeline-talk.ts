import type { Queryable } from '../db/connect.js';
import type { TimelineItem } from '../timeline/schema.js';
import { talkOf } from './view.js';

/**
 * Adds `data.talk` ({whyNotLower, whatWouldMoveHigher}: the change talk of each answer, null when
 * unanswered) to the page's check-in items, next to the answers in `data`. One query and one
 * classifier call per page.
 */
export async function withCheckInTalk(db: Queryable, items: TimelineItem[]): Promise<TimelineItem[]> {
  const ids = items.filter((i) => i.kind === 'check_in' && i.refs.checkInId).map((i) => i.refs.checkInId as string);
  if (ids.length === 0) return items;
  const { rows } = await db.query<{ id: string; why_not_lower: string | null; what_would_move_higher: string | null }>(
    'SELECT id, why_not_lower, what_would_move_higher FROM check_ins WHERE id = ANY ($1::uuid[])', [ids],
  );
  const talk = await talkOf(db, rows);
  return items.map((item) => {
    const t = item.kind === 'check_in' && item.refs.checkInId ? talk.get(item.refs.checkInId) : undefined;
    return t ? { ...item, data: { ...item.data, talk: t } } : item;
  });
}
