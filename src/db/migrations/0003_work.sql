-- The work engine: escalations, activities, tasks, playbooks, rules, notifications, outbound
-- webhooks. Background work is driven by rows here (an outbox) and the job queue: a job only
-- says "look at row X"; the row's status makes a repeat harmless.

-- Who plays a role that is not a login role: support lead, internal executive sponsor, product.
-- Per team, or for everyone (team_id NULL). Playbook task steps and escalations resolve through it.
CREATE TABLE role_assignments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  role text NOT NULL CHECK (role IN ('support', 'exec_sponsor', 'product')),
  team_id uuid REFERENCES teams(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX role_assignments_key ON role_assignments (role, coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- Escalations are owned by a team of people in at least two roles, never by one person.
CREATE TABLE escalations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'investigating', 'mitigated', 'resolved')),
  opened_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX escalations_account_idx ON escalations (account_id, created_at DESC);
CREATE INDEX escalations_open_idx ON escalations (status) WHERE status <> 'resolved';

CREATE TABLE escalation_members (
  escalation_id uuid NOT NULL REFERENCES escalations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('csm', 'support', 'product', 'engineering', 'exec_sponsor', 'manager')),
  PRIMARY KEY (escalation_id, user_id, role)
);
CREATE INDEX escalation_members_user_idx ON escalation_members (user_id);

CREATE TABLE escalation_contacts (
  escalation_id uuid NOT NULL REFERENCES escalations(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  PRIMARY KEY (escalation_id, contact_id)
);

-- What CSMs did with a customer. proactive is inferred (reactive when it answers something)
-- unless a person set it (proactive_source = 'manual').
CREATE TABLE activities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'note', 'qbr', 'escalation')),
  occurred_at timestamptz NOT NULL,
  subject text NOT NULL,
  body text NOT NULL DEFAULT '',
  responds_to text CHECK (responds_to IN ('escalation', 'ticket', 'complaint', 'risk')),
  escalation_id uuid REFERENCES escalations(id) ON DELETE SET NULL,
  proactive boolean NOT NULL,
  proactive_source text NOT NULL CHECK (proactive_source IN ('inferred', 'manual')),
  author_id uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_account_idx ON activities (account_id, occurred_at DESC, id DESC);
CREATE INDEX activities_author_idx ON activities (author_id, occurred_at);
CREATE INDEX activities_occurred_idx ON activities (occurred_at);
CREATE INDEX activities_escalation_idx ON activities (escalation_id) WHERE escalation_id IS NOT NULL;

CREATE TABLE activity_participants (
  activity_id uuid NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  user_id uuid REFERENCES users(id) ON DELETE CASCADE,
  contact_id uuid REFERENCES contacts(id) ON DELETE CASCADE,
  CHECK (num_nonnulls(user_id, contact_id) = 1)
);
CREATE UNIQUE INDEX activity_participants_key ON activity_participants (activity_id, coalesce(user_id, contact_id));

-- Playbook templates are versioned: editing writes a new version; a run keeps its own.
CREATE TABLE playbooks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  current_version integer NOT NULL DEFAULT 1,
  archived_at timestamptz,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX playbooks_name_key ON playbooks (lower(name));

CREATE TABLE playbook_versions (
  playbook_id uuid NOT NULL REFERENCES playbooks(id) ON DELETE CASCADE,
  version integer NOT NULL,
  steps jsonb NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (playbook_id, version)
);

CREATE TABLE rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT true,
  condition jsonb NOT NULL,
  actions jsonb NOT NULL,
  -- A rule fires at most once per account within this many hours.
  window_hours integer NOT NULL DEFAULT 168 CHECK (window_hours BETWEEN 1 AND 8760),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every firing, with the values that made it fire and what its actions did.
CREATE TABLE rule_firings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rule_id uuid NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  fired_at timestamptz NOT NULL DEFAULT now(),
  trigger text NOT NULL,
  matched jsonb NOT NULL,
  actions jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX rule_firings_rule_idx ON rule_firings (rule_id, fired_at DESC, id DESC);
CREATE INDEX rule_firings_account_idx ON rule_firings (account_id, rule_id, fired_at DESC);

-- Accounts whose rules must be evaluated again (health moved, a field changed).
CREATE TABLE rule_dirty (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  cause text NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE playbook_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  playbook_id uuid NOT NULL,
  version integer NOT NULL,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'cancelled', 'failed')),
  started_by uuid REFERENCES users(id) ON DELETE SET NULL,
  rule_firing_id uuid REFERENCES rule_firings(id) ON DELETE SET NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  FOREIGN KEY (playbook_id, version) REFERENCES playbook_versions(playbook_id, version) ON DELETE CASCADE
);
CREATE INDEX playbook_runs_account_idx ON playbook_runs (account_id, started_at DESC);
CREATE INDEX playbook_runs_playbook_idx ON playbook_runs (playbook_id, started_at DESC);

