/** One parameter value in words: arrays joined with commas, objects as their own name-value pairs, null as "none". */
function paramValue(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map((x) => paramValue(x)).join(', ');
  if (typeof v === 'object') {
    const inner = formatParams(v as Record<string, unknown>);
    return inner === '' ? 'none' : `(${inner})`;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}

/**
 * A signal definition's parameters as short "name value" pairs, in the API's order:
 * {"dropPct":30,"minPriorEvents":20} → "dropPct 30 · minPriorEvents 20"; "" when there are none.
 */
export function formatParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k} ${paramValue(v)}`)
    .join(' · ');
}
