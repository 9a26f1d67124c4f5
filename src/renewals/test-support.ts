import type { SignedIn, TestApp } from '../../test/support/app.js';
import { addMonths, horizon, utcDay } from './periods.js';

/** Fixtures for the renewals tests: accounts written straight to the table (past renewal dates, creation days), risk rows, signals. */

let n = 0;
export type AccountSpec = {
  name?: string; arr: number; renewalDate?: string | null; stage?: string; ownerId?: string | null; teamId?: string | null;
  contractStart?: string | null; createdAt?: string; risk?: number;
};

export async function insertAccount(t: TestApp, a: AccountSpec): Promise<string> {
  const { rows } = await t.database.query<{ id: string }>(
    `INSERT INTO accounts (name, arr, renewal_date, stage, owner_id, team_id, contract_start, created_at)
     VALUES ($1, $2, $3::date, $4, $5, $6, $7::date, coalesce($8::timestamptz, now())) RETURNING id`,
    [a.name ?? `Renewal ${++n}`, a.arr, a.renewalDate ?? null, a.stage ?? 'adoption', a.ownerId ?? null, a.teamId ?? null, a.contractStart ?? null, a.createdAt ?? null],
  );
  const id = rows[0]?.id ?? '';
  if (a.risk !== undefined) await setRisk(t, id, a.risk);
  return id;
}

export async function setRisk(t: TestApp, accountId: string, probability: number, contributions: unknown[] = []) {
  await t.database.query(
    `INSERT INTO account_risk (account_id, score, level, probability, contributions, model) VALUES ($1, $2, 'low', $3, $4::jsonb, 'default')
     ON CONFLICT (account_id) DO UPDATE SET probability = EXCLUDED.probability, contributions = EXCLUDED.contributions`,
    [accountId, Math.round(probability * 100), probability, JSON.stringify(contributions)],
  );
}

export async function insertSignal(t: TestApp, accountId: string, kind: string, summary: string): Promise<string> {
  const { rows } = await t.database.query<{ id: string }>(
    `INSERT INTO risk_signals (account_id, kind, strength, started_at, evidence, source) VALUES ($1, $2, 0.2, now() - interval '5 days', $3::jsonb, 'computed') RETURNING id`,
    [accountId, kind, JSON.stringify({ summary })],
  );
  return rows[0]?.id ?? '';
}

/** Start days of this quarter and the next four (index 0 = this quarter). */
export function quarterStarts(now = new Date()): string[] {
  const { from } = horizon(utcDay(now), 'quarter', 4);
  return [0, 1, 2, 3, 4].map((i) => addMonths(from, 3 * i));
}

export const apiAs = (t: TestApp) => async (who: SignedIn | null, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: who ? who.headers : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
