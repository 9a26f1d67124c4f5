import type { Queryable } from '../../db/connect.js';
import { AppError } from '../../http/errors.js';
import type { Evidence, RaiseInput, SignalDefinition, SignalFamily, SignalSource, StoredSignal } from './types.js';

type DefinitionRow = {
  id: string; kind: string; family: SignalFamily; label: string; description: string; source: 'detector' | 'external';
  params: Record<string, unknown>; strength: string | number; half_life_days: number; decay_from: 'end' | 'start';
  enabled: boolean; builtin: boolean; updated_at: Date;
};

export const DEFINITION_COLUMNS = 'id, kind, family, label, description, source, params, strength, half_life_days, decay_from, enabled, builtin, updated_at';

export function definitionFromRow(r: DefinitionRow): SignalDefinition {
  return {
    id: r.id, kind: r.kind, family: r.family, label: r.label, description: r.description, source: r.source,
    params: r.params ?? {}, strength: Number(r.strength), halfLifeDays: r.half_life_days, decayFrom: r.decay_from,
    enabled: r.enabled, builtin: r.builtin, updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function loadDefinitions(q: Queryable): Promise<SignalDefinition[]> {
  const { rows } = await q.query<DefinitionRow>(`SELECT ${DEFINITION_COLUMNS} FROM signal_definitions ORDER BY family, kind`);
  return rows.map(definitionFromRow);
}

export async function definitionById(q: Queryable, id: string): Promise<SignalDefinition | null> {
  const { rows } = await q.query<DefinitionRow>(`SELECT ${DEFINITION_COLUMNS} FROM signal_definitions WHERE id = $1`, [id]);
  return rows[0] ? definitionFromRow(rows[0]) : null;
}

type SignalRow = {
  id: string; account_id: string; kind: string; family: SignalFamily; label: string; strength: string | number;
  started_at: Date; ended_at: Date | null; decay_from: 'end' | 'start'; half_life_days: number; evidence: Evidence;
  source: SignalSource; note: string | null; raised_by: string | null; raised_by_name: string | null; withdrawn_at: Date | null;
};

export const SIGNAL_SELECT = `SELECT s.id, s.account_id, s.kind, d.family, d.label, s.strength, s.started_at, s.ended_at,
        d.decay_from, d.half_life_days, s.evidence, s.source, s.note, s.raised_by, u.name AS raised_by_name, s.withdrawn_at
   FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind LEFT JOIN users u ON u.id = s.raised_by`;

export function signalFromRow(r: SignalRow): StoredSignal {
  return {
    id: r.id, accountId: r.account_id, kind: r.kind, family: r.family, label: r.label, strength: Number(r.strength),
    startedAt: new Date(r.started_at), endedAt: r.ended_at ? new Date(r.ended_at) : null, decayFrom: r.decay_from,
    halfLifeDays: r.half_life_days, evidence: r.evidence && typeof r.evidence.summary === 'string' ? r.evidence : { summary: '' },
    source: r.source, note: r.note, raisedBy: r.raised_by ? { id: r.raised_by, name: r.raised_by_name ?? '' } : null,
    withdrawnAt: r.withdrawn_at ? new Date(r.withdrawn_at) : null,
  };
}

export async function signalById(q: Queryable, id: string): Promise<StoredSignal | null> {
  const { rows } = await q.query<SignalRow>(`${SIGNAL_SELECT} WHERE s.id = $1`, [id]);
  return rows[0] ? signalFromRow(rows[0]) : null;
}

/** Signals of these accounts whose start lies in [from, to], ended ones too (a history). */
export async function signalsBetween(q: Queryable, accountIds: string[], from: Date, to: Date): Promise<StoredSignal[]> {
  const { rows } = await q.query<SignalRow>(
    `${SIGNAL_SELECT} WHERE s.account_id = ANY($1::uuid[]) AND s.started_at <= $3 AND (s.ended_at IS NULL OR s.ended_at >= $2)
      ORDER BY s.started_at DESC, s.id`, [accountIds, from, to]);
  return rows.map(signalFromRow);
}

/**
 * Signals that bear on risk at `at` (never a withdrawn one: it was raised by mistake): those open at `at` (started at or before it, not ended by it) and
 * those ended by `at` whose decayed strength there is still at least 1 %. A signal that ended after
 * `at` is returned as open (endedAt null): as of `at` it had not ended.
 */
export async function signalsAsOf(q: Queryable, accountIds: string[], at: Date): Promise<Map<string, StoredSignal[]>> {
  const out = new Map<string, StoredSignal[]>();
  if (accountIds.length === 0) return out;
  const { rows } = await q.query<SignalRow>(
    `${SIGNAL_SELECT}
      WHERE s.account_id = ANY($1::uuid[]) AND s.started_at <= $2 AND s.withdrawn_at IS NULL
        AND (s.ended_at IS NULL OR s.ended_at > $2
             OR s.strength * power(0.5, extract(epoch FROM ($2::timestamptz - CASE WHEN d.decay_from = 'start' THEN s.started_at ELSE s.ended_at END))
                                        / 86400.0 / d.half_life_days) >= 0.01)
      ORDER BY s.account_id, s.started_at, s.id`, [accountIds, at]);
  for (const r of rows) {
    const s = signalFromRow(r);
    if (s.endedAt && s.endedAt.getTime() > at.getTime()) s.endedAt = null;
    const list = out.get(s.accountId);
    if (list) list.push(s); else out.set(s.accountId, [s]);
  }
  return out;
}

/** Raise a signal by hand, by a rule (deduplicated per firing and kind) or by another system. */
export async function raiseSignal(tx: Queryable, input: RaiseInput): Promise<{ id: string }> {
  const def = await tx.query<{ kind: string; strength: string; enabled: boolean }>(
    'SELECT kind, strength, enabled FROM signal_definitions WHERE kind = $1', [input.kind]);
  const d = def.rows[0];
  if (!d) throw new AppError('signal_kind.unknown', `Unknown signal kind "${input.kind}".`, [{ path: 'kind', message: 'unknown kind' }]);
  if (!d.enabled) throw new AppError('signal_kind.disabled', `The signal kind "${input.kind}" is disabled.`, [{ path: 'kind', message: 'disabled' }]);
  if (input.strength !== undefined && !(input.strength > 0 && input.strength < 1)) {
    throw new AppError('risk_signal.invalid', 'strength must be above 0 and below 1.', [{ path: 'strength', message: 'must be in (0, 1)' }]);
  }
  if (input.ruleFiringId) {
    const seen = await tx.query<{ id: string }>('SELECT id FROM risk_signals WHERE rule_firing_id = $1 AND kind = $2 LIMIT 1', [input.ruleFiringId, input.kind]);
    if (seen.rows[0]) return { id: seen.rows[0].id };
  }
  const note = input.note ?? null;
  const summary = note ? note.slice(0, 300) : input.source === 'rule' ? 'Raised by a rule' : input.source === 'api' ? 'Raised by another system' : 'Raised by hand';
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO risk_signals (account_id, kind, strength, started_at, evidence, source, note, raised_by, rule_firing_id)
     VALUES ($1, $2, round($3::numeric, 3), $4, $5::jsonb, $6, $7, $8, $9) RETURNING id`,
    [input.accountId, input.kind, Math.min(0.999, Math.max(0.001, input.strength ?? Number(d.strength))), input.at ?? new Date(),
      JSON.stringify({ summary }), input.source, note, input.by, input.ruleFiringId ?? null]);
  const row = rows[0];
  if (!row) throw new AppError('internal');
  return { id: row.id };
}

/** A rule's raise_risk action for many firings at once (one row per firing and kind; a retry adds none). */
export async function raiseSignalsForFirings(
  tx: Queryable, input: { kind: string; strength?: number | undefined; note: string }, firings: { firingId: string; accountId: string }[], at: Date,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (firings.length === 0) return out;
  const { rows } = await tx.query<{ id: string; account_id: string }>(
    `INSERT INTO risk_signals (account_id, kind, strength, started_at, evidence, source, note, rule_firing_id)
     SELECT f.account_id, d.kind, round(coalesce($3::numeric, d.strength), 3), $5, jsonb_build_object('summary', left($4::text, 300)), 'rule', $4, f.firing_id
       FROM unnest($1::uuid[], $6::uuid[]) AS f(firing_id, account_id) JOIN signal_definitions d ON d.kind = $2 AND d.enabled
      WHERE NOT EXISTS (SELECT 1 FROM risk_signals s WHERE s.rule_firing_id = f.firing_id AND s.kind = d.kind)
     RETURNING id, account_id`,
    [firings.map((f) => f.firingId), input.kind, input.strength ?? null, input.note, at, firings.map((f) => f.accountId)]);
  for (const r of rows) out.set(r.account_id, r.id);
  return out;
}
