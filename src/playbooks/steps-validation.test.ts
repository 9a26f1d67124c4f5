import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';

/** What a playbook's steps must refer to when it is saved: a step naming something that does not exist is refused with its path. */
let t: TestApp;
let manager: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: manager.headers, ...(payload ? { payload } : {}) });

const MISSING = '00000000-0000-4000-8000-000000000000';
const TASK = { kind: 'task', title: 'Call the champion', dueOffsetDays: 1, assignee: 'owner' };

describe('apply_plan_template steps', () => {
  it('refuses an unknown plan template on create and on update, naming the step; accepts a real one', async () => {
    const bad = await api('POST', '/api/playbooks', { name: unique('pb'), steps: [TASK, { kind: 'apply_plan_template', templateId: MISSING }] });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'playbook.invalid', fields: [{ path: 'steps.1.templateId', message: 'no such plan template' }] });

    const tpl = await api('POST', '/api/plan-templates', { name: unique('Onboarding'), goals: [{ statement: 'Live in 30 days', targetOffsetDays: 30, criteria: [], milestones: [] }] });
    expect(tpl.statusCode, tpl.body).toBe(201);
    const templateId = (tpl.json() as { id: string }).id;
    const ok = await api('POST', '/api/playbooks', { name: unique('pb'), steps: [{ kind: 'apply_plan_template', templateId }] });
    expect(ok.statusCode, ok.body).toBe(201);
    const playbookId = (ok.json() as { id: string }).id;

    const patched = await api('PATCH', `/api/playbooks/${playbookId}`, { steps: [TASK, TASK, { kind: 'apply_plan_template', templateId: MISSING }] });
    expect(patched.statusCode, patched.body).toBe(400);
    expect(patched.json().fields.map((f: { path: string }) => f.path)).toEqual(['steps.2.templateId']);
    // The refused update changed nothing.
    expect((await api('GET', `/api/playbooks/${playbookId}`)).json()).toMatchObject({ steps: [{ kind: 'apply_plan_template', templateId }] });
  });
});
