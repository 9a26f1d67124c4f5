import type { ActivityKind, RespondsTo } from './schema.js';

export type ProactiveFacts = {
  kind: ActivityKind;
  respondsTo: RespondsTo | null;
  escalationId: string | null;
};

/**
 * Proactive or reactive, from what an activity is (seed 001: proactive beats firefighting).
 * Reactive when it is an escalation or a support ticket, when it answers something (an escalation, a ticket, an
 * inbound complaint, a risk), or when it belongs to an escalation's thread; otherwise it is work
 * the CSM chose to do, hence proactive.
 */
export function inferProactive(f: ProactiveFacts): boolean {
  if (f.kind === 'escalation' || f.kind === 'ticket') return false;
  if (f.respondsTo !== null) return false;
  if (f.escalationId !== null) return false;
  return true;
}

export type ProactiveSetting = { proactive: boolean; source: 'inferred' | 'manual' };

/**
 * The stored flag after a create or an edit. `explicit`: undefined keeps what was there (a
 * manual value stays; an inferred one follows the new facts), a boolean sets it by hand, null
 * goes back to inference.
 */
export function resolveProactive(facts: ProactiveFacts, explicit: boolean | null | undefined, before?: ProactiveSetting): ProactiveSetting {
  if (typeof explicit === 'boolean') return { proactive: explicit, source: 'manual' };
  if (explicit === undefined && before?.source === 'manual') return before;
  return { proactive: inferProactive(facts), source: 'inferred' };
}
