import type { Actor } from '../../auth/principal.js';
import { recordAuditRaw } from '../../audit/record.js';
import type { Queryable } from '../../db/connect.js';
import { cursorTimestamp, decodeCursor, encodeCursor } from '../../http/cursor.js';
import { AppError } from '../../http/errors.js';
import { z } from 'zod';
import type { RaisedRisk, RiskCreate, RiskListQuery, RiskPatch, RiskStatus } from './schema.js';

export type Ownable = { ownerId: string | null; teamId: string | null };
/** A raised risk as stored, with its account's ownership (for the policy) — canEdit is the route's to set. */
export type LoadedRisk = { risk: Omit<RaisedRisk, 'canEdit'>; account: Ownable; failureModePlaybookId: string | null; playbookArchived: boolean };

type Row = {
  id: string; account_id: string; account_name: string; owner_id: string | null; team_id: string | null;
  failure_mode_id: string | null; fm_key: string | null; fm_name: string | null; fm_kinds: string[] | null;
  playbook_id: string | null; playbook_name: string | null; playbook_archived: boolean | null;
  title: string; status: RiskStatus; arr_at_risk: string | number | null; owner_team_id: string | null; owner_team_name: string | null;
  note: string | null; signal_ids: string[]; playbook_run_id: string | null; run_status: string | null;
  raised_by: string | null; raised_by_name: string | null; created_at: Date; updated_at: Date; resolved_at: Date | null; cursor_at: string;
  signal_kinds: string[] | null;
};

const SELECT = `
  SELECT r.id, r.account_id, a.name AS account_name, a.owner_id, a.team_id,
         r.failure_mode_id, f.key AS fm_key, f.name AS fm_name, f.signal_kinds AS fm_kinds,
         p.id AS playbook_id, p.name AS playbook_name, (p.archived_at IS NOT NULL) AS playbook_archived,
         r.title, r.status, r.arr_at_risk, r.owner_team_id, t.name AS owner_team_name, r.note, r.signal_ids,
         r.playbook_run_id, pr.status AS run_status, r.raised_by, u.name AS raised_by_name,
         r.created_at, r.updated_at, r.resolved_at, r.created_at::text AS cursor_at,
         (SELECT array_agg(DISTINCT s.kind) FROM risk_signals s WHERE s.id = ANY (r.signal_ids)) AS signal_kinds
    FROM account_risks r JOIN accounts a ON a.id = r.account_id
    LEFT JOIN failure_modes f ON f.id = r.failure_mode_id
    LEFT JOIN playbooks p ON p.id = f.playbook_id
    LEFT JOIN teams t ON t.id = r.owner_team_id
    LEFT JOIN playbook_runs pr ON pr.id = r.playbook_run_id
    LEFT JOIN users u ON u.id = r.raised_by`;

function toLoaded(r: Row): LoadedRisk {
  const mine = new Set(r.signal_kinds ?? []);
  return {
    risk: {
      id: r.id, accountId: r.account_id, accountName: r.account_name,
      failureMode: r.failure_mode_id && r.fm_name !== null ? {
        id: r.failure_mode_id, key: r.fm_key, name: r.fm_name,
        playbook: r.playbook_id && r.playbook_name !== null ? { id: r.playbook_id, name: r.playbook_name } : null,
        matchedKinds: (r.fm_kinds ?? []).filter((k) => mine.has(k)),
      } : null,
      title: r.title, status: r.status, arrAtRisk: r.arr_at_risk === null ? null : Number(r.arr_at_risk),
      ownerTeam: r.owner_team_id && r.owner_team_name !== null ? { id: r.owner_team_id, name: r.owner_team_name } : null,
      note: r.note, signalIds: r.signal_ids,
      playbookRun: r.playbook_run_id && r.run_status !== null ? { id: r.playbook_run_id, status: r.run_status } : null,
      raisedBy: r.raised_by && r.raised_by_name !== null ? { id: r.raised_by, name: r.raised_by_name } : null,
      createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
      resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
    },
    account: { ownerId: r.owner_id, teamId: r.team_id },
    failureModePlaybookId: r.playbook_id,
    playbookArchived: r.playbook_archived === true,
  };
}

export async function loadRisk(q: Queryable, id: string): Promise<LoadedRisk | null> {
  const { rows } = await q.query<Row>(`${SELECT} WHERE r.id = $1`, [id]);
  return rows[0] ? toLoaded(rows[0]) : null;
}

const cursorSchema = z.tuple([cursorTimestamp, z.uuid()]);

