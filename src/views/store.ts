import type { Queryable } from '../db/connect.js';
import type { ViewScope, ViewState } from './state.js';

/** A saved view as stored, with its owner's name. */
export type ViewRow = {
  id: string; owner_id: string; owner_name: string; scope: ViewScope; name: string; shared: boolean; team_id: string | null;
  state: ViewState; team_default: boolean; created_at: string; updated_at: string;
};
export type Viewer = { userId: string; teamId: string | null };

const COLS = `v.id, v.owner_id, u.name AS owner_name, v.scope, v.name, v.shared, v.team_id, v.state, v.team_default,
  to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(v.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at`;
/** Visible: one's own, or shared with everyone (no team) or with one's team. */
const VISIBLE = '(v.owner_id = $1 OR (v.shared AND (v.team_id IS NULL OR v.team_id = $2)))';

export async function listVisible(q: Queryable, who: Viewer, scope: ViewScope | undefined): Promise<ViewRow[]> {
  const { rows } = await q.query<ViewRow>(
    `SELECT ${COLS} FROM saved_views v JOIN users u ON u.id = v.owner_id
      WHERE ${VISIBLE} AND ($3::text IS NULL OR v.scope = $3) ORDER BY v.scope, v.owner_id = $1 DESC, lower(v.name), v.id`,
    [who.userId, who.teamId, scope ?? null],
  );
  return rows;
}

export async function getVisible(q: Queryable, who: Viewer, id: string): Promise<ViewRow | undefined> {
  const { rows } = await q.query<ViewRow>(`SELECT ${COLS} FROM saved_views v JOIN users u ON u.id = v.owner_id WHERE ${VISIBLE} AND v.id = $3`, [who.userId, who.teamId, id]);
  return rows[0];
}

/** The user's own default per scope (only views they still see). */
export async function userDefaults(q: Queryable, who: Viewer): Promise<Map<ViewScope, string>> {
  const { rows } = await q.query<{ scope: ViewScope; view_id: string }>(
    `SELECT d.scope, d.view_id FROM user_view_defaults d JOIN saved_views v ON v.id = d.view_id WHERE d.user_id = $1 AND ${VISIBLE}`,
    [who.userId, who.teamId],
  );
  return new Map(rows.map((r) => [r.scope, r.view_id]));
}

export type NewView = { ownerId: string; scope: ViewScope; name: string; shared: boolean; teamId: string | null; state: ViewState };

/** Inserts a view; undefined when the owner already has a view of that name in the scope. */
export async function insertView(q: Queryable, v: NewView): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO saved_views (owner_id, scope, name, shared, team_id, state) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (owner_id, scope, lower(name)) DO NOTHING RETURNING id`,
    [v.ownerId, v.scope, v.name, v.shared, v.teamId, JSON.stringify(v.state)],
  );
  return rows[0]?.id;
}

export async function nameTaken(q: Queryable, ownerId: string, scope: ViewScope, name: string, exceptId: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM saved_views WHERE owner_id = $1 AND scope = $2 AND lower(name) = lower($3) AND id <> $4', [ownerId, scope, name, exceptId]);
  return rows.length > 0;
}

export async function updateView(q: Queryable, id: string, patch: { name?: string; shared?: boolean; state?: ViewState }): Promise<void> {
  await q.query(
    `UPDATE saved_views SET name = coalesce($2, name), shared = coalesce($3, shared), state = coalesce($4::jsonb, state),
            team_default = team_default AND coalesce($3, shared), updated_at = now() WHERE id = $1`,
    [id, patch.name ?? null, patch.shared ?? null, patch.state ? JSON.stringify(patch.state) : null],
  );
  // a view no longer shared is nobody else's default
  if (patch.shared === false) await q.query('DELETE FROM user_view_defaults d USING saved_views v WHERE d.view_id = v.id AND v.id = $1 AND d.user_id <> v.owner_id', [id]);
}

/** Makes the view its team's default for its scope (clearing the previous one), or clears it. */
export async function setTeamDefault(q: Queryable, view: Pick<ViewRow, 'id' | 'scope' | 'team_id'>, on: boolean): Promise<void> {
  if (on) {
    await q.query(`UPDATE saved_views SET team_default = false, updated_at = now() WHERE team_default AND scope = $1 AND team_id IS NOT DISTINCT FROM $2 AND id <> $3`, [view.scope, view.team_id, view.id]);
  }
  await q.query('UPDATE saved_views SET team_default = $2, updated_at = now() WHERE id = $1', [view.id, on]);
}

export async function deleteView(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM saved_views WHERE id = $1', [id]);
}

export async function setUserDefault(q: Queryable, userId: string, scope: ViewScope, viewId: string | null): Promise<void> {
  if (viewId === null) await q.query('DELETE FROM user_view_defaults WHERE user_id = $1 AND scope = $2', [userId, scope]);
  else await q.query(
    `INSERT INTO user_view_defaults (user_id, scope, view_id) VALUES ($1, $2, $3) ON CONFLICT (user_id, scope) DO UPDATE SET view_id = EXCLUDED.view_id`,
    [userId, scope, viewId],
  );
}
