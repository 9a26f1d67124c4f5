import type { ActivityCheckInInput, CheckIn, Quadrant, Thresholds } from '../api/readiness';

/** Pure helpers of the readiness screens (unit-tested in logic.test.ts). */

/** A whole number from min to max, as the API's thresholds (1–10) and spoons (0–100) are. */
export const whole = (v: number | string, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
/**
 * The field's own message: an empty field is named once a save was tried, a wrong value at once.
 * The fields never clamp a number (issue 9 §7): 15 stays 15 and is refused with this message.
 */
export const wholeError = (v: number | string, min: number, max: number, tried: boolean): string | undefined =>
  v === '' ? (tried ? `Required: a whole number from ${min} to ${max}` : undefined) : whole(v, min, max) ? undefined : `A whole number from ${min} to ${max}`;

export const QUADRANT_META: Record<Quadrant, { label: string; color: string; hex: string; move: string }> = {
  ready: { label: 'Ready', color: 'teal', hex: '#12b886', move: 'Important and confident: ask for the action now.' },
  enable: { label: 'Enable', color: 'blue', hex: '#228be6', move: 'Important, low confidence: give spoons (do it for them, training, services).' },
  align: { label: 'Align', color: 'grape', hex: '#be4bdb', move: 'Confident, not important to them: tie it to their priorities and goals.' },
  nurture: { label: 'Nurture', color: 'gray', hex: '#868e96', move: 'Neither yet: do not push; check in again later.' },
};

/** Where the scales put a check-in; "high" is at or above the threshold (src/readiness/quadrant.ts). */
export function quadrantOf(importance: number, confidence: number, t: Thresholds): Quadrant {
  const important = importance >= t.importance;
  const confident = confidence >= t.confidence;
  if (important) return confident ? 'ready' : 'enable';
  return confident ? 'align' : 'nurture';
}

/** A check-in being written: the scales start unset so nobody records a 5 they did not hear. */
export interface CheckInDraft {
  mode: 'existing' | 'new';
  initiativeId: string | null;
  initiativeTitle: string;
  contactId: string | null;
  importance: number | null;
  confidence: number | null;
  whyNotLower: string;
  whatWouldMoveHigher: string;
}

export const EMPTY_CHECK_IN: CheckInDraft = {
  mode: 'existing',
  initiativeId: null,
  initiativeTitle: '',
  contactId: null,
  importance: null,
  confidence: null,
  whyNotLower: '',
  whatWouldMoveHigher: '',
};

const isScore = (n: number | null): n is number => n !== null && Number.isInteger(n) && n >= 0 && n <= 10;

/** Field messages for a draft (keys as the API names them); empty when it can be sent. */
export function checkInProblems(d: CheckInDraft): Record<string, string> {
  const out: Record<string, string> = {};
  if (d.mode === 'existing' && !d.initiativeId) out.initiativeId = 'Choose the initiative this check-in is about, or name a new one';
  if (d.mode === 'new' && !d.initiativeTitle.trim()) out.initiativeTitle = 'Name the initiative (e.g. "Roll out SSO")';
  if (!isScore(d.importance)) out.importance = 'Pick how important it is to them, 0 to 10';
  if (!isScore(d.confidence)) out.confidence = 'Pick how confident they are, 0 to 10';
  return out;
}

/** What the log-activity form sends as `checkIn`, or null while the draft has problems. */
export function activityCheckInInput(d: CheckInDraft): ActivityCheckInInput | null {
  if (Object.keys(checkInProblems(d)).length > 0 || d.importance === null || d.confidence === null) return null;
  const why = d.whyNotLower.trim();
  const what = d.whatWouldMoveHigher.trim();
  return {
    ...(d.mode === 'existing' && d.initiativeId ? { initiativeId: d.initiativeId } : { initiativeTitle: d.initiativeTitle.trim() }),
    ...(d.contactId ? { contactId: d.contactId } : {}),
    importance: d.importance,
    confidence: d.confidence,
    ...(why ? { whyNotLower: why } : {}),
    ...(what ? { whatWouldMoveHigher: what } : {}),
  };
}

/** The check-ins in time order, as [confidence, importance] points of a path on the quadrant plot. */
export function trajectory(checkIns: readonly CheckIn[]): { at: string; confidence: number; importance: number; quadrant: Quadrant }[] {
  return [...checkIns]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((c) => ({ at: c.at, confidence: c.confidence, importance: c.importance, quadrant: c.quadrant }));
}

/** "Importance 4 → 8, confidence 6 → 3" between the first and the last check-in (null with fewer than two). */
export function movementWords(checkIns: readonly CheckIn[]): string | null {
  const path = trajectory(checkIns);
  const first = path[0];
  const last = path[path.length - 1];
  if (!first || !last || path.length < 2) return null;
  const part = (name: string, a: number, b: number) => (a === b ? `${name} stayed at ${a}` : `${name} ${a} → ${b}`);
  return `${part('Importance', first.importance, last.importance)}, ${part('confidence', first.confidence, last.confidence)} over ${path.length} check-ins`;
}
