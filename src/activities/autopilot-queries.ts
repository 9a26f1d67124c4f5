// What autopilot detection reads, for a set of accounts in three set-based queries, and where the
// stored verdict lives. The rule itself is src/activities/autopilot.ts (pure); this file feeds it.
//
// TOUCHPOINTS are the account's activities except notes. A note is written for ourselves (what
// the CSM wants to remember), not a conversation with the customer, so it can neither make a
// routine nor break one. Escalation thread entries are touchpoints (of kind escalation): they are
// contact with the customer, and the escalation that opened them is a new topic anyway.
// A touchpoint is LINKED to a seed when a seed was planted in it or a seed event names it as its
// evidence, and linked to a goal when such a seed event names a goal (a harvest into a goal).
//
// TOPICS are what the next conversation could be about: a goal created (plan event goal_created),
// a seed planted (its asked_at), an escalation opened (created_at) and a plan change (every other
// plan event except status_changed, which only follows measurements and time).
import type { Queryable } from '../db/connect.js';
import type { NewTopic, Touchpoint } from './autopilot.js';
import type { ActivityKind } from './schema.js';

export type TouchpointRow = Touchpoint & { kind: ActivityKind; subject: string };
export type AutopilotInputs = { touchpoints: TouchpointRow[]; topics: NewTopic[] };

/** The last `n` touchpoints (at or before `now`) and the topics since the first of them, per account. */
export async function loadAutopilotInputs(q: Queryable, accountIds: string[], n: number, now: Date): Promise<Map<string, AutopilotInputs>> {
  const out = new Map<string, AutopilotInputs>();
  if (accountIds.length === 0) return out;
  for (const id of accountIds) out.set(id, { touchpoints: [], topics: [] });
  const { rows } = await q.query<{
    account_id: string; id: string; kind: ActivityKind; occurred_at: Date | string; subject: string; author_id: string | null; linked_seed: boolean; linked_goal: boolean;
  }>(
    // One probe of activities_account_idx per account (LATERAL ... LIMIT n).
    `SELECT acc.id AS account_id, t.* FROM unnest($1::uuid[]) AS acc(id)
       CROSS JOIN LATERAL (
         SELECT a.id, a.kind, a.occurred_at, a.subject, a.author_id,
                (EXISTS (SELECT 1 FROM seeds s WHERE s.activity_id = a.id)
                  OR EXISTS (SELECT 1 FROM seed_events e WHERE e.activity_id = a.id)) AS linked_seed,
                EXISTS (SELECT 1 FROM seed_events e WHERE e.activity_id = a.id AND e.goal_id IS NOT NULL) AS linked_goal
           FROM activities a
          WHERE a.account_id = acc.id AND a.kind NOT IN ('note', 'ticket') AND a.occurred_at <= $2::timestamptz
          ORDER BY a.occurred_at DESC, a.id DESC LIMIT $3) t`,
    [accountIds, now.toISOString(), n],
  );
  for (const r of rows) {
    out.get(r.account_id)?.touchpoints.push({
      id: r.id, kind: r.kind, occurredAt: new Date(r.occurred_at), author: r.author_id, subject: r.subject, linkedSeed: r.linked_seed, linkedGoal: r.linked_goal,
    });
  }
  // Topics matter from the first of the last n touchpoints on; an account with fewer than n is
  // not on autopilot whatever happened, so its topics are not read.
  const since = [...out].flatMap(([id, v]) => {
    if (v.touchpoints.length < n) return [];
    const first = Math.min(...v.touchpoints.map((t) => t.occurredAt.getTime()));
    return [{ id, from: new Date(first).toISOString() }];
  });
  if (since.length === 0) return out;
  const { rows: topics } = await q.query<{ account_id: string; kind: NewTopic['kind']; at: Date | string; label: string | null }>(
    `WITH f AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) AS f(account_id, since))
     SELECT pe.account_id, CASE WHEN pe.kind = 'goal_created' THEN 'goal_created' ELSE 'plan_changed' END AS kind, pe.at,
            CASE WHEN pe.kind = 'goal_created' THEN coalesce(g.statement, pe.data->>'statement') ELSE p.title END AS label
       FROM f JOIN plan_events pe ON pe.account_id = f.account_id AND pe.at >= f.since AND pe.at <= $3::timestamptz
       LEFT JOIN plan_goals g ON g.id = pe.goal_id LEFT JOIN success_plans p ON p.id = pe.plan_id
      WHERE pe.kind <> 'status_changed'
     UNION ALL
     SELECT s.account_id, 'seed_planted', s.asked_at, s.text
       FROM f JOIN seeds s ON s.account_id = f.account_id AND s.asked_at >= f.since AND s.asked_at <= $3::timestamptz
     UNION ALL
     SELECT e.account_id, 'escalation_opened', e.created_at, e.title
       FROM f JOIN escalations e ON e.account_id = f.account_id AND e.created_at >= f.since AND e.created_at <= $3::timestamptz`,
    [since.map((s) => s.id), since.map((s) => s.from), now.toISOString()],
  );
  for (const t of topics) out.get(t.account_id)?.topics.push({ kind: t.kind, at: new Date(t.at), label: t.label });
  return out;
}

