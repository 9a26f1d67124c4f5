import { z } from 'zod';
import type { Actor } from '../auth/principal.js';
import type { Ownable } from '../auth/policy.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Database } from '../db/connect.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { AppError } from '../http/errors.js';
import { renewalsCsv } from './csv.js';
import { CATEGORIES, DEFAULT_RISK_PROBABILITY, THRESHOLDS, evaluate, renewalProbability, totalsByPeriod, type Category, type Evaluated } from './forecast.js';
import { defaultRenewalRange, horizon, periodsIn, rangeProblem, resolveRange, utcDay, type Group } from './periods.js';
import { deleteOverride, renewalOf, renewalsIn, topRisks, upsertOverride, type RenewalRow } from './queries.js';
import type { RenewalItem } from './schema.js';

/**
 * Renewals: the named operations behind the routes. Reads see only the accounts `mayRead` allows
 * (the policy's account read check, applied to every figure, so the calendar adds up to the list);
 * overrides are written in one transaction with their audit row.
 */

export type MayRead = (a: Ownable) => boolean;
type Range = { from?: string | undefined; to?: string | undefined };

export const DEFAULTS = {
  riskProbability: DEFAULT_RISK_PROBABILITY,
  renewalProbability: renewalProbability(null).probability,
  thresholds: { ...THRESHOLDS },
  note: `Renewal probability = 1 − the account's compound risk probability. An account without a computed risk yet uses a risk of ${DEFAULT_RISK_PROBABILITY} `
    + `(renewal probability ${renewalProbability(null).probability}) and is marked probabilitySource: 'default'. Categories: commit at ${THRESHOLDS.commit} or above, `
    + `likely at ${THRESHOLDS.likely} or above, else at risk, unless a manager overrode the renewal.`,
};

const cursorTuple = z.tuple([z.iso.date(), z.uuid()]);

/** A range after defaults, checked (a single bound filled with one year can still be out of bounds only past 2200: refused the same way). */
function checkedRange(q: Range, fallback: { from: string; to: string }) {
  const r = resolveRange(q, fallback);
  const problem = rangeProblem(r.from, r.to);
  if (problem) throw new AppError('request.invalid', problem.message, [problem]);
  return r;
}

const evaluated = (r: RenewalRow) => evaluate({ renewalDate: r.renewalDate, arr: r.arr, riskProbability: r.riskProbability, overrideCategory: r.override?.category ?? null });

function itemOf(r: RenewalRow, e: Evaluated, risks: RenewalItem['risks']): RenewalItem {
  return {
    account: { id: r.accountId, name: r.name, owner: r.ownerId ? { id: r.ownerId, name: r.ownerName ?? '' } : null, segment: r.segment, stage: r.stage },
    renewalDate: r.renewalDate, arr: r.arr, probability: e.probability, probabilitySource: e.probabilitySource, forecast: e.forecast,
    category: e.category, suggested: e.suggested, override: r.override, risks,
  };
}

const camel = (c: Category) => (c === 'at_risk' ? 'atRisk' : c);

