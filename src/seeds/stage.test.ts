import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyEvent, nextReask, plantSeed, REACTION_STRENGTHS, SEED_STAGES, STAGE_RANK,
  type Seed, type SeedEvent, type SeedStage,
} from './stage.js';

const DAY = 86_400_000;
const PLANTED = new Date('2025-03-01T10:00:00Z');
const dayOf = (n: number) => new Date(PLANTED.getTime() + n * DAY);
const NOW = dayOf(10);
const seedAt = (stage: SeedStage, s: Partial<Seed> = {}): Seed => ({ ...plantSeed(PLANTED), stage, ...s });

function ok(seed: Seed, e: SeedEvent, now = NOW) {
  const r = applyEvent(seed, e, now);
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.errors)}`);
  return r;
}
function fails(seed: Seed, e: SeedEvent, now = NOW) {
  const r = applyEvent(seed, e, now);
  if (r.ok) throw new Error(`expected errors, got stage ${r.to}`);
  return r.errors;
}

describe('applyEvent: moves along the growth path', () => {
  it.each(['strong_positive', 'strong_negative'] as const)('a %s reaction moves planted → reacted', (strength) => {
    const r = ok(plantSeed(PLANTED), { kind: 'reaction', strength, at: dayOf(1) });
    expect(r).toMatchObject({ from: 'planted', to: 'reacted', moved: true });
    expect(r.seed.lastMovedAt).toEqual(dayOf(1));
    expect(r.summary).toBe(`${strength.replace('_', ' ')} reaction: planted → reacted`);
  });

  it.each(['lukewarm', 'none'] as const)('a %s reaction is recorded without a move', (strength) => {
    const r = ok(plantSeed(PLANTED), { kind: 'reaction', strength });
    expect(r).toMatchObject({ to: 'planted', moved: false, summary: `${strength} reaction (stays planted)` });
    expect(r.seed.lastMovedAt).toEqual(PLANTED);
  });

  it('an objection is recorded without a move, and needs its text', () => {
    expect(ok(seedAt('reacted'), { kind: 'objection', text: ' not with our auditors ' })).toMatchObject({ moved: false, summary: 'objection: not with our auditors (stays reacted)' });
    expect(fails(seedAt('reacted'), { kind: 'objection', text: '  ' })).toEqual([{ field: 'text', message: 'Say what the objection was' }]);
  });

  it('a follow-up from the customer moves reacted → sprouted, with an activity or a note', () => {
    expect(ok(seedAt('reacted'), { kind: 'follow_up', activityId: 'a1' })).toMatchObject({ to: 'sprouted', moved: true });
    expect(ok(seedAt('reacted'), { kind: 'follow_up', note: 'asked how others did it' })).toMatchObject({ to: 'sprouted' });
    expect(fails(seedAt('reacted'), { kind: 'follow_up', note: ' ' })).toEqual([{ field: 'activityId', message: 'A follow-up needs its evidence: the activity it happened in, or a note' }]);
  });

  it('a variant asked uses a variant and restarts the re-ask clock, without a move', () => {
    const r = ok(seedAt('reacted'), { kind: 'variant_asked', variant: 'What if reports wrote themselves?', at: dayOf(8) });
    expect(r).toMatchObject({ moved: false, summary: 'variant asked: What if reports wrote themselves? (stays reacted)' });
    expect(r.seed).toMatchObject({ variantsAsked: 1, lastAskedAt: dayOf(8), lastMovedAt: PLANTED });
    expect(fails(seedAt('reacted'), { kind: 'variant_asked', variant: '' })).toEqual([{ field: 'variant', message: 'Say which variant was asked' }]);
  });

  it('engaged with a re-asked variant moves to sprouted; without a variant asked it is refused', () => {
    expect(ok(seedAt('reacted', { variantsAsked: 1 }), { kind: 'engaged' })).toMatchObject({ to: 'sprouted', moved: true });
    expect(fails(seedAt('reacted'), { kind: 'engaged' })[0]?.field).toBe('variant');
  });

  it.each(['raised_by_customer', 'discussed_in_qbr'] as const)('%s moves sprouted → rooted, with evidence', (kind) => {
    expect(ok(seedAt('sprouted'), { kind, activityId: 'a2' })).toMatchObject({ from: 'sprouted', to: 'rooted', moved: true });
    expect(fails(seedAt('sprouted'), { kind })[0]?.field).toBe('activityId');
  });

  it('harvested links the goal; no harvest without a goal', () => {
    const r = ok(seedAt('rooted'), { kind: 'harvested', goalId: 'g1' });
    expect(r).toMatchObject({ to: 'harvested', moved: true });
    expect(r.seed.goalId).toBe('g1');
    expect(fails(seedAt('rooted'), { kind: 'harvested', goalId: null })).toEqual([{ field: 'goalId', message: 'A harvest needs the goal it became' }]);
    expect(fails(seedAt('rooted'), { kind: 'harvested', goalId: ' ' })[0]?.field).toBe('goalId');
  });

  it('skips forward when the evidence proves a later stage', () => {
    expect(ok(plantSeed(PLANTED), { kind: 'follow_up', activityId: 'a1' })).toMatchObject({ from: 'planted', to: 'sprouted' });
    expect(ok(plantSeed(PLANTED), { kind: 'discussed_in_qbr', note: 'they put it on the QBR agenda' })).toMatchObject({ to: 'rooted' });
    expect(ok(plantSeed(PLANTED), { kind: 'harvested', goalId: 'g1' })).toMatchObject({ to: 'harvested' });
  });
});

describe('applyEvent: backwards, dormant and harvested', () => {
  it('evidence of an earlier stage is recorded but does not move the seed back', () => {
    const r = ok(seedAt('rooted'), { kind: 'reaction', strength: 'strong_positive' });
    expect(r).toMatchObject({ from: 'rooted', to: 'rooted', moved: false, summary: 'strong positive reaction (stays rooted)' });
    expect(ok(seedAt('rooted'), { kind: 'follow_up', note: 'x' })).toMatchObject({ to: 'rooted', moved: false });
  });

  it.each(['planted', 'reacted', 'sprouted', 'rooted'] as const)('%s → dormant by the CSM', (stage) => {
    expect(ok(seedAt(stage), { kind: 'dormant' })).toMatchObject({ from: stage, to: 'dormant', moved: true });
  });

  it('dormant again is a no-op', () => {
    expect(ok(seedAt('dormant'), { kind: 'dormant' })).toMatchObject({ moved: false });
  });

  it('wakes from dormant at the stage the new evidence proves', () => {
    expect(ok(seedAt('dormant'), { kind: 'reaction', strength: 'strong_negative' })).toMatchObject({ from: 'dormant', to: 'reacted', moved: true });
    expect(ok(seedAt('dormant'), { kind: 'raised_by_customer', note: 'their CFO asked' })).toMatchObject({ to: 'rooted' });
    expect(ok(seedAt('dormant'), { kind: 'harvested', goalId: 'g1' })).toMatchObject({ to: 'harvested' });
  });

  it('lukewarm, objections and variants leave a dormant seed dormant', () => {
    expect(ok(seedAt('dormant'), { kind: 'reaction', strength: 'lukewarm' })).toMatchObject({ to: 'dormant', moved: false });
    expect(ok(seedAt('dormant'), { kind: 'objection', text: 'no budget' })).toMatchObject({ to: 'dormant' });
    expect(ok(seedAt('dormant'), { kind: 'variant_asked', variant: 'v' })).toMatchObject({ to: 'dormant' });
  });

  it('harvested is final: same goal is a no-op, another goal or dormant is refused, other evidence is recorded', () => {
    const h = seedAt('harvested', { goalId: 'g1' });
    expect(ok(h, { kind: 'harvested', goalId: 'g1' })).toMatchObject({ moved: false, to: 'harvested' });
    expect(fails(h, { kind: 'harvested', goalId: 'g2' })).toEqual([{ field: 'goalId', message: 'Already harvested into another goal' }]);
    expect(fails(h, { kind: 'dormant' })).toEqual([{ field: 'kind', message: 'A harvested seed stays harvested' }]);
    expect(ok(h, { kind: 'raised_by_customer', note: 'x' })).toMatchObject({ to: 'harvested', moved: false });
  });
});

describe('applyEvent: validation', () => {
  it('refuses an event in the future or before planting', () => {
    expect(fails(plantSeed(PLANTED), { kind: 'reaction', strength: 'none', at: dayOf(11) })).toEqual([{ field: 'at', message: 'Cannot be in the future' }]);
    expect(fails(plantSeed(PLANTED), { kind: 'reaction', strength: 'none', at: dayOf(-1) })).toEqual([{ field: 'at', message: 'Cannot be before the seed was planted' }]);
    expect(fails(plantSeed(PLANTED), { kind: 'reaction', strength: 'none', at: new Date(Number.NaN) })[0]?.field).toBe('at');
  });

  it('reports every failing field at once', () => {
    expect(fails(seedAt('rooted'), { kind: 'harvested', goalId: null, at: dayOf(20) }).map((e) => e.field)).toEqual(['at', 'goalId']);
  });

  it('refuses values outside the declared sets (data from outside the type system)', () => {
    expect(fails(plantSeed(PLANTED), { kind: 'reaction', strength: 'meh' } as unknown as SeedEvent)[0]?.field).toBe('strength');
    expect(fails(plantSeed(PLANTED), { kind: 'sneeze' } as unknown as SeedEvent)[0]?.field).toBe('kind');
  });

  it('keeps the later lastMovedAt when an older event is logged late', () => {
    const r = ok(seedAt('reacted', { lastMovedAt: dayOf(5) }), { kind: 'follow_up', note: 'x', at: dayOf(3) });
    expect(r.seed.lastMovedAt).toEqual(dayOf(5));
  });
});

describe('nextReask', () => {
  const q = { variants: ['v1', 'v2'], reaskIntervalDays: 14 };

  it('re-asks the first unused variant an interval after the last movement', () => {
    expect(nextReask(plantSeed(PLANTED), q, dayOf(13))).toEqual({ action: 'reask', dueAt: dayOf(14), due: false, variant: 'v1', variantIndex: 0 });
    expect(nextReask(plantSeed(PLANTED), q, dayOf(14))).toMatchObject({ action: 'reask', due: true });
  });

  it('counts from the later of the last move and the last asking', () => {
    const s = seedAt('reacted', { lastMovedAt: dayOf(2), lastAskedAt: dayOf(20), variantsAsked: 1 });
    expect(nextReask(s, q, dayOf(30))).toEqual({ action: 'reask', dueAt: dayOf(34), due: false, variant: 'v2', variantIndex: 1 });
    expect(nextReask(seedAt('sprouted', { lastMovedAt: dayOf(40), lastAskedAt: dayOf(20), variantsAsked: 1 }), q, dayOf(50))).toMatchObject({ dueAt: dayOf(54) });
  });

  it('suggests dormant when the variants are used up', () => {
    const s = seedAt('reacted', { lastAskedAt: dayOf(20), variantsAsked: 2 });
    expect(nextReask(s, q, dayOf(40))).toEqual({ action: 'suggest_dormant', dueAt: dayOf(34), due: true, reason: 'no movement for 14 days and all 2 variants asked' });
    expect(nextReask(plantSeed(PLANTED), { variants: [], reaskIntervalDays: 7 }, dayOf(1))).toMatchObject({ action: 'suggest_dormant', due: false, reason: 'no movement for 7 days and the question has no variants' });
  });

  it.each(['rooted', 'harvested', 'dormant'] as const)('asks nothing of a %s seed', (stage) => {
    expect(nextReask(seedAt(stage), q, dayOf(100)).action).toBe('none');
  });

  it('follows a walk from planting to harvest', () => {
    let s = plantSeed(PLANTED);
    const step = (e: SeedEvent, now: Date) => { s = ok(s, e, now).seed; return s.stage; };
    expect(step({ kind: 'reaction', strength: 'strong_negative', at: dayOf(0) }, dayOf(0))).toBe('reacted');
    expect(step({ kind: 'objection', text: 'our auditors would never' }, dayOf(0))).toBe('reacted');
    const r = nextReask(s, q, dayOf(15));
    expect(r).toMatchObject({ action: 'reask', due: true, variant: 'v1' });
    expect(step({ kind: 'variant_asked', variant: 'v1' }, dayOf(15))).toBe('reacted');
    expect(step({ kind: 'engaged', activityId: 'call-2' }, dayOf(15))).toBe('sprouted');
    expect(step({ kind: 'discussed_in_qbr', activityId: 'qbr-1' }, dayOf(60))).toBe('rooted');
    expect(step({ kind: 'harvested', goalId: 'goal-1' }, dayOf(61))).toBe('harvested');
    expect(s.goalId).toBe('goal-1');
  });
});

// ---- property: any sequence of events ---------------------------------------------------------

const evidence = fc.record({ activityId: fc.option(fc.constantFrom('a1', '', ' ')), note: fc.option(fc.constantFrom('note', '', '  ')) });
const arbEvent: fc.Arbitrary<SeedEvent> = fc.tuple(
  fc.oneof(
    fc.record({ kind: fc.constant('reaction' as const), strength: fc.constantFrom(...REACTION_STRENGTHS) }),
    fc.record({ kind: fc.constant('objection' as const), text: fc.constantFrom('no budget', '') }),
    fc.record({ kind: fc.constant('follow_up' as const) }),
    fc.record({ kind: fc.constant('variant_asked' as const), variant: fc.constantFrom('v', '') }),
    fc.record({ kind: fc.constant('engaged' as const) }),
    fc.record({ kind: fc.constant('raised_by_customer' as const) }),
    fc.record({ kind: fc.constant('discussed_in_qbr' as const) }),
    fc.record({ kind: fc.constant('harvested' as const), goalId: fc.option(fc.constantFrom('g1', 'g2', '')) }),
    fc.record({ kind: fc.constant('dormant' as const) }),
  ),
  evidence,
  fc.option(fc.integer({ min: -5, max: 40 })),
).map(([e, ev, d]) => ({ ...ev, ...e, at: d === null ? null : dayOf(d) }));

describe('property: any sequence of events', () => {
  it('never yields an invalid stage, and never goes backwards except into or out of dormant', () => {
    fc.assert(fc.property(fc.array(fc.tuple(arbEvent, fc.integer({ min: 0, max: 30 })), { maxLength: 30 }), (steps) => {
      let seed = plantSeed(PLANTED);
      for (const [event, nowDay] of steps) {
        const r = applyEvent(seed, event, dayOf(nowDay));
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(e.message.length).toBeGreaterThan(0);
          continue;
        }
        expect(SEED_STAGES).toContain(r.to);
        expect(r.from).toBe(seed.stage);
        expect(r.moved).toBe(r.from !== r.to);
        if (r.from !== 'dormant' && r.to !== 'dormant') expect(STAGE_RANK[r.to]).toBeGreaterThanOrEqual(STAGE_RANK[r.from]);
        if (r.from === 'harvested') expect(r.to).toBe('harvested');
        if (r.from === 'dormant' && r.to !== 'dormant') expect(['reaction', 'follow_up', 'engaged', 'raised_by_customer', 'discussed_in_qbr', 'harvested']).toContain(event.kind);
        if (r.to === 'harvested') expect(r.seed.goalId).toMatch(/^g[12]$/);
        expect(r.seed.variantsAsked).toBeGreaterThanOrEqual(seed.variantsAsked);
        seed = r.seed;
      }
    }));
  });
});
