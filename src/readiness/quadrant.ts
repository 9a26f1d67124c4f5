/**
 * Readiness: where a check-in puts an initiative, from the two motivational-interviewing scales
 * (importance and confidence, 0–10). "High" means at or above the threshold (default 7 each).
 *
 *                      confidence high    confidence low
 *   importance high    ready              enable   (give spoons: do it for them, training, services)
 *   importance low     align              nurture  (don't push now; check in later)
 *
 * Pure: no I/O.
 */
export const QUADRANTS = ['ready', 'enable', 'align', 'nurture'] as const;
export type Quadrant = (typeof QUADRANTS)[number];

export type Thresholds = { importance: number; confidence: number };
export const DEFAULT_THRESHOLDS: Thresholds = { importance: 7, confidence: 7 };

export function quadrant(importance: number, confidence: number, thresholds: Thresholds = DEFAULT_THRESHOLDS): Quadrant {
  const important = importance >= thresholds.importance;
  const confident = confidence >= thresholds.confidence;
  if (important) return confident ? 'ready' : 'enable';
  return confident ? 'align' : 'nurture';
}

export type Scores = { importance: number; confidence: number };
export type Direction = 'up' | 'down' | 'same';
export type Movement = { importance: { from: number; to: number; direction: Direction }; confidence: { from: number; to: number; direction: Direction } };

const direction = (from: number, to: number): Direction => (to > from ? 'up' : to < from ? 'down' : 'same');

/** How the scores moved from the previous check-in on the same initiative (null when there is none). */
export function movement(previous: Scores | null, current: Scores): Movement | null {
  if (!previous) return null;
  return {
    importance: { from: previous.importance, to: current.importance, direction: direction(previous.importance, current.importance) },
    confidence: { from: previous.confidence, to: current.confidence, direction: direction(previous.confidence, current.confidence) },
  };
}

export const QUADRANT_LABELS: Record<Quadrant, string> = { ready: 'Ready', enable: 'Enable', align: 'Align', nurture: 'Nurture' };
