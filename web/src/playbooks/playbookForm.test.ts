import { describe, expect, it } from 'vitest';
import { playbookInput, step as apiStep } from '../../../src/playbooks/schema';
import { STEP_KINDS, type Step } from '../api/playbooks';
import { describeApplyTemplate, describeStep, stepKindHelp, stepKindLabel } from './labels';
import { initialForm, newStep, shownPaths, toInput, toStep, validate } from './playbookForm';

const TEMPLATE = '6f1c2b1e-3d4a-4b5c-8d9e-0f1a2b3c4d5e';
const WEBHOOK = '0b7e5f3c-1a2b-4c3d-9e8f-7a6b5c4d3e2f';

describe('playbook form: apply a plan template (issue 10)', () => {
  it.each<Step>([
    { kind: 'apply_plan_template', templateId: TEMPLATE },
    { kind: 'apply_plan_template', title: 'Start the onboarding plan', templateId: TEMPLATE },
  ])('loads and sends %o unchanged, and the API accepts it', (s) => {
    const sent = toStep(newStep(s.kind, s));
    expect(sent).toEqual(s);
    expect(apiStep.safeParse(sent).success).toBe(true);
  });

  it('a new step asks for its template on the API path, and shows that path', () => {
    const f = { ...initialForm(), name: 'Onboarding stalled', steps: [newStep('apply_plan_template')] };
    expect(validate(f)).toEqual({ 'steps.0.templateId': 'Choose a plan template' });
    const shown = shownPaths(f);
    expect(shown.has('steps.0.templateId') && shown.has('steps.0.title')).toBe(true);
    // Once chosen, the whole playbook is what the API takes.
    f.steps = f.steps.map((s) => ({ ...s, templateId: TEMPLATE }));
    expect(validate(f)).toEqual({});
    expect(playbookInput.safeParse(toInput(f)).success).toBe(true);
  });

  it('switching a step to the new kind and back keeps what was typed', () => {
    const task = { ...newStep('task'), title: 'Kick-off' };
    const switched = { ...task, kind: 'apply_plan_template' as const, templateId: TEMPLATE };
    expect(toStep(switched)).toEqual({ kind: 'apply_plan_template', title: 'Kick-off', templateId: TEMPLATE });
    expect(toStep({ ...switched, kind: 'task' })).toMatchObject({ kind: 'task', title: 'Kick-off' });
  });

  it('every kind has a label and help, and each kind’s form sends what the API accepts', () => {
    for (const kind of STEP_KINDS) {
      expect(stepKindLabel[kind]).toBeTruthy();
      expect(stepKindHelp[kind]).toBeTruthy();
      const d = { ...newStep(kind), title: 'A step', webhookId: WEBHOOK, templateId: TEMPLATE };
      const parsed = apiStep.safeParse(toStep(d));
      expect(parsed.success, `${kind}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });

  it('reads as the template it applies', () => {
    const s: Step = { kind: 'apply_plan_template', templateId: TEMPLATE };
    expect(describeStep(s, 'Onboarding: first value in 60 days')).toBe("Apply plan template 'Onboarding: first value in 60 days'");
    expect(describeStep(s)).toBe('Apply a plan template');
    expect(describeStep(s, null)).toBe('Apply a plan template (deleted)');
    expect(describeStep({ ...s, title: 'Start the plan' }, 'Onboarding')).toBe("Start the plan · apply plan template 'Onboarding'");
    // A run step's title is the server's default when the step has none: not repeated.
    expect(describeApplyTemplate('Onboarding', 'Apply a plan template')).toBe("Apply plan template 'Onboarding'");
  });
});

const SURVEY = '3c9a8b7d-6e5f-4a1b-9c2d-8e7f6a5b4c3d';

describe('playbook form: steps that ask the customer (issue 11)', () => {
  it.each<Step>([
    { kind: 'survey', title: 'Quarterly NPS', surveyId: SURVEY, to: 'champion' },
    { kind: 'survey', title: 'Quarterly NPS', surveyId: SURVEY, to: 'admin', note: 'Ask about reports', onOverload: 'give_spoon' },
    { kind: 'checkin', title: 'Roll out SSO', to: 'executive_sponsor' },
    { kind: 'checkin', title: 'Roll out SSO', onOverload: 'give_spoon' },
    { kind: 'email', to: 'champion', subject: 'Export your users', body: 'Hi', spoonCost: 2, onOverload: 'give_spoon' },
    { kind: 'email', to: 'champion', subject: 'News', body: 'Hi', spoonCost: 0 },
    { kind: 'task', title: 'Connect', dueOffsetDays: 3, assignee: 'customer_admin', priority: 2, customerEffort: 3, onOverload: 'give_spoon' },
  ])('loads and sends %o unchanged, and the API accepts it', (s) => {
    const sent = toStep(newStep(s.kind, s));
    expect(sent).toEqual(s);
    expect(apiStep.safeParse(sent).success).toBe(true);
  });

  it('keeps a step saved before surveys existed without a role, and asks for its survey', () => {
    const old: Step = { kind: 'survey', title: 'Renewal readiness survey' };
    const d = newStep('survey', old);
    expect(d.askTo).toBeNull();
    expect(toStep(d)).toEqual(old);
    const f = { ...initialForm(), name: 'Renewal', steps: [d] };
    expect(validate(f)).toEqual({ 'steps.0.surveyId': 'Choose a survey' });
    expect(shownPaths(f).has('steps.0.surveyId') && shownPaths(f).has('steps.0.to') && shownPaths(f).has('steps.0.onOverload')).toBe(true);
  });

  it('a new survey or check-in asks the champion and waits when over capacity', () => {
    expect(toStep({ ...newStep('survey'), title: 'NPS', surveyId: SURVEY })).toEqual({ kind: 'survey', title: 'NPS', surveyId: SURVEY, to: 'champion' });
    expect(toStep({ ...newStep('checkin'), title: 'SSO' })).toEqual({ kind: 'checkin', title: 'SSO', to: 'champion' });
  });

  it('refuses a spoon cost outside 0–10 on the field', () => {
    const f = { ...initialForm(), name: 'x', steps: [{ ...newStep('email'), spoonCost: 11 }] };
    expect(validate(f)).toEqual({ 'steps.0.spoonCost': 'Whole spoons, 0 to 10' });
  });

  it('reads what it asks', () => {
    expect(describeStep({ kind: 'survey', title: 'NPS', surveyId: SURVEY, to: 'champion' })).toBe('Survey: NPS · champion');
    expect(describeStep({ kind: 'checkin', title: 'SSO', onOverload: 'give_spoon' })).toBe('Check-in: SSO · no contact role (the owner asks on a call) · gives a spoon when over capacity');
    expect(describeStep({ kind: 'email', to: 'champion', subject: 'Export', body: 'x', spoonCost: 1 })).toBe('E-mail the champion: “Export” · costs 1 spoon');
  });
});

describe('playbook form: out-of-range numbers are refused, never clamped (issue 9 §7)', () => {
  it('says a customer effort of 15 is out of range on its field; empty or 0–10 is fine', () => {
    const f = (customerEffort: number | '') => ({ ...initialForm(), name: 'x', steps: [{ ...newStep('task'), title: 'Call', customerEffort }] });
    expect(validate(f(15))).toEqual({ 'steps.0.customerEffort': 'Whole spoons, 0 to 10' });
    expect(validate(f(2.5))).toEqual({ 'steps.0.customerEffort': 'Whole spoons, 0 to 10' });
    for (const ok of ['', 0, 10] as const) expect(validate(f(ok))).toEqual({});
  });
});
