import type { Database, Queryable } from '../../db/connect.js';
import type { Actor } from '../../auth/principal.js';
import { recordAuditRaw } from '../../audit/record.js';
import { AppError } from '../../http/errors.js';
import { decayedStrength } from './decay.js';
import { parseParams } from './params.js';
import { detectSignals } from './refresh.js';
import { DEFINITION_COLUMNS, definitionById, definitionFromRow, loadDefinitions, raiseSignal, signalById } from './store.js';
import type { DefinitionCreate, DefinitionPatch, SignalCreate, SignalPatch } from './schema.js';
import type { Evidence, SignalDefinition, StoredSignal } from './types.js';

const CHUNK = 500;
const DAY = 86_400_000;
const LIST_MAX = 100;
/** How far back a raised signal may start: older facts bear no weight on risk and look like a typo (1901). */
export const MAX_START_AGE_DAYS = 730;

export function signalDto(s: StoredSignal, at = new Date()) {
  return {
    id: s.id, accountId: s.accountId, kind: s.kind, family: s.family, label: s.label, strength: s.strength,
    effective: s.withdrawnAt ? 0 : Math.round(decayedStrength(s, at) * 10_000) / 10_000, startedAt: s.startedAt.toISOString(),
    endedAt: s.endedAt ? s.endedAt.toISOString() : null, evidence: s.evidence, source: s.source, note: s.note, raisedBy: s.raisedBy,
    withdrawnAt: s.withdrawnAt ? s.withdrawnAt.toISOString() : null, contribution: 0,
  };
}

function checkParams(kind: string, params: unknown) {
  const r = parseParams(kind, params);
  if (!r.ok) throw new AppError('signal_definition.invalid', `Invalid params for ${kind}: ${r.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`.slice(0, 500), r.errors);
  return r.params;
}

