import { describe, expect, it } from 'vitest';
import { adviseCall, type Signal } from './recommend.js';

const now = new Date('2026-06-15T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const fired = (ruleId: string, n: number): Signal => ({ kind: 'rule_fired', at: daysAgo(n), detail: `Rule ${ruleId}`, ruleId });

describe('call them', () => {
  it('advises a call when the same rule fires twice in a short time, on any account', () => {
    const advice = adviseCall({ arr: 1_000, highArr: 100_000, signals: [fired('r1', 1), fired('r1', 5)], now });
    expect(advice.call).toBe(true);
    expect(advice.reasons[0]).toContain('Rule r1 fired 2 times');
  });

  it('does not count a repeat spread over a long time or across different rules', () => {
    expect(adviseCall({ arr: 1_000, highArr: 100_000, signals: [fired('r1', 1), fired('r1', 40)], now }).call).toBe(false);
    expect(adviseCall({ arr: 1_000, highArr: 100_000, signals: [fired('r1', 1), fired('r2', 2)], now }).call).toBe(false);
  });

  it('advises a call when several kinds of signal hit a high-ARR account', () => {
    const signals: Signal[] = [
      { kind: 'health_drop', at: daysAgo(2), detail: 'Health 80 → 55' },
      { kind: 'escalation_open', at: daysAgo(1), detail: 'Open escalation: outage' },
    ];
    const big = adviseCall({ arr: 250_000, highArr: 100_000, signals, now });
    expect(big.call).toBe(true);
    expect(big.reasons[0]).toContain('Health 80 → 55');
    expect(big.reasons[0]).toContain('Open escalation: outage');
    // The same signals on a small account: automation is fine.
    expect(adviseCall({ arr: 20_000, highArr: 100_000, signals, now }).call).toBe(false);
  });

  it('does not count a rule firing as evidence on top of the signal that made it fire', () => {
    const signals: Signal[] = [{ kind: 'health_drop', at: daysAgo(1), detail: 'Health 80 → 62' }, fired('r1', 0)];
    expect(adviseCall({ arr: 500_000, highArr: 100_000, signals, now }).call).toBe(false);
  });

  it('needs distinct kinds and recent ones', () => {
    const same: Signal[] = [
      { kind: 'health_drop', at: daysAgo(2), detail: 'a' },
      { kind: 'health_drop', at: daysAgo(3), detail: 'b' },
    ];
    expect(adviseCall({ arr: 500_000, highArr: 100_000, signals: same, now }).call).toBe(false);
    const old: Signal[] = [
      { kind: 'health_drop', at: daysAgo(30), detail: 'a' },
      { kind: 'overdue_task', at: daysAgo(1), detail: 'b' },
    ];
    expect(adviseCall({ arr: 500_000, highArr: 100_000, signals: old, now }).call).toBe(false);
  });
});
