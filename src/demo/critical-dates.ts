// The demo's critical dates (issue 12, seed 002: "pick up the phone" — the companies that let their
// domain lapse). For a good share of the live accounts: their domain (under the reserved `.example`
// TLD, the demo book's own domains) and the certificate of their app host, their contract (from the
// renewal date), sometimes a licence and a payment card. Some fall inside 7, 30 and 60 days, one
// domain has already expired. Domain and certificate dates carry a previous check, marked as from
// the demo, and never check live (auto_check false: the demo calls nobody). The alert pass then runs
// once, so the owners' inboxes hold the calls a CSM would get that morning.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { createWorkServices } from '../services.js';
import { Rng, mixSeed } from './random.js';

const DAY = 86_400_000;
const ISSUERS = ["Let's Encrypt R11", 'DigiCert Global G2 TLS RSA SHA256 2020 CA1', 'Sectigo RSA Domain Validation Secure Server CA', 'GTS CA 1P5'];
const REGISTRARS = ['Gandi SAS', 'MarkMonitor Inc.', 'Namecheap, Inc.', 'CSC Corporate Domains, Inc.', 'Tucows Domains Inc.'];

export type DemoCriticalDatesSummary = { accounts: number; dates: number; within7: number; within30: number; within60: number; expired: number; checks: number; alerts: number; ms: number };

type Row = { id: string; account_id: string; kind: string; label: string; target: string | null; expires_at: string; lead_days: number[]; checked: boolean; result: Record<string, unknown> };

export async function seedDemoCriticalDates(config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoCriticalDatesSummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 1213));
  const { rows: accounts } = await database.query<{ id: string; name: string; domain: string | null; renewal_date: string | null }>(
    `SELECT id, name, domain, renewal_date::text AS renewal_date FROM accounts WHERE stage <> 'churned' ORDER BY id`,
  );
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  /** Days ahead: a fifth inside a week, more inside a month and two, the rest spread over the year or two. */
  const ahead = (max: number) => rng.weighted([() => rng.range(1, 7), () => rng.range(8, 30), () => rng.range(31, 60), () => rng.range(61, max)], [2, 3, 3, 12])();
  const rows: Row[] = [];
  let expiredDone = false;
  const chosen = accounts.filter(() => rng.chance(0.6));
  for (const a of chosen) {
    const host = a.domain ?? `${a.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'customer'}.example`;
    const domainDays = expiredDone ? ahead(700) : -3;
    expiredDone = true;
    const domainExpiry = at(domainDays);
    rows.push({
      id: randomUUID(), account_id: a.id, kind: 'domain', label: 'Main domain', target: host, expires_at: domainExpiry.toISOString(), lead_days: [60, 30, 7], checked: true,
      result: { demo: true, domain: host, registrar: rng.pick(REGISTRARS), expiration: domainExpiry.toISOString(), note: 'Recorded by the demo; no RDAP request was made.' },
    });
    const app = `app.${host}`;
    const tlsExpiry = at(rng.chance(0.3) ? rng.range(1, 30) : rng.range(31, 89));
    rows.push({
      id: randomUUID(), account_id: a.id, kind: 'tls', label: 'App certificate', target: app, expires_at: tlsExpiry.toISOString(), lead_days: [30, 14, 3], checked: true,
      result: { demo: true, host: app, port: 443, subject: app, issuer: rng.pick(ISSUERS), sans: [app, host], selfSigned: false, authorized: true, authorizationError: null, validTo: tlsExpiry.toISOString(), note: 'Recorded by the demo; no TLS connection was made.' },
    });
    if (a.renewal_date && Date.parse(`${a.renewal_date}T00:00:00Z`) > now.getTime() - 30 * DAY) {
      rows.push({ id: randomUUID(), account_id: a.id, kind: 'contract', label: 'Subscription contract', target: null, expires_at: `${a.renewal_date}T00:00:00.000Z`, lead_days: [90, 60, 30], checked: false, result: {} });
    }
    if (rng.chance(0.3)) rows.push({ id: randomUUID(), account_id: a.id, kind: 'licence', label: rng.pick(['Data warehouse connector licence', 'SSO add-on licence', 'On-premise agent licence']), target: null, expires_at: at(ahead(400)).toISOString(), lead_days: [60, 30, 7], checked: false, result: {} });
    if (rng.chance(0.25)) {
      const months = rng.int(0, 24);
      const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months + 1, 1));
      rows.push({ id: randomUUID(), account_id: a.id, kind: 'card', label: `Company card ending ${rng.int(1000, 9999)}`, target: null, expires_at: end.toISOString(), lead_days: [30, 7], checked: false, result: {} });
    }
  }

  await database.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO critical_dates (id, account_id, kind, label, target, expires_at, lead_days, auto_check, last_checked_at, last_check_ok, created_at)
       SELECT r.id, r.account_id, r.kind, r.label, r.target, r.expires_at, r.lead_days, false,
              CASE WHEN r.checked THEN $2::timestamptz - interval '5 hours' END, CASE WHEN r.checked THEN true END, $2::timestamptz - interval '120 days'
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, account_id uuid, kind text, label text, target text, expires_at timestamptz, lead_days int[], checked boolean)`,
      [JSON.stringify(rows.map(({ result: _r, ...r }) => ({ ...r, lead_days: `{${r.lead_days.join(',')}}` }))), now],
    );
    // The previous check of each domain and certificate, as the schedule would have recorded it (marked demo: true).
    await tx.query(
      `INSERT INTO critical_date_checks (critical_date_id, at, ok, expires_at, result, error, duration_ms)
       SELECT c.id, $2::timestamptz - interval '5 hours', true, c.expires_at, c.result, NULL, c.ms
         FROM jsonb_to_recordset($1::jsonb) AS c(id uuid, expires_at timestamptz, result jsonb, ms int)`,
      [JSON.stringify(rows.filter((r) => r.checked).map((r) => ({ id: r.id, expires_at: r.expires_at, result: r.result, ms: rng.int(80, 900) }))), now],
    );
  });

  const { alerted } = await createWorkServices(config, database, null).criticalDates.alertPass(now);
  const left = (r: Row) => (Date.parse(r.expires_at) - now.getTime()) / DAY;
  return {
    accounts: chosen.length, dates: rows.length,
    within7: rows.filter((r) => left(r) > 0 && left(r) <= 7).length,
    within30: rows.filter((r) => left(r) > 0 && left(r) <= 30).length,
    within60: rows.filter((r) => left(r) > 0 && left(r) <= 60).length,
    expired: rows.filter((r) => left(r) <= 0).length,
    checks: rows.filter((r) => r.checked).length, alerts: alerted, ms: Math.round(performance.now() - started),
  };
}

export function demoCriticalDatesLine(s: DemoCriticalDatesSummary): string {
  return `Demo critical dates: ${s.dates} dates on ${s.accounts} accounts (domains, certificates, contracts, licences, cards; ${s.within7} within 7 days, ${s.within30} within 30, ${s.within60} within 60, ${s.expired} expired), ${s.checks} previous checks recorded by the demo (no live calls), ${s.alerts} alerts raised as tasks (${s.ms} ms).`;
}
