import { randomUUID } from 'node:crypto';
import type { Database } from '../db/connect.js';
import type { JobQueue } from '../jobs/queue.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Actor } from '../auth/principal.js';
import { ATTRIBUTE_PENDING_SQL } from './rollup-sql.js';
import { accountFromGroup, accountKey, contactFromIdentify, eventTime, type SegmentMessage } from './segment.js';
import { claimMessageIds, insertMessages, upsertAccounts, upsertContacts, type StoredMessage } from './store.js';

export type WriteKey = { id: string; name: string };
export type IngestResult = { accepted: number; duplicates: number; pending: number };

const RETRYABLE = new Set(['40P01', '40001']); // deadlock, serialization failure

export const ATTRIBUTE_JOB = 'ingest.attribute-pending';

/** What other capabilities want to hear about, after the commit. */
export type IngestHooks = { usageChanged?: () => Promise<void> };

export function createIngestService(database: Database, jobs: JobQueue | null, hooks: IngestHooks = {}) {
  async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= 4 || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
      }
    }
  }

  const service = {
    /**
     * Stores a validated list of Segment messages, all or nothing, and returns only after the
     * commit. A messageId this write key already sent is skipped (also when two requests race:
     * the second waits on the first's dedupe row and then sees it).
     */
    async ingest(writeKey: WriteKey, input: SegmentMessage[], opts: { receivedAt?: Date; batchSentAt?: string; batchContext?: Record<string, unknown>; ip?: string } = {}): Promise<IngestResult> {
      const receivedAt = opts.receivedAt ?? new Date();
      const seen = new Set<string>();
      const messages: (SegmentMessage & { messageId: string })[] = [];
      let duplicates = 0;
      for (const m of input) {
        const messageId = m.messageId ?? randomUUID();
        if (seen.has(messageId)) {
          duplicates++;
          continue;
        }
        seen.add(messageId);
        const context = opts.batchContext ? { ...opts.batchContext, ...m.context } : m.context;
        messages.push({ ...m, messageId, context });
      }
      const actor: Actor = { type: 'api_key', id: writeKey.id, label: `write key:${writeKey.name}`, ip: opts.ip };

      const outcome = await withRetry(() =>
        database.transaction(async (tx) => {
          const fresh = await claimMessageIds(tx, writeKey.id, messages.map((m) => m.messageId));
          const todo = messages.filter((m) => fresh.has(m.messageId));
          if (todo.length === 0) return { accepted: 0, pending: 0, linked: 0 };

          // group and identify first, so that a track in the same batch finds its account.
          const groups = new Map<string, ReturnType<typeof accountFromGroup>>();
          const people = new Map<string, Parameters<typeof upsertContacts>[1][number]>();
          for (const m of todo) {
            if (m.type === 'group' && m.groupId) {
              const prev = groups.get(m.groupId);
              const next = accountFromGroup(m.groupId, m.traits);
              groups.set(m.groupId, prev ? mergeDefined(prev, next) : next);
              if (m.userId) people.set(m.userId, { ...people.get(m.userId), externalId: m.userId, groupId: m.groupId });
            } else if (m.type === 'identify' && m.userId) {
              const next = contactFromIdentify(m.userId, m.traits, m.context);
              const prev = people.get(m.userId);
              people.set(m.userId, prev ? mergeDefined(prev, next) : next);
            }
          }
          const changedAccounts = groups.size ? await upsertAccounts(tx, [...groups.values()]) : [];
          const changedContacts = people.size ? await upsertContacts(tx, [...people.values()]) : 0;
          await recordAuditRaw(tx, actor, changedAccounts.map((a) => ({
            action: a.created ? 'account.create' : 'account.update', objectType: 'account', objectId: a.id,
            changes: { source: 'segment.group', externalId: a.external_id, name: a.name },
          })));

          const rows: StoredMessage[] = todo.map((m) => ({
            message_id: m.messageId,
            type: m.type,
            event: m.type === 'track' ? (m.event ?? null) : (m.name ?? null),
            user_id: m.userId ?? null,
            anonymous_id: m.anonymousId ?? null,
            group_key: accountKey(m),
            properties: m.type === 'identify' || m.type === 'group' ? (m.traits ?? null) : (m.properties ?? null),
            context: m.context ?? null,
            ts: eventTime(m, receivedAt, opts.batchSentAt).toISOString(),
            sent_at: m.sentAt ?? opts.batchSentAt ?? null,
          }));
          const { stored, pending } = await insertMessages(tx, writeKey.id, receivedAt, rows);
          return { accepted: stored, pending, linked: changedAccounts.length + changedContacts };
        }),
      );

      // New accounts or user links may claim events kept earlier without an account.
      if (outcome.linked > 0) await service.scheduleAttribution();
      // Rollups moved: the accounts were marked for a health refresh in the same transaction.
      if (outcome.accepted - outcome.pending > 0 || outcome.linked > 0) await hooks.usageChanged?.();
      return { accepted: outcome.accepted, duplicates: duplicates + (messages.length - outcome.accepted), pending: outcome.pending };
    },

    async scheduleAttribution(): Promise<void> {
      if (jobs) await jobs.sendDebounced(ATTRIBUTE_JOB, {}, 1, 'all');
      else await service.attributePending();
    },

    /** Attributes kept events whose account is now known, in chunks; returns how many. */
    async attributePending(chunk = 5000): Promise<number> {
      let total = 0;
      for (;;) {
        const n = await database.transaction(async (tx) => {
          const { rows } = await tx.query<{ attributed: number }>(ATTRIBUTE_PENDING_SQL, [chunk]);
          return rows[0]?.attributed ?? 0;
        });
        total += n;
        if (n < chunk) {
          if (total > 0) await hooks.usageChanged?.();
          return total;
        }
      }
    },

    /** Forgets messageIds older than `days` (>= 7): a repeat after that is stored again. */
    async pruneDedupe(days: number): Promise<number> {
      const r = await database.query(`DELETE FROM ingest_dedupe WHERE received_at < now() - make_interval(days => $1)`, [days]);
      const u = await database.query(`DELETE FROM usage_daily_users WHERE day < current_date - 120`);
      return r.rowCount + u.rowCount;
    },
  };
  return service;
}
export type IngestService = ReturnType<typeof createIngestService>;

/** b over a, but only b's values that are not null or undefined; objects named custom merge. */
function mergeDefined<T extends object>(a: T, b: T): T {
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) {
    if (v === null || v === undefined) continue;
    const prev = out[k];
    out[k] = k === 'custom' && prev && typeof prev === 'object' ? { ...(prev as object), ...(v as object) } : v;
  }
  return out as T;
}
