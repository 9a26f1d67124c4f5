/** Pure helpers of the capacity screens (unit-tested in logic.test.ts). */

export type Pip = 'left' | 'used' | 'ask' | 'over' | 'lowered';

/** At most this many pips are drawn; beyond it the words carry the figure. */
export const MAX_PIPS = 30;

/**
 * One pip per spoon of the capacity: used ones hollow, left ones filled; a pending ask (`cost`)
 * takes from what is left and runs into 'over' pips past the capacity, as do uses past it;
 * `lowered` spoons (the capacity's automatic lowering below its base) follow, struck out.
 */
export function spoonPips(capacity: number, used: number, cost = 0, lowered = 0): Pip[] {
  const cap = Math.max(0, Math.floor(capacity));
  const u = Math.max(0, Math.floor(used));
  const c = Math.max(0, Math.floor(cost));
  const out: Pip[] = [];
  for (let i = 0; i < Math.max(cap, u + c) && out.length < MAX_PIPS; i++) {
    if (i < u) out.push(i < cap ? 'used' : 'over');
    else if (i < u + c) out.push(i < cap ? 'ask' : 'over');
    else out.push('left');
  }
  for (let i = 0; i < Math.max(0, Math.floor(lowered)) && out.length < MAX_PIPS; i++) out.push('lowered');
  return out;
}

/** "Mar 3 – Mar 9" style words for a period whose `to` is exclusive (YYYY-MM-DD). */
export function periodWords(from: string, to: string, format: (day: string) => string): string {
  const end = new Date(`${to}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() - 1);
  const last = end.toISOString().slice(0, 10);
  return last === from ? format(from) : `${format(from)} – ${format(last)}`;
}

/** A spoon count in words: "1 spoon", "3 spoons". */
export const spoons = (n: number) => `${n} spoon${Math.abs(n) === 1 ? '' : 's'}`;

/**
 * A capacity as typed in the edit form (empty: the default, or none for a contact): the field's
 * message when it is not a whole number from 0 to 100, as the API accepts. Never clamped (issue 9 §7).
 */
export const spoonsError = (v: number | string): string | undefined =>
  v === '' || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100) ? undefined : 'A whole number from 0 to 100';
