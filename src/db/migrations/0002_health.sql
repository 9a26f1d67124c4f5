-- Drivers and explained health (see src/health/README.md).

-- When an account first used the product: "no data yet" before it, at any date in the past.
ALTER TABLE accounts ADD COLUMN first_activity_at timestamptz;

CREATE TABLE drivers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  source jsonb NOT NULL,
  scoring jsonb NOT NULL,
  stage_weights jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The current health of each account, with its explanation (one row per account).
CREATE TABLE account_health (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  score smallint CHECK (score BETWEEN 0 AND 100),
  band text CHECK (band IN ('good', 'watch', 'poor')),
  state text NOT NULL CHECK (state IN ('scored', 'no_data')),
  stage text NOT NULL,
  drivers jsonb NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_health_score_idx ON account_health (score);

-- One snapshot per account per UTC day (the last computation of that day), for trends.
CREATE TABLE health_snapshots (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  day date NOT NULL,
  score smallint,
  band text,
  PRIMARY KEY (account_id, day)
);
CREATE INDEX health_snapshots_day_idx ON health_snapshots (day);

-- Every change of score or band: what rules, risk and the timeline consume.
CREATE TABLE health_changes (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  from_score smallint,
  to_score smallint,
  from_band text,
  to_band text,
  cause text NOT NULL
);
CREATE INDEX health_changes_account_idx ON health_changes (account_id, at DESC);
CREATE INDEX health_changes_at_idx ON health_changes (at);

-- Accounts whose health must be recomputed (new events, field changes, driver edits).
CREATE TABLE health_dirty (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  cause text NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now()
);

-- A CSM's override: shown beside the computed score, with a reason, until it expires.
CREATE TABLE health_overrides (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  score smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
  reason text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  cleared_at timestamptz
);
CREATE INDEX health_overrides_account_idx ON health_overrides (account_id) WHERE cleared_at IS NULL;

-- Full recomputations, with progress.
CREATE TABLE health_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  total integer NOT NULL DEFAULT 0,
  done integer NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);

-- What really happened to an account: the ground truth for driver impact.
CREATE TABLE outcomes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('renewed', 'expanded', 'churned', 'downgraded')),
  occurred_on date NOT NULL,
  arr_before numeric(14, 2),
  arr_after numeric(14, 2),
  note text,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, kind, occurred_on)
);
CREATE INDEX outcomes_occurred_idx ON outcomes (occurred_on);

-- The default portfolio: leading indicators per lifecycle stage that work on Segment data as it
-- arrives. CS ops tune or replace them; churned accounts carry no health.
INSERT INTO drivers (key, name, description, source, scoring, stage_weights) VALUES
('activation', 'Activation milestones',
 'How many of the activation events (integration connected, invite sent, seat activated) the account has done in 90 days.',
 '{"type":"event_metric","events":["Integration Connected","Invite Sent","Seat Activated"],"measure":"distinct_events","windowDays":90,"perSeat":false}',
 '{"type":"bands","direction":"higher_is_better","thresholds":[{"value":3,"score":100},{"value":2,"score":70},{"value":1,"score":35}]}',
 '{"onboarding":40,"adoption":10}'),
('seat_utilization', 'Seats active ÷ seats',
 'Average daily active users over 28 days divided by seats bought. No data when seats are unknown.',
 '{"type":"event_metric","events":[],"measure":"avg_daily_users","windowDays":28,"perSeat":true}',
 '{"type":"bands","direction":"higher_is_better","thresholds":[{"value":0.25,"score":100},{"value":0.15,"score":70},{"value":0.08,"score":40},{"value":0.02,"score":15}]}',
 '{"onboarding":20,"adoption":30,"renewal":25}'),
('usage_trend', 'Weekly active usage trend',
 'Change of events over the last 14 days against the 14 before.',
 '{"type":"event_metric","events":[],"measure":"count","windowDays":14,"perSeat":false}',
 '{"type":"trend","direction":"higher_is_better","thresholds":[{"value":-5,"score":100},{"value":-20,"score":70},{"value":-40,"score":40},{"value":-70,"score":15}]}',
 '{"adoption":25,"renewal":20}'),
('feature_breadth', 'Breadth of features used',
 'Distinct features (event names) used in the last 28 days.',
 '{"type":"event_metric","events":[],"measure":"distinct_events","windowDays":28,"perSeat":false}',
 '{"type":"bands","direction":"higher_is_better","thresholds":[{"value":8,"score":100},{"value":5,"score":70},{"value":3,"score":40},{"value":1,"score":15}]}',
 '{"onboarding":20,"adoption":20,"renewal":15}'),
('days_since_activity', 'Days since last activity',
 'Days since any user of the account did anything in the product.',
 '{"type":"days_since_event","events":[],"maxDays":90}',
 '{"type":"bands","direction":"lower_is_better","thresholds":[{"value":2,"score":100},{"value":7,"score":70},{"value":14,"score":40},{"value":30,"score":15}]}',
 '{"onboarding":20,"adoption":15,"renewal":15}'),
('executive_engagement', 'Days since an executive sponsor was active',
 'Days since a contact with the executive sponsor role last used the product. Meeting-based executive touch arrives with activities.',
 '{"type":"days_since_contact_seen","role":"executive_sponsor","maxDays":180}',
 '{"type":"bands","direction":"lower_is_better","thresholds":[{"value":14,"score":100},{"value":30,"score":70},{"value":60,"score":40},{"value":90,"score":15}]}',
 '{"adoption":10,"renewal":25}');

-- Rollups gain one row per account and day for all events together ('$all'), with users
-- distinct across events; backfill it from what is already rolled up.
INSERT INTO usage_daily_users (account_id, event, day, user_key)
SELECT DISTINCT account_id, '$all', day, user_key FROM usage_daily_users WHERE event <> '$all'
ON CONFLICT DO NOTHING;
INSERT INTO usage_daily (account_id, event, day, count, users)
SELECT d.account_id, '$all', d.day, d.n, coalesce(u.n, 0)
  FROM (SELECT account_id, day, sum(count)::int AS n FROM usage_daily WHERE event <> '$all' GROUP BY 1, 2) d
  LEFT JOIN (SELECT account_id, day, count(*)::int AS n FROM usage_daily_users WHERE event = '$all' GROUP BY 1, 2) u USING (account_id, day)
ON CONFLICT (account_id, event, day) DO NOTHING;

UPDATE accounts a SET first_activity_at = f.first_day
  FROM (SELECT account_id, min(day)::timestamptz AS first_day FROM usage_daily GROUP BY 1) f
 WHERE a.id = f.account_id;
