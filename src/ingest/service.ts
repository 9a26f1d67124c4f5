import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/connect.js';
import type { JobQueue } from '../jobs/queue.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Actor } from '../auth/principal.js';
import { AppError } from '../http/errors.js';
import type { Rejected, Warning } from './prepare.js';
import { ATTRIBUTE_PENDING_SQL, LOCK_PENDING_ACCOUNTS_SQL } from './rollup-sql.js';
import { accountKey, type SegmentMessage } from './segment.js';
import { resolveEventTime, type TimeFallback } from './times.js';
import { accountFromGroup, contactFromIdentify, type AccountTraits } from './traits.js';
import { claimMessageIds, insertMessages, lockBatchAccounts, markAccountsDirty, upsertAccounts, upsertContacts, type StoredMessage } from './store.js';
import { createGroupCommit } from './group-commit.js';
import { DatabaseBusyError, DEFAULT_MAX_WAIT_MS } from '../db/pglite-queue.js';

export type WriteKey = { id: string; name: string };
export type IngestResult = {
  accepted: number; duplicates: number; duplicateMessageIds: string[]; pending: number;
  rejected: Rejected[]; warnings: Warning[];
};
export type IngestOptions = {
  receivedAt?: Date; batchSentAt?: unknown; batchContext?: Record<string, unknown>; ip?: string;
  /** The position of each message in the client's batch, for the answer (default: its position here). */
  indexes?: number[];
  /** All or nothing: a message the database refuses rolls back the whole call (AppError 400). */
  atomic?: boolean;
  /** Where to report follow-up work that failed after the commit (the answer is 200 regardless). */
  log?: { warn(obj: object, msg: string): void };
};

const RETRYABLE = new Set(['40P01', '40001']); // deadlock, serialization failure

/**
 * Errors that blame the data, not the database: class 22 (data exception: bad encoding, value
 * out of range, invalid date), check and not-null violations, and values too large to index.
 * Validation should catch all of them first; if one slips through, only its event is refused.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code === '23514' || code === '23502' || code === '54000');
}

export const ATTRIBUTE_JOB = 'ingest.attribute-pending';

/** What other capabilities want to hear about, after the commit. */
export type IngestHooks = { usageChanged?: () => Promise<void> };

/** A message ready to store: its id, corrected time, mapped traits and the warnings they raised. */
type Ready = {
  index: number; m: SegmentMessage & { messageId: string }; ts: string; sentAt: string | null; fallback: TimeFallback | null;
  account: AccountTraits | null; person: (Parameters<typeof upsertContacts>[1][number]) | null;
};
type Outcome = { accepted: number; pending: number; linked: number; duplicateIds: string[]; rejected: Rejected[] };
/** One request's messages with what its transaction needs. */
type Member = { writeKey: WriteKey; actor: Actor; receivedAt: Date; ready: Ready[]; groupKeys: string[]; userIds: string[]; opts: IngestOptions };

/**
 * Group commit for plain event batches (track, page, screen, alias: no group or identify, not
 * atomic): how many groups per write key run at once. Batches arriving meanwhile wait and are then
 * stored together in one transaction, so the shared rollup rows ('$all', per day) are locked and
 * written once per group instead of once per batch. 0 turns it off. PGlite has one session, so one.
 */
export function groupCommitInFlight(kind: Database['kind'], env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CANOPY_INGEST_GROUP_COMMIT;
  // loadConfig refuses anything but 0-16 at start; here only a valid value is taken.
  if (raw !== undefined && raw !== '' && /^\d+$/.test(raw)) return Math.min(Number(raw), 16);
  return kind === 'pglite' ? 1 : 2;
}
/** Events per group at most (a lone larger batch still runs alone). */
const GROUP_MAX_EVENTS = 1000;

