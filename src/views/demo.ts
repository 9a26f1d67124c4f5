import type { Database } from '../db/connect.js';
import { stateProblems, viewState, type ViewScope } from './state.js';
import { insertView, setTeamDefault } from './store.js';

/**
 * Demo saved views: shared by the demo's first manager with everyone (no team), each state checked
 * against its list as the API checks it. None is a team default: the portfolio opens unfiltered.
 */
const VIEWS: Array<{ scope: ViewScope; name: string; state: unknown; teamDefault?: boolean }> = [
  { scope: 'portfolio', name: 'Renewals next 90 days', state: { filters: { renewalWithinDays: '90', stage: 'renewal' }, columns: ['name', 'owner', 'arr', 'renewalDate', 'health', 'riskLevel'], sort: 'renewalDate' } },
  { scope: 'portfolio', name: 'At risk enterprise', state: { filters: { segment: 'Enterprise', riskLevel: 'high' }, columns: ['name', 'owner', 'arr', 'renewalDate', 'health', 'healthChange30d', 'risk', 'riskLevel'], sort: '-arr' } },
  { scope: 'portfolio', name: 'Health dropped 10+ in 30 days', state: { filters: { healthDropMin: '10' }, columns: ['name', 'owner', 'arr', 'health', 'healthChange30d', 'lastTouchAt'], sort: 'healthChange30d' } },
  { scope: 'inbox', name: 'My overdue tasks', state: { filters: { assignee: 'me', status: 'open' }, columns: ['account', 'title', 'dueAt', 'priority'], sort: null } },
];

export async function seedDemoViews(database: Database): Promise<{ views: number }> {
  const { rows } = await database.query<{ id: string }>(`SELECT id FROM users WHERE role IN ('manager', 'admin') AND active ORDER BY role = 'manager' DESC, created_at LIMIT 1`);
  const owner = rows[0]?.id;
  if (!owner) return { views: 0 };
  let views = 0;
  for (const v of VIEWS) {
    const state = viewState.parse(v.state);
    const problems = stateProblems(v.scope, state);
    if (problems.length) throw new Error(`demo view ${v.name}: ${problems.map((p) => p.message).join('; ')}`);
    const id = await insertView(database, { ownerId: owner, scope: v.scope, name: v.name, shared: true, teamId: null, state });
    if (!id) continue;
    views++;
    if (v.teamDefault) await setTeamDefault(database, { id, scope: v.scope, team_id: null }, true);
  }
  return { views };
}
