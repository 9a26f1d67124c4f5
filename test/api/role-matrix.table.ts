import type { SignedIn } from '../support/app.js';

/**
 * The expected policy decision for every route (read by role-matrix.test.ts, which fails on a route
 * of the app missing here). One line per route: who gets through, where the caller's own account
 * matters (`scoped`: a csm passes on an account they own and is refused on another team's), the
 * URL and a body that passes validation, so that a refusal can only come from the policy.
 */
export const WHO = ['admin', 'manager', 'csm', 'viewer', 'viewerKey', 'managerKey', 'anon'] as const;
export type Who = (typeof WHO)[number];
export type Scope = 'own' | 'other';
/** ok: past the policy (not 401/403); deny: 403 (401 for nobody); writeKey: 401 for all (needs an ingestion key). */
export type Outcome = 'ok' | 'deny' | 'writeKey';
type Rule = (who: Who, scope: Scope) => Outcome;

export type Fixtures = {
  who: Who;
  scope: Scope;
  users: Record<'admin' | 'manager' | 'csm' | 'viewer', SignedIn>;
  /** A new account: owned by the csm ('own') or by another team ('other'); the others likewise. */
  account(): Promise<string>;
  contact(): Promise<string>;
  activity(): Promise<string>;
  task(): Promise<string>;
  escalation(): Promise<string>;
  playbook(): Promise<string>;
  run(): Promise<string>;
  outcome(): Promise<string>;
  user(): Promise<string>;
  /** A seed planted on a new account (as for account()). */
  seed(): Promise<string>;
  /** A question of the seed library. */
  seedQuestion(): Promise<string>;
  /** A success plan on a new account (as for account()), and a goal, a manual criterion and a milestone in one. */
  plan(): Promise<string>;
  goal(): Promise<string>;
  criterion(): Promise<string>;
  milestone(): Promise<string>;
  /** A plan template (no goals). */
  planTemplate(): Promise<string>;
  /** An initiative on a new account (as for account()). */
  initiative(): Promise<{ id: string; accountId: string }>;
  /** An NPS survey. */
  survey(): Promise<string>;
  /** A churn review, opened by a churned outcome on a new account (as for account()). */
  review(): Promise<string>;
  /** A contract critical date on a new account (as for account()): typed, so a check answers 409 without calling out. */
  criticalDate(): Promise<string>;
  /** A risk raised on a new account (as for account()), by an admin. */
  accountRisk(): Promise<string>;
  /** A manual risk signal raised on a new account (as for account()), by an admin. */
  riskSignal(): Promise<string>;
  /** A made-up id: for role-only routes, the policy answers before the object is looked up. */
  id(): string;
};
type Spec = {
  expect: Rule;
  url: (f: Fixtures) => string | Promise<string>;
  body?: (f: Fixtures) => unknown;
  scoped?: boolean;
  /** Run as a new signed-in user of the role: the route ends or changes the caller's session. */
  fresh?: boolean;
};

const allow = (...ok: Who[]): Rule => (who) => (ok.includes(who) ? 'ok' : 'deny');
const PUBLIC: Rule = () => 'ok';
const WRITE_KEY: Rule = () => 'writeKey';
/** Everyone signed in or holding a REST key reads. */
const EVERYONE = allow('admin', 'manager', 'csm', 'viewer', 'viewerKey', 'managerKey');
/** Personal things (inbox, notifications, own password): signed-in users, not keys. */
const USERS = allow('admin', 'manager', 'csm', 'viewer');
const MANAGERS = allow('admin', 'manager', 'managerKey');
const ADMINS = allow('admin');
/** Whoever may edit the account: admins and managers on all, a csm on their own or their team's. */
const EDITORS: Rule = (who, scope) => (who === 'csm' ? (scope === 'own' ? 'ok' : 'deny') : MANAGERS(who, scope));
/** Deleting an account: never a csm. */
const DELETERS = MANAGERS;

const at = { occurredAt: () => new Date().toISOString() };
const randomName = () => Math.random().toString(36).slice(2, 10);
const PLAYBOOK = () => ({ name: `pb-${Math.random().toString(36).slice(2)}`, steps: [{ kind: 'task', title: 'x', dueOffsetDays: 1, assignee: 'owner' }] });
const CONDITION = { match: 'all', conditions: [{ type: 'arr', op: 'gt', value: 1 }] };
const DRIVER = { name: 'd', source: { type: 'event_metric', events: ['Logged In'], measure: 'count', windowDays: 28, perSeat: true }, scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 2, score: 100 }, { value: 1, score: 50 }] }, stageWeights: { adoption: 10 } };
const PREFS = { inApp: true, email: false, slack: false, digest: false };
const EVENT = { userId: 'u1', event: 'Logged In' };

