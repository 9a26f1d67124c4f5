/**
 * Common sense over automation: when several signals hit one high-ARR account, or the same rule
 * fires for an account twice in a short time, another automated e-mail is the wrong answer —
 * a person should call. Pure; the signals are loaded by ./signals.ts.
 */
export type SignalKind = 'health_drop' | 'poor_health' | 'rule_fired' | 'escalation_open' | 'overdue_task';
export type Signal = { kind: SignalKind; at: Date; detail: string; ruleId?: string };

export const CALL_POLICY = {
  /** Signals count when they are this recent. */
  signalDays: 14,
  /** Distinct kinds of signal that make a high-ARR account a call. */
  minSignalKinds: 2,
  /** The same rule firing twice within this many days makes any account a call. */
  repeatDays: 14,
};

export type CallAdvice = { call: boolean; reasons: string[] };

export function adviseCall(input: { arr: number; highArr: number; signals: Signal[]; now: Date }, policy = CALL_POLICY): CallAdvice {
  const since = input.now.getTime() - policy.signalDays * 86_400_000;
  const recent = input.signals.filter((s) => s.at.getTime() >= since);
  const reasons: string[] = [];

  const repeatSince = input.now.getTime() - policy.repeatDays * 86_400_000;
  const firings = new Map<string, Signal[]>();
  for (const s of input.signals) {
    if (s.kind === 'rule_fired' && s.ruleId && s.at.getTime() >= repeatSince) firings.set(s.ruleId, [...(firings.get(s.ruleId) ?? []), s]);
  }
  for (const list of firings.values()) {
    if (list.length >= 2) reasons.push(`${list[0]?.detail ?? 'A rule'} fired ${list.length} times in ${policy.repeatDays} days`);
  }

  // A firing is a consequence of the other signals, not one more of them.
  const evidence = recent.filter((s) => s.kind !== 'rule_fired');
  const kinds = new Set(evidence.map((s) => s.kind));
  if (input.arr >= input.highArr && kinds.size >= policy.minSignalKinds) {
    reasons.push(`High-ARR account with ${kinds.size} kinds of signal in ${policy.signalDays} days: ${[...new Set(evidence.map((s) => s.detail))].join('; ')}`);
  }
  return { call: reasons.length > 0, reasons };
}