/** Marks an account for a recompute of its stored verdict, in the caller's transaction. */
export async function markAutopilotDirty(tx: Queryable, accountId: string, cause = 'marked'): Promise<void> {
  await tx.query('INSERT INTO autopilot_dirty (account_id, cause) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING', [accountId, cause]);
}

export type StoredVerdict = { accountId: string; onAutopilot: boolean; reasons: string[]; touchpointIds: string[]; n: number };

/** Upserts verdicts; a row whose verdict is unchanged keeps its row (only computed_at moves). */
export async function storeVerdicts(q: Queryable, verdicts: StoredVerdict[], now: Date): Promise<void> {
  if (verdicts.length === 0) return;
  await q.query(
    `INSERT INTO account_autopilot (account_id, on_autopilot, reasons, touchpoint_ids, n, computed_at)
     SELECT v.account_id, v.on_autopilot, v.reasons, coalesce(ARRAY(SELECT jsonb_array_elements_text(v.touchpoint_ids)::uuid), '{}'), v.n, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS v(account_id uuid, on_autopilot boolean, reasons jsonb, touchpoint_ids jsonb, n int)
       JOIN accounts a ON a.id = v.account_id
     ON CONFLICT (account_id) DO UPDATE SET on_autopilot = EXCLUDED.on_autopilot, reasons = EXCLUDED.reasons,
       touchpoint_ids = EXCLUDED.touchpoint_ids, n = EXCLUDED.n, computed_at = EXCLUDED.computed_at`,
    [JSON.stringify(verdicts.map((v) => ({ account_id: v.accountId, on_autopilot: v.onAutopilot, reasons: v.reasons, touchpoint_ids: v.touchpointIds, n: v.n }))), now.toISOString()],
  );
}

/** Claims up to `limit` marked accounts (SKIP LOCKED: two workers share the marks); the caller's transaction keeps them until commit. */
export async function claimDirty(tx: Queryable, limit: number): Promise<string[]> {
  const { rows } = await tx.query<{ account_id: string }>(
    `DELETE FROM autopilot_dirty WHERE account_id = ANY (ARRAY(SELECT account_id FROM autopilot_dirty ORDER BY account_id LIMIT $1 FOR UPDATE SKIP LOCKED)) RETURNING account_id`,
    [limit],
  );
  return rows.map((r) => r.account_id);
}

/** A keyset chunk of account ids (the sweep). */
export async function accountChunk(q: Queryable, afterId: string | null, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM accounts ${afterId ? 'WHERE id > $2::uuid' : ''} ORDER BY id LIMIT $1`,
    afterId ? [limit, afterId] : [limit],
  );
  return rows.map((r) => r.id);
}
