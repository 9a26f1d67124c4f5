import type { Actor } from '../auth/principal.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { OutboundRefusedError, checkAddress, type AllowList } from '../outbound/address.js';
import { runAlertPass } from './alerts.js';
import { createRdapClient } from './rdap.js';
import { DEFAULT_LEAD_DAYS, isChecked, nextCheckAt, type CriticalDateKind } from './schedule.js';
import { expiryToDate, leadDaysInput, type BookQuery, type CriticalDateCheckDto, type CriticalDateCreate, type CriticalDatePatch } from './schema.js';
import { accountDates, bookDates, claimDue, failuresInRow, getDate, getDateWithChecks, insertCheck, insertDate, updateDate, type DateRow } from './store.js';
import { checkTls, type CheckOutcome } from './tls-check.js';
import { parseTarget, type Target } from './target.js';

/**
 * Critical dates (issue 12, seed 002): what expires per account, checked live where it can be
 * (a TLS handshake, RDAP), re-checked on a schedule, and alerted at lead times as tasks. Every
 * outbound connection goes through src/outbound (the guarded lookup and the allow-list).
 */

/** app_settings keys are lower case (migration 0016's check), so not 'criticalDates.defaultLeadDays'. */
export const SETTINGS_KEY = 'critical_dates.default_lead_days';
/** How many due dates one scheduled run checks, and how many at once. */
export const DUE_BATCH = 50;
export const DUE_CONCURRENCY = 4;

const userIdOf = (a: Actor) => (a.type === 'user' ? a.id : null);
const invalid = (path: string, message: string) => new AppError('critical_date.invalid', message, [{ path, message }]);

export async function defaultLeadDays(q: Queryable): Promise<number[]> {
  const { rows } = await q.query<{ value: unknown }>('SELECT value FROM app_settings WHERE key = $1', [SETTINGS_KEY]);
  if (!rows[0]) return DEFAULT_LEAD_DAYS;
  const parsed = leadDaysInput().safeParse(rows[0].value);
  if (!parsed.success) throw new Error(`app_settings '${SETTINGS_KEY}' holds an invalid value: ${parsed.error.message}`);
  return parsed.data;
}

const sortLeads = (l: number[]) => [...l].sort((a, b) => b - a);