-- One row per step of a run. A step runs when status = 'pending' and run_at has come; running
-- it and recording 'done' happen in one transaction, so a worker dying mid-step loses nothing
-- and a redelivered job finds the step done.
CREATE TABLE playbook_run_steps (
  run_id uuid NOT NULL REFERENCES playbook_runs(id) ON DELETE CASCADE,
  step_index integer NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'skipped', 'failed', 'cancelled')),
  run_at timestamptz,
  finished_at timestamptz,
  result jsonb,
  error text,
  attempts integer NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, step_index)
);
CREATE INDEX playbook_run_steps_due_idx ON playbook_run_steps (run_at) WHERE status = 'pending';

-- Calls to action. Owned by a user or a customer contact (customer-side work); dedupe_key makes
-- automated creation idempotent ('playbook:<run>:<step>', 'rule:<firing>:<n>', 'call:<account>:<day>').
CREATE TABLE tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title text NOT NULL,
  reason text NOT NULL DEFAULT '',
  kind text NOT NULL DEFAULT 'todo' CHECK (kind IN ('todo', 'call', 'email', 'meeting')),
  priority smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  due_at timestamptz,
  snoozed_until timestamptz,
  assignee_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  assignee_contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
  customer_effort smallint CHECK (customer_effort BETWEEN 0 AND 10),
  source text NOT NULL CHECK (source IN ('manual', 'rule', 'playbook', 'escalation', 'recommendation')),
  rule_firing_id uuid REFERENCES rule_firings(id) ON DELETE SET NULL,
  playbook_run_id uuid REFERENCES playbook_runs(id) ON DELETE SET NULL,
  escalation_id uuid REFERENCES escalations(id) ON DELETE SET NULL,
  dedupe_key text UNIQUE,
  outcome_note text,
  completed_at timestamptz,
  completed_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (num_nonnulls(assignee_user_id, assignee_contact_id) <= 1)
);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_user_id, status, due_at);
CREATE INDEX tasks_account_idx ON tasks (account_id, created_at DESC, id DESC);
CREATE INDEX tasks_contact_idx ON tasks (assignee_contact_id) WHERE assignee_contact_id IS NOT NULL;

-- In-app notifications (the bell), one per user; dedupe_key makes a repeated send a no-op.
CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
  link text,
  dedupe_key text NOT NULL,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Each user picks their channels. No row = defaults (in-app and e-mail on, Slack off, digest on).
CREATE TABLE notification_prefs (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  in_app boolean NOT NULL DEFAULT true,
  email boolean NOT NULL DEFAULT true,
  slack boolean NOT NULL DEFAULT false,
  slack_webhook_url text,
  digest boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The outbox for e-mail (to users and to customer contacts) and Slack messages.
CREATE TABLE outbound_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel text NOT NULL CHECK (channel IN ('email', 'slack')),
  recipient text NOT NULL,
  subject text NOT NULL DEFAULT '',
  body text NOT NULL,
  account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
  notification_id uuid REFERENCES notifications(id) ON DELETE SET NULL,
  dedupe_key text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbound_messages_due_idx ON outbound_messages (next_attempt_at) WHERE status IN ('pending', 'sending');

-- Outbound webhooks for admin-chosen event types, signed with the secret (HMAC-SHA256).
CREATE TABLE webhooks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  url text NOT NULL,
  secret text NOT NULL,
  events text[] NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  max_attempts integer NOT NULL DEFAULT 6 CHECK (max_attempts BETWEEN 1 AND 20),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  last_status integer,
  last_error text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- Hosts or CIDR ranges that outbound requests may reach although they are private or loopback.
CREATE TABLE outbound_allowlist (
  entry text PRIMARY KEY,
  note text NOT NULL DEFAULT '',
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Rules are evaluated again for accounts whose health moved or whose fields changed, whoever
-- wrote the change (statement-level triggers with transition tables: one insert per statement).
CREATE FUNCTION rule_dirty_from_health() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rule_dirty (account_id, cause)
  SELECT DISTINCT account_id, 'health' FROM new_rows
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER health_changes_mark_rules AFTER INSERT ON health_changes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rule_dirty_from_health();

CREATE FUNCTION rule_dirty_from_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rule_dirty (account_id, cause)
  SELECT n.id, 'fields' FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE (n.stage, n.segment, n.arr, n.renewal_date, n.custom, n.owner_id, n.seats)
         IS DISTINCT FROM (o.stage, o.segment, o.arr, o.renewal_date, o.custom, o.owner_id, o.seats)
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_mark_rules AFTER UPDATE ON accounts
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rule_dirty_from_accounts();
