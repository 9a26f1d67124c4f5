import { describe, expect, it } from 'vitest';
import { compare, evaluate, evaluateLeaf, needs, type Facts } from './evaluate.js';
import type { Leaf } from './schema.js';

const now = new Date('2026-06-15T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const facts = (over: Partial<Facts> = {}): Facts => ({
  accountId: 'a1', stage: 'adoption', segment: 'Enterprise', arr: 120_000, renewalDate: '2026-07-15',
  fields: { seats: 50, domain: 'acme.test', custom: { plan: 'Pro', nps: 7 } },
  health: { score: 52, band: 'poor' },
  drivers: { seat_utilization: { value: 0.12, score: 40 } },
  changes: [
    { at: daysAgo(1), fromScore: 68, toScore: 52, toBand: 'poor' },
    { at: daysAgo(20), fromScore: 80, toScore: 68, toBand: 'watch' },
  ],
  eventLastSeen: { 'Report Exported': '2026-06-01', 'Invite Sent': null },
  fieldChangedAt: { stage: daysAgo(3) },
  ...over,
});
const ok = (l: Leaf, f = facts()) => evaluateLeaf(l, f, now).ok;

describe('rule conditions', () => {
  it('health band and band changes', () => {
    expect(ok({ type: 'health_band', op: 'in', bands: ['poor'] })).toBe(true);
    expect(ok({ type: 'health_band', op: 'not_in', bands: ['poor'] })).toBe(false);
    expect(ok({ type: 'health_band', op: 'not_in', bands: ['good'] }, facts({ health: { score: null, band: null } }))).toBe(false);
    expect(ok({ type: 'health_band_changed', to: ['poor'], withinDays: 7 })).toBe(true);
    expect(ok({ type: 'health_band_changed', to: ['watch'], withinDays: 7 })).toBe(false);
    // Moved to watch 20 days ago but is poor now: no longer "in watch".
    expect(ok({ type: 'health_band_changed', to: ['watch'], withinDays: 30 })).toBe(false);
  });

  it('score drops measure from the high point within the window', () => {
    const drop = evaluateLeaf({ type: 'health_score_change', direction: 'drop', points: 20, withinDays: 30 }, facts(), now);
    expect(drop).toMatchObject({ ok: true, actual: 28 });
    expect(ok({ type: 'health_score_change', direction: 'drop', points: 20, withinDays: 7 })).toBe(false); // only 68 → 52 in 7 days
    expect(ok({ type: 'health_score_change', direction: 'rise', points: 1, withinDays: 30 })).toBe(false);
    expect(ok({ type: 'health_score_change', direction: 'drop', points: 1, withinDays: 30 }, facts({ changes: [] }))).toBe(false);
  });

  it('drivers, stage, segment, ARR and renewal', () => {
    expect(ok({ type: 'driver', driver: 'seat_utilization', measure: 'value', op: 'lt', value: 0.15 })).toBe(true);
    expect(ok({ type: 'driver', driver: 'seat_utilization', measure: 'score', op: 'gte', value: 50 })).toBe(false);
    expect(ok({ type: 'driver', driver: 'missing', measure: 'value', op: 'lt', value: 1 })).toBe(false);
    expect(ok({ type: 'stage', op: 'in', values: ['adoption', 'renewal'] })).toBe(true);
    expect(ok({ type: 'segment', op: 'not_in', values: ['SMB'] })).toBe(true);
    expect(ok({ type: 'arr', op: 'gte', value: 100_000 })).toBe(true);
    expect(evaluateLeaf({ type: 'days_to_renewal', op: 'lte', value: 30 }, facts(), now)).toMatchObject({ ok: true, actual: 30 });
    expect(ok({ type: 'days_to_renewal', op: 'lte', value: 30 }, facts({ renewalDate: null }))).toBe(false);
  });

  it('events seen or not seen for N days', () => {
    expect(ok({ type: 'event', event: 'Report Exported', seen: false, withinDays: 14 })).toBe(true); // 14 days ago
    expect(ok({ type: 'event', event: 'Report Exported', seen: true, withinDays: 15 })).toBe(true);
    expect(ok({ type: 'event', event: 'Invite Sent', seen: false, withinDays: 90 })).toBe(true);
    expect(evaluateLeaf({ type: 'event', event: 'Invite Sent', seen: true, withinDays: 90 }, facts(), now)).toMatchObject({ ok: false, actual: 'never' });
  });

  it('fields and field changes', () => {
    expect(ok({ type: 'field', field: 'custom.plan', op: 'eq', value: 'Pro' })).toBe(true);
    expect(ok({ type: 'field', field: 'custom.nps', op: 'lt', value: 8 })).toBe(true);
    expect(ok({ type: 'field', field: 'custom.missing', op: 'is_empty' })).toBe(true);
    expect(ok({ type: 'field', field: 'domain', op: 'contains', value: 'ACME' })).toBe(true);
    expect(ok({ type: 'field_changed', field: 'stage', withinDays: 7 })).toBe(true);
    expect(ok({ type: 'field_changed', field: 'stage', withinDays: 2 })).toBe(false);
    expect(ok({ type: 'field_changed', field: 'arr', withinDays: 30 })).toBe(false);
  });

  it('all and any, with every leaf explained', () => {
    const leaves: Leaf[] = [{ type: 'health_band', op: 'in', bands: ['poor'] }, { type: 'arr', op: 'gt', value: 1_000_000 }];
    const all = evaluate({ match: 'all', conditions: leaves }, facts(), now);
    expect(all.matched).toBe(false);
    expect(all.results.map((r) => [r.label, r.actual, r.ok])).toEqual([['Health band is poor', 'poor', true], ['ARR > 1000000', 120_000, false]]);
    expect(evaluate({ match: 'any', conditions: leaves }, facts(), now).matched).toBe(true);
  });

  it('compares with nulls and mixed types', () => {
    expect(compare(null, 'lt', 5)).toBe(false);
    expect(compare(null, 'neq', 5)).toBe(true);
    expect(compare('7', 'eq', 7)).toBe(true);
  });

  it('collects what to load', () => {
    expect(needs([{ match: 'all', conditions: [{ type: 'event', event: 'X', seen: true, withinDays: 3 }, { type: 'field_changed', field: 'arr', withinDays: 40 }] }]))
      .toEqual({ events: ['X'], windowDays: 40, fieldHistory: true, autopilot: false, plans: false, seeds: false });
    expect(needs([{ match: 'any', conditions: [{ type: 'autopilot', value: true }, { type: 'plan_status', op: 'in', statuses: ['at_risk'] }, { type: 'seed_stage', stages: ['planted'] }] }]))
      .toMatchObject({ autopilot: true, plans: true, seeds: true });
  });
});

