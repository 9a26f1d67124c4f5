// The register's raised risks (open and mitigating) of one account, for the account's risk response.
// The register part owns these rows and their API; this is a read in the contract's RaisedRisk shape.
import type { Queryable } from '../db/connect.js';

export async function openRisks(q: Queryable, accountId: string, canEdit = false) {
  const { rows } = await q.query<{
    id: string; account_id: string; fm_id: string | null; fm_key: string | null; fm_name: string | null; fm_kinds: string[] | null;
    pb_id: string | null; pb_name: string | null; title: string; status: string; arr_at_risk: number | null; team_id: string | null; team_name: string | null;
    note: string | null; signal_ids: string[]; run_id: string | null; run_status: string | null; created_at: Date; updated_at: Date;
  }>(
    `SELECT r.id, r.account_id, f.id AS fm_id, f.key AS fm_key, f.name AS fm_name, f.signal_kinds AS fm_kinds, p.id AS pb_id, p.name AS pb_name,
            r.title, r.status, r.arr_at_risk::float8 AS arr_at_risk, t.id AS team_id, t.name AS team_name, r.note, r.signal_ids::text[] AS signal_ids,
            pr.id AS run_id, pr.status AS run_status, r.created_at, r.updated_at
       FROM account_risks r LEFT JOIN failure_modes f ON f.id = r.failure_mode_id LEFT JOIN playbooks p ON p.id = f.playbook_id
       LEFT JOIN teams t ON t.id = r.owner_team_id LEFT JOIN playbook_runs pr ON pr.id = r.playbook_run_id
      WHERE r.account_id = $1 AND r.status IN ('open', 'mitigating') ORDER BY r.created_at DESC, r.id LIMIT 100`, [accountId]);
  return rows.map((r) => ({
    id: r.id, accountId: r.account_id,
    failureMode: r.fm_id ? { id: r.fm_id, key: r.fm_key, name: r.fm_name ?? '', playbook: r.pb_id ? { id: r.pb_id, name: r.pb_name ?? '' } : null, matchedKinds: r.fm_kinds ?? [] } : null,
    title: r.title, status: r.status, arrAtRisk: r.arr_at_risk, ownerTeam: r.team_id ? { id: r.team_id, name: r.team_name ?? '' } : null,
    note: r.note, signalIds: r.signal_ids, playbookRun: r.run_id ? { id: r.run_id, status: r.run_status ?? '' } : null,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(), canEdit,
  }));
}
