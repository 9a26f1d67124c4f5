import type { Queryable } from '../../db/connect.js';
import { matchFailureModes } from './match.js';

export type FailureModeRef = { id: string; key: string | null; name: string; playbook: { id: string; name: string } | null; matchedKinds: string[] };

type ModeRow = { id: string; key: string | null; name: string; signal_kinds: string[]; playbook_id: string | null; playbook_name: string | null };

/** Failure modes whose signal kinds meet these kinds, best match first (archived modes never match). */
export async function failureModesFor(q: Queryable, kinds: string[]): Promise<FailureModeRef[]> {
  if (kinds.length === 0) return [];
  const { rows } = await q.query<ModeRow>(
    `SELECT f.id, f.key, f.name, f.signal_kinds, p.id AS playbook_id, p.name AS playbook_name
       FROM failure_modes f LEFT JOIN playbooks p ON p.id = f.playbook_id
      WHERE f.archived_at IS NULL AND f.signal_kinds && $1::text[]`,
    [kinds],
  );
  const modes = rows.map((r) => ({ ...r, signalKinds: r.signal_kinds }));
  return matchFailureModes(modes, kinds).map(({ mode, matchedKinds }) => ({
    id: mode.id, key: mode.key, name: mode.name,
    playbook: mode.playbook_id && mode.playbook_name ? { id: mode.playbook_id, name: mode.playbook_name } : null,
    matchedKinds,
  }));
}
