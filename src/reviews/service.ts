// Churn and downgrade reviews (issue 12, seed 002: "review your customers who have churned or
// downgraded unexpectedly and ask yourself why"). The database opens them (migration 0023's
// triggers on outcomes and on an account moved to churned); this service tells the story, lists
// what was not acted on, and records what the team concluded.
import { z } from 'zod';
import type { Actor } from '../auth/principal.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Database, Queryable } from '../db/connect.js';
import { cursorDate, decodeCursor, encodeCursor } from '../http/cursor.js';
import { AppError } from '../http/errors.js';
import { minePatterns } from './patterns.js';
import { kindLabels, loadEpisodes } from './patterns-store.js';
import type { Review, ReviewDetail, ReviewListQuery, ReviewPatch } from './schema.js';
import { loadReview, queryReviews, type LoadedReview } from './store.js';
import { loadStory } from './story.js';
import { DAY_MS, earliestSignal, lossBounds, unactedItems } from './unacted.js';

const listCursor = z.tuple([cursorDate, z.guid()]);

export function createReviewService(database: Database) {
  async function mustLoad(db: Queryable, id: string): Promise<LoadedReview> {
    const l = await loadReview(db, id);
    if (!l) throw new AppError('review.not_found');
    return l;
  }

  return {
    /** The review with its account's ownership (what authorization needs). */
    load: (id: string) => mustLoad(database, id),

    async list(q: ReviewListQuery) {
      const values: unknown[] = [];
      const param = (v: unknown) => `$${values.push(v)}`;
      const where: string[] = [];
      if (q.status) where.push(`r.status = ${param(q.status)}`);
      if (q.kind) where.push(`r.kind = ${param(q.kind)}`);
      if (q.accountId) where.push(`r.account_id = ${param(q.accountId)}`);
      if (q.cursor) {
        const [lossOn, id] = decodeCursor(q.cursor, listCursor);
        where.push(`(r.loss_on, r.id) < (${param(lossOn)}::date, ${param(id)}::uuid)`);
      }
      const rows = await queryReviews(database, where, values, q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => r.review),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.review.lossOn, last.review.id]) : null,
      };
    },

    /** The story over the lookback, what was not acted on within `actWithinDays` of each signal, and the earliest signal. */
    async detail(l: LoadedReview, actWithinDays: number): Promise<Omit<ReviewDetail, 'canEdit'>> {
      const { review } = l;
      const { lossDay, lossEnd } = lossBounds(review.lossOn);
      const from = new Date(lossDay.getTime() - review.lookbackDays * DAY_MS);
      const data = await loadStory(database, review.accountId, from, lossEnd);
      const facts = data.story.signals.map((s) => ({ id: s.id, kind: s.kind, label: s.label, startedAt: new Date(s.startedAt) }));
      return {
        review,
        lookback: { from: from.toISOString(), to: lossEnd.toISOString(), actWithinDays },
        story: data.story,
        unacted: unactedItems({ lossOn: review.lossOn, withinDays: actWithinDays, signals: facts, actions: data.actions, tasks: data.tasks, milestones: data.milestones }),
        earliestSignal: earliestSignal(review.lossOn, facts),
      };
    },

    /** Root causes, conclusion, "could we have seen it?", status and owner; concluding needs a conclusion. Audited. */
    async update(id: string, patch: ReviewPatch, actor: Actor): Promise<Review> {
      return database.transaction(async (tx) => {
        const { rows: locked } = await tx.query<{ id: string }>('SELECT id FROM churn_reviews WHERE id = $1 FOR UPDATE', [id]);
        if (!locked[0]) throw new AppError('review.not_found');
        const before = (await mustLoad(tx, id)).review;
        if (patch.ownerId) {
          const { rows } = await tx.query('SELECT 1 FROM users WHERE id = $1 AND active', [patch.ownerId]);
          if (!rows[0]) throw new AppError('review.invalid', 'The owner must be an active user.', [{ path: 'ownerId', message: 'no such active user' }]);
        }
        const conclusion = patch.conclusion !== undefined ? (patch.conclusion === '' ? null : patch.conclusion) : before.conclusion;
        const status = patch.status ?? before.status;
        if (status === 'concluded' && !conclusion) {
          throw new AppError('review.invalid', 'Write a conclusion before concluding the review.', [{ path: 'conclusion', message: 'required to conclude' }]);
        }
        const concluding = status === 'concluded' && before.status !== 'concluded';
        const reopening = status === 'open' && before.status === 'concluded';
        await tx.query(
          `UPDATE churn_reviews SET
             root_causes = coalesce($2::text[], root_causes),
             conclusion = CASE WHEN $3::boolean THEN $4 ELSE conclusion END,
             could_have_seen = CASE WHEN $5::boolean THEN $6 ELSE could_have_seen END,
             status = $7,
             owner_id = CASE WHEN $8::boolean THEN $9::uuid ELSE owner_id END,
             concluded_by = CASE WHEN $10::boolean THEN $11::uuid WHEN $12::boolean THEN NULL ELSE concluded_by END,
             concluded_at = CASE WHEN $10::boolean THEN now() WHEN $12::boolean THEN NULL ELSE concluded_at END,
             updated_at = now()
           WHERE id = $1`,
          [
            id, patch.rootCauses ?? null, patch.conclusion !== undefined, conclusion, patch.couldHaveSeen !== undefined, patch.couldHaveSeen ?? null,
            status, patch.ownerId !== undefined, patch.ownerId ?? null, concluding, actor.type === 'user' ? actor.id : null, reopening,
          ],
        );
        const after = (await mustLoad(tx, id)).review;
        const changes = diff(
          { rootCauses: before.rootCauses, conclusion: before.conclusion, couldHaveSeen: before.couldHaveSeen, status: before.status, ownerId: before.owner?.id ?? null },
          { rootCauses: after.rootCauses, conclusion: after.conclusion, couldHaveSeen: after.couldHaveSeen, status: after.status, ownerId: after.owner?.id ?? null },
        );
        if (Object.keys(changes).length > 0) {
          await recordAuditRaw(tx, actor, [{
            action: concluding ? 'review.concluded' : reopening ? 'review.reopened' : 'review.updated',
            objectType: 'churn_review', objectId: id, objectLabel: `${after.kind === 'churned' ? 'Churn' : 'Downgrade'} review: ${after.account.name} (${after.lossOn})`, changes,
          }]);
        }
        return after;
      });
    },

    /** Signal combinations that preceded losses, against retained accounts over windows of the same length. */
    async patterns(q: { minSupport: number; lookbackDays: number }, now = new Date()) {
      const [{ losses, retained }, labels] = await Promise.all([loadEpisodes(database, q.lookbackDays, now), kindLabels(database)]);
      const result = minePatterns(losses, retained, { lookbackDays: q.lookbackDays, minSupport: q.minSupport });
      return {
        losses: result.losses,
        retained: result.retained,
        lookbackDays: q.lookbackDays,
        patterns: result.patterns.map((p) => ({ ...p, labels: p.kinds.map((k) => labels.get(k) ?? k) })),
      };
    },
  };
}
export type ReviewService = ReturnType<typeof createReviewService>;