export function createRenewalService(database: Database) {
  const readable = async (from: string, to: string, mayRead: MayRead) =>
    (await renewalsIn(database, from, to)).filter((r) => mayRead({ ownerId: r.ownerId, teamId: r.teamId }));

  return {
    async list(q: Range & { group: Group; limit: number; cursor?: string | undefined }, mayRead: MayRead, now = new Date()) {
      const { from, to } = checkedRange(q, defaultRenewalRange(utcDay(now)));
      const rows = await readable(from, to, mayRead);
      const all = rows.map(evaluated);
      const periods = totalsByPeriod(all, periodsIn(from, to, q.group)).map((p) => ({
        period: p.period, start: p.start, end: p.end, arrDue: p.arr, forecast: p.forecast, count: p.count,
        byCategory: { commit: p.categories.commit.arr, likely: p.categories.likely.arr, at_risk: p.categories.at_risk.arr },
      }));
      // Rows come ordered by (renewal date, account id): the keyset of the list.
      const after = q.cursor ? decodeCursor(q.cursor, cursorTuple) : null;
      const start = after ? rows.findIndex((r) => r.renewalDate > after[0] || (r.renewalDate === after[0] && r.accountId > after[1])) : 0;
      const pageRows = start < 0 ? [] : rows.slice(start, start + q.limit);
      const risks = await topRisks(database, pageRows.map((r) => r.accountId));
      const last = pageRows[pageRows.length - 1];
      return {
        from, to, group: q.group, periods,
        items: pageRows.map((r, i) => itemOf(r, all[start + i] ?? evaluated(r), risks.get(r.accountId) ?? [])),
        nextCursor: last && start + q.limit < rows.length ? encodeCursor([last.renewalDate, last.accountId]) : null,
        total: rows.length,
        defaults: DEFAULTS,
      };
    },

    /** The next four quarters (or twelve months) from the one holding today. */
    async forecast(period: Group, mayRead: MayRead, now = new Date()) {
      const { from, to } = horizon(utcDay(now), period, period === 'quarter' ? 4 : 12);
      const all = (await readable(from, to, mayRead)).map(evaluated);
      const ps = totalsByPeriod(all, periodsIn(from, to, period));
      const sum = (pick: (p: (typeof ps)[number]) => { arr: number; forecast: number; count: number }) => {
        const t = ps.map(pick).reduce((a, b) => ({ arr: a.arr + b.arr, forecast: a.forecast + b.forecast, count: a.count + b.count }), { arr: 0, forecast: 0, count: 0 });
        return { arr: Math.round(t.arr * 100) / 100, forecast: Math.round(t.forecast * 100) / 100, count: t.count };
      };
      const all3 = sum((p) => p);
      return {
        period, from, to,
        periods: ps.map((p) => ({
          period: p.period, start: p.start, end: p.end, arrDue: p.arr, forecast: p.forecast, count: p.count,
          ...Object.fromEntries(CATEGORIES.map((c) => [camel(c), p.categories[c]])) as Record<'commit' | 'likely' | 'atRisk', { arr: number; forecast: number; count: number }>,
        })),
        totals: {
          arrDue: all3.arr, forecast: all3.forecast, count: all3.count,
          commit: sum((p) => p.categories.commit), likely: sum((p) => p.categories.likely), atRisk: sum((p) => p.categories.at_risk),
        },
        defaults: DEFAULTS,
      };
    },

    async csv(q: Range, mayRead: MayRead, now = new Date()) {
      const { from, to } = checkedRange(q, defaultRenewalRange(utcDay(now)));
      const rows = await readable(from, to, mayRead);
      const risks = await topRisks(database, rows.map((r) => r.accountId));
      return { from, to, body: renewalsCsv(rows.map((r) => itemOf(r, evaluated(r), risks.get(r.accountId) ?? []))) };
    },

    /** One account's current renewal as the list shows it (whatever its stage), or null without a renewal date. */
    async item(accountId: string): Promise<RenewalItem | null> {
      const r = await renewalOf(database, accountId);
      if (!r?.renewalDate) return null;
      const risks = await topRisks(database, [accountId]);
      return itemOf(r, evaluated(r), risks.get(accountId) ?? []);
    },

    async setOverride(accountId: string, body: { renewalDate: string; category: Category; reason: string }, actor: Actor) {
      await database.transaction(async (tx) => {
        const r = await renewalOf(tx, accountId, true);
        if (!r) throw new AppError('account.not_found');
        if (r.renewalDate !== body.renewalDate) {
          throw new AppError('renewal.date_mismatch', undefined, [{ path: 'renewalDate', message: r.renewalDate ? `The account renews on ${r.renewalDate}` : 'The account has no renewal date' }], undefined, { currentRenewalDate: r.renewalDate });
        }
        const suggested = evaluated(r).suggested;
        await upsertOverride(tx, { accountId, ...body, by: actor.type === 'user' ? actor.id : null });
        await recordAuditRaw(tx, actor, [{
          action: 'renewal_override.set', objectType: 'account', objectId: accountId,
          changes: { renewalDate: body.renewalDate, category: { from: r.override?.category ?? null, to: body.category }, suggested, reason: body.reason },
        }]);
      });
      const item = await this.item(accountId);
      if (!item) throw new AppError('account.not_found');
      return item;
    },

    async clearOverride(accountId: string, renewalDate: string, actor: Actor) {
      await database.transaction(async (tx) => {
        if (!(await renewalOf(tx, accountId, true))) throw new AppError('account.not_found');
        const was = await deleteOverride(tx, accountId, renewalDate);
        if (!was) throw new AppError('renewal_override.not_found');
        await recordAuditRaw(tx, actor, [{
          action: 'renewal_override.clear', objectType: 'account', objectId: accountId,
          changes: { renewalDate, category: { from: was.category, to: null }, reason: was.reason },
        }]);
      });
    },
  };
}
export type RenewalService = ReturnType<typeof createRenewalService>;
