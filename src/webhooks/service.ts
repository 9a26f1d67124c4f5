import { randomUUID } from 'node:crypto';
import type { WorkDeps } from '../deps.js';
import type { Actor } from '../auth/principal.js';
import type { Queryable } from '../db/connect.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { decodeCursor, encodeCursor, timestampUuid } from '../http/cursor.js';
import { checkUrlAtSave } from '../outbound/address.js';
import { generateSecret } from './signature.js';
import type { DeliveryDto, DeliveryListQuery, WebhookCreate, WebhookDto, WebhookPatch } from './schema.js';

type WebhookRow = {
  id: string; name: string; url: string; events: string[]; enabled: boolean; max_attempts: number; created_by_name: string | null;
  created_at: Date; updated_at: Date; pending: number; dead: number; last_delivery_at: Date | null;
};
type DeliveryRow = {
  id: string; webhook_id: string; event_id: string; event_type: string; payload: unknown; status: DeliveryDto['status']; attempts: number;
  last_status: number | null; last_error: string | null; next_attempt_at: Date; created_at: Date; delivered_at: Date | null; sort_value: string;
};

const SELECT_WEBHOOK = `
  SELECT w.id, w.name, w.url, w.events, w.enabled, w.max_attempts, w.created_at, w.updated_at, u.name AS created_by_name,
         (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending') AS pending,
         (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'dead') AS dead,
         (SELECT max(d.created_at) FROM webhook_deliveries d WHERE d.webhook_id = w.id) AS last_delivery_at
    FROM webhooks w LEFT JOIN users u ON u.id = w.created_by`;

const SELECT_DELIVERY = `
  SELECT d.id, d.webhook_id, d.event_id, d.event_type, d.payload, d.status, d.attempts, d.last_status, d.last_error,
         d.next_attempt_at, d.created_at, d.delivered_at, d.created_at::text AS sort_value
    FROM webhook_deliveries d`;

function toDto(r: WebhookRow): WebhookDto {
  return {
    id: r.id, name: r.name, url: r.url, events: r.events, enabled: r.enabled, maxAttempts: r.max_attempts, createdByName: r.created_by_name,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), pending: r.pending, dead: r.dead,
    lastDeliveryAt: r.last_delivery_at?.toISOString() ?? null,
  };
}

function toDeliveryDto(r: DeliveryRow): DeliveryDto {
  return {
    id: r.id, webhookId: r.webhook_id, eventId: r.event_id, eventType: r.event_type, payload: r.payload, status: r.status,
    attempts: r.attempts, lastStatus: r.last_status, lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    createdAt: r.created_at.toISOString(), deliveredAt: r.delivered_at?.toISOString() ?? null,
  };
}

/** What the audit log keeps of a URL: its origin (paths and queries often carry tokens). */
const auditUrl = (url: string) => `${new URL(url).origin}/…`;

