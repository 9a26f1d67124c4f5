import { describe, expect, it } from 'vitest';
import type { Leaf } from '../api/rules';
import { newLeaf, shownPaths, switchType, toLeaf, validate, initialForm } from './ruleForm';

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
