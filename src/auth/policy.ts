import type { Principal } from './principal.js';

/**
 * Every authorization decision in Canopy goes through `can`. Routes call it; nothing else
 * decides who may do what.
 *
 * - viewer: reads everything a CS team shares (accounts, contacts, users), writes nothing.
 * - csm: reads the same; creates accounts for themselves or their team; edits accounts (and
 *   their contacts) that they own or that their team owns.
 * - manager: edits and deletes every account; reads the audit log; edits drivers and starts
 *   health recomputations.
 * - admin: everything, including users, teams and API keys.
 * API keys carry admin, manager or viewer and are treated like a user of that role who owns
 * nothing.
 */
export type Ownable = { ownerId: string | null; teamId: string | null };

export type Subject =
  | { type: 'account'; account: Ownable }
  | { type: 'users' }
  | { type: 'teams' }
  | { type: 'api_keys' }
  | { type: 'audit' }
  | { type: 'drivers' }
  | { type: 'health_runs' };

export type Action = 'read' | 'create' | 'update' | 'delete';

function ownsOrTeam(p: Principal, a: Ownable): boolean {
  if (p.kind !== 'user') return false;
  return a.ownerId === p.userId || (a.teamId !== null && a.teamId === p.teamId);
}

export function can(p: Principal, action: Action, subject: Subject): boolean {
  const role = p.role;
  switch (subject.type) {
    case 'account':
      if (action === 'read') return true;
      if (role === 'admin' || role === 'manager') return true;
      if (role === 'csm') return action !== 'delete' && ownsOrTeam(p, subject.account);
      return false;
    case 'users':
    case 'teams':
      return action === 'read' ? true : role === 'admin';
    case 'api_keys':
      return role === 'admin';
    case 'audit':
      return action === 'read' && (role === 'admin' || role === 'manager');
    case 'drivers':
    case 'health_runs':
      return action === 'read' ? true : role === 'admin' || role === 'manager';
  }
}
