import type { Actor } from '../../auth/principal.js';
import { recordAuditRaw } from '../../audit/record.js';
import type { Queryable } from '../../db/connect.js';
import { AppError } from '../../http/errors.js';
import type { FailureMode, FailureModeCreate, FailureModePatch } from './schema.js';

type ModeRow = {
  id: string; key: string | null; name: string; description: string; signal_kinds: string[]; playbook_id: string | null;
  playbook_name: string | null; playbook_archived: boolean | null; owner_team_id: string | null; owner_team_name: string | null;
  archived_at: Date | null; created_at: Date; updated_at: Date; live_risks: number;
  kinds: { kind: string; label: string; family: string }[] | null;
};

const SELECT_MODES = `
  SELECT f.id, f.key, f.name, f.description, f.signal_kinds, f.playbook_id, p.name AS playbook_name,
         (p.archived_at IS NOT NULL) AS playbook_archived, f.owner_team_id, t.name AS owner_team_name,
         f.archived_at, f.created_at, f.updated_at,
         (SELECT count(*)::int FROM account_risks r WHERE r.failure_mode_id = f.id AND r.status IN ('open', 'mitigating')) AS live_risks,
         (SELECT jsonb_agg(jsonb_build_object('kind', k.kind, 'label', coalesce(d.label, k.kind), 'family', coalesce(d.family, 'other')) ORDER BY k.ord)
            FROM unnest(f.signal_kinds) WITH ORDINALITY AS k(kind, ord) LEFT JOIN signal_definitions d ON d.kind = k.kind) AS kinds
    FROM failure_modes f LEFT JOIN playbooks p ON p.id = f.playbook_id LEFT JOIN teams t ON t.id = f.owner_team_id`;

