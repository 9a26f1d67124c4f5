import { describe, expect, it } from 'vitest';
import { can } from './policy.js';
import type { Principal, Role } from './principal.js';

const user = (role: Role, userId = 'u1', teamId: string | null = 't1'): Principal => ({ kind: 'user', userId, role, teamId, name: 'n', email: 'e' });
const own = { ownerId: 'u1', teamId: null };
const team = { ownerId: 'u9', teamId: 't1' };
const other = { ownerId: 'u9', teamId: 't9' };

describe('can', () => {
  it('lets every role read accounts', () => {
    for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) expect(can(user(role), 'read', { type: 'account', account: other })).toBe(true);
  });
  it('never lets a viewer write', () => {
    for (const action of ['create', 'update', 'delete'] as const) {
      expect(can(user('viewer'), action, { type: 'account', account: own })).toBe(false);
    }
  });
  it('lets a csm edit own and team accounts but not others, and never delete', () => {
    expect(can(user('csm'), 'update', { type: 'account', account: own })).toBe(true);
    expect(can(user('csm'), 'update', { type: 'account', account: team })).toBe(true);
    expect(can(user('csm'), 'update', { type: 'account', account: other })).toBe(false);
    expect(can(user('csm'), 'delete', { type: 'account', account: own })).toBe(false);
    expect(can(user('csm', 'u1', null), 'update', { type: 'account', account: { ownerId: 'u9', teamId: null } })).toBe(false);
  });
  it('lets managers and admins edit and delete every account', () => {
    for (const role of ['manager', 'admin'] as const) {
      expect(can(user(role), 'update', { type: 'account', account: other })).toBe(true);
      expect(can(user(role), 'delete', { type: 'account', account: other })).toBe(true);
    }
  });
  it('keeps users, teams and API keys to admins, the audit log to managers and admins', () => {
    expect(can(user('manager'), 'update', { type: 'users' })).toBe(false);
    expect(can(user('admin'), 'update', { type: 'users' })).toBe(true);
    expect(can(user('csm'), 'read', { type: 'users' })).toBe(true);
    // Managers read the key list (never the secrets) but do not create or revoke keys.
    expect(can(user('manager'), 'read', { type: 'api_keys' })).toBe(true);
    expect(can(user('manager'), 'create', { type: 'api_keys' })).toBe(false);
    expect(can(user('csm'), 'read', { type: 'api_keys' })).toBe(false);
    expect(can(user('manager'), 'read', { type: 'role_assignments' })).toBe(true);
    expect(can(user('csm'), 'read', { type: 'role_assignments' })).toBe(false);
    expect(can(user('viewer'), 'read', { type: 'role_assignments' })).toBe(false);
    expect(can(user('manager'), 'read', { type: 'audit' })).toBe(true);
    expect(can(user('csm'), 'read', { type: 'audit' })).toBe(false);
  });
  it('lets only managers and admins edit drivers and start recomputes; everyone reads them', () => {
    for (const subject of [{ type: 'drivers' as const }, { type: 'health_runs' as const }]) {
      expect(can(user('viewer'), 'read', subject)).toBe(true);
      expect(can(user('csm'), 'update', subject)).toBe(false);
      expect(can(user('manager'), 'create', subject)).toBe(true);
      expect(can(user('admin'), 'delete', subject)).toBe(true);
    }
  });
  it('lets a viewer write nothing, even on a task assigned to them or an escalation they are in', () => {
    const mine = { assigneeUserId: 'u1', account: own };
    const member = { memberIds: ['u1'], account: own };
    expect(can(user('viewer'), 'update', { type: 'task', task: mine })).toBe(false);
    expect(can(user('viewer'), 'update', { type: 'escalation', escalation: member })).toBe(false);
    expect(can(user('viewer'), 'read', { type: 'escalation', escalation: member })).toBe(true);
    // The same membership still lets a csm act on another team's objects.
    expect(can(user('csm'), 'update', { type: 'task', task: { ...mine, account: other } })).toBe(true);
    expect(can(user('csm'), 'update', { type: 'escalation', escalation: { ...member, account: other } })).toBe(true);
  });
  it('treats an API key as its role owning nothing', () => {
    const key: Principal = { kind: 'api_key', keyId: 'k', role: 'viewer', name: 'k' };
    expect(can(key, 'update', { type: 'account', account: own })).toBe(false);
    expect(can({ ...key, role: 'manager' }, 'delete', { type: 'account', account: other })).toBe(true);
  });
  it('lets everyone read plan templates and only admins and managers build them', () => {
    for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) expect(can(user(role), 'read', { type: 'plan_templates' })).toBe(true);
    for (const action of ['create', 'update', 'delete'] as const) {
      expect(can(user('admin'), action, { type: 'plan_templates' })).toBe(true);
      expect(can(user('manager'), action, { type: 'plan_templates' })).toBe(true);
      expect(can(user('csm'), action, { type: 'plan_templates' })).toBe(false);
      expect(can(user('viewer'), action, { type: 'plan_templates' })).toBe(false);
    }
  });
  it('lets everyone read and classify change talk, csm and above correct a label, and only admins manage phrases', () => {
    for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) expect(can(user(role), 'read', { type: 'change_talk' })).toBe(true);
    expect(can(user('csm'), 'create', { type: 'change_talk' })).toBe(true);
    expect(can(user('manager'), 'create', { type: 'change_talk' })).toBe(true);
    expect(can(user('viewer'), 'create', { type: 'change_talk' })).toBe(false);
    for (const action of ['create', 'delete'] as const) {
      expect(can(user('admin'), action, { type: 'change_talk', part: 'phrases' })).toBe(true);
      expect(can(user('manager'), action, { type: 'change_talk', part: 'phrases' })).toBe(false);
      expect(can(user('csm'), action, { type: 'change_talk', part: 'phrases' })).toBe(false);
    }
  });
  it('lets a csm add to the seed library but only admins and managers edit or retire a question', () => {
    expect(can(user('csm'), 'create', { type: 'seed_questions' })).toBe(true);
    expect(can(user('viewer'), 'create', { type: 'seed_questions' })).toBe(false);
    expect(can(user('viewer'), 'read', { type: 'seed_questions' })).toBe(true);
    for (const action of ['update', 'delete'] as const) {
      expect(can(user('csm'), action, { type: 'seed_questions' })).toBe(false);
      expect(can(user('manager'), action, { type: 'seed_questions' })).toBe(true);
      expect(can(user('admin'), action, { type: 'seed_questions' })).toBe(true);
    }
  });
});
