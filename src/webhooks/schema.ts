import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../http/errors.js';
import { queryInt, text } from '../http/zod.js';

export { httpUrlProblem, outboundUrl, webhookCreate, type WebhookCreate, webhookPatch, type WebhookPatch } from './input.js';

export const webhookDto = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  maxAttempts: z.number().int(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Deliveries waiting (including retries) and dead-lettered. */
  pending: z.number().int(),
  dead: z.number().int(),
  lastDeliveryAt: z.string().nullable(),
});
export type WebhookDto = z.infer<typeof webhookDto>;

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'dead'] as const;
export const deliveryDto = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  eventId: z.uuid(),
  eventType: z.string(),
  payload: z.unknown(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type DeliveryDto = z.infer<typeof deliveryDto>;

export const deliveryListQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 200).default(50),
});
export type DeliveryListQuery = z.infer<typeof deliveryListQuery>;

/**
 * Routes that declare `attachValidation: true` call this first: a schema failure becomes the
 * capability's own code (`webhook.invalid`, …) with one field error per problem.
 */
export function throwIfInvalid(req: FastifyRequest, code: ErrorCode): void {
  const err = req.validationError as (Error & { validation?: { instancePath?: string; message?: string }[]; validationContext?: string }) | undefined;
  if (!err) return;
  const where = err.validationContext;
  const fields = (err.validation ?? []).map((v) => {
    const p = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    return { path: where && where !== 'body' ? `${where}${p ? `.${p}` : ''}` : p || '(body)', message: v.message ?? 'invalid' };
  });
  throw new AppError(where === 'body' ? code : 'request.invalid', undefined, fields.length ? fields : [{ path: '(request)', message: err.message }]);
}
