import { describe, expect, it } from 'vitest';
import type { PlanTemplate } from '../api/planTypes';
import { initialTemplateForm, newGoal, newTask, ownerLabel, toTemplateInput, validateTemplate, windowDaysError } from './templateForm';

const template: PlanTemplate = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Onboarding, mid-market',
  description: 'First value in 30 days',
  segment: 'Mid-market',
  stage: 'onboarding',
  goals: [
    {
      statement: 'From sign-up to first report in 30 days',
      why: 'Their sponsor promised the board a first report',
      targetOffsetDays: 30,
      criteria: [
        { name: 'Adoption', kind: 'driver', driverId: '00000000-0000-4000-8000-000000000002', direction: 'up', target: 60 },
        { name: 'Reports sent', kind: 'metric', metric: { event: 'report_sent', measure: 'count', windowDays: 30 }, direction: 'up', target: 20 },
        { name: 'Confidence', kind: 'rating', direction: 'up', target: 4 },
      ],
      milestones: [{ title: 'SSO live', offsetDays: 14, owner: 'customer:admin', tasks: [{ title: 'Send the SAML metadata', offsetDays: 7, owner: 'customer:admin' }] }],
    },
  ],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  canEdit: true,
};

describe('the template form', () => {
  it('round-trips a template through the editor state to the API shape', () => {
    const { id: _id, createdAt: _c, updatedAt: _u, canEdit: _e, ...input } = template;
    expect(toTemplateInput(initialTemplateForm(template))).toEqual(input);
    expect(validateTemplate(initialTemplateForm(template))).toEqual({});
  });

  it('reports problems by the API schema paths, so each sits beside its input', () => {
    const f = initialTemplateForm(template);
    const goal = f.goals[0];
    if (!goal?.criteria[0] || !goal.milestones[0]) throw new Error('fixture');
    goal.criteria[0].driverId = null;
    goal.milestones[0].title = ' ';
    const errors = validateTemplate({ ...f, name: '' });
    expect(Object.keys(errors).sort()).toEqual(['goals.0.criteria.0.driverId', 'goals.0.milestones.0.title', 'name']);
  });

  it('starts a new template with one goal and one milestone owned by the CSM; no target offset is null, not 0', () => {
    const f = initialTemplateForm();
    expect(f.goals).toHaveLength(1);
    expect(f.goals[0]?.milestones[0]?.owner).toBe('csm');
    const g = { ...newGoal(), statement: 'x', targetOffsetDays: '' as const };
    expect(toTemplateInput({ ...f, name: 'n', goals: [g] }).goals[0]?.targetOffsetDays).toBeNull();
  });

  it('says owners in words', () => {
    expect(ownerLabel('csm')).toBe('The account’s CSM');
    expect(ownerLabel('customer:executive_sponsor')).toBe('Customer: executive sponsor');
    expect(ownerLabel(null)).toBe('No owner');
  });
});

describe('template and criterion forms: out-of-range days are refused, never clamped (issue 9 §7)', () => {
  it('says what is wrong with a 5,000-day target, a 400-day window and offsets past ten years, on their fields', () => {
    const f = initialTemplateForm(template);
    const goal = f.goals[0];
    if (!goal?.criteria[1] || !goal.milestones[0]) throw new Error('fixture');
    goal.targetOffsetDays = 5000;
    goal.criteria[1].windowDays = 400;
    goal.milestones[0].offsetDays = -4000;
    goal.milestones[0].tasks.push({ ...newTask(), title: 'Kick-off', offsetDays: 3651 });
    expect(validateTemplate(f)).toEqual({
      'goals.0.targetOffsetDays': 'Whole days, -3650 to 3650',
      'goals.0.criteria.1.metric.windowDays': 'Whole days, 1 to 365',
      'goals.0.milestones.0.offsetDays': 'Whole days, -3650 to 3650',
      'goals.0.milestones.0.tasks.1.offsetDays': 'Whole days, -3650 to 3650',
    });
    goal.targetOffsetDays = 3650;
    goal.criteria[1].windowDays = 365;
    goal.milestones[0].offsetDays = -3650;
    goal.milestones[0].tasks[1] = { ...newTask(), title: 'Kick-off', offsetDays: 0 };
    expect(validateTemplate(f)).toEqual({});
  });

  it('a plan criterion’s window: empty (the default) or 1–365 whole days', () => {
    for (const bad of [0, 366, 400, 2.5, Number.NaN, '-']) expect(windowDaysError(bad)).toBe('Whole days, 1 to 365');
    for (const ok of ['', 1, 30, 365]) expect(windowDaysError(ok)).toBeUndefined();
  });
});
