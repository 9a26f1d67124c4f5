// Risk inputs on top of the health benchmark's book (test/bench/health-book.ts), so that the risk
// refresh in test/bench/risk.bench.ts has real signals to detect and is not trivially empty. Usage
// drops come from the book itself (15% of accounts have a falling trend in their rollups); this adds,
// on a deterministic share of accounts (chosen by a hash of the account id, so the same for a seed
// and size):
//   champion / sponsor left      3%  a champion or executive sponsor contact deactivated 1–100 days ago
//                                    (the contacts trigger logs contact_role_changes)
//   role changed                 1%  a champion moved to 'user'
//   open escalation              2%  severity medium/high/critical, opened 1–60 days ago
//   health drop                  5%  two health_changes in the last 30 days: 72 -> 74 -> 55
//   support spike                3%  'Ticket Created' rollups: 1 a day in the past, 3–6 a day in the last 10 days
//   payment failed               1%  a 'Payment Failed' rollup 1–25 days ago
//   detractor NPS / low CSAT     3% / 2%  a survey answer 1–80 days ago (score 0–6 / 1–2)
import type { Database } from '../../src/db/connect.js';

/** `pct` % of accounts, chosen by a hash of the id and a salt (deterministic, independent per salt). */
const share = (salt: string, pct: number) => `(('x' || substr(md5(a.id::text || '${salt}'), 1, 7))::bit(28)::int % 1000) < ${Math.round(pct * 10)}`;
/** A deterministic number in [0, n) for the account and salt. */
const pick = (salt: string, n: number) => `(('x' || substr(md5(a.id::text || '${salt}'), 9, 7))::bit(28)::int % ${n})`;

export type RiskInputs = Record<string, number>;

/** Adds the risk inputs above; returns how many rows of each were written. */
export async function addRiskInputs(database: Database): Promise<RiskInputs> {
  const out: RiskInputs = {};
  const run = async (label: string, sql: string) => {
    const r = await database.query(sql);
    out[label] = r.rowCount ?? 0;
  };
  await run('contacts deactivated (champion or sponsor)', `
    UPDATE contacts c SET deactivated_at = now() - make_interval(days => 1 + ${pick('left', 100)}, hours => ${pick('lefth', 24)})
      FROM accounts a WHERE c.account_id = a.id AND c.role IN ('champion', 'executive_sponsor') AND ${share('left', 3)}`);
  await run('champions moved to another role', `
    UPDATE contacts c SET role = 'user' FROM accounts a
     WHERE c.account_id = a.id AND c.role = 'champion' AND c.deactivated_at IS NULL AND ${share('role', 1)}`);
  await run('open escalations', `
    INSERT INTO escalations (account_id, title, severity, status, created_at, updated_at)
    SELECT a.id, 'Bench escalation', (ARRAY['medium', 'high', 'critical'])[1 + ${pick('esc', 3)}], 'open',
           now() - make_interval(days => 1 + ${pick('escd', 60)}), now()
      FROM accounts a WHERE ${share('esc', 2)}`);
  await run('health changes (drops)', `
    INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause)
    SELECT a.id, now() - make_interval(days => d), f, t, fb, tb, 'bench'
      FROM accounts a CROSS JOIN (VALUES (25, 72, 74, 'good', 'good'), (12, 74, 55, 'good', 'watch')) v(d, f, t, fb, tb)
     WHERE ${share('hdrop', 5)}`);
  await run('support rollups (Ticket Created)', `
    INSERT INTO usage_daily (account_id, event, day, count, users)
    SELECT a.id, 'Ticket Created', current_date - g, CASE WHEN g < 10 THEN 3 + ${pick('tix', 4)} ELSE 1 END, 1
      FROM accounts a CROSS JOIN generate_series(0, 80, 1) g
     WHERE ${share('tix', 3)} AND (g < 10 OR g % 7 = 0)`);
  await run('payment failed rollups', `
    INSERT INTO usage_daily (account_id, event, day, count, users)
    SELECT a.id, 'Payment Failed', current_date - (1 + ${pick('pay', 25)}), 1, 1 FROM accounts a WHERE ${share('pay', 1)}`);
  await database.query(`
    INSERT INTO surveys (name, kind, question, email_subject, email_intro) VALUES
      ('Bench NPS', 'nps', 'How likely are you to recommend us?', 'A question', ''),
      ('Bench CSAT', 'csat', 'How satisfied are you?', 'A question', '')`);
  for (const [kind, salt, pct, score] of [['nps', 'nps', 3, `${pick('npss', 7)}`], ['csat', 'csat', 2, `1 + ${pick('csats', 2)}`]] as const) {
    await run(`${kind} answers (detractor / low)`, `
      WITH s AS (SELECT id FROM surveys WHERE name = 'Bench ${kind.toUpperCase()}'),
      r AS (
        INSERT INTO survey_recipients (survey_id, account_id, contact_id, token_hash, sent_at, answered_at)
        SELECT s.id, a.id, c.id, md5(c.id::text || '${salt}'), now() - make_interval(days => 2 + ${pick(`${salt}d`, 80)}),
               now() - make_interval(days => 1 + ${pick(`${salt}d`, 80)})
          FROM accounts a CROSS JOIN s
          JOIN LATERAL (SELECT id FROM contacts WHERE account_id = a.id ORDER BY external_id LIMIT 1) c ON true
         WHERE ${share(salt, pct)}
        RETURNING id, survey_id, account_id, contact_id, answered_at)
      INSERT INTO survey_responses (survey_id, recipient_id, account_id, contact_id, score, answered_at)
      SELECT r.survey_id, r.id, r.account_id, r.contact_id, ${score.replaceAll('a.id', 'r.account_id')}, r.answered_at FROM r`);
  }
  await database.query('ANALYZE');
  return out;
}
