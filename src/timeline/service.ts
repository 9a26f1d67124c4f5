import type { Queryable } from '../db/connect.js';
import { z } from 'zod';
import { cursorText, cursorTimestamp, decodeCursor, encodeCursor } from '../http/cursor.js';
import { AppError } from '../http/errors.js';
import type { WorkDeps } from '../deps.js';
import type { TimelineItem, TimelineQuery } from './schema.js';
import { SOURCES, TIMELINE_KINDS, type TimelineKind, type TimelineSource } from './sources.js';
import { withActivityTalk } from './talk.js';
import { withCheckInTalk } from '../readiness/timeline-talk.js';
import { withSurveyTalk } from '../surveys/timeline-talk.js';
import { redactPublicLinks } from '../public/token.js';

/** The last item's (at, id): `at` is the timestamp's text, `id` a kind-prefixed text id. */
const beforeCursor = z.tuple([cursorTimestamp, cursorText]);

type Row = {
  id: string; kind: TimelineKind; at: Date | string; at_text: string; title: string; summary: string | null;
  actor_type: 'user' | 'rule' | 'system' | null; actor_id: string | null; actor_name: string | null;
  refs: Record<string, string>; data: Record<string, unknown>;
};

/**
 * A customer e-mail still queued holds its recipient's personal links (survey, check-in, shared
 * plan): no item shows one. An e-mail's summary is the start of its redacted body (a cut in SQL
 * could leave part of a token).
 */
function withoutPublicLinks(item: TimelineItem): TimelineItem {
  if (item.kind !== 'email') return { ...item, title: redactPublicLinks(item.title), summary: item.summary === null ? null : redactPublicLinks(item.summary) };
  const text = (v: unknown) => (typeof v === 'string' ? redactPublicLinks(v) : v);
  const body = text(item.data.body);
  return {
    ...item, title: redactPublicLinks(item.title), summary: typeof body === 'string' ? Array.from(body).slice(0, 280).join('') : null,
    data: { ...item.data, subject: text(item.data.subject), body },
  };
}

/**
 * One page of an account's timeline, newest first, keyset-paged over (at, id). Each source
 * contributes at most `limit + 1` rows after the cursor in its own index order; the union is
 * merged and cut. Ids compare in the C collation so that the order is total and the same on
 * every server, whatever its locale.
 */
export async function timelinePage(db: Queryable, accountId: string, q: TimelineQuery, sources: TimelineSource[] = SOURCES) {
  const kinds = new Set<TimelineKind>(q.kinds ?? TIMELINE_KINDS);
  // The schema refuses an empty list; a direct caller passing one would otherwise build `FROM ()`.
  if (kinds.size === 0) throw new AppError('request.invalid', 'Name at least one kind.', [{ path: 'kinds', message: 'lists no kind' }]);
  const values: unknown[] = [accountId];
  const param = (v: unknown) => `$${values.push(v)}`;
  let keyset = (_at: string, _id: string) => '';
  if (q.before) {
    // The cursor comes as `before`: errors name that field.
    const [at, id] = decodeCursor(q.before, beforeCursor, 'before');
    const pAt = param(at);
    const pId = param(id);
    // The first conjunct alone bounds the index scan; the second breaks ties on the id.
    keyset = (a, i) => `AND ${a} <= ${pAt}::timestamptz AND (${a} < ${pAt}::timestamptz OR (${i}) COLLATE "C" < ${pId})`;
  }
  const limit = param(q.limit + 1);
  const fragment = {
    account: '$1',
    page: (at: string, id: string) => `${keyset(at, id)} ORDER BY ${at} DESC, (${id}) COLLATE "C" DESC LIMIT ${limit}`,
  };
  const parts = sources.filter((s) => kinds.has(s.kind)).map((s) => `(${s.sql(fragment)})`);
  // A registry without a source of the asked kinds has nothing to show (and `FROM ()` is not SQL).
  if (parts.length === 0) return { items: [], nextCursor: null };
  const { rows } = await db.query<Row>(
    `SELECT t.id, t.kind, t.at, t.at::text AS at_text, t.title, t.summary, t.actor_type, t.actor_id, t.actor_name, t.refs, t.data
       FROM (${parts.join('\n UNION ALL ')}) AS t (id, kind, at, title, summary, actor_type, actor_id, actor_name, refs, data)
      ORDER BY t.at DESC, t.id COLLATE "C" DESC LIMIT ${limit}`,
    values,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r): TimelineItem => ({
      id: r.id, kind: r.kind, at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(), title: r.title, summary: r.summary,
      actor: r.actor_type ? { type: r.actor_type, id: r.actor_id, name: r.actor_name ?? '' } : null,
      refs: r.refs, data: r.data,
    })).map(withoutPublicLinks),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.at_text, last.id]) : null,
  };
}

export function createTimelineService(deps: WorkDeps) {
  return {
    /** null when there is no such account. */
    async page(accountId: string, q: TimelineQuery) {
      const { rows } = await deps.database.query('SELECT 1 FROM accounts WHERE id = $1', [accountId]);
      if (!rows.length) return null;
      const page = await timelinePage(deps.database, accountId, q);
      // Activity notes and check-in answers carry their change talk.
      const items = await withCheckInTalk(deps.database, await withActivityTalk(deps.database, page.items));
      // Survey comments too.
      return { ...page, items: await withSurveyTalk(deps.database, items) };
    },
  };
}
export type TimelineService = ReturnType<typeof createTimelineService>;