export function createCriticalDateService(deps: WorkDeps, hooks: { tasksCreated(tx: Queryable, ids: string[], actor: Actor): Promise<void> }) {
  const { database, config, outbox } = deps;
  const rdap = createRdapClient({ bootstrapUrl: config.criticalDates.rdapBootstrapUrl });
  const timeoutMs = config.outbound.timeoutMs;

  const must = async (q: Queryable, id: string, lock = false): Promise<DateRow> => {
    const d = await getDate(q, id, lock);
    if (!d) throw new AppError('critical_date.not_found');
    return d;
  };

  /** A target parsed and judged by the outbound rules (an IP literal, a *.localhost name) at save time; DNS is checked at every check. */
  async function target(kind: 'domain' | 'tls', raw: string): Promise<Target> {
    const p = parseTarget(kind, raw);
    if (!p.ok) throw invalid('target', p.problem);
    const allow = await outbox.allowlist.current();
    if (p.target.isIp) {
      const reason = checkAddress(p.target.host, allow);
      if (reason) throw new OutboundRefusedError(reason, p.target.host, 'target');
    } else if ((p.target.host === 'localhost' || p.target.host.endsWith('.localhost')) && !allow.allowsHost(p.target.host)) {
      throw new OutboundRefusedError('loopback', p.target.host, 'target');
    }
    return p.target;
  }

  async function live(d: DateRow, allow: AllowList): Promise<CheckOutcome> {
    const p = parseTarget(d.kind as 'domain' | 'tls', d.target ?? '');
    if (!p.ok) return { ok: false, expiresAt: null, result: {}, error: `the target "${(d.target ?? '').slice(0, 100)}" is not valid: ${p.problem}`, durationMs: 0 };
    return d.kind === 'tls' ? checkTls(p.target, { allow, timeoutMs }) : rdap.lookup(p.target.host, { allow, timeoutMs });
  }

  /** Runs one live check and records it: the check row, and the date's expiry (when read), status and next check. */
  async function checkOne(id: string, allow: AllowList, now = new Date()): Promise<CriticalDateCheckDto> {
    const d = await must(database, id);
    if (!isChecked(d.kind)) throw new AppError('critical_date.not_checkable');
    const o = await live(d, allow);
    return database.transaction(async (tx) => {
      const at = new Date();
      const check = await insertCheck(tx, { dateId: id, at, ok: o.ok, expiresAt: o.expiresAt, result: o.result, error: o.error, durationMs: o.durationMs });
      const expiresAt = o.ok && o.expiresAt ? o.expiresAt : d.expires_at;
      const failures = o.ok ? 0 : await failuresInRow(tx, id);
      await updateDate(tx, id, {
        expires_at: expiresAt, last_checked_at: at, last_check_ok: o.ok, last_error: o.error?.slice(0, 2000) ?? null,
        next_check_at: d.auto_check ? nextCheckAt({ now: at > now ? at : now, ok: o.ok, expiresAt, failuresInRow: failures }) : null,
      });
      return check;
    });
  }

  const service = {
    rdap,
    get: (id: string) => must(database, id),
    getWithChecks: async (id: string) => {
      const d = await getDateWithChecks(database, id);
      if (!d) throw new AppError('critical_date.not_found');
      return d;
    },
    account: (accountId: string) => accountDates(database, accountId),
    book: (q: BookQuery, now = new Date()) => bookDates(database, q, now),

    async create(accountId: string, input: CriticalDateCreate, actor: Actor, now = new Date()): Promise<string> {
      const kind: CriticalDateKind = input.kind;
      let t: Target | null = null;
      if (isChecked(kind)) {
        if (!input.target) throw invalid('target', kind === 'domain' ? 'Enter the domain to check, such as example.com' : 'Enter the host whose certificate to check, such as example.com or example.com:8443');
        t = await target(kind, input.target);
      } else {
        if (input.target !== undefined) throw invalid('target', 'Only domain and tls dates have a target host');
        if (input.autoCheck !== undefined) throw invalid('autoCheck', 'Only domain and tls dates are checked live');
        if (!input.expiresAt) throw invalid('expiresAt', 'Enter when it expires (2027-03-04)');
      }
      const autoCheck = isChecked(kind) ? (input.autoCheck ?? true) : false;
      const leadDays = sortLeads(input.leadDays ?? await defaultLeadDays(database));
      return database.transaction(async (tx) => {
        const id = await insertDate(tx, {
          accountId, kind, label: input.label, target: t?.text ?? null, expiresAt: input.expiresAt ? expiryToDate(input.expiresAt) : null,
          leadDays, autoCheck, nextCheckAt: autoCheck ? now : null, by: userIdOf(actor),
        });
        await recordAuditRaw(tx, actor, [{ action: 'critical_date.create', objectType: 'critical_date', objectId: id, objectLabel: input.label, changes: { accountId, kind, label: input.label, target: t?.text ?? null, expiresAt: input.expiresAt ?? null, leadDays, autoCheck } }]);
        return id;
      });
    },

    async update(id: string, patch: CriticalDatePatch, actor: Actor, now = new Date()): Promise<void> {
      const before = await must(database, id);
      const checked = isChecked(before.kind);
      const set: Record<string, unknown> = { label: patch.label, lead_days: patch.leadDays ? sortLeads(patch.leadDays) : undefined };
      if (patch.target !== undefined) {
        if (!checked) throw invalid('target', 'Only domain and tls dates have a target host');
        const t = await target(before.kind as 'domain' | 'tls', patch.target);
        set.target = t.text;
        if (t.text !== before.target) set.next_check_at = (patch.autoCheck ?? before.auto_check) ? now : null;
      }
      if (patch.autoCheck !== undefined) {
        if (!checked) throw invalid('autoCheck', 'Only domain and tls dates are checked live');
        set.auto_check = patch.autoCheck;
        set.next_check_at = patch.autoCheck ? (set.next_check_at ?? before.next_check_at ?? now) : null;
      }
      if (patch.expiresAt !== undefined) {
        if (patch.expiresAt === null && !checked) throw invalid('expiresAt', 'A contract, licence, card or custom date needs its expiry');
        set.expires_at = patch.expiresAt === null ? null : expiryToDate(patch.expiresAt);
      }
      if (patch.archived !== undefined) set.archived_at = patch.archived ? (before.archived_at ?? now) : null;
      await database.transaction(async (tx) => {
        await updateDate(tx, id, set);
        const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        await recordAuditRaw(tx, actor, [{ action: patch.archived === true ? 'critical_date.archive' : 'critical_date.update', objectType: 'critical_date', objectId: id, objectLabel: before.label, changes }]);
      });
    },

    archive: (id: string, actor: Actor) => service.update(id, { archived: true }, actor),

    /** A check asked for by a person (the check button): the same as a scheduled one. */
    check: async (id: string) => checkOne(id, await outbox.allowlist.current()),

    /** The scheduled run: due auto-check dates, a bounded batch, a few at a time. */
    async checkDue(now = new Date(), batch = DUE_BATCH): Promise<{ checked: number; failed: number }> {
      const ids = await claimDue(database, now, batch);
      if (ids.length === 0) return { checked: 0, failed: 0 };
      const allow = await outbox.allowlist.current();
      let failed = 0;
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++] as string;
          const c = await checkOne(id, allow, now).catch(() => null);
          if (!c || !c.ok) failed++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(DUE_CONCURRENCY, ids.length) }, worker));
      return { checked: ids.length, failed };
    },

    /** The daily alert pass (see alerts.ts). */
    async alertPass(now = new Date()): Promise<{ alerted: number }> {
      const r = await runAlertPass(database, now, (tx, ids) => hooks.tasksCreated(tx, ids, SYSTEM_ACTOR));
      if (r.alerted > 0) await outbox.wake();
      return r;
    },
  };
  return service;
}
export type CriticalDateService = ReturnType<typeof createCriticalDateService>;
