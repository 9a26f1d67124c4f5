import { analyzeTexts, type ShownTalk } from '../changetalk/index.js';
import type { Queryable } from '../db/connect.js';
import { quadrant, type Thresholds } from './quadrant.js';
import { recommend } from './recommend.js';
import type { CheckIn, Initiative } from './schema.js';
import { accountGoals, activePlaybooks, checkInsOf, iso, openRequests, type CheckInRow, type InitiativeRow } from './store.js';

/**
 * Initiatives as the API shows them: check-ins oldest first with the change talk of each answer,
 * the latest quadrant, the recommendation from the latest check-in (compared with the one before),
 * and the open e-mail request.
 */

type Talk = CheckIn['talk'];

/** The change talk of every answer of the check-ins, in one classifier call. */
export async function talkOf(q: Queryable, rows: Pick<CheckInRow, 'id' | 'why_not_lower' | 'what_would_move_higher'>[]): Promise<Map<string, Talk>> {
  const texts: string[] = [];
  for (const r of rows) texts.push(r.why_not_lower ?? '', r.what_would_move_higher ?? '');
  const shown: ShownTalk[] = texts.length ? await analyzeTexts(q, texts) : [];
  const out = new Map<string, Talk>();
  rows.forEach((r, i) => {
    out.set(r.id, {
      whyNotLower: r.why_not_lower ? shown[2 * i] ?? null : null,
      whatWouldMoveHigher: r.what_would_move_higher ? shown[2 * i + 1] ?? null : null,
    });
  });
  return out;
}

export function toCheckIn(r: CheckInRow, talk: Talk | undefined, thresholds: Thresholds): CheckIn {
  return {
    id: r.id, initiativeId: r.initiative_id, accountId: r.account_id,
    contact: r.contact_id ? { id: r.contact_id, name: r.contact_name ?? '' } : null,
    importance: r.importance, confidence: r.confidence, whyNotLower: r.why_not_lower, whatWouldMoveHigher: r.what_would_move_higher,
    source: r.source, activityId: r.activity_id, at: iso(r.at),
    recordedBy: r.recorded_by ? { id: r.recorded_by, name: r.recorded_by_name ?? '' } : null,
    quadrant: quadrant(r.importance, r.confidence, thresholds),
    talk: talk ?? { whyNotLower: null, whatWouldMoveHigher: null },
  };
}

type RecommendCtx = { goals: { id: string; statement: string }[]; playbooks: { id: string; name: string }[]; thresholds: Thresholds };

/** The recommendation after `latest`, given the check-in before it (if any). */
export function recommendationFor(i: Pick<InitiativeRow, 'title' | 'goal_id' | 'goal_statement'>, latest: CheckIn, previous: CheckIn | null, ctx: RecommendCtx) {
  return recommend(
    { importance: latest.importance, confidence: latest.confidence, whyNotLower: latest.whyNotLower, whatWouldMoveHigher: latest.whatWouldMoveHigher, contactName: latest.contact?.name ?? null },
    latest.talk,
    {
      thresholds: ctx.thresholds,
      previous: previous ? { importance: previous.importance, confidence: previous.confidence, at: previous.at } : null,
      initiative: { title: i.title, goalId: i.goal_id, goalStatement: i.goal_statement },
      goals: ctx.goals, playbooks: ctx.playbooks,
    },
  );
}

export async function recommendContext(q: Queryable, accountId: string, thresholds: Thresholds): Promise<RecommendCtx> {
  const [goals, playbooks] = await Promise.all([accountGoals(q, accountId), activePlaybooks(q)]);
  return { goals, playbooks, thresholds };
}

export async function buildInitiatives(q: Queryable, rows: InitiativeRow[], opts: { thresholds: Thresholds; canEdit: boolean; now: Date }): Promise<Initiative[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const checkIns = await checkInsOf(q, ids);
  const talk = await talkOf(q, checkIns);
  const requests = new Map((await openRequests(q, ids, opts.now)).map((r) => [r.initiative_id, r]));
  const contexts = new Map<string, RecommendCtx>();
  for (const accountId of new Set(rows.map((r) => r.account_id))) contexts.set(accountId, await recommendContext(q, accountId, opts.thresholds));
  return rows.map((r): Initiative => {
    const list = checkIns.filter((c) => c.initiative_id === r.id).map((c) => toCheckIn(c, talk.get(c.id), opts.thresholds));
    const latest = list[list.length - 1] ?? null;
    const previous = list[list.length - 2] ?? null;
    const ctx = contexts.get(r.account_id) ?? { goals: [], playbooks: [], thresholds: opts.thresholds };
    const request = requests.get(r.id);
    return {
      id: r.id, accountId: r.account_id, title: r.title, description: r.description, goalId: r.goal_id, goalStatement: r.goal_statement,
      milestoneId: r.milestone_id, status: r.status, createdAt: iso(r.created_at), checkIns: list,
      latest: latest ? { quadrant: latest.quadrant, importance: latest.importance, confidence: latest.confidence, at: latest.at } : null,
      recommendation: latest ? recommendationFor(r, latest, previous, ctx) : null,
      openRequest: request ? { id: request.id, contactId: request.contact_id, sentAt: iso(request.sent_at), expiresAt: iso(request.expires_at) } : null,
      canEdit: opts.canEdit,
    };
  });
}
