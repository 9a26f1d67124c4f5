import type { Step } from './schema.js';

/** The title a step shows in progress views and the timeline. */
export function stepTitle(s: Step): string {
  switch (s.kind) {
    case 'task': return s.title;
    case 'email': return s.title ?? `E-mail the ${s.to.replace('_', ' ')}: ${s.subject}`;
    case 'wait': return s.title ?? `Wait ${s.days} day${s.days === 1 ? '' : 's'}`;
    case 'webhook': return s.title ?? 'Call a webhook';
    case 'checkin':
    case 'survey': return s.title;
  }
}

/** Steps as stored in a version: every step carries its display title. */
export function normalizeSteps(steps: Step[]): Step[] {
  return steps.map((s) => ({ ...s, title: stepTitle(s) }) as Step);
}

/** A deterministic UUID-shaped id from a string (webhook event ids for steps: a retry is the same event). */
export function stableUuid(hex: string): string {
  const h = hex.padEnd(32, '0').slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
