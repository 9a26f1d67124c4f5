-- Issue 13 (part C): subscriptions, the ARR history (a step function per account) and the history of
-- account fields. Retention and cohorts read only account_arr_history.

ALTER TABLE accounts ADD COLUMN customer_since date;

-- A subscription runs on day D when starts_on <= D and (ends_on IS NULL OR D < ends_on): ends_on is
-- the first day it no longer runs (its renewal day), so one ending the day the next starts is continuous.
CREATE TABLE subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  external_id text UNIQUE,
  plan text NOT NULL CHECK (length(plan) BETWEEN 1 AND 200),
  seats integer CHECK (seats >= 0),
  arr numeric(14, 2) NOT NULL CHECK (arr >= 0),
  starts_on date NOT NULL,
  ends_on date CHECK (ends_on > starts_on),
  source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'import', 'demo')),
  import_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_account_idx ON subscriptions (account_id, starts_on);
CREATE INDEX subscriptions_key_idx ON subscriptions (account_id, plan, starts_on);

-- ARR, seats and plan from valid_from until the next row. Before the first row: not a customer (0).
CREATE TABLE account_arr_history (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  valid_from date NOT NULL,
  arr numeric(14, 2) NOT NULL,
  seats integer,
  plan text,
  source text NOT NULL CHECK (source IN ('subscriptions', 'account', 'outcome', 'backfill')),
  PRIMARY KEY (account_id, valid_from)
);
CREATE INDEX account_arr_history_day_idx ON account_arr_history (valid_from);

CREATE TABLE account_field_history (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  field text NOT NULL,
  old_value jsonb,
  new_value jsonb,
  changed_at timestamptz NOT NULL DEFAULT now(),
  -- set_config('canopy.change_source', 'subscriptions' | 'import:<id>' | …, true) in the writing transaction
  source text
);
CREATE INDEX account_field_history_idx ON account_field_history (account_id, field, changed_at);

-- Back-fill (set-based). Accounts with outcomes: ARR after each outcome on its day (0 after a churn;
-- an outcome without arr_after leaves ARR as it was), and ARR before the first outcome from the day
-- they became customers.
INSERT INTO account_arr_history (account_id, valid_from, arr, source)
SELECT DISTINCT ON (o.account_id, o.occurred_on) o.account_id, o.occurred_on,
       CASE WHEN o.kind = 'churned' THEN 0 ELSE o.arr_after END, 'outcome'
  FROM outcomes o
 WHERE o.kind = 'churned' OR o.arr_after IS NOT NULL
 ORDER BY o.account_id, o.occurred_on, (o.kind = 'churned') DESC;

WITH firsts AS (
  SELECT DISTINCT ON (o.account_id) o.account_id, o.occurred_on, o.arr_before, o.arr_after, o.kind
    FROM outcomes o ORDER BY o.account_id, o.occurred_on, o.created_at
), starts AS (
  SELECT a.id, a.arr, a.stage, a.updated_at,
         least(coalesce(a.contract_start, (a.created_at AT TIME ZONE 'UTC')::date), (a.created_at AT TIME ZONE 'UTC')::date, f.occurred_on) AS since,
         f.occurred_on AS first_on, coalesce(f.arr_before, CASE WHEN f.kind = 'churned' THEN NULL ELSE f.arr_after END) AS first_arr
    FROM accounts a LEFT JOIN firsts f ON f.account_id = a.id
)
INSERT INTO account_arr_history (account_id, valid_from, arr, source)
SELECT s.id, s.since, coalesce(s.first_arr, s.arr), 'backfill'
  FROM starts s
 WHERE s.first_on IS NULL OR s.since < s.first_on
ON CONFLICT (account_id, valid_from) DO NOTHING;

-- Accounts marked churned with no churned outcome: 0 from their last change (the best date of loss known).
INSERT INTO account_arr_history (account_id, valid_from, arr, source)
SELECT a.id, greatest((a.updated_at AT TIME ZONE 'UTC')::date, h.last_day + 1), 0, 'backfill'
  FROM accounts a
  JOIN (SELECT account_id, max(valid_from) AS last_day FROM account_arr_history GROUP BY account_id) h ON h.account_id = a.id
 WHERE a.stage = 'churned' AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.account_id = a.id AND o.kind = 'churned')
ON CONFLICT (account_id, valid_from) DO NOTHING;

-- Live accounts whose ARR now differs from the last one history knows: their ARR from their last change.
INSERT INTO account_arr_history (account_id, valid_from, arr, seats, source)
SELECT a.id, greatest((a.updated_at AT TIME ZONE 'UTC')::date, l.valid_from + 1), a.arr, a.seats, 'backfill'
  FROM accounts a
  JOIN LATERAL (SELECT h.valid_from, h.arr FROM account_arr_history h WHERE h.account_id = a.id ORDER BY h.valid_from DESC LIMIT 1) l ON true
 WHERE a.stage <> 'churned' AND l.arr IS DISTINCT FROM a.arr