/** Newest first, keyset on (created_at, id). */
export async function listRisks(q: Queryable, query: RiskListQuery): Promise<{ items: LoadedRisk[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, cursorSchema) : null;
  const { rows } = await q.query<Row>(
    `${SELECT}
      WHERE ($1::text IS NULL OR r.status = $1 OR ($1 = 'live' AND r.status IN ('open', 'mitigating')))
        AND ($2::uuid IS NULL OR r.account_id = $2) AND ($3::uuid IS NULL OR r.failure_mode_id = $3)
        AND ($4::timestamptz IS NULL OR (r.created_at, r.id) < ($4::timestamptz, $5::uuid))
      ORDER BY r.created_at DESC, r.id DESC LIMIT $6`,
    [query.status ?? null, query.accountId ?? null, query.failureModeId ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: page.map(toLoaded), nextCursor: rows.length > query.limit && last ? encodeCursor([last.cursor_at, last.id]) : null };
}

type AccountFacts = { id: string; name: string; arr: string | number; team_id: string | null; owner_id: string | null; probability: string | number | null };

/**
 * Raises a risk on an account. A second live risk of the same failure mode is not made: the live
 * one comes back with reused = true (the partial unique index decides, so two clicks at once agree).
 */
export async function raiseRisk(tx: Queryable, accountId: string, input: RiskCreate, actor: Actor):
  Promise<{ id: string; reused: boolean; arrAtRiskBasis: string | null }> {
  const { rows: [account] } = await tx.query<AccountFacts>(
    `SELECT a.id, a.name, a.arr, coalesce(a.team_id, o.team_id) AS team_id, a.owner_id, ar.probability
       FROM accounts a LEFT JOIN users o ON o.id = a.owner_id LEFT JOIN account_risk ar ON ar.account_id = a.id WHERE a.id = $1`, [accountId],
  );
  if (!account) throw new AppError('account.not_found');
  let mode: { id: string; name: string; owner_team_id: string | null; archived: boolean } | undefined;
  if (input.failureModeId) {
    ({ rows: [mode] } = await tx.query<{ id: string; name: string; owner_team_id: string | null; archived: boolean }>(
      'SELECT id, name, owner_team_id, archived_at IS NOT NULL AS archived FROM failure_modes WHERE id = $1', [input.failureModeId]));
    if (!mode) throw new AppError('failure_mode.not_found', undefined, [{ path: 'failureModeId', message: 'no such failure mode' }]);
    if (mode.archived) throw new AppError('account_risk.invalid', 'This failure mode is archived.', [{ path: 'failureModeId', message: 'archived' }]);
  }
  const title = input.title ?? mode?.name;
  if (!title) throw new AppError('account_risk.invalid', 'Name the risk: send a title or a failure mode.', [{ path: 'title', message: 'required without failureModeId' }]);
  const signalIds = [...new Set(input.signalIds ?? [])];
  if (signalIds.length) {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM risk_signals WHERE account_id = $1 AND id = ANY ($2::uuid[])', [accountId, signalIds]);
    const found = new Set(rows.map((r) => r.id));
    const missing = signalIds.map((s, i) => [s, i] as const).filter(([s]) => !found.has(s));
    if (missing.length) throw new AppError('account_risk.invalid', 'Some signals are not signals of this account.', missing.map(([, i]) => ({ path: `signalIds.${i}`, message: 'not a signal of this account' })));
  }
  let arrAtRisk = input.arrAtRisk ?? null;
  let arrAtRiskBasis: string | null = null;
  if (input.arrAtRisk === undefined && account.probability !== null) {
    const probability = Number(account.probability);
    arrAtRisk = Math.round(Number(account.arr) * probability * 100) / 100;
    arrAtRiskBasis = `The account's ARR (${Number(account.arr)}) × its compound risk probability (${probability}), as no arrAtRisk was sent.`;
  } else if (input.arrAtRisk === undefined) {
    arrAtRiskBasis = 'Left empty: no arrAtRisk was sent and the account has no compound risk yet.';
  }
  const { rows: [created] } = await tx.query<{ id: string }>(
    `INSERT INTO account_risks (account_id, failure_mode_id, title, arr_at_risk, owner_team_id, owner_user_id, note, signal_ids, raised_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9)
     ON CONFLICT (account_id, failure_mode_id) WHERE status IN ('open', 'mitigating') DO NOTHING RETURNING id`,
    [accountId, mode?.id ?? null, title, arrAtRisk, mode?.owner_team_id ?? account.team_id, account.owner_id, input.note ?? null, signalIds,
      actor.type === 'user' ? actor.id : null],
  );
  if (!created) {
    const { rows: [live] } = await tx.query<{ id: string }>(
      "SELECT id FROM account_risks WHERE account_id = $1 AND failure_mode_id = $2 AND status IN ('open', 'mitigating')", [accountId, mode?.id]);
    if (!live) throw new Error('account_risks: the live-risk conflict left no live row');
    return { id: live.id, reused: true, arrAtRiskBasis: null };
  }
  await recordAuditRaw(tx, actor, [{ action: 'create', objectType: 'account_risk', objectId: created.id, objectLabel: `${account.name}: ${title}`,
    changes: { accountId, failureModeId: mode?.id ?? null, title, arrAtRisk, signalIds } }]);
  return { id: created.id, reused: false, arrAtRiskBasis };
}

export async function updateRisk(tx: Queryable, before: LoadedRisk, patch: RiskPatch, actor: Actor): Promise<void> {
  if (patch.ownerTeamId) {
    const { rows: team } = await tx.query('SELECT 1 FROM teams WHERE id = $1', [patch.ownerTeamId]);
    if (team.length === 0) throw new AppError('account_risk.invalid', 'No such team.', [{ path: 'ownerTeamId', message: 'no such team' }]);
  }
  const reopening = patch.status !== undefined && ['open', 'mitigating'].includes(patch.status) && ['resolved', 'accepted'].includes(before.risk.status);
  if (reopening && before.risk.failureMode) {
    const { rows: others } = await tx.query(
      "SELECT 1 FROM account_risks WHERE account_id = $1 AND failure_mode_id = $2 AND status IN ('open', 'mitigating') AND id <> $3",
      [before.risk.accountId, before.risk.failureMode.id, before.risk.id]);
    if (others.length) throw new AppError('account_risk.live_exists', undefined, [{ path: 'status', message: 'another live risk of this failure mode exists' }]);
  }
  await tx.query(
    `UPDATE account_risks SET
       status = coalesce($2, status),
       resolved_at = CASE WHEN $2::text IS NULL THEN resolved_at WHEN $2 IN ('resolved', 'accepted') THEN coalesce(resolved_at, now()) ELSE NULL END,
       note = CASE WHEN $3 THEN $4 ELSE note END,
       arr_at_risk = CASE WHEN $5 THEN $6::numeric ELSE arr_at_risk END,
       owner_team_id = CASE WHEN $7 THEN $8::uuid ELSE owner_team_id END,
       updated_at = now()
     WHERE id = $1`,
    [before.risk.id, patch.status ?? null, 'note' in patch, patch.note ?? null, 'arrAtRisk' in patch, patch.arrAtRisk ?? null,
      'ownerTeamId' in patch, patch.ownerTeamId ?? null],
  );
  const from: Record<string, unknown> = {};
  const to: Record<string, unknown> = {};
  if ('status' in patch) { from.status = before.risk.status; to.status = patch.status; }
  if ('note' in patch) { from.note = before.risk.note; to.note = patch.note; }
  if ('arrAtRisk' in patch) { from.arrAtRisk = before.risk.arrAtRisk; to.arrAtRisk = patch.arrAtRisk; }
  if ('ownerTeamId' in patch) { from.ownerTeamId = before.risk.ownerTeam?.id ?? null; to.ownerTeamId = patch.ownerTeamId; }
  const action = patch.status === 'resolved' ? 'resolve' : patch.status === 'accepted' ? 'accept' : 'update';
  await recordAuditRaw(tx, actor, [{ action, objectType: 'account_risk', objectId: before.risk.id, objectLabel: `${before.risk.accountName}: ${before.risk.title}`, changes: { from, to } }]);
}

/** Links a started run and moves the risk to mitigating (in the transaction that started the run). */
export async function linkRun(tx: Queryable, risk: LoadedRisk, runId: string, actor: Actor): Promise<void> {
  await tx.query("UPDATE account_risks SET playbook_run_id = $2, status = 'mitigating', resolved_at = NULL, updated_at = now() WHERE id = $1", [risk.risk.id, runId]);
  await recordAuditRaw(tx, actor, [{ action: 'start_playbook', objectType: 'account_risk', objectId: risk.risk.id, objectLabel: `${risk.risk.accountName}: ${risk.risk.title}`,
    changes: { runId, playbookId: risk.failureModePlaybookId, from: { status: risk.risk.status }, to: { status: 'mitigating' } } }]);
}
