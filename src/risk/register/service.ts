import type { Actor } from '../../auth/principal.js';
import type { Database, Queryable } from '../../db/connect.js';
import { AppError } from '../../http/errors.js';
import type { Started, StartItem } from '../../playbooks/runs.js';
import { createMode, getMode, listModes, updateMode } from './modes.js';
import { linkRun, listRisks, loadRisk, raiseRisk, updateRisk, type LoadedRisk } from './risks.js';
import type { FailureModeCreate, FailureModePatch, RiskCreate, RiskListQuery, RiskPatch } from './schema.js';

/** What the register needs of the playbooks service: the same start as POST /api/accounts/:id/playbooks, inside our transaction. */
export type PlaybookStarter = {
  startInTx(tx: Queryable, items: StartItem[], actor: Actor): Promise<Started[]>;
  afterStart(started: Started[]): Promise<void>;
};

export function createRegisterService(database: Database, playbooks: PlaybookStarter) {
  const mustLoad = async (q: Queryable, id: string) => {
    const l = await loadRisk(q, id);
    if (!l) throw new AppError('account_risk.not_found');
    return l;
  };
  return {
    listModes: (opts: { includeArchived: boolean }) => listModes(database, opts),
    getMode: (id: string) => getMode(database, id),
    createMode: (input: FailureModeCreate, actor: Actor) => database.transaction((tx) => createMode(tx, input, actor)),
    updateMode: (id: string, patch: FailureModePatch, actor: Actor) => database.transaction((tx) => updateMode(tx, id, patch, actor)),

    loadRisk: (id: string) => loadRisk(database, id),
    listRisks: (query: RiskListQuery) => listRisks(database, query),
    async raise(accountId: string, input: RiskCreate, actor: Actor) {
      const r = await database.transaction((tx) => raiseRisk(tx, accountId, input, actor));
      return { ...r, loaded: await mustLoad(database, r.id) };
    },
    async update(before: LoadedRisk, patch: RiskPatch, actor: Actor): Promise<LoadedRisk> {
      await database.transaction((tx) => updateRisk(tx, before, patch, actor));
      return mustLoad(database, before.risk.id);
    },
    /**
     * Starts the failure mode's playbook on the risk's account (the playbooks service's own start,
     * with its audit and webhook), links the run and moves the risk to mitigating, in one transaction.
     */
    async startPlaybook(id: string, actor: Actor, mayStart: (l: LoadedRisk) => void): Promise<{ runId: string; reused: boolean; loaded: LoadedRisk }> {
      let reused: string | null = null;
      const started = await database.transaction(async (tx) => {
        await tx.query('SELECT 1 FROM account_risks WHERE id = $1 FOR UPDATE', [id]);
        const l = await mustLoad(tx, id);
        mayStart(l);
        const run0 = l.risk.playbookRun;
        if (l.risk.status === 'resolved' || l.risk.status === 'accepted') throw new AppError('account_risk.closed');
        // A second click while the run it started is still running gets that run, not a duplicate.
        if (run0?.status === 'running' && l.risk.status === 'mitigating') {
          reused = run0.id;
          return [];
        }
        if (!l.failureModePlaybookId) throw new AppError('account_risk.no_playbook');
        if (l.playbookArchived) throw new AppError('account_risk.no_playbook', "The failure mode's playbook is archived: link another one first.");
        const runs = await playbooks.startInTx(tx, [{ accountId: l.risk.accountId, playbookId: l.failureModePlaybookId }], actor);
        const run = runs[0];
        if (!run) throw new AppError('account_risk.no_playbook');
        await linkRun(tx, l, run.runId, actor);
        return runs;
      });
      if (reused) return { runId: reused, reused: true, loaded: await mustLoad(database, id) };
      await playbooks.afterStart(started);
      const runId = started[0]?.runId as string;
      return { runId, reused: false, loaded: await mustLoad(database, id) };
    },
  };
}
export type RegisterService = ReturnType<typeof createRegisterService>;