describe('issue 10 conditions: autopilot, success plan status, seed stage', () => {
  it('on autopilot reads the stored verdict; no verdict is not on autopilot', () => {
    expect(evaluateLeaf({ type: 'autopilot', value: true }, facts({ autopilot: true }), now)).toEqual({ type: 'autopilot', label: 'On autopilot', actual: 'on autopilot', ok: true });
    expect(ok({ type: 'autopilot', value: true }, facts({ autopilot: false }))).toBe(false);
    expect(ok({ type: 'autopilot', value: false }, facts({ autopilot: false }))).toBe(true);
    expect(ok({ type: 'autopilot', value: true }, facts())).toBe(false);
    expect(ok({ type: 'autopilot', value: false }, facts())).toBe(true);
  });

  it('success plan status is the worst of the account\'s plans; no plan never matches', () => {
    const two = facts({ planStatuses: ['on_track', 'at_risk'] });
    expect(evaluateLeaf({ type: 'plan_status', op: 'in', statuses: ['at_risk', 'off_track'] }, two, now))
      .toMatchObject({ ok: true, actual: 'at_risk (worst of 2 plans)', label: 'Success plan status is at_risk or off_track' });
    // One plan on track does not hide another at risk.
    expect(ok({ type: 'plan_status', op: 'in', statuses: ['on_track'] }, two)).toBe(false);
    expect(ok({ type: 'plan_status', op: 'not_in', statuses: ['off_track'] }, two)).toBe(true);
    expect(evaluateLeaf({ type: 'plan_status', op: 'in', statuses: ['achieved'] }, facts({ planStatuses: ['achieved'] }), now)).toMatchObject({ ok: true, actual: 'achieved' });
    expect(evaluateLeaf({ type: 'plan_status', op: 'not_in', statuses: ['off_track'] }, facts({ planStatuses: [] }), now)).toMatchObject({ ok: false, actual: 'no success plan' });
    expect(ok({ type: 'plan_status', op: 'in', statuses: ['on_track'] }, facts())).toBe(false);
  });

  it('has a seed in stage: any seed of the account in one of the stages', () => {
    const f = facts({ seedStages: { planted: 2, dormant: 1 } });
    expect(evaluateLeaf({ type: 'seed_stage', stages: ['planted', 'reacted'] }, f, now)).toMatchObject({ ok: true, actual: 'planted 2, dormant 1', label: 'Has a seed planted or reacted' });
    expect(ok({ type: 'seed_stage', stages: ['harvested'] }, f)).toBe(false);
    expect(evaluateLeaf({ type: 'seed_stage', stages: ['planted'] }, facts({ seedStages: {} }), now)).toMatchObject({ ok: false, actual: 'no seeds' });
  });
});
