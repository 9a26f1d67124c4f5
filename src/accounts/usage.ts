// Pure usage shaping: no I/O. Dates are UTC calendar days as 'YYYY-MM-DD'.

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function utcToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Dense daily counts for the `days` days ending `today`, oldest first. */
export function denseSeries(points: { day: string; count: number }[], today: string, days: number): number[] {
  const start = addDays(today, -(days - 1));
  const out = new Array<number>(days).fill(0);
  for (const p of points) {
    const idx = Math.round((Date.parse(`${p.day}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
    if (idx >= 0 && idx < days) out[idx] = (out[idx] ?? 0) + p.count;
  }
  return out;
}

/**
 * Percent change of the last `window` days against the `window` days before them.
 * Null when the earlier window is empty: a change from nothing has no meaningful percentage.
 */
export function percentChange(series: number[], window = 14): number | null {
  if (series.length < window * 2) return null;
  const recent = series.slice(-window).reduce((a, b) => a + b, 0);
  const before = series.slice(-window * 2, -window).reduce((a, b) => a + b, 0);
  if (before === 0) return null;
  return Math.round(((recent - before) / before) * 1000) / 10;
}
