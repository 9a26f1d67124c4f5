// Small helpers shared by the demo generator's modules.

export const DAY_MS = 86_400_000;

export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const utcDayStart = (d: Date): number => Math.floor(d.getTime() / DAY_MS) * DAY_MS;
/** Milliseconds of UTC midnight of a YYYY-MM-DD day. */
export const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Lower-case ASCII letters only: "Chloé" -> "chloe", "O'Brien" -> "obrien". */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
