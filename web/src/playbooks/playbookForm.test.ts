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
