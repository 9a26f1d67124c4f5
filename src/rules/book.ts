import type { Queryable } from '../db/connect.js';
import { evaluate, needs } from './evaluate.js';
import { loadFacts } from './facts.js';
import type { Match } from './fire.js';
import type { Condition } from './schema.js';

export const CHUNK = 2000;
const FIRST_ID = '00000000-0000-0000-0000-000000000000';

export type BookMatch = Match & { arr: number; ownerId: string | null };

/** Account ids of the whole book, a chunk at a time (keyset by id). */
export async function* accountChunks(q: Queryable): AsyncGenerator<string[]> {
  for (let after = FIRST_ID; ;) {
    const { rows } = await q.query<{ id: string }>('SELECT id FROM accounts WHERE id > $1 ORDER BY id LIMIT $2', [after, CHUNK]);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]?.id as string;
    yield rows.map((r) => r.id);
  }
}

/**
 * Every account that matches a condition now, with why; nothing fires. Rules look at every
 * account, churned ones too (a condition may ask for stage churned): `evaluated` is the book's
 * "accounts" figure and `churned` how many of them are churned (src/accounts/book.ts).
 */
export async function matchBook(q: Queryable, condition: Condition, now: Date): Promise<{ matches: BookMatch[]; evaluated: number; churned: number }> {
  const need = needs([condition]);
  const matches: BookMatch[] = [];
  let evaluated = 0;
  let churned = 0;
  for await (const ids of accountChunks(q)) {
    const facts = await loadFacts(q, ids, need, now);
    evaluated += facts.size;
    for (const f of facts.values()) {
      if (f.stage === 'churned') churned += 1;
      const e = evaluate(condition, f, now);
      if (e.matched) matches.push({ accountId: f.accountId, name: f.name, arr: f.arr, ownerId: f.ownerId, results: e.results });
    }
  }
  return { matches, evaluated, churned };
}

/**
 * "From now on only": the accounts that match at activation are the rule's baseline and do not
 * fire. This is about the condition's truth, not a timestamp, so it is the same for every
 * condition type (a band, a field, days to renewal, a change within N days): what already holds
 * when the rule is saved is not news.
 */
export async function recordBaseline(tx: Queryable, ruleId: string, condition: Condition, now: Date): Promise<number> {
  await tx.query('DELETE FROM rule_baseline WHERE rule_id = $1', [ruleId]);
  const { matches } = await matchBook(tx, condition, now);
  for (let i = 0; i < matches.length; i += CHUNK) {
    await tx.query(
      'INSERT INTO rule_baseline (rule_id, account_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
      [ruleId, matches.slice(i, i + CHUNK).map((m) => m.accountId)],
    );
  }
  return matches.length;
}

export async function clearBaseline(tx: Queryable, ruleId: string): Promise<void> {
  await tx.query('DELETE FROM rule_baseline WHERE rule_id = $1', [ruleId]);
}

/**
 * Applies the baselines of a chunk's evaluation: a match of an account in its rule's baseline does
 * not fire (it already held at activation); a baseline account that no longer matches leaves the
 * baseline, so its next match is a new one and fires. A match that ends and starts again between
 * two evaluations of the account is seen as one (accounts are evaluated within a minute of a
 * change and hourly by the sweep).
 */
export async function applyBaselines(tx: Queryable, accountIds: string[], evaluated: { ruleId: string; matched: Set<string> }[]): Promise<Map<string, Set<string>>> {
  const held = new Map<string, Set<string>>();
  if (evaluated.length === 0 || accountIds.length === 0) return held;
  const { rows } = await tx.query<{ rule_id: string; account_id: string }>(
    'SELECT rule_id, account_id FROM rule_baseline WHERE rule_id = ANY ($1::uuid[]) AND account_id = ANY ($2::uuid[])',
    [evaluated.map((e) => e.ruleId), accountIds],
  );
  if (rows.length === 0) return held;
  const matchedOf = new Map(evaluated.map((e) => [e.ruleId, e.matched]));
  const ended: { rule_id: string; account_id: string }[] = [];
  for (const r of rows) {
    if (matchedOf.get(r.rule_id)?.has(r.account_id)) held.set(r.rule_id, (held.get(r.rule_id) ?? new Set()).add(r.account_id));
    else ended.push(r);
  }
  if (ended.length) {
    await tx.query(
      `DELETE FROM rule_baseline b USING jsonb_to_recordset($1::jsonb) AS e(rule_id uuid, account_id uuid)
        WHERE b.rule_id = e.rule_id AND b.account_id = e.account_id`,
      [JSON.stringify(ended)],
    );
  }
  return held;
}