ON CONFLICT (account_id, valid_from) DO NOTHING;

UPDATE account_arr_history h SET seats = a.seats FROM accounts a WHERE a.id = h.account_id AND h.seats IS NULL AND a.seats IS NOT NULL AND h.arr > 0;

-- A new account: its first history row from the day it became a customer (0 today as well when it
-- arrives churned: the day of loss is not known).
CREATE FUNCTION canopy_account_history_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_arr_history (account_id, valid_from, arr, seats, source)
  SELECT n.id, coalesce(n.customer_since, n.contract_start, (n.created_at AT TIME ZONE 'UTC')::date), n.arr, n.seats, 'account'
    FROM new_accounts n
  ON CONFLICT (account_id, valid_from) DO NOTHING;
  INSERT INTO account_arr_history (account_id, valid_from, arr, seats, source)
  SELECT n.id, current_date, 0, n.seats, 'account'
    FROM new_accounts n
   WHERE n.stage = 'churned' AND coalesce(n.customer_since, n.contract_start, (n.created_at AT TIME ZONE 'UTC')::date) < current_date
  ON CONFLICT (account_id, valid_from) DO UPDATE SET arr = 0, source = 'account';
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_history_insert AFTER INSERT ON accounts
  REFERENCING NEW TABLE AS new_accounts FOR EACH STATEMENT EXECUTE FUNCTION canopy_account_history_insert();

-- A changed account: one field-history row per changed field; for accounts without subscriptions a
-- change of ARR, seats or of being churned sets today's ARR history row (0 while churned).
CREATE FUNCTION canopy_account_history_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_field_history (account_id, field, old_value, new_value, source)
  SELECT n.id, v.field, v.old_value, v.new_value, nullif(current_setting('canopy.change_source', true), '')
    FROM new_accounts n JOIN old_accounts o ON o.id = n.id
   CROSS JOIN LATERAL (VALUES
     ('arr', to_jsonb(o.arr), to_jsonb(n.arr)),
     ('seats', to_jsonb(o.seats), to_jsonb(n.seats)),
     ('stage', to_jsonb(o.stage), to_jsonb(n.stage)),
     ('segment', to_jsonb(o.segment), to_jsonb(n.segment)),
     ('owner_id', to_jsonb(o.owner_id), to_jsonb(n.owner_id)),
     ('renewal_date', to_jsonb(o.renewal_date), to_jsonb(n.renewal_date)),
     ('contract_start', to_jsonb(o.contract_start), to_jsonb(n.contract_start)),
     ('customer_since', to_jsonb(o.customer_since), to_jsonb(n.customer_since))
   ) AS v(field, old_value, new_value)
   WHERE v.old_value IS DISTINCT FROM v.new_value;

  INSERT INTO account_arr_history (account_id, valid_from, arr, seats, source)
  SELECT n.id, current_date, CASE WHEN n.stage = 'churned' THEN 0 ELSE n.arr END, n.seats, 'account'
    FROM new_accounts n JOIN old_accounts o ON o.id = n.id
   WHERE (o.arr IS DISTINCT FROM n.arr OR o.seats IS DISTINCT FROM n.seats OR (o.stage = 'churned') <> (n.stage = 'churned'))
     AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = n.id)
  ON CONFLICT (account_id, valid_from) DO UPDATE SET arr = EXCLUDED.arr, seats = EXCLUDED.seats, source = 'account';
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_history_update AFTER UPDATE ON accounts
  REFERENCING OLD TABLE AS old_accounts NEW TABLE AS new_accounts FOR EACH STATEMENT EXECUTE FUNCTION canopy_account_history_update();

-- A recorded outcome of an account without subscriptions: ARR after it from its day (0 after a churn).
CREATE FUNCTION canopy_outcome_arr_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_arr_history (account_id, valid_from, arr, source)
  SELECT DISTINCT ON (n.account_id, n.occurred_on) n.account_id, n.occurred_on, CASE WHEN n.kind = 'churned' THEN 0 ELSE n.arr_after END, 'outcome'
    FROM new_outcomes n
   WHERE (n.kind = 'churned' OR n.arr_after IS NOT NULL)
     AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = n.account_id)
   ORDER BY n.account_id, n.occurred_on, (n.kind = 'churned') DESC
  ON CONFLICT (account_id, valid_from) DO UPDATE SET arr = EXCLUDED.arr, source = 'outcome';
  RETURN NULL;
END $$;
CREATE TRIGGER outcomes_arr_history AFTER INSERT ON outcomes
  REFERENCING NEW TABLE AS new_outcomes FOR EACH STATEMENT EXECUTE FUNCTION canopy_outcome_arr_history();
