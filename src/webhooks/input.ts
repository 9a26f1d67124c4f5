import { z } from 'zod';
import { text } from '../http/zod.js';

/*
 * What a client sends to create or change a webhook: pure zod, no server imports, so the web form
 * validates with these very schemas (web/src/api/schemas.ts). Re-exported by ./schema.ts.
 */

/** The event types an admin can subscribe a webhook to. */
export const WEBHOOK_EVENT_TYPES = [
  'health.band_changed',
  'task.created',
  'task.completed',
  'playbook.started',
  'playbook.finished',
  'rule.fired',
  'escalation.opened',
  'escalation.updated',
  'activity.logged',
  'seed.moved',
  'plan.status_changed',
  'plan.milestone_completed',
  'check_in.recorded',
  'survey.answered',
  'risk.level_changed',
  'critical_date.due',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** http(s), parseable, and without user:password (secrets go in the signing secret, not the URL). */
export function httpUrlProblem(v: string): string | null {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return 'Enter a full URL such as https://hooks.example.com/canopy';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Must start with http:// or https://';
  if (u.username || u.password) return 'Must not contain a user name or password';
  return null;
}

export const outboundUrl = text()
  .trim()
  .max(2048)
  .superRefine((v, ctx) => {
    const problem = httpUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, 'Choose at least one event')
  .max(WEBHOOK_EVENT_TYPES.length * 2)
  .transform((list) => [...new Set(list)]);
const name = text().trim().min(1).max(100);
const maxAttempts = z.number().int().min(1).max(20);

export const webhookCreate = z.object({
  name,
  url: outboundUrl,
  events,
  enabled: z.boolean().default(true),
  maxAttempts: maxAttempts.default(6),
});
export type WebhookCreate = z.infer<typeof webhookCreate>;

export const webhookPatch = z.object({
  name: name.optional(),
  url: outboundUrl.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
  maxAttempts: maxAttempts.optional(),
});
export type WebhookPatch = z.infer<typeof webhookPatch>;
