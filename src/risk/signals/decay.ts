import type { StoredSignal } from './types.js';

const DAY = 86_400_000;

/** strength × 0.5^(days since the decay start / half-life); the decay starts at the end (or the start, for one-off facts). */
export function decayedStrength(s: Pick<StoredSignal, 'strength' | 'startedAt' | 'endedAt' | 'decayFrom' | 'halfLifeDays'>, at: Date): number {
  if (s.startedAt.getTime() > at.getTime()) return 0;
  const from = s.decayFrom === 'start' ? s.startedAt : s.endedAt && s.endedAt.getTime() <= at.getTime() ? s.endedAt : null;
  if (!from) return s.strength;
  const days = Math.max(0, (at.getTime() - from.getTime()) / DAY);
  return s.strength * 0.5 ** (days / Math.max(1, s.halfLifeDays));
}
