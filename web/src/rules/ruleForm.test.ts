import { describe, expect, it } from 'vitest';
import type { Leaf } from '../api/rules';
import { newAction, newLeaf, shownPaths, switchType, toAction, toLeaf, validate, initialForm } from './ruleForm';

describe('rule form: issue 10 conditions', () => {
  it.each<Leaf>([
    { type: 'autopilot', value: true },
    { type: 'autopilot', value: false },
    { type: 'plan_status', op: 'not_in', statuses: ['at_risk', 'off_track'] },
    { type: 'seed_stage', stages: ['sprouted', 'rooted'] },
  ])('loads and sends %o unchanged', (leaf) => {
    expect(toLeaf(newLeaf(leaf.type, leaf))).toEqual(leaf);
  });

  it('a new row of each type sends what the API expects', () => {
    expect(toLeaf(newLeaf('autopilot'))).toEqual({ type: 'autopilot', value: true });
    expect(toLeaf(newLeaf('plan_status'))).toEqual({ type: 'plan_status', op: 'in', statuses: [] });
    // Switching from stage does not carry stages over as seed stages.
    const stage = { ...newLeaf('stage'), values: ['adoption'] };
    expect(toLeaf(switchType(stage, 'seed_stage'))).toEqual({ type: 'seed_stage', stages: [] });
  });

  it('asks for at least one status or stage, on the API paths, and shows those paths', () => {
    const f = { ...initialForm(), conditions: [newLeaf('plan_status'), newLeaf('seed_stage'), newLeaf('autopilot')] };
    const { condition } = validate(f);
    expect(condition).toEqual({ 'condition.conditions.0.statuses': 'Pick at least one status', 'condition.conditions.1.stages': 'Pick at least one stage' });
    const shown = shownPaths(f);
    expect(['condition.conditions.0.statuses', 'condition.conditions.1.stages', 'condition.conditions.2.value'].every((p) => shown.has(p))).toBe(true);
  });
});

describe('rule form: the raise_risk action (issue 12)', () => {
  it('loads and sends a raise_risk action unchanged, with or without a strength', () => {
    const withStrength = { type: 'raise_risk', kind: 'champion_left', strength: 0.4, note: 'Champion gone before renewal' } as const;
    const without = { type: 'raise_risk', kind: 'manual', note: 'Reorg announced' } as const;
    expect(toAction(newAction('raise_risk', withStrength))).toEqual(withStrength);
    expect(toAction(newAction('raise_risk', without))).toEqual(without);
  });

  it('asks for a kind and a note, refuses a strength outside 0–1 exclusive, and shows those paths', () => {
    const a = { ...newAction('raise_risk'), strength: 1 };
    const f = { ...initialForm(), actions: [a] };
    expect(validate(f).all).toMatchObject({ 'actions.0.kind': 'Choose a signal kind', 'actions.0.note': 'Say why the rule raises it', 'actions.0.strength': expect.any(String) });
    const ok = { ...initialForm(), actions: [{ ...a, signalKind: 'manual', note: 'x', strength: 0.5 }] };
    expect(Object.keys(validate(ok).all).filter((k) => k.startsWith('actions.'))).toEqual([]);
    expect(['actions.0.kind', 'actions.0.strength', 'actions.0.note'].every((p) => shownPaths(f).has(p))).toBe(true);
  });
});

describe('rule form: out-of-range numbers are refused, never clamped (issue 9 §7)', () => {
  it('says what is wrong with 150 points and a task due in 400 days, on their fields', () => {
    const f = { ...initialForm(), conditions: [{ ...newLeaf('health_score_change'), points: 150 }], actions: [{ ...newAction('create_task'), dueInDays: 400 }] };
    const { all } = validate(f);
    expect(all['condition.conditions.0.points']).toBe('Whole points, 1 to 100');
    expect(all['actions.0.dueInDays']).toBe('Whole days, 0 to 365');
    const ok = validate({ ...f, conditions: [{ ...newLeaf('health_score_change'), points: 100 }], actions: [{ ...newAction('create_task'), dueInDays: 365 }] }).all;
    expect([ok['condition.conditions.0.points'], ok['actions.0.dueInDays']]).toEqual([undefined, undefined]);
  });
});
