-- Issue 14: a refresh claims its dirty marks in a short statement of its own instead of deleting them
-- inside the transaction that measures and saves the accounts. The claimed marks move here under the
-- claim's token until that transaction commits (and deletes them with it). An ingest batch that marks
-- one of these accounts meanwhile inserts a fresh mark at once: before, its insert waited for the whole
-- refresh transaction (the uncommitted DELETE of the old mark), and the health save in turn waited for
-- a risk refresh through the risk_dirty trigger. A refresh that fails puts its claims back as marks; a
-- claim left by a process that died goes back after a lease (src/db/dirty-claims.ts).
CREATE TABLE health_claims (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  cause text NOT NULL,
  marked_at timestamptz NOT NULL,
  token uuid NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_claims_token_idx ON health_claims (token);

CREATE TABLE risk_claims (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  cause text NOT NULL,
  marked_at timestamptz NOT NULL,
  token uuid NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX risk_claims_token_idx ON risk_claims (token);
