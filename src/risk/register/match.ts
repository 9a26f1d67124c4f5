/**
 * Which failure modes an account's signals point at (pure). A mode matches when at least one of its
 * signal kinds is present; modes that more of the present kinds meet rank first, then those whose own
 * kinds are more fully covered (two of two beats two of four), then by name for a stable order.
 */
export type ModeKinds = { id: string; name: string; signalKinds: string[] };
export type ModeMatch<M extends ModeKinds> = { mode: M; matchedKinds: string[]; coverage: number };

export function matchFailureModes<M extends ModeKinds>(modes: M[], kinds: Iterable<string>): ModeMatch<M>[] {
  const present = new Set(kinds);
  const out: ModeMatch<M>[] = [];
  for (const mode of modes) {
    const own = [...new Set(mode.signalKinds)];
    const matchedKinds = own.filter((k) => present.has(k));
    if (matchedKinds.length === 0) continue;
    out.push({ mode, matchedKinds, coverage: matchedKinds.length / own.length });
  }
  return out.sort((a, b) =>
    b.matchedKinds.length - a.matchedKinds.length
    || b.coverage - a.coverage
    || (a.mode.name < b.mode.name ? -1 : a.mode.name > b.mode.name ? 1 : 0)
    || (a.mode.id < b.mode.id ? -1 : a.mode.id > b.mode.id ? 1 : 0));
}

export const LEVEL_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;
export type Level = keyof typeof LEVEL_RANK;

/** A level move that escalates: up into (or within) the levels at or above `minLevel`. */
export function escalates(change: { fromLevel: Level | null; toLevel: Level }, minLevel: Level): boolean {
  if (LEVEL_RANK[change.toLevel] < LEVEL_RANK[minLevel]) return false;
  return change.fromLevel === null || LEVEL_RANK[change.fromLevel] < LEVEL_RANK[change.toLevel];
}

/** Whole days from `now` to a calendar renewal date (YYYY-MM-DD, read as UTC midnight); negative when past. */
export function daysUntil(renewalDate: string, now: Date): number {
  const due = Date.parse(`${renewalDate}T00:00:00Z`);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((due - today) / 86_400_000);
}
