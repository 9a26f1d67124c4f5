import { describe, expect, it } from 'vitest';
import { inferProactive, resolveProactive, type ProactiveFacts } from './proactive.js';
import { ACTIVITY_KINDS, RESPONDS_TO } from './schema.js';

const facts = (f: Partial<ProactiveFacts> = {}): ProactiveFacts => ({ kind: 'call', respondsTo: null, escalationId: null, ...f });

describe('inferProactive', () => {
  it.each(ACTIVITY_KINDS.filter((k) => k !== 'escalation' && k !== 'ticket'))('a %s that answers nothing is proactive', (kind) => {
    expect(inferProactive(facts({ kind }))).toBe(true);
  });

  it('an escalation activity is reactive', () => {
    expect(inferProactive(facts({ kind: 'escalation' }))).toBe(false);
  });

  it('a support ticket is reactive', () => {
    expect(inferProactive(facts({ kind: 'ticket' }))).toBe(false);
  });

  it.each(RESPONDS_TO)('answering a %s is reactive', (respondsTo) => {
    expect(inferProactive(facts({ respondsTo }))).toBe(false);
    expect(inferProactive(facts({ kind: 'qbr', respondsTo }))).toBe(false);
  });

  it('anything in an escalation thread is reactive', () => {
    expect(inferProactive(facts({ kind: 'note', escalationId: '7f1c2a8e-0000-4000-8000-000000000001' }))).toBe(false);
  });
});

describe('resolveProactive', () => {
  it('infers when nobody set it', () => {
    expect(resolveProactive(facts(), undefined)).toEqual({ proactive: true, source: 'inferred' });
    expect(resolveProactive(facts({ respondsTo: 'ticket' }), undefined)).toEqual({ proactive: false, source: 'inferred' });
  });

  it('an explicit value is manual, even when it agrees with the inference', () => {
    expect(resolveProactive(facts({ respondsTo: 'complaint' }), true)).toEqual({ proactive: true, source: 'manual' });
    expect(resolveProactive(facts(), true)).toEqual({ proactive: true, source: 'manual' });
  });

  it('an edit keeps a manual value and re-infers an inferred one', () => {
    const manual = { proactive: true, source: 'manual' as const };
    expect(resolveProactive(facts({ kind: 'escalation' }), undefined, manual)).toEqual(manual);
    const inferred = { proactive: true, source: 'inferred' as const };
    expect(resolveProactive(facts({ respondsTo: 'risk' }), undefined, inferred)).toEqual({ proactive: false, source: 'inferred' });
  });

  it('null goes back to the inference', () => {
    expect(resolveProactive(facts({ respondsTo: 'risk' }), null, { proactive: true, source: 'manual' })).toEqual({ proactive: false, source: 'inferred' });
  });
});
