// Patterns across reviews (issue 12, seed 002: find the soft underbelly): which combinations of
// signal kinds most often preceded a loss, how early, and how often the same combinations showed in
// accounts that stayed. Pure: episodes in, ranked combinations out.
import { DAY_MS } from './unacted.js';

/**
 * One account over one window: a loss (a review) or a retained episode (a renewal, or an account still
 * active today). `end` is exclusive: the midnight after the loss or renewal day, or now.
 */
export type Episode = { id: string; end: Date; signals: { kind: string; startedAt: Date }[] };
export type Pattern = { kinds: string[]; support: number; lossCount: number; retainedCount: number; lift: number; medianLeadDays: number };
export type PatternResult = { losses: number; retained: number; patterns: Pattern[] };
export type PatternOptions = { lookbackDays: number; minSupport: number; minCount?: number; maxSize?: number; limit?: number };

/** The kinds that started within the lookback before the episode's end, each with its first start in the window. */
export function kindsInWindow(e: Episode, lookbackDays: number): Map<string, number> {
  const end = e.end.getTime();
  const from = end - lookbackDays * DAY_MS;
  const first = new Map<string, number>();
  for (const s of e.signals) {
    const t = s.startedAt.getTime();
    if (t < from || t >= end) continue;
    const seen = first.get(s.kind);
    if (seen === undefined || t < seen) first.set(s.kind, t);
  }
  return first;
}

/** Every combination of 1..maxSize of the sorted kinds (sorted inside, so one key per set). */
export function combinations(kinds: string[], maxSize: number): string[][] {
  const sorted = [...kinds].sort();
  const out: string[][] = [];
  const walk = (start: number, acc: string[]) => {
    if (acc.length > 0) out.push([...acc]);
    if (acc.length === maxSize) return;
    for (let i = start; i < sorted.length; i++) {
      const k = sorted[i];
      if (k === undefined) continue;
      acc.push(k);
      walk(i + 1, acc);
      acc.pop();
    }
  };
  walk(0, []);
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return 0;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const KEY_SEP = '\u0001';

/**
 * For each combination of 1–3 kinds seen before at least `minCount` (default 2) losses and in at
 * least `minSupport` of them: support = losses with it / losses; lossCount; retainedCount; lift =
 * P(loss | combo) / P(loss), both with +0.5 smoothing ((a + 0.5) / (n + 1)) so that a combination
 * never seen in a retained account does not read as infinite; and the median lead days = the loss day
 * minus the day the combination was complete (when its last kind first started), in whole days.
 * Ranked by lift, then support, then the kinds; at most `limit` (50).
 */
export function minePatterns(losses: Episode[], retained: Episode[], opts: PatternOptions): PatternResult {
  const maxSize = opts.maxSize ?? 3;
  const minCount = opts.minCount ?? 2;
  const limit = opts.limit ?? 50;
  const found = new Map<string, { kinds: string[]; leads: number[]; retained: number }>();

  for (const loss of losses) {
    const first = kindsInWindow(loss, opts.lookbackDays);
    // The end is exclusive (the midnight after the loss day): the loss day is the day of its last instant.
    const lossDay = Math.floor((loss.end.getTime() - 1) / DAY_MS) * DAY_MS;
    for (const combo of combinations([...first.keys()], maxSize)) {
      const complete = Math.max(...combo.map((k) => first.get(k) ?? 0));
      const completeDay = Math.floor(complete / DAY_MS) * DAY_MS;
      const key = combo.join(KEY_SEP);
      const entry = found.get(key) ?? { kinds: combo, leads: [], retained: 0 };
      entry.leads.push(Math.max(0, Math.round((lossDay - completeDay) / DAY_MS)));
      found.set(key, entry);
    }
  }
  const minLosses = Math.max(minCount, Math.ceil(opts.minSupport * losses.length - 1e-9));
  for (const [key, e] of found) if (e.leads.length < minLosses) found.delete(key);

  if (found.size > 0) {
    for (const r of retained) {
      const kinds = [...kindsInWindow(r, opts.lookbackDays).keys()];
      for (const combo of combinations(kinds, maxSize)) {
        const e = found.get(combo.join(KEY_SEP));
        if (e) e.retained++;
      }
    }
  }

  const n = losses.length + retained.length;
  const base = (losses.length + 0.5) / (n + 1);
  const patterns: Pattern[] = [...found.values()].map((e) => {
    const lossCount = e.leads.length;
    const withCombo = lossCount + e.retained;
    return {
      kinds: e.kinds,
      support: lossCount / losses.length,
      lossCount,
      retainedCount: e.retained,
      lift: (lossCount + 0.5) / (withCombo + 1) / base,
      medianLeadDays: median(e.leads),
    };
  });
  patterns.sort((a, b) => b.lift - a.lift || b.support - a.support || a.kinds.length - b.kinds.length || a.kinds.join(',').localeCompare(b.kinds.join(',')));
  return { losses: losses.length, retained: retained.length, patterns: patterns.slice(0, limit) };
}