/** Outbound webhooks: admin CRUD, the signing secret (shown once), the delivery log, redelivery. */
export function createWebhookService(deps: WorkDeps) {
  const { database, outbox } = deps;

  const get = async (db: Queryable, id: string): Promise<WebhookDto | null> => {
    const { rows } = await db.query<WebhookRow>(`${SELECT_WEBHOOK} WHERE w.id = $1`, [id]);
    return rows[0] ? toDto(rows[0]) : null;
  };
  const getDelivery = async (id: string): Promise<DeliveryDto | null> => {
    const { rows } = await database.query<DeliveryRow>(`${SELECT_DELIVERY} WHERE d.id = $1`, [id]);
    return rows[0] ? toDeliveryDto(rows[0]) : null;
  };
  const checkUrl = async (url: string) => checkUrlAtSave(url, await outbox.allowlist.current(), 'url');

  return {
    allowlist: outbox.allowlist,
    get: (id: string) => get(database, id),
    getDelivery,

    async list(): Promise<WebhookDto[]> {
      const { rows } = await database.query<WebhookRow>(`${SELECT_WEBHOOK} ORDER BY lower(w.name), w.id`);
      return rows.map(toDto);
    },

    /** Creates a webhook; the secret is in this reply only. */
    async create(input: WebhookCreate, actor: Actor): Promise<{ webhook: WebhookDto; secret: string }> {
      await checkUrl(input.url);
      const secret = generateSecret();
      return database.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO webhooks (name, url, secret, events, enabled, max_attempts, created_by) VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING id`,
          [input.name, input.url, secret, input.events, input.enabled, input.maxAttempts, actor.type === 'user' ? actor.id : null],
        );
        const id = rows[0]?.id;
        if (!id) throw new Error('insert returned no row');
        await recordAuditRaw(tx, actor, [{
          action: 'webhook.create', objectType: 'webhook', objectId: id,
          changes: { name: input.name, url: auditUrl(input.url), events: input.events, enabled: input.enabled, maxAttempts: input.maxAttempts },
        }]);
        const webhook = await get(tx, id);
        if (!webhook) throw new Error('webhook vanished');
        return { webhook, secret };
      });
    },

    async update(id: string, patch: WebhookPatch, actor: Actor): Promise<WebhookDto> {
      const before = await get(database, id);
      if (!before) throw new AppError('webhook.not_found');
      if (patch.url !== undefined && patch.url !== before.url) await checkUrl(patch.url);
      return database.transaction(async (tx) => {
        await tx.query(
          `UPDATE webhooks SET name = coalesce($2, name), url = coalesce($3, url), events = coalesce($4::text[], events),
                  enabled = coalesce($5, enabled), max_attempts = coalesce($6, max_attempts), updated_at = now() WHERE id = $1`,
          [id, patch.name ?? null, patch.url ?? null, patch.events ?? null, patch.enabled ?? null, patch.maxAttempts ?? null],
        );
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const k of ['name', 'events', 'enabled', 'maxAttempts'] as const) {
          if (patch[k] !== undefined && JSON.stringify(patch[k]) !== JSON.stringify(before[k])) changes[k] = { from: before[k], to: patch[k] };
        }
        if (patch.url !== undefined && patch.url !== before.url) changes.url = { from: auditUrl(before.url), to: auditUrl(patch.url) };
        await recordAuditRaw(tx, actor, [{ action: 'webhook.update', objectType: 'webhook', objectId: id, changes }]);
        const after = await get(tx, id);
        if (!after) throw new AppError('webhook.not_found');
        return after;
      });
    },

    async remove(id: string, actor: Actor): Promise<boolean> {
      return database.transaction(async (tx) => {
        const { rows } = await tx.query<{ name: string; url: string }>('DELETE FROM webhooks WHERE id = $1 RETURNING name, url', [id]);
        const row = rows[0];
        if (!row) return false;
        await recordAuditRaw(tx, actor, [{ action: 'webhook.delete', objectType: 'webhook', objectId: id, changes: { name: row.name, url: auditUrl(row.url) } }]);
        return true;
      });
    },

    /** A new secret replaces the old one at once; it is in this reply only. */
    async rotateSecret(id: string, actor: Actor): Promise<{ webhook: WebhookDto; secret: string }> {
      const secret = generateSecret();
      return database.transaction(async (tx) => {
        const { rowCount } = await tx.query('UPDATE webhooks SET secret = $2, updated_at = now() WHERE id = $1', [id, secret]);
        if (rowCount === 0) throw new AppError('webhook.not_found');
        await recordAuditRaw(tx, actor, [{ action: 'webhook.rotate_secret', objectType: 'webhook', objectId: id }]);
        const webhook = await get(tx, id);
        if (!webhook) throw new AppError('webhook.not_found');
        return { webhook, secret };
      });
    },

    /** Sends a `ping` now (enabled or not) and returns its delivery as logged. Tried once. */
    async test(id: string, actor: Actor): Promise<DeliveryDto> {
      const eventId = randomUUID();
      const deliveryId = await database.transaction(async (tx) => {
        const payload = { id: eventId, type: 'ping', occurredAt: new Date().toISOString(), accountId: null, data: { webhookId: id, message: 'Test delivery from Canopy' } };
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
           SELECT w.id, $2, 'ping', $3::jsonb FROM webhooks w WHERE w.id = $1 RETURNING id`,
          [id, eventId, JSON.stringify(payload)],
        );
        const row = rows[0];
        if (!row) throw new AppError('webhook.not_found');
        await recordAuditRaw(tx, actor, [{ action: 'webhook.test', objectType: 'webhook', objectId: id, changes: { deliveryId: row.id } }]);
        return row.id;
      });
      await outbox.deliverNow(deliveryId);
      const delivery = await getDelivery(deliveryId);
      if (!delivery) throw new AppError('webhook.delivery_not_found');
      return delivery;
    },

    /** The delivery log of one webhook, newest first, keyset-paged. */
    async deliveries(webhookId: string, q: DeliveryListQuery): Promise<{ items: DeliveryDto[]; nextCursor: string | null }> {
      const values: unknown[] = [webhookId];
      const where = ['d.webhook_id = $1'];
      const param = (v: unknown) => `$${values.push(v)}`;
      if (q.status) where.push(`d.status = ${param(q.status)}`);
      if (q.cursor) {
        const [at, cid] = decodeCursor(q.cursor, timestampUuid);
        where.push(`(d.created_at, d.id) < (${param(at)}::timestamptz, ${param(cid)}::uuid)`);
      }
      const { rows } = await database.query<DeliveryRow>(
        `${SELECT_DELIVERY} WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT ${param(q.limit + 1)}`,
        values,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return { items: page.map(toDeliveryDto), nextCursor: rows.length > q.limit && last ? encodeCursor([last.sort_value, last.id]) : null };
    },

    /** A dead delivery goes back to pending with a fresh set of attempts, and out at once. */
    async redeliver(deliveryId: string, actor: Actor): Promise<DeliveryDto> {
      const found = await getDelivery(deliveryId);
      if (!found) throw new AppError('webhook.delivery_not_found');
      await database.transaction(async (tx) => {
        const { rowCount } = await tx.query(
          `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE id = $1 AND status = 'dead'`,
          [deliveryId],
        );
        if (rowCount === 0) throw new AppError('webhook.delivery_not_dead');
        await recordAuditRaw(tx, actor, [{ action: 'webhook.redeliver', objectType: 'webhook_delivery', objectId: deliveryId, changes: { webhookId: found.webhookId, eventType: found.eventType } }]);
      });
      await outbox.wake();
      const after = await getDelivery(deliveryId);
      if (!after) throw new AppError('webhook.delivery_not_found');
      return after;
    },
  };
}
export type WebhookService = ReturnType<typeof createWebhookService>;
