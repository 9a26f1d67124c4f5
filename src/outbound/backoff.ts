/**
 * Delay before retry number `attempt` (1 = the retry after the first failure): base·2^(attempt-1),
 * capped, then spread by ±jitter/2 so that a burst of failures does not retry in lockstep.
 */
export function backoffSeconds(
  attempt: number,
  opts: { baseSeconds?: number; capSeconds?: number; jitter?: number; random?: () => number } = {},
): number {
  const base = opts.baseSeconds ?? 30;
  const cap = opts.capSeconds ?? 6 * 3600;
  const jitter = opts.jitter ?? 0.2;
  const random = opts.random ?? Math.random;
  const n = Math.max(1, Math.floor(attempt));
  const delay = Math.min(cap, base * 2 ** Math.min(n - 1, 30));
  return Math.max(1, Math.round(Math.min(cap, delay * (1 - jitter / 2 + jitter * random()))));
}
