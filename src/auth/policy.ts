import type { Principal } from './principal.js';

/**
 * Every authorization decision in Canopy goes through `can`. Routes call it; nothing else
 * decides who may do what.
 *
 * - viewer: reads everything a CS team shares (accounts, contacts, users), writes nothing — not
 *   even on a task assigned to them or an escalation they are a member of: the role exists to give
 *   read-only access, so being named on a task or an escalation must not turn it into a write seat.
 * - csm: reads the same; creates accounts for themselves or their team; edits accounts (and
 *   their contacts) that they own or that their team owns.
 * - manager: edits and deletes every account; reads the audit log; edits drivers and starts
 *   health recomputations; reads (never writes) API keys, webhooks, the outbound allow-list, the
 *   outbox and role assignments. The key list never carries a secret (only name, role and prefix), so it is
 *   safe to show the people who answer for what integrations do.
 * - admin: everything, including users, teams and API keys, webhooks and the outbound allow-list.
 * - Tasks: the assignee (csm or above) acts on their own task; otherwise as for the task's account.
 * - Escalations: every member (csm or above) acts on it; otherwise as for the escalation's account.
 * - Playbooks and rules: read by all, built by admins and managers.
 * - Success plans and seeds belong to their account: whoever may edit the account edits its plan,
 *   its share link and its seeds; everyone reads them. Plan templates are built by admins and
 *   managers (CS ops), like playbooks. The seed library (crazy questions) grows from the field:
 *   any CSM adds a question (often while planting it); admins and managers edit and retire them.
 * - Role assignments (who plays support, exec sponsor, product): read by admins and managers, who
 *   build the playbooks and rules that route tasks through them; set by admins. CSMs and viewers
 *   do not need them (their tasks arrive already assigned) and they name people by function.
 * API keys carry admin, manager or viewer and are treated like a user of that role who owns
 * nothing.
 */
export type Ownable = { ownerId: string | null; teamId: string | null };

export type Subject =
  | { type: 'account'; account: Ownable }
  | { type: 'users' }
  | { type: 'teams' }
  | { type: 'audit' }
  | { type: 'drivers' }
  | { type: 'health_runs' }
  /** Playbook templates and rules: everyone reads, admins and managers build them. */
  | { type: 'playbooks' }
  | { type: 'rules' }
  /** Success-plan templates: everyone reads, admins and managers build them. */
  | { type: 'plan_templates' }
  /** The seed library: everyone reads, csm and above add, admins and managers edit and retire. */
  | { type: 'seed_questions' }
  /** API keys, outbound webhooks, the outbound allow-list and role assignments: admins write, managers read. */
  | { type: 'api_keys' }
  | { type: 'webhooks' }
  | { type: 'outbound_allowlist' }
  | { type: 'role_assignments' }
  /** The outbox (e-mail and Slack messages, customer e-mails): admins retry and cancel, managers read. */
  | { type: 'outbox' }
  /** App settings (readiness thresholds, the default capacity): everyone reads, admins and managers write. */
  | { type: 'app_settings' }
  /** Renewal overrides (a manager's category for a renewal, with a reason): everyone reads, admins and managers write. */
  | { type: 'renewal_overrides' }
  /** Surveys: everyone reads them and their results; admins and managers create, edit and archive; sending is checked per account. */
  | { type: 'surveys' }
  /** Change talk: everyone reads and classifies; csm and above correct a label; admins add and remove phrases (`part: 'phrases'`). */
  | { type: 'change_talk'; part?: 'phrases' }
  /** Signal definitions and model settings (issue 12): everyone reads; admins and managers write. */
  | { type: 'risk_settings' }
  /** A task: its assignee acts on it, and whoever may edit its account. */
  | { type: 'task'; task: { assigneeUserId: string | null; account: Ownable } }
  /** An escalation: its members act on it, and whoever may edit its account. */
  | { type: 'escalation'; escalation: { memberIds: string[]; account: Ownable } }
  /** Churn and downgrade reviews: read by whoever may read the account (everyone); written by admins and managers only,
   *  not by the account's CSM (the review asks what the team, owner included, missed). */
  | { type: 'reviews'; account?: Ownable }
  /** The risk register's failure modes: everyone reads, admins and managers write (raised risks are checked per account). */
  | { type: 'failure_modes' };

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
    case 'audit':
      return action === 'read' && (role === 'admin' || role === 'manager');
    case 'drivers':
    case 'health_runs':
    case 'playbooks':
    case 'rules':
    case 'plan_templates':
    case 'app_settings':
    case 'surveys':
    case 'risk_settings':
    case 'renewal_overrides':
    case 'failure_modes':
      return action === 'read' ? true : role === 'admin' || role === 'manager';
    case 'change_talk':
      if (action === 'read') return true;
      if (subject.part === 'phrases') return role === 'admin';
      return role !== 'viewer';
    case 'seed_questions':
      if (action === 'read') return true;
      if (action === 'create') return role !== 'viewer';
      return role === 'admin' || role === 'manager';
    case 'api_keys':
    case 'webhooks':
    case 'outbound_allowlist':
    case 'role_assignments':
    case 'outbox':
      return action === 'read' ? role === 'admin' || role === 'manager' : role === 'admin';
    case 'task':
      if (action === 'read') return true;
      if (role === 'viewer') return false;
      if (p.kind === 'user' && subject.task.assigneeUserId === p.userId && action !== 'delete') return true;
      return can(p, action === 'delete' ? 'update' : action, { type: 'account', account: subject.task.account });
    case 'reviews':
      if (action === 'read') return subject.account ? can(p, 'read', { type: 'account', account: subject.account }) : true;
      return role === 'admin' || role === 'manager';
    case 'escalation':
      if (action === 'read') return true;
      if (role === 'viewer') return false;
      if (p.kind === 'user' && subject.escalation.memberIds.includes(p.userId) && action === 'update') return true;
      return can(p, action === 'delete' ? 'delete' : 'update', { type: 'account', account: subject.escalation.account });
  }
}
