import type { Queryable } from '../db/connect.js';
import type { AllowList } from '../outbound/address.js';
import { backoffSeconds } from '../outbound/backoff.js';
import { describeFailedResponse, describeOutboundError, safeRequest } from '../outbound/request.js';
import { signatureHeader } from './signature.js';

/**
 * How long a claimed delivery (or message) is reserved for the worker that claimed it, unless the
 * worker renews the claim (the outbox pump renews everything it holds every third of the window).
 * A worker that dies mid-send leaves its rows to be sent again once this lapses.
 */
export const MIN_CLAIM_SECONDS = 60;

/** The claim window for a request timeout: at least a minute, and at least two timeouts. */
export function claimSecondsFor(timeoutMs: number): number {
  return Math.max(MIN_CLAIM_SECONDS, Math.ceil((2 * timeoutMs) / 1000));
}

export type ClaimOptions = {
  /** One delivery by id, due or not (the admin's test ping and redelivery). */
  onlyId?: string;
  /** Leave these webhooks' deliveries alone (their host already has enough work in flight). */
  excludeWebhookIds?: readonly string[];
  claimSeconds?: number;
};

/** A ping (the admin's test) is tried once; everything else up to the webhook's max_attempts. */
const MAX_ATTEMPTS_SQL = `CASE WHEN d.event_type = 'ping' THEN 1 ELSE w.max_attempts END`;

export type ClaimedDelivery = {
  id: string; webhookId: string; eventType: string; payload: unknown; attempts: number;
  url: string; secret: string; maxAttempts: number;
};
export type AttemptResult = { ok: boolean; status: number | null; error: string | null };

type Row = { id: string; webhook_id: string; event_type: string; payload: unknown; attempts: number; url: string; secret: string; max_attempts: number };

/**
 * Claims due deliveries (or one delivery by id, due or not): one statement takes them with
 * FOR UPDATE SKIP LOCKED, counts the attempt and moves next_attempt_at past the claim window.
 * Two workers never take the same row; a worker that dies mid-send leaves the row to be retried
 * when the claim lapses.
 */
export async function claimDeliveries(db: Queryable, limit: number, opts: ClaimOptions = {}): Promise<ClaimedDelivery[]> {
  const values: unknown[] = [limit, opts.claimSeconds ?? MIN_CLAIM_SECONDS];
  let which = opts.onlyId ? `d.id = $${values.push(opts.onlyId)}` : 'd.next_attempt_at <= now() AND w.enabled';
  if (opts.excludeWebhookIds?.length) which += ` AND NOT (d.webhook_id = ANY ($${values.push(opts.excludeWebhookIds)}::uuid[]))`;
  const { rows } = await db.query<Row>(
    `WITH due AS (
       SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.status = 'pending' AND ${which} AND d.attempts < ${MAX_ATTEMPTS_SQL}
        ORDER BY d.next_attempt_at, d.id LIMIT $1
        FOR UPDATE OF d SKIP LOCKED)
     UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8)
       FROM due, webhooks w
      WHERE d.id = due.id AND w.id = d.webhook_id
     RETURNING d.id, d.webhook_id, d.event_type, d.payload, d.attempts, w.url, w.secret, ${MAX_ATTEMPTS_SQL} AS max_attempts`,
    values,
  );
  return rows.map((r) => ({
    id: r.id, webhookId: r.webhook_id, eventType: r.event_type, payload: r.payload, attempts: r.attempts,
    url: r.url, secret: r.secret, maxAttempts: r.max_attempts,
  }));
}

/**
 * Moves the claims of deliveries a live worker still holds (in flight or waiting for their host)
 * another window ahead; a row is renewed only while the attempt is still the worker's.
 */
export async function renewDeliveryClaims(db: Queryable, held: readonly { id: string; attempts: number }[], claimSeconds: number): Promise<number> {
  if (held.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $3::float8)
       FROM unnest($1::uuid[], $2::int[]) AS h(id, attempts)
      WHERE d.id = h.id AND d.attempts = h.attempts AND d.status = 'pending'`,
    [held.map((d) => d.id), held.map((d) => d.attempts), claimSeconds],
  );
  return rowCount;
}

/**
 * Gives back claimed deliveries that were never sent (the pump ran out of time while they waited
 * for their host): due again at once, and the attempt that was not made is not counted.
 */
export async function releaseDeliveries(db: Queryable, held: readonly { id: string; attempts: number }[]): Promise<number> {
  if (held.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE webhook_deliveries d SET attempts = d.attempts - 1, next_attempt_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS h(id, attempts)
      WHERE d.id = h.id AND d.attempts = h.attempts AND d.status = 'pending'`,
    [held.map((d) => d.id), held.map((d) => d.attempts)],
  );
  return rowCount;
}

/** Deliveries whose last attempt was interrupted (the worker died) and that have no attempts left. */
export async function sweepExhaustedDeliveries(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE webhook_deliveries d
        SET status = 'dead', last_error = coalesce(d.last_error || '; ', '') || 'the last attempt was interrupted'
       FROM webhooks w
      WHERE w.id = d.webhook_id AND d.status = 'pending' AND d.next_attempt_at <= now() AND d.attempts >= ${MAX_ATTEMPTS_SQL}`,
  );
  return rowCount;
}

/** Sends one claimed delivery: POST of the stored payload, signed. Never throws. */
export async function sendDelivery(d: ClaimedDelivery, opts: { allow: AllowList; timeoutMs: number }): Promise<AttemptResult> {
  const body = JSON.stringify(d.payload);
  try {
    const res = await safeRequest(d.url, {
      method: 'POST',
      body,
      timeoutMs: opts.timeoutMs,
      allow: opts.allow,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Canopy-Webhooks/1',
        'canopy-event': d.eventType,
        'canopy-delivery': d.id,
        'canopy-signature': signatureHeader(d.secret, body),
      },
    });
    return res.ok ? { ok: true, status: res.status, error: null } : { ok: false, status: res.status, error: describeFailedResponse(res) };
  } catch (err) {
    return { ok: false, status: null, error: describeOutboundError(err, opts.timeoutMs) };
  }
}

/**
 * Records the outcome of an attempt, only if the row is still ours (same attempt count and still
 * pending): a worker whose claim lapsed and was taken over cannot overwrite the newer attempt.
 */
export async function recordDeliveryResult(db: Queryable, d: ClaimedDelivery, r: AttemptResult, random: () => number = Math.random): Promise<'succeeded' | 'pending' | 'dead'> {
  if (r.ok) {
    await db.query(
      `UPDATE webhook_deliveries SET status = 'succeeded', last_status = $3, last_error = NULL, delivered_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [d.id, d.attempts, r.status],
    );
    return 'succeeded';
  }
  const dead = d.attempts >= d.maxAttempts;
  await db.query(
    `UPDATE webhook_deliveries
        SET status = $4, last_status = $3, last_error = $5, next_attempt_at = now() + make_interval(secs => $6::int)
      WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
    [d.id, d.attempts, r.status, dead ? 'dead' : 'pending', r.error, dead ? 0 : backoffSeconds(d.attempts, { random })],
  );
  return dead ? 'dead' : 'pending';
}

export async function attemptDelivery(db: Queryable, d: ClaimedDelivery, opts: { allow: AllowList; timeoutMs: number }) {
  const result = await sendDelivery(d, opts);
  const outcome = await recordDeliveryResult(db, d, result);
  return { ...result, outcome };
}