export const ROUTES: Record<string, Spec> = {
  // Service and documents
  'GET /api/health': { expect: PUBLIC, url: () => '/api/health' },
  'GET /api/openapi.json': { expect: PUBLIC, url: () => '/api/openapi.json' },
  // Sign-in and the session
  'POST /api/auth/login': { expect: PUBLIC, url: () => '/api/auth/login', body: (f) => ({ email: f.users.viewer.email, password: 'correct horse battery staple' }) },
  'POST /api/auth/logout': { expect: EVERYONE, url: () => '/api/auth/logout', fresh: true },
  'GET /api/auth/me': { expect: USERS, url: () => '/api/auth/me' },
  'POST /api/auth/password': { expect: USERS, url: () => '/api/auth/password', body: () => ({ currentPassword: 'correct horse battery staple', newPassword: 'another long passphrase' }), fresh: true },
  // People
  'GET /api/users': { expect: EVERYONE, url: () => '/api/users' },
  'POST /api/users': { expect: ADMINS, url: () => '/api/users', body: () => ({ email: `m-${Math.random().toString(36).slice(2)}@example.test`, name: 'M', role: 'viewer' }) },
  'PATCH /api/users/:id': { expect: ADMINS, url: async (f) => `/api/users/${await f.user()}`, body: () => ({ name: 'Renamed' }) },
  'POST /api/users/:id/reset-password': { expect: ADMINS, url: async (f) => `/api/users/${await f.user()}/reset-password` },
  'GET /api/teams': { expect: EVERYONE, url: () => '/api/teams' },
  'POST /api/teams': { expect: ADMINS, url: () => '/api/teams', body: () => ({ name: `t-${Math.random().toString(36).slice(2)}` }) },
  // Keys, audit, role assignments, webhooks, allow-list: admins write, managers read
  'GET /api/api-keys': { expect: MANAGERS, url: () => '/api/api-keys' },
  'POST /api/api-keys': { expect: ADMINS, url: () => '/api/api-keys', body: () => ({ name: 'k', kind: 'write' }) },
  'DELETE /api/api-keys/:id': { expect: ADMINS, url: (f) => `/api/api-keys/${f.id()}` },
  'GET /api/audit': { expect: MANAGERS, url: () => '/api/audit' },
  'GET /api/role-assignments': { expect: MANAGERS, url: () => '/api/role-assignments' },
  'PUT /api/role-assignments': { expect: ADMINS, url: () => '/api/role-assignments', body: (f) => ({ role: 'support', teamId: null, userId: f.users.manager.userId }) },
  'DELETE /api/role-assignments/:id': { expect: ADMINS, url: (f) => `/api/role-assignments/${f.id()}` },
  'GET /api/webhooks': { expect: MANAGERS, url: () => '/api/webhooks' },
  'POST /api/webhooks': { expect: ADMINS, url: () => '/api/webhooks', body: () => ({ name: 'w', url: 'https://hooks.example.com/x', events: ['task.created'] }) },
  'GET /api/webhooks/:id': { expect: MANAGERS, url: (f) => `/api/webhooks/${f.id()}` },
  'PATCH /api/webhooks/:id': { expect: ADMINS, url: (f) => `/api/webhooks/${f.id()}`, body: () => ({ enabled: false }) },
  'DELETE /api/webhooks/:id': { expect: ADMINS, url: (f) => `/api/webhooks/${f.id()}` },
  'POST /api/webhooks/:id/rotate-secret': { expect: ADMINS, url: (f) => `/api/webhooks/${f.id()}/rotate-secret` },
  'POST /api/webhooks/:id/test': { expect: ADMINS, url: (f) => `/api/webhooks/${f.id()}/test` },
  'GET /api/webhooks/:id/deliveries': { expect: MANAGERS, url: (f) => `/api/webhooks/${f.id()}/deliveries` },
  'POST /api/webhooks/deliveries/:id/redeliver': { expect: ADMINS, url: (f) => `/api/webhooks/deliveries/${f.id()}/redeliver` },
  'GET /api/settings/outbound-allowlist': { expect: MANAGERS, url: () => '/api/settings/outbound-allowlist' },
  'POST /api/settings/outbound-allowlist': { expect: ADMINS, url: () => '/api/settings/outbound-allowlist', body: () => ({ entry: 'example.com' }) },
  'DELETE /api/settings/outbound-allowlist/:entry': { expect: ADMINS, url: () => '/api/settings/outbound-allowlist/example.com' },
  // Accounts and contacts
  'GET /api/accounts': { expect: EVERYONE, url: () => '/api/accounts' },
  'POST /api/accounts': { expect: allow('admin', 'manager', 'csm', 'managerKey'), url: () => '/api/accounts', body: () => ({ name: `a-${Math.random().toString(36).slice(2)}` }) },
  'GET /api/accounts/facets': { expect: EVERYONE, url: () => '/api/accounts/facets' },
  'GET /api/accounts/:id': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}`, scoped: true },
  'PATCH /api/accounts/:id': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}`, body: () => ({ segment: 'SMB' }), scoped: true },
  'DELETE /api/accounts/:id': { expect: DELETERS, url: async (f) => `/api/accounts/${await f.account()}`, scoped: true },
  'GET /api/accounts/:id/usage': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/usage`, scoped: true },
  'GET /api/accounts/:id/timeline': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/timeline`, scoped: true },
  'GET /api/accounts/:id/autopilot': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/autopilot`, scoped: true },
  'GET /api/contacts': { expect: EVERYONE, url: async (f) => `/api/contacts?accountId=${await f.account()}` },
  'POST /api/contacts': { expect: EDITORS, url: () => '/api/contacts', body: async (f) => ({ accountId: await f.account(), name: 'New' }), scoped: true },
  'GET /api/contacts/:id': { expect: EVERYONE, url: async (f) => `/api/contacts/${await f.contact()}`, scoped: true },
  'PATCH /api/contacts/:id': { expect: EDITORS, url: async (f) => `/api/contacts/${await f.contact()}`, body: () => ({ title: 'VP' }), scoped: true },
  'DELETE /api/contacts/:id': { expect: EDITORS, url: async (f) => `/api/contacts/${await f.contact()}`, scoped: true },
  // Health
  'GET /api/drivers': { expect: EVERYONE, url: () => '/api/drivers' },
  'POST /api/drivers': { expect: MANAGERS, url: () => '/api/drivers', body: () => ({ ...DRIVER, key: `k${Math.random().toString(36).slice(2, 10)}` }) },
  'GET /api/drivers/catalog': { expect: EVERYONE, url: () => '/api/drivers/catalog' },
  'POST /api/drivers/preview': { expect: EVERYONE, url: () => '/api/drivers/preview', body: () => ({ source: DRIVER.source, scoring: DRIVER.scoring }) },
  'GET /api/drivers/impact': { expect: EVERYONE, url: () => '/api/drivers/impact' },
  'PATCH /api/drivers/:id': { expect: MANAGERS, url: (f) => `/api/drivers/${f.id()}`, body: () => ({ name: 'Renamed' }) },
  'DELETE /api/drivers/:id': { expect: MANAGERS, url: (f) => `/api/drivers/${f.id()}` },
  'GET /api/accounts/:id/health': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/health`, scoped: true },
  'GET /api/accounts/:id/health/history': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/health/history`, scoped: true },
  'POST /api/accounts/:id/health/override': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/health/override`, body: () => ({ score: 50, reason: 'known outage', expiresAt: '2099-01-01' }), scoped: true },
  'DELETE /api/accounts/:id/health/override': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/health/override`, scoped: true },
  'GET /api/health/summary': { expect: EVERYONE, url: () => '/api/health/summary' },
  'POST /api/health/recompute': { expect: MANAGERS, url: () => '/api/health/recompute' },
  'POST /api/health/backfill': { expect: MANAGERS, url: () => '/api/health/backfill', body: () => ({ days: 1 }) },
  'GET /api/health/runs': { expect: EVERYONE, url: () => '/api/health/runs' },
  'GET /api/health/runs/:id': { expect: EVERYONE, url: (f) => `/api/health/runs/${f.id()}` },
  'GET /api/outcomes': { expect: EVERYONE, url: () => '/api/outcomes' },
  'POST /api/outcomes': { expect: EDITORS, url: () => '/api/outcomes', body: async (f) => ({ accountId: await f.account(), kind: 'renewed', occurredOn: '2026-01-01' }), scoped: true },
  'POST /api/outcomes/import': { expect: MANAGERS, url: () => '/api/outcomes/import', body: async (f) => ({ items: [{ accountId: await f.account(), kind: 'renewed', occurredOn: '2026-01-02' }] }) },
  'DELETE /api/outcomes/:id': { expect: EDITORS, url: async (f) => `/api/outcomes/${await f.outcome()}`, scoped: true },
  // Activities
  'GET /api/activities': { expect: EVERYONE, url: () => '/api/activities' },
  'POST /api/activities': { expect: EDITORS, url: () => '/api/activities', body: async (f) => ({ accountId: await f.account(), kind: 'call', subject: 'x', occurredAt: at.occurredAt() }), scoped: true },
  'GET /api/activities/ratio': { expect: EVERYONE, url: () => '/api/activities/ratio' },
  'GET /api/activities/:id': { expect: EVERYONE, url: async (f) => `/api/activities/${await f.activity()}`, scoped: true },
  'PATCH /api/activities/:id': { expect: EDITORS, url: async (f) => `/api/activities/${await f.activity()}`, body: () => ({ subject: 'Renamed' }), scoped: true },
  'DELETE /api/activities/:id': { expect: EDITORS, url: async (f) => `/api/activities/${await f.activity()}`, scoped: true },
  // Tasks and escalations (fixtures are assigned to / staffed by admin and manager, so a csm acts only as an account editor)
  'GET /api/tasks': { expect: EVERYONE, url: () => '/api/tasks?assignee=any' },
  'POST /api/tasks': { expect: EDITORS, url: () => '/api/tasks', body: async (f) => ({ accountId: await f.account(), title: 'x', assigneeUserId: f.users.admin.userId }), scoped: true },
  'GET /api/tasks/:id': { expect: EVERYONE, url: async (f) => `/api/tasks/${await f.task()}`, scoped: true },
  'PATCH /api/tasks/:id': { expect: EDITORS, url: async (f) => `/api/tasks/${await f.task()}`, body: () => ({ priority: 2 }), scoped: true },
  // Capacity (spoons): everyone reads an account's, its editors set it and give spoons; the default is an app setting (admins and managers)
  'POST /api/tasks/:id/give-spoon': { expect: EDITORS, url: async (f) => `/api/tasks/${await f.task()}/give-spoon`, scoped: true },
  'GET /api/accounts/:id/capacity': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/capacity`, scoped: true },
  'PUT /api/accounts/:id/capacity': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/capacity`, body: () => ({ spoons: 8 }), scoped: true },
  'GET /api/capacity/accounts': { expect: EVERYONE, url: () => '/api/capacity/accounts?state=all&limit=5' },
  'GET /api/capacity/settings': { expect: EVERYONE, url: () => '/api/capacity/settings' },
  'PUT /api/capacity/settings': { expect: MANAGERS, url: () => '/api/capacity/settings', body: () => ({ defaultSpoons: 10, period: 'week' }) },
  // Change talk: everyone classifies and reads; csm and above correct a label; admins manage the phrases.
  'POST /api/change-talk/classify': { expect: EVERYONE, url: () => '/api/change-talk/classify', body: () => ({ text: 'We need SSO before the audit.' }) },
  'GET /api/change-talk/lexicon': { expect: EVERYONE, url: () => '/api/change-talk/lexicon' },
  'GET /api/change-talk/phrases': { expect: EVERYONE, url: () => '/api/change-talk/phrases' },
  'POST /api/change-talk/phrases': { expect: ADMINS, url: () => '/api/change-talk/phrases', body: () => ({ phrase: `zz ${Math.random().toString(36).slice(2)}`, polarity: 'change', category: 'need' }) },
  'DELETE /api/change-talk/phrases/:id': { expect: ADMINS, url: (f) => `/api/change-talk/phrases/${f.id()}` },
  'GET /api/change-talk/corrections': { expect: EVERYONE, url: () => '/api/change-talk/corrections' },
  'POST /api/change-talk/corrections': { expect: allow('admin', 'manager', 'csm', 'managerKey'), url: () => '/api/change-talk/corrections', body: () => ({ text: 'We are too busy right now.', label: 'sustain' }) },
  'GET /api/change-talk/evaluation': { expect: EVERYONE, url: () => '/api/change-talk/evaluation' },
  'GET /api/escalations': { expect: EVERYONE, url: () => '/api/escalations' },
  'POST /api/escalations': {
    expect: EDITORS, url: () => '/api/escalations', scoped: true,
    body: async (f) => ({ accountId: await f.account(), title: 'x', severity: 'low', members: [{ userId: f.users.admin.userId, role: 'csm' }, { userId: f.users.manager.userId, role: 'support' }] }),
  },
  'GET /api/escalations/:id': { expect: EVERYONE, url: async (f) => `/api/escalations/${await f.escalation()}`, scoped: true },
  'PATCH /api/escalations/:id': { expect: EDITORS, url: async (f) => `/api/escalations/${await f.escalation()}`, body: () => ({ severity: 'high' }), scoped: true },
  'POST /api/escalations/:id/activities': { expect: EDITORS, url: async (f) => `/api/escalations/${await f.escalation()}/activities`, body: () => ({ subject: 'update' }), scoped: true },
  // Playbooks and rules: everyone reads, admins and managers build; starting or cancelling a run edits the account
  'GET /api/playbooks': { expect: EVERYONE, url: () => '/api/playbooks' },
  'POST /api/playbooks': { expect: MANAGERS, url: () => '/api/playbooks', body: PLAYBOOK },
  'GET /api/playbooks/template-variables': { expect: EVERYONE, url: () => '/api/playbooks/template-variables' },
  'GET /api/playbooks/:id': { expect: EVERYONE, url: async (f) => `/api/playbooks/${await f.playbook()}` },
  'PATCH /api/playbooks/:id': { expect: MANAGERS, url: (f) => `/api/playbooks/${f.id()}`, body: () => ({ name: 'Renamed' }) },
  'DELETE /api/playbooks/:id': { expect: MANAGERS, url: (f) => `/api/playbooks/${f.id()}` },
  'GET /api/playbooks/:id/versions': { expect: EVERYONE, url: async (f) => `/api/playbooks/${await f.playbook()}/versions` },
  'GET /api/playbooks/:id/runs': { expect: EVERYONE, url: async (f) => `/api/playbooks/${await f.playbook()}/runs` },
  'POST /api/accounts/:id/playbooks': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/playbooks`, body: async (f) => ({ playbookId: await f.playbook() }), scoped: true },
  'GET /api/accounts/:id/playbooks': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/playbooks`, scoped: true },
  'GET /api/playbook-runs/:id': { expect: EVERYONE, url: async (f) => `/api/playbook-runs/${await f.run()}`, scoped: true },
  'POST /api/playbooks/preview-email': { expect: MANAGERS, url: () => '/api/playbooks/preview-email', body: async (f) => ({ accountId: await f.account(), step: { to: 'champion', subject: 'Hi {{contact.firstName}}', body: 'x' } }) },
  'GET /api/email-approvals/:taskId': { expect: EVERYONE, url: (f) => `/api/email-approvals/${f.id()}` },
  'POST /api/email-approvals/:taskId/approve': { expect: EDITORS, url: async (f) => `/api/email-approvals/${await f.task()}/approve`, body: () => ({}), scoped: true },
  'POST /api/email-approvals/:taskId/reject': { expect: EDITORS, url: async (f) => `/api/email-approvals/${await f.task()}/reject`, body: () => ({}), scoped: true },
  'GET /api/outbox': { expect: MANAGERS, url: () => '/api/outbox' },
  'POST /api/outbox/:id/retry': { expect: ADMINS, url: (f) => `/api/outbox/${f.id()}/retry` },
  'POST /api/outbox/:id/cancel': { expect: ADMINS, url: (f) => `/api/outbox/${f.id()}/cancel`, body: () => ({}) },
  'GET /api/settings/email': { expect: EVERYONE, url: () => '/api/settings/email' },
  'POST /api/playbook-runs/:id/cancel': { expect: EDITORS, url: async (f) => `/api/playbook-runs/${await f.run()}/cancel`, scoped: true },
  'GET /api/rules': { expect: EVERYONE, url: () => '/api/rules' },
  'POST /api/rules': { expect: MANAGERS, url: () => '/api/rules', body: () => ({ name: 'r', condition: CONDITION, actions: [{ type: 'create_task', title: 'x' }] }) },
  'POST /api/rules/dry-run': { expect: MANAGERS, url: () => '/api/rules/dry-run', body: () => ({ condition: CONDITION }) },
  'POST /api/rules/evaluate': { expect: MANAGERS, url: () => '/api/rules/evaluate' },
  'GET /api/rules/:id': { expect: EVERYONE, url: (f) => `/api/rules/${f.id()}` },
  'PATCH /api/rules/:id': { expect: MANAGERS, url: (f) => `/api/rules/${f.id()}`, body: () => ({ name: 'Renamed' }) },
  'DELETE /api/rules/:id': { expect: MANAGERS, url: (f) => `/api/rules/${f.id()}` },
  'GET /api/rules/:id/firings': { expect: EVERYONE, url: (f) => `/api/rules/${f.id()}/firings` },
  // Success plans follow their account (everyone reads, its editors write); templates: admins and managers build (answered before the lookup)
  'POST /api/accounts/:id/success-plans': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/success-plans`, body: () => ({ title: 'Plan' }), scoped: true },
  'GET /api/accounts/:id/success-plans': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/success-plans`, scoped: true },
  'GET /api/success-plans': { expect: EVERYONE, url: () => '/api/success-plans' },
  'GET /api/success-plans/summary': { expect: EVERYONE, url: () => '/api/success-plans/summary' },
  'GET /api/success-plans/:id': { expect: EVERYONE, url: async (f) => `/api/success-plans/${await f.plan()}`, scoped: true },
  'PATCH /api/success-plans/:id': { expect: EDITORS, url: async (f) => `/api/success-plans/${await f.plan()}`, body: () => ({ title: 'Renamed' }), scoped: true },
  'DELETE /api/success-plans/:id': { expect: EDITORS, url: async (f) => `/api/success-plans/${await f.plan()}`, scoped: true },
  'POST /api/success-plans/:id/apply-template': { expect: EDITORS, url: async (f) => `/api/success-plans/${await f.plan()}/apply-template`, body: async (f) => ({ templateId: await f.planTemplate() }), scoped: true },
  'POST /api/success-plans/:id/goals': { expect: EDITORS, url: async (f) => `/api/success-plans/${await f.plan()}/goals`, body: () => ({ statement: 'From 2 to 10 reports' }), scoped: true },
  'PATCH /api/goals/:id': { expect: EDITORS, url: async (f) => `/api/goals/${await f.goal()}`, body: () => ({ why: 'The board reads them' }), scoped: true },
  'DELETE /api/goals/:id': { expect: EDITORS, url: async (f) => `/api/goals/${await f.goal()}`, scoped: true },
  'POST /api/goals/:id/criteria': { expect: EDITORS, url: async (f) => `/api/goals/${await f.goal()}/criteria`, body: () => ({ name: 'reports', kind: 'manual', target: 10 }), scoped: true },
  'PATCH /api/criteria/:id': { expect: EDITORS, url: async (f) => `/api/criteria/${await f.criterion()}`, body: () => ({ target: 12 }), scoped: true },
  'DELETE /api/criteria/:id': { expect: EDITORS, url: async (f) => `/api/criteria/${await f.criterion()}`, scoped: true },
  'POST /api/criteria/:id/values': { expect: EDITORS, url: async (f) => `/api/criteria/${await f.criterion()}/values`, body: () => ({ value: 4 }), scoped: true },
  'GET /api/criteria/:id/values': { expect: EVERYONE, url: async (f) => `/api/criteria/${await f.criterion()}/values`, scoped: true },
  'POST /api/goals/:id/milestones': { expect: EDITORS, url: async (f) => `/api/goals/${await f.goal()}/milestones`, body: () => ({ title: 'SSO live', dueAt: null }), scoped: true },
  'PATCH /api/milestones/:id': { expect: EDITORS, url: async (f) => `/api/milestones/${await f.milestone()}`, body: () => ({ completed: true }), scoped: true },
  'DELETE /api/milestones/:id': { expect: EDITORS, url: async (f) => `/api/milestones/${await f.milestone()}`, scoped: true },
  'PATCH /api/milestones/:id/tasks/:taskId': { expect: EDITORS, url: async (f) => `/api/milestones/${await f.milestone()}/tasks/${f.id()}`, body: () => ({ hiddenFromCustomer: true }), scoped: true },
  'POST /api/milestones/:id/tasks': { expect: EDITORS, url: async (f) => `/api/milestones/${await f.milestone()}/tasks`, body: () => ({ title: 'Send the SSO metadata' }), scoped: true },
  'GET /api/plan-templates': { expect: EVERYONE, url: () => '/api/plan-templates' },
  'POST /api/plan-templates': { expect: MANAGERS, url: () => '/api/plan-templates', body: () => ({ name: 'Onboarding' }) },
  'GET /api/plan-templates/:id': { expect: EVERYONE, url: async (f) => `/api/plan-templates/${await f.planTemplate()}` },
  'PATCH /api/plan-templates/:id': { expect: MANAGERS, url: (f) => `/api/plan-templates/${f.id()}`, body: () => ({ name: 'Renamed' }) },
  'DELETE /api/plan-templates/:id': { expect: MANAGERS, url: (f) => `/api/plan-templates/${f.id()}` },
  // A plan's shared link: its account's editors create and revoke it, everyone reads its state; the shared page and its writes need no session (a made-up token: 404 for all)
  'POST /api/success-plans/:id/share': { expect: EDITORS, url: async (f) => `/api/success-plans/${await f.plan()}/share`, body: () => ({ allowCustomerUpdates: true }), scoped: true },
  'DELETE /api/success-plans/:id/share': { expect: EDITORS, url: async (f) => `/api/success-plans/${await f.plan()}/share`, scoped: true },
  'GET /api/success-plans/:id/share': { expect: EVERYONE, url: async (f) => `/api/success-plans/${await f.plan()}/share`, scoped: true },
  'GET /api/shared/plans/:token': { expect: PUBLIC, url: () => `/api/shared/plans/${'A'.repeat(43)}` },
  'POST /api/shared/plans/:token/tasks/:taskId/complete': { expect: PUBLIC, url: () => `/api/shared/plans/${'A'.repeat(43)}/tasks/AAAAAAAAAAAA/complete`, body: () => ({ contactId: 'AAAAAAAAAAAA' }) },
  'POST /api/shared/plans/:token/comments': { expect: PUBLIC, url: () => `/api/shared/plans/${'A'.repeat(43)}/comments`, body: () => ({ contactId: 'AAAAAAAAAAAA', body: 'Hello' }) },
  'GET /shared/plans/:token': { expect: PUBLIC, url: () => `/shared/plans/${'A'.repeat(43)}` },
  'POST /shared/plans/:token/tasks/:taskId/complete': { expect: PUBLIC, url: () => `/shared/plans/${'A'.repeat(43)}/tasks/AAAAAAAAAAAA/complete`, body: () => ({ contactId: 'AAAAAAAAAAAA' }) },
  'POST /shared/plans/:token/comments': { expect: PUBLIC, url: () => `/shared/plans/${'A'.repeat(43)}/comments`, body: () => ({ contactId: 'AAAAAAAAAAAA', body: 'Hello' }) },
  // Success planting: seeds follow their account (everyone reads); the library: a csm adds, admins and managers edit (answered before the lookup)
  'GET /api/seed-questions': { expect: EVERYONE, url: () => '/api/seed-questions' },
  'POST /api/seed-questions': { expect: allow('admin', 'manager', 'csm', 'managerKey'), url: () => '/api/seed-questions', body: () => ({ text: 'What if?', theme: 'scale' }) },
  'GET /api/seed-questions/:id': { expect: EVERYONE, url: async (f) => `/api/seed-questions/${await f.seedQuestion()}` },
  'PATCH /api/seed-questions/:id': { expect: MANAGERS, url: (f) => `/api/seed-questions/${f.id()}`, body: () => ({ archived: true }) },
  'GET /api/seed-library/record': { expect: EVERYONE, url: () => '/api/seed-library/record' },
  'POST /api/accounts/:id/seeds': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/seeds`, body: () => ({ text: 'What if?' }), scoped: true },
  'GET /api/accounts/:id/seeds': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/seeds`, scoped: true },
  'GET /api/seeds/funnel': { expect: EVERYONE, url: () => '/api/seeds/funnel' },
  'GET /api/seeds/:id': { expect: EVERYONE, url: async (f) => `/api/seeds/${await f.seed()}`, scoped: true },
  'POST /api/seeds/:id/events': { expect: EDITORS, url: async (f) => `/api/seeds/${await f.seed()}/events`, body: () => ({ kind: 'reaction', strength: 'strong_positive' }), scoped: true },
  'POST /api/seeds/:id/harvest': { expect: EDITORS, url: async (f) => `/api/seeds/${await f.seed()}/harvest`, body: () => ({}), scoped: true },
  // Readiness: initiatives, check-ins and requests follow their account (everyone reads, its editors write); thresholds: admins and managers set them;
  // the check-in page and its answers need no session (a made-up token: 404 for all)
  'POST /api/accounts/:id/initiatives': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/initiatives`, body: () => ({ title: 'Roll out SSO' }), scoped: true },
  'GET /api/accounts/:id/readiness': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/readiness`, scoped: true },
  'GET /api/initiatives/:id': { expect: EVERYONE, url: async (f) => `/api/initiatives/${(await f.initiative()).id}`, scoped: true },
  'PATCH /api/initiatives/:id': { expect: EDITORS, url: async (f) => `/api/initiatives/${(await f.initiative()).id}`, body: () => ({ title: 'Renamed' }), scoped: true },
  'DELETE /api/initiatives/:id': { expect: EDITORS, url: async (f) => `/api/initiatives/${(await f.initiative()).id}`, scoped: true },
  'POST /api/check-ins': {
    expect: EDITORS, url: () => '/api/check-ins', scoped: true,
    body: async (f) => { const i = await f.initiative(); return { accountId: i.accountId, initiativeId: i.id, importance: 8, confidence: 3 }; },
  },
  // Past the policy an unknown contact is a 400 (the policy answers first).
  'POST /api/initiatives/:id/check-in-requests': { expect: EDITORS, url: async (f) => `/api/initiatives/${(await f.initiative()).id}/check-in-requests`, body: (f) => ({ contactId: f.id() }), scoped: true },
  'POST /api/initiatives/:id/spoon-task': { expect: EDITORS, url: async (f) => `/api/initiatives/${(await f.initiative()).id}/spoon-task`, body: () => ({}), scoped: true },
  'GET /api/readiness/summary': { expect: EVERYONE, url: () => '/api/readiness/summary' },
  'GET /api/readiness/accounts': { expect: EVERYONE, url: () => '/api/readiness/accounts?quadrant=none&limit=5' },
  'GET /api/readiness/settings': { expect: EVERYONE, url: () => '/api/readiness/settings' },
  'PUT /api/readiness/settings': { expect: MANAGERS, url: () => '/api/readiness/settings', body: () => ({ importanceThreshold: 7, confidenceThreshold: 7 }) },
  'GET /c/:token': { expect: PUBLIC, url: () => `/c/${'A'.repeat(43)}` },
  'POST /c/:token': { expect: PUBLIC, url: () => `/c/${'A'.repeat(43)}`, body: () => ({ importance: '5', confidence: '5' }) },
  'POST /api/public/check-ins/:token': { expect: PUBLIC, url: () => `/api/public/check-ins/${'A'.repeat(43)}`, body: () => ({ importance: 5, confidence: 5, stamp: 'x' }) },
  // Surveys: everyone reads them and their results; admins and managers create and edit; sending follows the contacts' accounts
  // (a contact without e-mail: past the policy it is skipped); the survey page and its answers need no session (a made-up token: 404)
  'GET /api/surveys': { expect: EVERYONE, url: () => '/api/surveys' },
  'POST /api/surveys': { expect: MANAGERS, url: () => '/api/surveys', body: () => ({ name: 'NPS', kind: 'nps', question: 'Recommend us?', emailSubject: 'One question' }) },
  'GET /api/surveys/:id': { expect: EVERYONE, url: async (f) => `/api/surveys/${await f.survey()}` },
  'PATCH /api/surveys/:id': { expect: MANAGERS, url: async (f) => `/api/surveys/${await f.survey()}`, body: () => ({ name: 'Renamed' }) },
  'POST /api/surveys/:id/send': { expect: EDITORS, url: async (f) => `/api/surveys/${await f.survey()}/send`, body: async (f) => ({ contactIds: [await f.contact()] }), scoped: true },
  'GET /api/surveys/:id/results': { expect: EVERYONE, url: async (f) => `/api/surveys/${await f.survey()}/results` },
  'GET /api/surveys/:id/responses.csv': { expect: EVERYONE, url: async (f) => `/api/surveys/${await f.survey()}/responses.csv` },
  'GET /api/accounts/:id/surveys': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/surveys`, scoped: true },
  // Renewals (issue 12): everyone reads the calendar, forecast, CSV and retention; admins and managers override a renewal's category.
  'GET /api/renewals': { expect: EVERYONE, url: () => '/api/renewals?group=month' },
  'GET /api/renewals/forecast': { expect: EVERYONE, url: () => '/api/renewals/forecast?period=quarter' },
  'GET /api/renewals.csv': { expect: EVERYONE, url: () => '/api/renewals.csv' },
  'PUT /api/renewals/:accountId/override': { expect: MANAGERS, url: async (f) => `/api/renewals/${await f.account()}/override`, body: () => ({ renewalDate: '2030-01-01', category: 'commit', reason: 'Signed early' }), scoped: true },
  'DELETE /api/renewals/:accountId/override': { expect: MANAGERS, url: async (f) => `/api/renewals/${await f.account()}/override?renewalDate=2030-01-01`, scoped: true },
  'GET /api/analytics/retention': { expect: EVERYONE, url: () => '/api/analytics/retention?period=quarter' },
  // Subscriptions and retention analytics (issue 13): everyone reads; admins and managers write subscriptions (a made-up id: 404 past the policy)
  'GET /api/analytics/cohorts': { expect: EVERYONE, url: () => '/api/analytics/cohorts?by=month' },
  'GET /api/analytics/definitions': { expect: EVERYONE, url: () => '/api/analytics/definitions' },
  'GET /api/accounts/:id/subscriptions': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/subscriptions`, scoped: true },
  'GET /api/accounts/:id/arr-history': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/arr-history`, scoped: true },
  'POST /api/subscriptions': { expect: MANAGERS, url: () => '/api/subscriptions', body: async (f) => ({ accountId: await f.account(), plan: 'Core', arr: 1200, startsOn: '2025-01-01' }), scoped: true },
  'PATCH /api/subscriptions/:id': { expect: MANAGERS, url: (f) => `/api/subscriptions/${f.id()}`, body: () => ({ arr: 1300 }) },
  'DELETE /api/subscriptions/:id': { expect: MANAGERS, url: (f) => `/api/subscriptions/${f.id()}` },
  'GET /s/:token': { expect: PUBLIC, url: () => `/s/${'A'.repeat(43)}?score=9` },
  'GET /s/:token/confirm': { expect: PUBLIC, url: () => `/s/${'A'.repeat(43)}/confirm` },
  'POST /s/:token': { expect: PUBLIC, url: () => `/s/${'A'.repeat(43)}`, body: () => ({ score: '9' }) },
  'POST /api/public/surveys/:token': { expect: PUBLIC, url: () => `/api/public/surveys/${'A'.repeat(43)}`, body: () => ({ score: 9 }) },
  // Churn reviews: everyone reads them (and the patterns); admins and managers write, not the account's csm
  'GET /api/reviews': { expect: EVERYONE, url: () => '/api/reviews' },
  'GET /api/reviews/patterns': { expect: EVERYONE, url: () => '/api/reviews/patterns' },
  'GET /api/reviews/:id': { expect: EVERYONE, url: async (f) => `/api/reviews/${await f.review()}`, scoped: true },
  'PATCH /api/reviews/:id': { expect: MANAGERS, url: async (f) => `/api/reviews/${await f.review()}`, body: () => ({ couldHaveSeen: 'partly' }), scoped: true },
  // Risk register (issue 12): everyone reads the failure modes and raised risks; admins and managers edit the modes; whoever may edit the account raises, resolves and starts a risk's playbook
  'GET /api/failure-modes': { expect: EVERYONE, url: () => '/api/failure-modes' },
  'POST /api/failure-modes': { expect: MANAGERS, url: () => '/api/failure-modes', body: () => ({ name: `Mode ${randomName()}`, signalKinds: ['usage_drop'] }) },
  'PATCH /api/failure-modes/:id': { expect: MANAGERS, url: (f) => `/api/failure-modes/${f.id()}`, body: () => ({ description: 'Sharper' }) },
  'GET /api/account-risks': { expect: EVERYONE, url: () => '/api/account-risks?status=live' },
  'POST /api/accounts/:id/risks': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/risks`, body: () => ({ title: 'Reorg at the customer' }), scoped: true },
  'PATCH /api/account-risks/:id': { expect: EDITORS, url: async (f) => `/api/account-risks/${await f.accountRisk()}`, body: () => ({ status: 'resolved' }), scoped: true },
  'POST /api/account-risks/:id/start-playbook': { expect: EDITORS, url: async (f) => `/api/account-risks/${await f.accountRisk()}/start-playbook`, scoped: true },
  // Critical dates (issue 12): everyone reads them; whoever may edit the account adds, edits, archives and checks them
  'POST /api/accounts/:id/critical-dates': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/critical-dates`, body: () => ({ kind: 'contract', label: 'MSA', expiresAt: '2030-01-01' }), scoped: true },
  'GET /api/accounts/:id/critical-dates': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/critical-dates`, scoped: true },
  'GET /api/critical-dates': { expect: EVERYONE, url: () => '/api/critical-dates?withinDays=60' },
  'GET /api/critical-dates/:id': { expect: EVERYONE, url: async (f) => `/api/critical-dates/${await f.criticalDate()}`, scoped: true },
  'PATCH /api/critical-dates/:id': { expect: EDITORS, url: async (f) => `/api/critical-dates/${await f.criticalDate()}`, body: () => ({ label: 'Renamed' }), scoped: true },
  'DELETE /api/critical-dates/:id': { expect: EDITORS, url: async (f) => `/api/critical-dates/${await f.criticalDate()}`, scoped: true },
  'POST /api/critical-dates/:id/check': { expect: EDITORS, url: async (f) => `/api/critical-dates/${await f.criticalDate()}/check`, scoped: true },
  // Compound risk (issue 12): everyone reads it, the radar, the evaluation and the calibration; whoever may edit the account records a judgment
  'GET /api/accounts/:id/risk': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/risk`, scoped: true },
  'POST /api/accounts/:id/risk/judgment': { expect: EDITORS, url: async (f) => `/api/accounts/${await f.account()}/risk/judgment`, body: () => ({ level: 'medium', note: 'Watching the renewal' }), scoped: true },
  'GET /api/accounts/:id/risk/history': { expect: EVERYONE, url: async (f) => `/api/accounts/${await f.account()}/risk/history?days=30`, scoped: true },
  'GET /api/risk/radar': { expect: EVERYONE, url: () => '/api/risk/radar?level=high' },
  'GET /api/risk/summary': { expect: EVERYONE, url: () => '/api/risk/summary' },
  'GET /api/risk/evaluation': { expect: EVERYONE, url: () => '/api/risk/evaluation?leadDays=90' },
  'GET /api/risk/calibration': { expect: EVERYONE, url: () => '/api/risk/calibration' },
  // Risk signals (issue 12): everyone reads the definitions; admins and managers define, tune and dry-run them; whoever may edit the account raises and resolves a signal
  'GET /api/signal-definitions': { expect: EVERYONE, url: () => '/api/signal-definitions' },
  'POST /api/signal-definitions': { expect: MANAGERS, url: () => '/api/signal-definitions', body: () => ({ kind: `ext_${Math.random().toString(36).slice(2, 10)}`, family: 'other', label: 'Partner flag', strength: 0.2, halfLifeDays: 30 }) },
  'PATCH /api/signal-definitions/:id': { expect: MANAGERS, url: (f) => `/api/signal-definitions/${f.id()}`, body: () => ({ label: 'Sharper' }) },
  'POST /api/signal-definitions/:id/dry-run': { expect: MANAGERS, url: (f) => `/api/signal-definitions/${f.id()}/dry-run`, body: () => ({ strength: 0.3 }) },
  'POST /api/risk-signals': { expect: EDITORS, url: () => '/api/risk-signals', body: async (f) => ({ accountId: await f.account(), kind: 'manual', note: 'Their CFO asked about terms' }), scoped: true },
  'PATCH /api/risk-signals/:id': { expect: EDITORS, url: async (f) => `/api/risk-signals/${await f.riskSignal()}`, body: () => ({ ended: true }), scoped: true },
  // Notifications belong to a person
  'GET /api/notifications': { expect: USERS, url: () => '/api/notifications' },
  'POST /api/notifications/read-all': { expect: USERS, url: () => '/api/notifications/read-all' },
  'GET /api/notifications/prefs': { expect: USERS, url: () => '/api/notifications/prefs' },
  'PUT /api/notifications/prefs': { expect: USERS, url: () => '/api/notifications/prefs', body: () => PREFS },
  'POST /api/notifications/:id/read': { expect: USERS, url: (f) => `/api/notifications/${f.id()}/read` },
  // Ingestion: its own write key (HTTP basic), never a session or a REST key
  'POST /v1/track': { expect: WRITE_KEY, url: () => '/v1/track', body: () => EVENT },
  'POST /v1/identify': { expect: WRITE_KEY, url: () => '/v1/identify', body: () => ({ userId: 'u1' }) },
  'POST /v1/import': { expect: WRITE_KEY, url: () => '/v1/import', body: () => ({ batch: [{ type: 'track', ...EVENT }] }) },
  'POST /v1/group': { expect: WRITE_KEY, url: () => '/v1/group', body: () => ({ userId: 'u1', groupId: 'g1' }) },
  'POST /v1/page': { expect: WRITE_KEY, url: () => '/v1/page', body: () => ({ userId: 'u1' }) },
  'POST /v1/screen': { expect: WRITE_KEY, url: () => '/v1/screen', body: () => ({ userId: 'u1' }) },
  'POST /v1/alias': { expect: WRITE_KEY, url: () => '/v1/alias', body: () => ({ userId: 'u1', previousId: 'u0' }) },
  'POST /v1/batch': { expect: WRITE_KEY, url: () => '/v1/batch', body: () => ({ batch: [{ type: 'track', ...EVENT }] }) },
  // Exports (issue 13): whoever reads the list exports it
  'GET /api/accounts/export.csv': { expect: EVERYONE, url: () => '/api/accounts/export.csv?search=zz-no-match' },
  'GET /api/tasks/export.csv': { expect: EVERYONE, url: () => '/api/tasks/export.csv?assignee=any&search=zz-no-match' },
  'GET /api/contacts/export.csv': { expect: EVERYONE, url: async (f) => `/api/contacts/export.csv?accountId=${await f.account()}` },
  'GET /api/activities/export.csv': { expect: EVERYONE, url: async (f) => `/api/activities/export.csv?accountId=${await f.account()}` },
  'GET /api/outcomes/export.csv': { expect: EVERYONE, url: async (f) => `/api/outcomes/export.csv?accountId=${await f.account()}` },
  'GET /api/risk/radar/export.csv': { expect: EVERYONE, url: () => '/api/risk/radar/export.csv?level=high' },
  'GET /api/escalations/export.csv': { expect: EVERYONE, url: async (f) => `/api/escalations/export.csv?accountId=${await f.account()}` },
  'GET /api/success-plans/export.csv': { expect: EVERYONE, url: async (f) => `/api/success-plans/export.csv?accountId=${await f.account()}` },
  // Saved views (issue 13): people's, not keys'; the owner (or a manager) edits, checked past the role
  'GET /api/imports/kinds': { expect: MANAGERS, url: () => '/api/imports/kinds' },
  'POST /api/imports/preview': { expect: MANAGERS, url: () => '/api/imports/preview', body: () => ({}) },
  'POST /api/imports': { expect: MANAGERS, url: () => '/api/imports', body: () => ({}) },
  'GET /api/imports': { expect: MANAGERS, url: () => '/api/imports' },
  'GET /api/imports/:id': { expect: MANAGERS, url: (f) => `/api/imports/${f.id()}` },
  'GET /api/imports/:id/errors.csv': { expect: MANAGERS, url: (f) => `/api/imports/${f.id()}/errors.csv` },
  'POST /api/imports/:id/cancel': { expect: MANAGERS, url: (f) => `/api/imports/${f.id()}/cancel` },
  'POST /api/imports/:id/run': { expect: MANAGERS, url: (f) => `/api/imports/${f.id()}/run` },
  'GET /api/import-mappings': { expect: MANAGERS, url: () => '/api/import-mappings' },
  'POST /api/import-mappings': { expect: MANAGERS, url: () => '/api/import-mappings', body: () => ({ name: `m-${randomName()}`, kind: 'accounts', mapping: { columns: { Company: { field: 'name' } } } }) },
  'DELETE /api/import-mappings/:id': { expect: MANAGERS, url: (f) => `/api/import-mappings/${f.id()}` },
  'GET /api/views': { expect: USERS, url: () => '/api/views' },
  'POST /api/views': { expect: USERS, url: () => '/api/views', body: () => ({ scope: 'portfolio', name: `v-${randomName()}`, state: { filters: {}, columns: [], sort: null } }) },
  'PATCH /api/views/:id': { expect: USERS, url: (f) => `/api/views/${f.id()}`, body: () => ({ name: 'x' }) },
  'DELETE /api/views/:id': { expect: USERS, url: (f) => `/api/views/${f.id()}` },
  'PUT /api/views/defaults/:scope': { expect: USERS, url: () => '/api/views/defaults/portfolio', body: () => ({ viewId: null }) },
};