function toMode(r: ModeRow): FailureMode {
  return {
    id: r.id, key: r.key, name: r.name, description: r.description,
    signalKinds: r.kinds ?? [],
    playbook: r.playbook_id && r.playbook_name !== null ? { id: r.playbook_id, name: r.playbook_name, archived: r.playbook_archived === true } : null,
    ownerTeam: r.owner_team_id && r.owner_team_name !== null ? { id: r.owner_team_id, name: r.owner_team_name } : null,
    liveRisks: r.live_risks, archived: r.archived_at !== null,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function listModes(q: Queryable, opts: { includeArchived: boolean }): Promise<FailureMode[]> {
  const { rows } = await q.query<ModeRow>(`${SELECT_MODES} WHERE $1 OR f.archived_at IS NULL ORDER BY f.archived_at IS NOT NULL, lower(f.name), f.id`, [opts.includeArchived]);
  return rows.map(toMode);
}

export async function getMode(q: Queryable, id: string): Promise<FailureMode | null> {
  const { rows } = await q.query<ModeRow>(`${SELECT_MODES} WHERE f.id = $1`, [id]);
  return rows[0] ? toMode(rows[0]) : null;
}

/** Every kind must be defined (an unknown kind is refused, never mapped); the playbook and team must exist. */
async function checkRefs(q: Queryable, v: { signalKinds?: string[] | undefined; playbookId?: string | null | undefined; ownerTeamId?: string | null | undefined }) {
  if (v.signalKinds?.length) {
    const { rows } = await q.query<{ kind: string }>('SELECT kind FROM signal_definitions WHERE kind = ANY ($1::text[])', [v.signalKinds]);
    const known = new Set(rows.map((r) => r.kind));
    const unknown = v.signalKinds.map((k, i) => [k, i] as const).filter(([k]) => !known.has(k));
    if (unknown.length) {
      throw new AppError('signal_kind.unknown', `Unknown signal kind${unknown.length > 1 ? 's' : ''}: ${unknown.map(([k]) => k).join(', ')}.`,
        unknown.map(([k, i]) => ({ path: `signalKinds.${i}`, message: `no signal definition has the kind ${k}` })));
    }
  }
  if (v.playbookId) {
    const { rows } = await q.query<{ archived: boolean }>('SELECT archived_at IS NOT NULL AS archived FROM playbooks WHERE id = $1', [v.playbookId]);
    if (!rows[0]) throw new AppError('failure_mode.invalid', 'No such playbook.', [{ path: 'playbookId', message: 'no such playbook' }]);
    if (rows[0].archived) throw new AppError('failure_mode.invalid', 'This playbook is archived.', [{ path: 'playbookId', message: 'the playbook is archived' }]);
  }
  if (v.ownerTeamId) {
    const { rows: team } = await q.query('SELECT 1 FROM teams WHERE id = $1', [v.ownerTeamId]);
    if (team.length === 0) throw new AppError('failure_mode.invalid', 'No such team.', [{ path: 'ownerTeamId', message: 'no such team' }]);
  }
}

const nameTaken = (err: unknown) => (err as { code?: string }).code === '23505';
const dedupe = (kinds: string[]) => [...new Set(kinds)];

export async function createMode(tx: Queryable, input: FailureModeCreate, actor: Actor): Promise<FailureMode> {
  await checkRefs(tx, input);
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO failure_modes (key, name, description, signal_kinds, playbook_id, owner_team_id, created_by)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7)
     ON CONFLICT DO NOTHING RETURNING id`,
    [input.key ?? null, input.name, input.description, dedupe(input.signalKinds), input.playbookId, input.ownerTeamId, actor.type === 'user' ? actor.id : null],
  );
  const id = rows[0]?.id;
  if (!id) throw new AppError('failure_mode.name_taken', undefined, [{ path: input.key ? 'key' : 'name', message: 'already taken' }]);
  await recordAuditRaw(tx, actor, [{ action: 'create', objectType: 'failure_mode', objectId: id, objectLabel: input.name, changes: { ...input } }]);
  return (await getMode(tx, id)) as FailureMode;
}

export async function updateMode(tx: Queryable, id: string, patch: FailureModePatch, actor: Actor): Promise<FailureMode> {
  const before = await getMode(tx, id);
  if (!before) throw new AppError('failure_mode.not_found');
  await checkRefs(tx, patch);
  try {
    await tx.query(
      `UPDATE failure_modes SET
         name = coalesce($2, name), description = coalesce($3, description), signal_kinds = coalesce($4::text[], signal_kinds),
         playbook_id = CASE WHEN $5 THEN $6::uuid ELSE playbook_id END,
         owner_team_id = CASE WHEN $7 THEN $8::uuid ELSE owner_team_id END,
         archived_at = CASE WHEN $9::boolean IS NULL THEN archived_at WHEN $9 THEN coalesce(archived_at, now()) ELSE NULL END,
         updated_at = now()
       WHERE id = $1`,
      [id, patch.name ?? null, patch.description ?? null, patch.signalKinds ? dedupe(patch.signalKinds) : null,
        'playbookId' in patch, patch.playbookId ?? null, 'ownerTeamId' in patch, patch.ownerTeamId ?? null, patch.archived ?? null],
    );
  } catch (err) {
    if (nameTaken(err)) throw new AppError('failure_mode.name_taken', undefined, [{ path: 'name', message: 'already taken' }]);
    throw err;
  }
  const after = (await getMode(tx, id)) as FailureMode;
  await recordAuditRaw(tx, actor, [{
    action: patch.archived === true ? 'archive' : 'update', objectType: 'failure_mode', objectId: id, objectLabel: after.name,
    changes: { from: pick(before, patch), to: pick(after, patch) },
  }]);
  return after;
}

function pick(m: FailureMode, patch: FailureModePatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('name' in patch) out.name = m.name;
  if ('description' in patch) out.description = m.description;
  if ('signalKinds' in patch) out.signalKinds = m.signalKinds.map((k) => k.kind);
  if ('playbookId' in patch) out.playbookId = m.playbook?.id ?? null;
  if ('ownerTeamId' in patch) out.ownerTeamId = m.ownerTeam?.id ?? null;
  if ('archived' in patch) out.archived = m.archived;
  return out;
}
