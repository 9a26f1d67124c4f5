-- Canopy foundation: people, accounts, contacts, keys, sessions, audit, usage events and rollups.
-- Later capabilities (health, tasks, playbooks, plans, seeds, check-ins, risk) add their own
-- numbered migrations and reference accounts(id), contacts(id) and users(id).

CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'manager', 'csm', 'viewer')),
  team_id uuid REFERENCES teams(id) ON DELETE SET NULL,
  password_hash text,
  active boolean NOT NULL DEFAULT true,
  must_change_password boolean NOT NULL DEFAULT false,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Server-side sessions; the cookie holds a random token, the table its SHA-256.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Failed sign-ins per key ('email:<lower email>' or 'ip:<address>') in a sliding window.
CREATE TABLE login_failures (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  failures integer NOT NULL
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('write', 'rest')),
  role text CHECK (role IN ('admin', 'manager', 'viewer')),
  key_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  CHECK ((kind = 'rest') = (role IS NOT NULL))
);

CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  domain text,
  external_id text UNIQUE,
  external_ids jsonb NOT NULL DEFAULT '{}'::jsonb,
  owner_id uuid REFERENCES users(id) ON DELETE SET NULL,
  team_id uuid REFERENCES teams(id) ON DELETE SET NULL,
  segment text,
  stage text NOT NULL DEFAULT 'onboarding'
    CHECK (stage IN ('onboarding', 'adoption', 'renewal', 'churned')),
  arr numeric(14, 2) NOT NULL DEFAULT 0,
  seats integer,
  contract_start date,
  renewal_date date,
  custom jsonb NOT NULL DEFAULT '{}'::jsonb,
  last_activity_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_name_idx ON accounts (lower(name), id);
CREATE INDEX accounts_arr_idx ON accounts (arr, id);
CREATE INDEX accounts_renewal_idx ON accounts (renewal_date, id);
CREATE INDEX accounts_activity_idx ON accounts (last_activity_at, id);
CREATE INDEX accounts_owner_idx ON accounts (owner_id);
CREATE INDEX accounts_stage_idx ON accounts (stage);

CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
  external_id text UNIQUE,
  email text,
  name text,
  title text,
  role text CHECK (role IN ('champion', 'executive_sponsor', 'admin', 'user')),
  phone text,
  custom jsonb NOT NULL DEFAULT '{}'::jsonb,
  last_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_account_idx ON contacts (account_id, lower(coalesce(name, email, '')), id);
CREATE INDEX contacts_email_idx ON contacts (lower(email));

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  actor_id text,
  actor_label text,
  action text NOT NULL,
  object_type text NOT NULL,
  object_id text,
  changes jsonb,
  ip text
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);

-- Segment messageIds seen per write key: a repeat is a no-op. Kept CANOPY_DEDUPE_DAYS (>= 7).
CREATE TABLE ingest_dedupe (
  write_key_id uuid NOT NULL,
  message_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (write_key_id, message_id)
);
CREATE INDEX ingest_dedupe_received_idx ON ingest_dedupe (received_at);

-- Raw Segment messages (track, page, identify, group), partitioned by month of the event time.
-- Monthly partitions are created by canopy_ensure_event_partitions(); the default partition
-- catches anything outside them, so no message is ever refused for its date.
CREATE TABLE events (
  id bigserial,
  write_key_id uuid,
  message_id text NOT NULL,
  type text NOT NULL,
  event text,
  user_id text,
  anonymous_id text,
  group_id text,
  account_id uuid,
  properties jsonb,
  context jsonb,
  ts timestamptz NOT NULL,
  sent_at timestamptz,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, ts)
) PARTITION BY RANGE (ts);
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE INDEX events_account_ts_idx ON events (account_id, ts);
CREATE INDEX events_pending_group_idx ON events (group_id) WHERE account_id IS NULL;
CREATE INDEX events_pending_user_idx ON events (user_id) WHERE account_id IS NULL;

CREATE FUNCTION canopy_ensure_event_partitions(months_back int, months_ahead int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  m date;
  created int := 0;
  part text;
BEGIN
  FOR i IN -months_back..months_ahead LOOP
    m := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
    part := 'events_' || to_char(m, 'YYYY_MM');
    IF to_regclass(part) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
          part, m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        created := created + 1;
      EXCEPTION WHEN check_violation OR invalid_object_definition THEN
        -- rows for this month already sit in the default partition; leave them there
        NULL;
      END;
    END IF;
  END LOOP;
  RETURN created;
END $$;

-- Per account, per event name, per UTC day: count and distinct users, maintained at ingest.
CREATE TABLE usage_daily (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  event text NOT NULL,
  day date NOT NULL,
  count integer NOT NULL,
  users integer NOT NULL,
  PRIMARY KEY (account_id, event, day)
);
CREATE INDEX usage_daily_day_idx ON usage_daily (day);

-- The users already counted in usage_daily.users, so that distinct counts stay exact as events
-- arrive. Pruned after CANOPY_USAGE_USER_DAYS; a late event for an older day may then recount.
CREATE TABLE usage_daily_users (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  event text NOT NULL,
  day date NOT NULL,
  user_key text NOT NULL,
  PRIMARY KEY (account_id, event, day, user_key)
);
CREATE INDEX usage_daily_users_day_idx ON usage_daily_users (day);