/** Signal definitions (CRUD + dry run) and signals raised by hand or by API. */
export function createSignalService(database: Database) {
  async function mustDefinition(q: Queryable, id: string) {
    const d = await definitionById(q, id);
    if (!d) throw new AppError('signal_definition.not_found');
    return d;
  }

  /** Accounts (not churned) that would have the kind under `def`, against those that have it open now. Reads only. */
  async function dryRun(id: string, proposal: DefinitionPatch) {
    const current = await mustDefinition(database, id);
    if (current.source !== 'detector') throw new AppError('signal_definition.invalid', 'An external kind has no detector: it is raised by hand, by a rule or by the API.');
    const def: SignalDefinition = { ...current, ...stripUndefined(proposal), params: proposal.params ? checkParams(current.kind, proposal.params) : current.params };
    const now = new Date();
    const open = await database.query<{ account_id: string; name: string; evidence: Evidence }>(
      `SELECT s.account_id, a.name, s.evidence FROM risk_signals s JOIN accounts a ON a.id = s.account_id
        WHERE s.kind = $1 AND s.source = 'computed' AND s.ended_at IS NULL AND a.stage <> 'churned'`, [current.kind]);
    const had = new Map(open.rows.map((r) => [r.account_id, r]));
    const added: { accountId: string; name: string; evidence: Evidence }[] = [];
    const sample: typeof added = [];
    const would = new Set<string>();
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await database.query<{ id: string; name: string }>(
        `SELECT id, name FROM accounts WHERE stage <> 'churned' AND id > $1 ORDER BY id LIMIT ${CHUNK}`, [after]);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]?.id ?? after;
      const names = new Map(rows.map((r) => [r.id, r.name]));
      const found = def.enabled ? await detectSignals(database, rows.map((r) => r.id), now, [def]) : [];
      for (const f of found) {
        would.add(f.accountId);
        const item = { accountId: f.accountId, name: names.get(f.accountId) ?? '', evidence: f.evidence };
        if (sample.length < 5) sample.push(item);
        if (!had.has(f.accountId) && added.length < LIST_MAX) added.push(item);
      }
      if (rows.length < CHUNK) break;
    }
    const removed = [...had.values()].filter((r) => !would.has(r.account_id)).slice(0, LIST_MAX)
      .map((r) => ({ accountId: r.account_id, name: r.name, evidence: r.evidence }));
    return { now: { accounts: had.size }, proposed: { accounts: would.size }, added, removed, sample };
  }

  return {
    listDefinitions: () => loadDefinitions(database),
    getDefinition: (id: string) => mustDefinition(database, id),

    async createDefinition(input: DefinitionCreate, actor: Actor): Promise<SignalDefinition> {
      return database.transaction(async (tx) => {
        const { rows } = await tx.query<Parameters<typeof definitionFromRow>[0]>(
          `INSERT INTO signal_definitions (kind, family, label, description, source, params, strength, half_life_days, decay_from, updated_by)
           VALUES ($1, $2, $3, $4, 'external', '{}', $5, $6, $7, $8) ON CONFLICT (kind) DO NOTHING RETURNING ${DEFINITION_COLUMNS}`,
          [input.kind, input.family, input.label, input.description, input.strength, input.halfLifeDays, input.decayFrom, actor.type === 'user' ? actor.id : null]);
        const row = rows[0];
        if (!row) throw new AppError('signal_definition.kind_taken');
        const d = definitionFromRow(row);
        await recordAuditRaw(tx, actor, [{ action: 'signal_definition.create', objectType: 'signal_definition', objectId: d.id, objectLabel: d.kind, changes: { ...input } }]);
        return d;
      });
    },

    async updateDefinition(id: string, patch: DefinitionPatch, actor: Actor): Promise<SignalDefinition> {
      return database.transaction(async (tx) => {
        const before = await mustDefinition(tx, id);
        const params = patch.params === undefined ? undefined : checkParams(before.kind, patch.params);
        if (params && before.source === 'external' && Object.keys(params).length) throw new AppError('signal_definition.invalid', 'External kinds take no params.', [{ path: 'params', message: 'must be empty' }]);
        const { rows } = await tx.query<Parameters<typeof definitionFromRow>[0]>(
          `UPDATE signal_definitions SET label = coalesce($2, label), description = coalesce($3, description), params = coalesce($4::jsonb, params),
                  strength = coalesce($5, strength), half_life_days = coalesce($6, half_life_days), decay_from = coalesce($7, decay_from),
                  enabled = coalesce($8, enabled), family = coalesce($9, family), updated_by = $10, updated_at = now()
            WHERE id = $1 RETURNING ${DEFINITION_COLUMNS}`,
          [id, patch.label ?? null, patch.description ?? null, params ? JSON.stringify(params) : null, patch.strength ?? null, patch.halfLifeDays ?? null,
            patch.decayFrom ?? null, patch.enabled ?? null, patch.family ?? null, actor.type === 'user' ? actor.id : null]);
        const row = rows[0];
        if (!row) throw new AppError('signal_definition.not_found');
        const after = definitionFromRow(row);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const k of Object.keys(patch) as (keyof DefinitionPatch)[]) {
          const key = k as keyof SignalDefinition;
          if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[k] = { from: before[key], to: after[key] };
        }
        await recordAuditRaw(tx, actor, [{ action: 'signal_definition.update', objectType: 'signal_definition', objectId: id, objectLabel: after.kind, changes }]);
        // Every account's signals of this kind must be detected again under the new definition.
        if (Object.keys(changes).length) await tx.query(`INSERT INTO risk_dirty (account_id, cause) SELECT id, 'signal_definition' FROM accounts WHERE stage <> 'churned' ON CONFLICT (account_id) DO NOTHING`);
        return after;
      });
    },

    dryRun,

    get: (id: string) => signalById(database, id),

    async raise(input: SignalCreate, source: 'manual' | 'api', actor: Actor) {
      const at = input.startedAt ? new Date(input.startedAt) : new Date();
      if (at.getTime() > Date.now() + 60_000) throw new AppError('risk_signal.invalid', 'startedAt must not be in the future.', [{ path: 'startedAt', message: 'in the future' }]);
      if (at.getTime() < Date.now() - MAX_START_AGE_DAYS * DAY) {
        throw new AppError('risk_signal.invalid', `startedAt must be within the last ${MAX_START_AGE_DAYS} days.`, [{ path: 'startedAt', message: `more than ${MAX_START_AGE_DAYS} days ago` }]);
      }
      return database.transaction(async (tx) => {
        const { id } = await raiseSignal(tx, { accountId: input.accountId, kind: input.kind, ...(input.strength !== undefined ? { strength: input.strength } : {}),
          note: input.note ?? null, source, by: actor.type === 'user' ? actor.id : null, at });
        await recordAuditRaw(tx, actor, [{ action: 'risk_signal.raise', objectType: 'account', objectId: input.accountId, changes: { signalId: id, kind: input.kind, strength: input.strength ?? null, note: input.note ?? null, source } }]);
        const s = await signalById(tx, id);
        if (!s) throw new AppError('internal');
        return signalDto(s);
      });
    },

    /** Resolve ({ended}: it was real and was dealt with; it fades) or withdraw ({withdrawn}: raised by mistake; it never counts). */
    async resolve(id: string, patch: SignalPatch, actor: Actor) {
      return database.transaction(async (tx) => {
        const s = await signalById(tx, id);
        if (!s) throw new AppError('risk_signal.not_found');
        if (s.source === 'computed') throw new AppError('risk_signal.computed');
        if (s.source === 'imported') throw new AppError('risk_signal.invalid', 'An imported signal is history from before Canopy watched the account: it cannot be resolved or withdrawn.');
        const by = actor.type === 'user' ? actor.id : null;
        const note = patch.note ?? null;
        if ('withdrawn' in patch) {
          if (!s.withdrawnAt) {
            await tx.query(`UPDATE risk_signals SET withdrawn_at = now(), withdrawn_by = $2, ended_at = started_at, resolved_by = coalesce(resolved_by, $2),
                                   resolved_note = coalesce($3, resolved_note), updated_at = now() WHERE id = $1`, [id, by, note]);
            await recordAuditRaw(tx, actor, [{ action: 'risk_signal.withdraw', objectType: 'account', objectId: s.accountId, changes: { signalId: id, kind: s.kind, note } }]);
          }
        } else if (!s.endedAt) {
          await tx.query(`UPDATE risk_signals SET ended_at = greatest(now(), started_at), resolved_by = $2, resolved_note = $3, updated_at = now() WHERE id = $1`, [id, by, note]);
          await recordAuditRaw(tx, actor, [{ action: 'risk_signal.resolve', objectType: 'account', objectId: s.accountId, changes: { signalId: id, kind: s.kind, note } }]);
        }
        const after = await signalById(tx, id);
        if (!after) throw new AppError('risk_signal.not_found');
        return signalDto(after);
      });
    },
  };
}
export type SignalService = ReturnType<typeof createSignalService>;

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