const toRow = ({ m, ts, sentAt, fallback }: Ready): StoredMessage => ({
  message_id: m.messageId,
  type: m.type,
  event: m.type === 'track' ? (m.event ?? null) : (m.name ?? null),
  user_id: m.userId ?? null,
  anonymous_id: m.anonymousId ?? null,
  group_key: accountKey(m),
  properties: m.type === 'identify' || m.type === 'group' ? (m.traits ?? null) : (m.properties ?? null),
  context: m.context ?? null,
  ts,
  sent_at: sentAt,
  time_fallback: fallback,
});

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

  /** Claims, upserts and inserts one group of messages inside the caller's transaction. */
  async function storeChunk(tx: Queryable, writeKey: WriteKey, actor: Actor, receivedAt: Date, chunk: Ready[]): Promise<Omit<Outcome, 'rejected'>> {
    const fresh = await claimMessageIds(tx, writeKey.id, chunk.map((r) => r.m.messageId));
    const todo = chunk.filter((r) => fresh.has(r.m.messageId));
    const duplicateIds = chunk.filter((r) => !fresh.has(r.m.messageId)).map((r) => r.m.messageId);
    if (todo.length === 0) return { accepted: 0, pending: 0, linked: 0, duplicateIds };

    // group and identify first, so that a track in the same batch finds its account.
    const groups = new Map<string, AccountTraits>();
    const people = new Map<string, NonNullable<Ready['person']>>();
    for (const r of todo) {
      if (r.account) groups.set(r.account.externalId, mergeDefined(groups.get(r.account.externalId), r.account));
      if (r.person) people.set(r.person.externalId, mergeDefined(people.get(r.person.externalId), r.person));
    }
    const changedAccounts = groups.size ? await upsertAccounts(tx, [...groups.values()]) : [];
    await markAccountsDirty(tx, changedAccounts.map((a) => a.id));
    const changedContacts = people.size ? await upsertContacts(tx, [...people.values()]) : 0;
    await recordAuditRaw(tx, actor, changedAccounts.map((a) => ({
      action: a.created ? 'account.create' : 'account.update', objectType: 'account', objectId: a.id,
      changes: { source: 'segment.group', externalId: a.external_id, name: a.name },
    })));

    const { stored, pending } = await insertMessages(tx, writeKey.id, receivedAt, todo.map(toRow));
    return { accepted: stored, pending, linked: changedAccounts.length + changedContacts, duplicateIds };
  }

  /**
   * Stores `chunk` under a savepoint. When the database refuses a value (a data error), the
   * savepoint is rolled back and each half is tried on its own, down to the single message,
   * which is then reported as rejected: the good messages of the batch are still stored.
   */
  async function storeBisecting(tx: Queryable, writeKey: WriteKey, actor: Actor, receivedAt: Date, chunk: Ready[], out: Outcome): Promise<void> {
    if (chunk.length === 0) return;
    await tx.query('SAVEPOINT ingest_chunk');
    try {
      const r = await storeChunk(tx, writeKey, actor, receivedAt, chunk);
      await tx.query('RELEASE SAVEPOINT ingest_chunk');
      out.accepted += r.accepted;
      out.pending += r.pending;
      out.linked += r.linked;
      out.duplicateIds.push(...r.duplicateIds);
    } catch (err) {
      if (!isDataError(err)) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT ingest_chunk');
      await tx.query('RELEASE SAVEPOINT ingest_chunk');
      const only = chunk.length === 1 ? chunk[0] : undefined;
      if (only) {
        const e = err as { code?: string; message?: string };
        out.rejected.push({ index: only.index, messageId: only.m.messageId, code: 'ingest.invalid_value', message: `The database refused a value of this event (${e.code}): ${e.message ?? ''}` });
        return;
      }
      const mid = Math.ceil(chunk.length / 2);
      await storeBisecting(tx, writeKey, actor, receivedAt, chunk.slice(0, mid), out);
      await storeBisecting(tx, writeKey, actor, receivedAt, chunk.slice(mid), out);
    }
  }

  /** After the commit the events are stored: follow-up work that fails is logged, never reported as a failed call. */
  async function afterCommit(label: string, fn: () => Promise<unknown>, log: IngestOptions['log']) {
    try {
      await fn();
    } catch (err) {
      // The job sweeps catch up: ingest.attribute-pending every 5 minutes, health.refresh-dirty every minute.
      (log ?? console).warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, `ingest: ${label} failed after commit; the periodic job will catch up`);
    }
  }

  /** One request in its own transaction: locks, then stores its messages (bisecting on data errors). */
  function storeAlone({ writeKey, actor, receivedAt, ready, groupKeys, userIds, opts }: Member): Promise<Outcome> {
    return withRetry(() =>
      database.transaction(async (tx) => {
        const out: Outcome = { accepted: 0, pending: 0, linked: 0, duplicateIds: [], rejected: [] };
        await lockBatchAccounts(tx, groupKeys, userIds);
        await storeBisecting(tx, writeKey, actor, receivedAt, ready, out);
        if (opts.atomic && out.rejected.length > 0) {
          throw new AppError('ingest.invalid_event', `${out.rejected.length} event(s) hold values the database refuses; nothing was stored (atomic batch).`,
            out.rejected.map((r) => ({ path: opts.indexes ? `batch.${r.index}` : '(body)', message: r.message })));
        }
        return out;
      }),
    );
  }

  /**
   * Several plain event requests of one write key in one transaction. A messageId sent by two of
   * them is the later one's duplicate, as it would be if they ran one after the other. If the
   * database refuses a value, nothing of the group is kept and each request runs alone (which
   * finds and rejects the bad events). Schedules the health refresh once for the group.
   */
  async function storeGroup(members: Member[]): Promise<Outcome[]> {
    const first = members[0];
    if (!first) return [];
    const seen = new Set<string>();
    const parts = members.map((mem) => {
      const mine: Ready[] = [];
      const dups: string[] = [];
      for (const r of mem.ready) {
        if (seen.has(r.m.messageId)) dups.push(r.m.messageId);
        else {
          seen.add(r.m.messageId);
          mine.push(r);
        }
      }
      return { mem, mine, dups };
    });
    let outcomes: Outcome[];
    try {
      outcomes = await withRetry(() =>
        database.transaction(async (tx) => {
          await lockBatchAccounts(tx, [...new Set(members.flatMap((m) => m.groupKeys))], [...new Set(members.flatMap((m) => m.userIds))]);
          const fresh = await claimMessageIds(tx, first.writeKey.id, parts.flatMap((p) => p.mine.map((r) => r.m.messageId)));
          const rows = parts.flatMap((p) => p.mine.filter((r) => fresh.has(r.m.messageId)).map((r) => ({ ...toRow(r), received_at: p.mem.receivedAt.toISOString() })));
          const pendingIds = new Set(rows.length > 0 ? (await insertMessages(tx, first.writeKey.id, first.receivedAt, rows)).pendingIds : []);
          return parts.map(({ mine, dups }): Outcome => {
            const stored = mine.filter((r) => fresh.has(r.m.messageId));
            return {
              accepted: stored.length, pending: stored.filter((r) => pendingIds.has(r.m.messageId)).length, linked: 0,
              duplicateIds: [...dups, ...mine.filter((r) => !fresh.has(r.m.messageId)).map((r) => r.m.messageId)], rejected: [],
            };
          });
        }),
      );
    } catch (err) {
      if (!isDataError(err)) throw err;
      outcomes = [];
      for (const mem of members) outcomes.push(await storeAlone(mem));
    }
    if (outcomes.some((o) => o.accepted - o.pending > 0)) await afterCommit('scheduling the health refresh', async () => hooks.usageChanged?.(), first.opts.log);
    return outcomes;
  }
  const inFlight = groupCommitInFlight(database.kind);
  // PGlite refuses a request that cannot get its one session within 5 s (503 + Retry-After); a
  // request waiting here for its group is refused the same way, so the wait stays bounded overall.
  const groups = inFlight > 0
    ? createGroupCommit(storeGroup, {
      maxInFlight: inFlight, maxWeight: GROUP_MAX_EVENTS,
      ...(database.kind === 'pglite' ? { maxWaitMs: DEFAULT_MAX_WAIT_MS, refuse: () => new DatabaseBusyError(DEFAULT_MAX_WAIT_MS) } : {}),
    })
    : null;

  const service = {
    /**
     * Stores validated Segment messages and returns only after the commit. Each message is
     * decided on its own: a messageId this write key already sent is a duplicate (also when
     * two requests race: the second waits on the first's dedupe row and then sees it), a
     * message the database refuses is rejected, the rest are stored. With `atomic`, any
     * rejection rolls back the whole call.
     */
    async ingest(writeKey: WriteKey, input: SegmentMessage[], opts: IngestOptions = {}): Promise<IngestResult> {
      const receivedAt = opts.receivedAt ?? new Date();
      const seen = new Set<string>();
      const ready: Ready[] = [];
      const warnings: Warning[] = [];
      const duplicateIds: string[] = [];
      input.forEach((raw, position) => {
        const index = opts.indexes?.[position] ?? position;
        const messageId = raw.messageId ?? randomUUID();
        if (seen.has(messageId)) {
          duplicateIds.push(messageId);
          return;
        }
        seen.add(messageId);
        const context = opts.batchContext ? { ...opts.batchContext, ...raw.context } : raw.context;
        const m = { ...raw, messageId, context };
        const time = resolveEventTime(m, receivedAt, opts.batchSentAt);
        const note = (n: { field: string; message: string }) => warnings.push({ index, ...n });
        time.notes.forEach(note);
        let account: Ready['account'] = null;
        let person: Ready['person'] = null;
        if (m.type === 'group' && m.groupId) {
          const { issues, ...a } = accountFromGroup(m.groupId, m.traits);
          issues.forEach(note);
          account = a;
          if (m.userId) person = { externalId: m.userId, groupId: m.groupId };
        } else if (m.type === 'identify' && m.userId) {
          const { issues, ...c } = contactFromIdentify(m.userId, m.traits, m.context);
          issues.forEach(note);
          person = c;
        }
        ready.push({ index, m, ts: time.ts.toISOString(), sentAt: time.sentAt, fallback: time.fallback, account, person });
      });
      const actor: Actor = { type: 'api_key', id: writeKey.id, label: `write key:${writeKey.name}`, ip: opts.ip };
      const groupKeys = new Set<string>();
      const userIds = new Set<string>();
      // (A key holding a NUL, which the routes remove, would make PostgreSQL refuse the whole
      // locking statement; left out, its event is refused alone by the bisection below.)
      const lockable = (v: string) => !v.includes('\u0000');
      for (const r of ready) {
        const key = r.account?.externalId ?? accountKey(r.m);
        if (key) {
          if (lockable(key)) groupKeys.add(key);
        } else if (r.m.userId && lockable(r.m.userId)) userIds.add(r.m.userId);
      }

      const member: Member = { writeKey, actor, receivedAt, ready, groupKeys: [...groupKeys], userIds: [...userIds], opts };
      // Plain events (no traits to apply, not all-or-nothing) may share a transaction with other requests.
      const grouped = groups !== null && !opts.atomic && ready.length > 0 && ready.every((r) => !r.account && !r.person);
      const outcome = grouped ? await groups.submit(writeKey.id, member, ready.length) : await storeAlone(member);

      // A value the checks let through but the database refused: the event was rejected alone, and
      // the log says which check is missing.
      if (outcome.rejected.length > 0) {
        opts.log?.warn({ rejected: outcome.rejected.map((r) => ({ index: r.index, message: r.message })) }, 'ingest: the database refused values that passed validation');
      }
      // New accounts or user links may claim events kept earlier without an account.
      if (outcome.linked > 0) await afterCommit('scheduling attribution', () => service.scheduleAttribution(), opts.log);
      // Rollups moved: the accounts were marked for a health refresh in the same transaction.
      // (A group schedules it once for all its requests.)
      if (!grouped && (outcome.accepted - outcome.pending > 0 || outcome.linked > 0)) await afterCommit('scheduling the health refresh', async () => hooks.usageChanged?.(), opts.log);
      const allDuplicates = [...duplicateIds, ...outcome.duplicateIds];
      return {
        accepted: outcome.accepted,
        duplicates: allDuplicates.length,
        duplicateMessageIds: [...new Set(allDuplicates)],
        pending: outcome.pending,
        rejected: outcome.rejected,
        warnings: warnings.filter((w) => !outcome.rejected.some((r) => r.index === w.index)),
      };
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
          await tx.query(LOCK_PENDING_ACCOUNTS_SQL, [chunk]);
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
function mergeDefined<T extends object>(a: T | undefined, b: T): T {
  if (!a) return b;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) {
    if (v === null || v === undefined) continue;
    const prev = out[k];
    out[k] = k === 'custom' && prev && typeof prev === 'object' ? { ...(prev as object), ...(v as object) } : v;
  }
  return out as T;
}
