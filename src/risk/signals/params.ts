import { z } from 'zod';

/** Each detector kind's params: strict (an unknown key is refused), bounded, with the seeded defaults. */
const pct = z.number().int().min(1).max(100);
const days = z.number().int().min(1).max(730);
const count = z.number().int().min(0).max(1_000_000);
const eventName = z.string().min(1).max(200).refine((s) => !s.includes('\u0000'), 'must not contain NUL');
const events = z.array(eventName).min(1).max(50);

export const PARAM_SCHEMAS = {
  usage_drop: z.strictObject({ dropPct: pct.default(30), minPriorEvents: count.default(20) }),
  seat_use_falling: z.strictObject({ dropPct: pct.default(20), minPriorUsers: count.default(3) }),
  health_drop: z.strictObject({ points: z.number().int().min(1).max(100).default(10), withinDays: days.default(30) }),
  champion_left: z.strictObject({ withinDays: days.default(120) }),
  sponsor_left: z.strictObject({ withinDays: days.default(120) }),
  champion_quiet: z.strictObject({ quietDays: days.default(30) }),
  no_exec_touch: z.strictObject({ days: days.default(90) }),
  support_spike: z.strictObject({
    events: events.default(['Ticket Created', 'ticket_created', 'support_ticket']),
    windowDays: z.number().int().min(1).max(90).default(14),
    ratio: z.number().min(1).max(100).default(2),
    minCount: z.number().int().min(1).max(100_000).default(3),
  }),
  open_escalation: z.strictObject({ minSeverity: z.enum(['low', 'medium', 'high', 'critical']).default('medium') }),
  detractor_nps: z.strictObject({ maxScore: z.number().int().min(0).max(10).default(6), withinDays: days.default(90) }),
  low_csat: z.strictObject({ maxScore: z.number().int().min(1).max(5).default(2), withinDays: days.default(90) }),
  low_confidence: z.strictObject({ maxConfidence: z.number().int().min(0).max(10).default(4) }),
  sustain_talk: z.strictObject({ withinDays: z.number().int().min(1).max(365).default(60) }),
  overdue_milestones: z.strictObject({ graceDays: z.number().int().min(0).max(365).default(7), minCount: z.number().int().min(1).max(1000).default(1) }),
  critical_date_close: z.strictObject({
    kinds: z.array(z.enum(['domain', 'tls', 'contract', 'licence', 'card', 'custom'])).min(1).max(6).default(['domain', 'tls', 'contract', 'licence', 'card', 'custom']),
  }),
  payment_failed: z.strictObject({
    events: events.default(['Payment Failed', 'payment_failed', 'invoice.payment_failed']),
    field: z.string().regex(/^custom\.[A-Za-z0-9_]{1,100}$/, 'must be custom.<key>').nullable().default('custom.paymentStatus'),
    failedValues: z.array(z.string().min(1).max(100)).max(20).default(['failed', 'past_due']),
    withinDays: days.default(30),
  }),
  autopilot: z.strictObject({}),
} as const;

export type DetectorKind = keyof typeof PARAM_SCHEMAS;
export const DETECTOR_KINDS = Object.keys(PARAM_SCHEMAS) as DetectorKind[];
export type ParamsOf<K extends DetectorKind> = z.output<(typeof PARAM_SCHEMAS)[K]>;
export type AllParams = { [K in DetectorKind]: ParamsOf<K> };

export function isDetectorKind(kind: string): kind is DetectorKind {
  return Object.prototype.hasOwnProperty.call(PARAM_SCHEMAS, kind);
}

/** Validates params for a kind; external kinds take no params. Errors name the field ("params.dropPct"). */
export function parseParams(kind: string, params: unknown):
  { ok: true; params: Record<string, unknown> } | { ok: false; errors: { path: string; message: string }[] } {
  const schema = isDetectorKind(kind) ? PARAM_SCHEMAS[kind] : z.strictObject({});
  const r = schema.safeParse(params ?? {});
  if (r.success) return { ok: true, params: r.data as Record<string, unknown> };
  return { ok: false, errors: r.error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys ?? [] : [];
    const path = ['params', ...i.path.map(String), ...(keys.length ? [keys.join(',')] : [])].join('.');
    return { path, message: i.message };
  }) };
}

/** Params as stored, read leniently: a stored value that no longer parses falls back to the defaults (never throws). */
export function effectiveParams<K extends DetectorKind>(kind: K, stored: unknown): ParamsOf<K> {
  const r = PARAM_SCHEMAS[kind].safeParse(stored ?? {});
  return (r.success ? r.data : PARAM_SCHEMAS[kind].parse({})) as ParamsOf<K>;
}
