import type { Queryable } from '../../db/connect.js';
import { detect } from './detectors.js';
import { loadFacts, type Wanted } from './load-facts.js';
import { isDetectorKind } from './params.js';
import { loadDefinitions } from './store.js';
import type { Detection, SignalDefinition } from './types.js';

export type AccountDetection = Detection & { accountId: string };

/** Runs the enabled detector definitions over these accounts as of `now` (reads only). */
export async function detectSignals(q: Queryable, accountIds: string[], now: Date, definitions: SignalDefinition[]): Promise<AccountDetection[]> {
  const active = definitions.filter((d) => d.enabled && d.source === 'detector' && isDetectorKind(d.kind));
  if (active.length === 0 || accountIds.length === 0) return [];
  const wanted: Wanted = Object.fromEntries(active.map((d) => [d.kind, d.params]));
  const facts = await loadFacts(q, accountIds, now, wanted);
  const out: AccountDetection[] = [];
  for (const f of facts.values()) {
    for (const d of active) {
      if (!isDetectorKind(d.kind)) continue;
      const hit = detect(d.kind, f, d.params, now);
      if (hit) out.push({ ...hit, accountId: f.accountId });
    }
  }
  return out;
}

const CHUNK = 500;

/**
 * Detects every enabled detector kind for these accounts as of `now` and brings risk_signals in line in the
 * caller's transaction, set-based (per chunk of 500: the fact queries, then three statements): a new fact opens
 * a computed row (started_at = when the fact began, as far as the data says); an open one gets the current
 * evidence and strength; an open computed row whose fact no longer holds (or whose kind was disabled, or whose
 * account churned) ends at `now`.
 */
export async function refreshSignals(tx: Queryable, accountIds: string[], now: Date): Promise<void> {
  if (accountIds.length === 0) return;
  const definitions = await loadDefinitions(tx);
  for (let i = 0; i < accountIds.length; i += CHUNK) {
    const ids = [...new Set(accountIds.slice(i, i + CHUNK))];
    const found = await detectSignals(tx, ids, now, definitions);
    await writeSignals(tx, ids, found, now);
  }
}

async function writeSignals(tx: Queryable, ids: string[], found: AccountDetection[], now: Date): Promise<void> {
  const acc = found.map((d) => d.accountId);
  const kinds = found.map((d) => d.kind);
  const starts = found.map((d) => d.startedAt.toISOString());
  const evidence = found.map((d) => JSON.stringify(d.evidence));
  // End what no longer holds (before opening, so the one-open-per-kind index is never in the way).
  await tx.query(
    `UPDATE risk_signals s SET ended_at = greatest($3::timestamptz, s.started_at), updated_at = $3
      WHERE s.account_id = ANY($1::uuid[]) AND s.source = 'computed' AND s.ended_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM unnest($4::uuid[], $2::text[]) AS f(account_id, kind) WHERE f.account_id = s.account_id AND f.kind = s.kind)`,
    [ids, kinds, now, acc]);
  if (found.length === 0) return;
  await tx.query(
    `UPDATE risk_signals s SET evidence = f.evidence::jsonb, strength = d.strength, updated_at = $4
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS f(account_id, kind, evidence), signal_definitions d
      WHERE s.account_id = f.account_id AND s.kind = f.kind AND d.kind = f.kind AND s.source = 'computed' AND s.ended_at IS NULL
        AND (s.evidence IS DISTINCT FROM f.evidence::jsonb OR s.strength IS DISTINCT FROM d.strength)`,
    [acc, kinds, evidence, now]);
  await tx.query(
    `INSERT INTO risk_signals (account_id, kind, strength, started_at, evidence, source, created_at, updated_at)
     SELECT f.account_id, f.kind, d.strength, least(f.started_at, $5::timestamptz), f.evidence::jsonb, 'computed', $5, $5
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS f(account_id, kind, evidence, started_at)
       JOIN signal_definitions d ON d.kind = f.kind
      WHERE NOT EXISTS (SELECT 1 FROM risk_signals s WHERE s.account_id = f.account_id AND s.kind = f.kind AND s.source = 'computed' AND s.ended_at IS NULL)
     ON CONFLICT DO NOTHING`,
    [acc, kinds, evidence, starts, now]);
}
