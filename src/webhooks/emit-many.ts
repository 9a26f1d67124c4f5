import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/connect.js';
import type { DomainEvent } from './emit.js';

/**
 * emitEvent for many events in one statement (rules and playbooks firing over thousands of
 * accounts): one pending delivery per event and subscribed webhook, in the caller's transaction.
 * Skips the work entirely when no enabled webhook subscribes to any of the types.
 */
export async function emitEvents(tx: Queryable, events: DomainEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const types = [...new Set(events.map((e) => e.type))];
  const { rows } = await tx.query('SELECT 1 FROM webhooks WHERE enabled AND events && $1::text[] LIMIT 1', [types]);
  if (rows.length === 0) return 0;
  const occurredAt = new Date().toISOString();
  const payloads = events.map((e) => {
    const id = e.id ?? randomUUID();
    return { id, type: e.type, payload: { id, type: e.type, occurredAt, accountId: e.accountId, data: e.data } };
  });
  const { rowCount } = await tx.query(
    `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
     SELECT w.id, e.id, e.type, e.payload
       FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, type text, payload jsonb)
       JOIN webhooks w ON w.enabled AND e.type = ANY (w.events)
     ON CONFLICT (webhook_id, event_id) DO NOTHING`,
    [JSON.stringify(payloads)],
  );
  return rowCount;
}
