import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/connect.js';

export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './input.js';
import type { WebhookEventType } from './input.js';

export type DomainEvent = {
  type: WebhookEventType;
  accountId: string | null;
  data: Record<string, unknown>;
  /** Stable id when the same fact may be emitted twice (a retried job): the delivery is made once. */
  id?: string;
};

/**
 * Records one pending delivery per enabled webhook subscribed to the event type, inside the
 * caller's transaction (the outbox): the event is delivered if and only if the change commits.
 * Returns how many deliveries were queued; the caller wakes the deliverer after commit.
 */
export async function emitEvent(tx: Queryable, event: DomainEvent): Promise<number> {
  const id = event.id ?? randomUUID();
  const payload = { id, type: event.type, occurredAt: new Date().toISOString(), accountId: event.accountId, data: event.data };
  const { rowCount } = await tx.query(
    `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
     SELECT w.id, $1::uuid, $2, $3::jsonb FROM webhooks w WHERE w.enabled AND $2 = ANY (w.events)
     ON CONFLICT (webhook_id, event_id) DO NOTHING`,
    [id, event.type, JSON.stringify(payload)],
  );
  return rowCount;
}
