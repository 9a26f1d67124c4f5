-- Risk radar (issue 12, seed 002): signals, compound risk, the register of failure modes, critical
-- dates with live checks, churn and downgrade reviews, renewal overrides.
-- See docs/design/issue-12-contract.md for who writes what.

-- Contacts can leave: a champion or sponsor who left (or changed role) is a risk signal.
ALTER TABLE contacts ADD COLUMN deactivated_at timestamptz;
CREATE TABLE contact_role_changes (
  id bigserial PRIMARY KEY,
  account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  from_role text,
  to_role text,
  -- 'role' (the role changed), 'deactivated' or 'reactivated'
  change text NOT NULL CHECK (change IN ('role', 'deactivated', 'reactivated')),
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_role_changes_account_idx ON contact_role_changes (account_id, at DESC);

-- What a signal kind means and how strong it is. Built-in kinds have a detector in
-- src/risk/signals; 'external' kinds are raised only by hand, by a rule or by POST /api/risk-signals.
CREATE TABLE signal_definitions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL UNIQUE CHECK (kind ~ '^[a-z][a-z0-9_]{1,62}$'),
  family text NOT NULL CHECK (family IN ('usage', 'relationship', 'sentiment', 'support', 'delivery', 'commercial', 'engagement', 'other')),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  source text NOT NULL CHECK (source IN ('detector', 'external')),
  params jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- The probability that this fact alone precedes a loss (the default when not calibrated).
  strength numeric(4, 3) NOT NULL CHECK (strength > 0 AND strength < 1),
  -- How fast a signal fades once its fact stops being true (or from its start, for one-off events).
  half_life_days integer NOT NULL CHECK (half_life_days BETWEEN 1 AND 3650),
  decay_from text NOT NULL DEFAULT 'end' CHECK (decay_from IN ('end', 'start')),
  enabled boolean NOT NULL DEFAULT true,
  builtin boolean NOT NULL DEFAULT false,
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO signal_definitions (kind, family, label, description, source, params, strength, half_life_days, decay_from, builtin) VALUES
  ('usage_drop', 'usage', 'Usage down month on month', 'Product events in the last 30 days fell by at least dropPct % against the 30 days before.', 'detector', '{"dropPct": 30, "minPriorEvents": 20}', 0.20, 30, 'end', true),
  ('seat_use_falling', 'usage', 'Active users per seat falling', 'Distinct active users per paid seat fell by at least dropPct % against the 30 days before.', 'detector', '{"dropPct": 20, "minPriorUsers": 3}', 0.15, 30, 'end', true),
  ('health_drop', 'usage', 'Health dropped', 'The health score fell by at least `points` within `withinDays` days.', 'detector', '{"points": 10, "withinDays": 30}', 0.12, 21, 'end', true),
  ('champion_left', 'relationship', 'Champion left', 'A contact who was the champion was deactivated or changed role within `withinDays` days, and no other active champion is known.', 'detector', '{"withinDays": 120}', 0.30, 60, 'end', true),
  ('sponsor_left', 'relationship', 'Executive sponsor left', 'A contact who was the executive sponsor was deactivated or changed role within `withinDays` days, and no other active sponsor is known.', 'detector', '{"withinDays": 120}', 0.30, 60, 'end', true),
  ('champion_quiet', 'relationship', 'Champion gone quiet', 'No champion or sponsor of the account has been seen in the product or in an activity for `quietDays` days.', 'detector', '{"quietDays": 30}', 0.15, 21, 'end', true),
  ('no_exec_touch', 'relationship', 'No executive touch', 'No call, meeting, e-mail or QBR with an executive sponsor in `days` days.', 'detector', '{"days": 90}', 0.10, 30, 'end', true),
  ('support_spike', 'support', 'Spike of support events', 'Support events (named in `events`) in the last `windowDays` days are at least `ratio` times the usual rate and at least `minCount`.', 'detector', '{"events": ["Ticket Created", "ticket_created", "support_ticket"], "windowDays": 14, "ratio": 2, "minCount": 3}', 0.15, 21, 'end', true),
  ('open_escalation', 'support', 'Open escalation', 'An escalation of at least `minSeverity` is open.', 'detector', '{"minSeverity": "medium"}', 0.20, 30, 'end', true),
  ('detractor_nps', 'sentiment', 'Detractor NPS', 'A contact answered NPS with `maxScore` or less within `withinDays` days.', 'detector', '{"maxScore": 6, "withinDays": 90}', 0.20, 60, 'start', true),
  ('low_csat', 'sentiment', 'Low CSAT', 'A contact answered CSAT with `maxScore` or less (1–5) within `withinDays` days.', 'detector', '{"maxScore": 2, "withinDays": 90}', 0.12, 45, 'start', true),
  ('low_confidence', 'sentiment', 'Low confidence in a check-in', 'The latest check-in on an active initiative has confidence `maxConfidence` or less.', 'detector', '{"maxConfidence": 4}', 0.15, 45, 'end', true),
  ('sustain_talk', 'sentiment', 'Sustain talk', 'A check-in answer or an activity note within `withinDays` days is sustain talk (reasons not to change).', 'detector', '{"withinDays": 60}', 0.10, 30, 'start', true),
  ('overdue_milestones', 'delivery', 'Customer milestones overdue', 'At least `minCount` customer-side plan milestones are more than `graceDays` days past due.', 'detector', '{"graceDays": 7, "minCount": 1}', 0.15, 30, 'end', true),
  ('critical_date_close', 'commercial', 'Critical date close', 'A domain, certificate or other critical date expires within its first lead time (or has expired).', 'detector', '{"kinds": ["domain", "tls", "contract", "licence", "card", "custom"]}', 0.25, 14, 'end', true),
  ('payment_failed', 'commercial', 'Payment failed', 'A payment-failed event (named in `events`) within `withinDays` days, or the account field `field` says so.', 'detector', '{"events": ["Payment Failed", "payment_failed", "invoice.payment_failed"], "field": "custom.paymentStatus", "failedValues": ["failed", "past_due"], "withinDays": 30}', 0.25, 30, 'start', true),
  ('autopilot', 'engagement', 'On autopilot', 'The account has had only routine touchpoints for its last N touchpoints (seed 000).', 'detector', '{}', 0.10, 30, 'end', true),
  ('manual', 'other', 'Raised by hand', 'A person saw something the data does not show; the note says what.', 'external', '{}', 0.25, 60, 'end', true);

-- The signals an account has had: computed ones open while their fact holds (ended_at set when it
-- stops), others raised by a person, a rule or another system and ended when resolved.
CREATE TABLE risk_signals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind text NOT NULL REFERENCES signal_definitions(kind) ON UPDATE CASCADE,
  strength numeric(4, 3) NOT NULL CHECK (strength > 0 AND strength < 1),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  -- {summary: string, facts: {...}, refs: [{type, id}]}: what a person reads and can click.
  evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
  source text NOT NULL CHECK (source IN ('computed', 'manual', 'rule', 'api')),
  note text CHECK (length(note) <= 5000),
  raised_by uuid REFERENCES users(id) ON DELETE SET NULL,
  rule_firing_id uuid REFERENCES rule_firings(id) ON DELETE SET NULL,
  resolved_by uuid REFERENCES users(id) ON DELETE SET NULL,
  resolved_note text CHECK (length(resolved_note) <= 5000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- One open computed signal per account and kind.
CREATE UNIQUE INDEX risk_signals_open_computed_idx ON risk_signals (account_id, kind) WHERE source = 'computed' AND ended_at IS NULL;
CREATE INDEX risk_signals_account_idx ON risk_signals (account_id, started_at DESC);
CREATE INDEX risk_signals_kind_idx ON risk_signals (kind, started_at);
CREATE INDEX risk_signals_open_idx ON risk_signals (account_id) WHERE ended_at IS NULL;

-- The compound risk of each account (src/risk/model.ts), refreshed after its health.
CREATE TABLE account_risk (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  score smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
  level text NOT NULL CHECK (level IN ('low', 'medium', 'high', 'critical')),
  probability numeric(6, 5) NOT NULL CHECK (probability >= 0 AND probability <= 1),
  -- [{signalId, kind, family, strength, effective, contribution}] — contributions add up to score.
  contributions jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- 'default' or 'calibrated' (with the outcomes it used in src/risk calibration)
  model text NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_risk_rank_idx ON account_risk (score DESC, account_id);
CREATE INDEX account_risk_level_idx ON account_risk (level, score DESC, account_id);

CREATE TABLE risk_changes (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  from_score smallint,
  to_score smallint NOT NULL,
  from_level text,
  to_level text NOT NULL
);
CREATE INDEX risk_changes_account_idx ON risk_changes (account_id, at DESC);

-- Per signal kind, its probability as measured on the book's own outcomes (null below the floor).
CREATE TABLE risk_calibration (
  kind text PRIMARY KEY REFERENCES signal_definitions(kind) ON UPDATE CASCADE ON DELETE CASCADE,
  accounts_with integer NOT NULL,
  losses_with integer NOT NULL,
  probability numeric(6, 5),
  lead_days integer NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);

-- The CSM's own judgment, shown beside the model and never mixed into it. Latest per account wins.
CREATE TABLE risk_judgments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  level text NOT NULL CHECK (level IN ('low', 'medium', 'high')),
  note text NOT NULL CHECK (length(note) BETWEEN 1 AND 5000),
  by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX risk_judgments_account_idx ON risk_judgments (account_id, at DESC);

-- Accounts whose signals and risk must be computed again (job risk.refresh-dirty).
CREATE TABLE risk_dirty (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  cause text NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO risk_dirty (account_id, cause) SELECT id, 'migration' FROM accounts;

CREATE FUNCTION risk_dirty_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO risk_dirty (account_id, cause)
  SELECT DISTINCT account_id, TG_ARGV[0] FROM new_rows WHERE account_id IS NOT NULL
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION risk_dirty_from_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE acct uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN acct := OLD.account_id; ELSE acct := NEW.account_id; END IF;
  IF acct IS NOT NULL AND EXISTS (SELECT 1 FROM accounts WHERE id = acct) THEN
    INSERT INTO risk_dirty (account_id, cause) VALUES (acct, TG_ARGV[0]) ON CONFLICT (account_id) DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

-- Health written means risk is stale: risk is never older than health.
CREATE TRIGGER account_health_mark_risk_ins AFTER INSERT ON account_health
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('health');
CREATE TRIGGER account_health_mark_risk_upd AFTER UPDATE ON account_health
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('health');
-- Inputs that health does not see.
CREATE TRIGGER activities_mark_risk_ins AFTER INSERT ON activities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('activity');
CREATE TRIGGER escalations_mark_risk_ins AFTER INSERT ON escalations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('escalation');
CREATE TRIGGER escalations_mark_risk_upd AFTER UPDATE ON escalations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('escalation');
CREATE TRIGGER survey_responses_mark_risk_ins AFTER INSERT ON survey_responses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('survey');
CREATE TRIGGER survey_responses_mark_risk_upd AFTER UPDATE ON survey_responses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('survey');
CREATE TRIGGER check_ins_mark_risk_ins AFTER INSERT ON check_ins
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('check_in');
CREATE TRIGGER check_ins_mark_risk_upd AFTER UPDATE ON check_ins
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('check_in');
CREATE TRIGGER account_autopilot_mark_risk_ins AFTER INSERT ON account_autopilot
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('autopilot');
CREATE TRIGGER account_autopilot_mark_risk_upd AFTER UPDATE ON account_autopilot
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('autopilot');
CREATE TRIGGER contacts_mark_risk_ins AFTER INSERT ON contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('contact');
CREATE TRIGGER contacts_mark_risk_upd AFTER UPDATE OF role, deactivated_at, account_id ON contacts
  FOR EACH ROW EXECUTE FUNCTION risk_dirty_from_row('contact');
CREATE TRIGGER contacts_mark_risk_del AFTER DELETE ON contacts
  FOR EACH ROW EXECUTE FUNCTION risk_dirty_from_row('contact');
-- A signal raised or resolved by a person, rule or API (the refresh writes computed ones itself).
CREATE TRIGGER risk_signals_mark_risk AFTER INSERT OR UPDATE ON risk_signals
  FOR EACH ROW WHEN (NEW.source <> 'computed') EXECUTE FUNCTION risk_dirty_from_row('signal');
CREATE TRIGGER risk_signals_mark_risk_del AFTER DELETE ON risk_signals
  FOR EACH ROW WHEN (OLD.source <> 'computed') EXECUTE FUNCTION risk_dirty_from_row('signal');

-- Who was champion or sponsor, and when that stopped: the history the detectors read.
CREATE FUNCTION contact_role_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.role IS DISTINCT FROM OLD.role THEN
    INSERT INTO contact_role_changes (account_id, contact_id, from_role, to_role, change) VALUES (NEW.account_id, NEW.id, OLD.role, NEW.role, 'role');
  END IF;
  IF NEW.deactivated_at IS NOT NULL AND OLD.deactivated_at IS NULL THEN
    INSERT INTO contact_role_changes (account_id, contact_id, from_role, to_role, change, at) VALUES (NEW.account_id, NEW.id, OLD.role, NEW.role, 'deactivated', NEW.deactivated_at);
  ELSIF NEW.deactivated_at IS NULL AND OLD.deactivated_at IS NOT NULL THEN
    INSERT INTO contact_role_changes (account_id, contact_id, from_role, to_role, change) VALUES (NEW.account_id, NEW.id, OLD.role, NEW.role, 'reactivated');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER contacts_role_change_log AFTER UPDATE OF role, deactivated_at ON contacts
  FOR EACH ROW EXECUTE FUNCTION contact_role_change_log();

-- The register: failure modes the team knows, each with the playbook that handles it.
CREATE TABLE failure_modes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key text UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{1,62}$'),
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  signal_kinds text[] NOT NULL DEFAULT '{}',
  playbook_id uuid REFERENCES playbooks(id) ON DELETE SET NULL,
  owner_team_id uuid REFERENCES teams(id) ON DELETE SET NULL,
  archived_at timestamptz,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO failure_modes (key, name, description, signal_kinds) VALUES
  ('domain_or_certificate_lapse', 'Domain or certificate lapse', 'The customer''s domain registration or TLS certificate expires and their users cannot reach the service (Marketo, Foursquare, Microsoft). Pick up the phone.', '{critical_date_close}'),
  ('champion_departure', 'Champion departure', 'The person who bought and defends the product leaves or changes role; nobody inside argues for renewal.', '{champion_left,sponsor_left,champion_quiet,no_exec_touch}'),
  ('failed_integration', 'Failed integration', 'The integration the outcome depends on never worked or broke; usage falls and tickets rise.', '{support_spike,usage_drop,overdue_milestones}'),
  ('budget_cut', 'Budget cut', 'The customer cuts spend: payments fail, seats go unused, the sponsor goes quiet.', '{payment_failed,seat_use_falling,sponsor_left}'),
  ('low_adoption_after_onboarding', 'Low adoption after onboarding', 'Onboarding ended but the users never formed a habit; usage and seats fall, milestones slip.', '{usage_drop,seat_use_falling,overdue_milestones,low_confidence}'),
  ('unresolved_escalation', 'Unresolved escalation', 'An escalation stays open and sentiment sours.', '{open_escalation,detractor_nps,low_csat,support_spike}'),
  ('procurement_stall', 'Procurement or security review stall', 'The renewal waits on procurement or a security review nobody is driving; the contract date comes close.', '{critical_date_close,no_exec_touch,sustain_talk}');

-- A risk raised against an account: its failure mode, status, owner team and ARR at risk.
CREATE TABLE account_risks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  failure_mode_id uuid REFERENCES failure_modes(id) ON DELETE SET NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mitigating', 'resolved', 'accepted')),
  arr_at_risk numeric(14, 2) CHECK (arr_at_risk >= 0),
  owner_team_id uuid REFERENCES teams(id) ON DELETE SET NULL,
  owner_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  note text CHECK (length(note) <= 5000),
  signal_ids uuid[] NOT NULL DEFAULT '{}',
  playbook_run_id uuid REFERENCES playbook_runs(id) ON DELETE SET NULL,
  raised_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE UNIQUE INDEX account_risks_live_idx ON account_risks (account_id, failure_mode_id) WHERE status IN ('open', 'mitigating');
CREATE INDEX account_risks_status_idx ON account_risks (status, account_id);

-- Critical dates: what expires per account, checked live where it can be.
CREATE TABLE critical_dates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('domain', 'tls', 'contract', 'licence', 'card', 'custom')),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  -- A host name (domain, tls: 'host' or 'host:port').
  target text CHECK (length(target) <= 300),
  expires_at timestamptz,
  lead_days integer[] NOT NULL DEFAULT '{60,30,7}',
  auto_check boolean NOT NULL DEFAULT true,
  last_checked_at timestamptz,
  last_check_ok boolean,
  last_error text,
  next_check_at timestamptz,
  archived_at timestamptz,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX critical_dates_expiry_idx ON critical_dates (expires_at) WHERE archived_at IS NULL;
CREATE INDEX critical_dates_account_idx ON critical_dates (account_id);
CREATE INDEX critical_dates_due_check_idx ON critical_dates (next_check_at) WHERE archived_at IS NULL AND auto_check;
CREATE TABLE critical_date_checks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  critical_date_id uuid NOT NULL REFERENCES critical_dates(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  ok boolean NOT NULL,
  expires_at timestamptz,
  -- what was read: {issuer, subject, validFrom, validTo, selfSigned, authorized, registrar, rdapUrl, ...}
  result jsonb NOT NULL DEFAULT '{}'::jsonb,
  error text,
  duration_ms integer
);
CREATE INDEX critical_date_checks_date_idx ON critical_date_checks (critical_date_id, at DESC);
-- One alert per date, lead time and expiry: a renewed date alerts again.
CREATE TABLE critical_date_alerts (
  critical_date_id uuid NOT NULL REFERENCES critical_dates(id) ON DELETE CASCADE,
  lead_days integer NOT NULL,
  expires_at timestamptz NOT NULL,
  task_id uuid REFERENCES tasks(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (critical_date_id, lead_days, expires_at)
);
CREATE TRIGGER critical_dates_mark_risk_ins AFTER INSERT ON critical_dates
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('critical_date');
CREATE TRIGGER critical_dates_mark_risk_upd AFTER UPDATE ON critical_dates
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_dirty_from_new('critical_date');

-- Churn and downgrade reviews: opened by the database whoever records the loss.
CREATE TABLE churn_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  outcome_id uuid UNIQUE REFERENCES outcomes(id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('churned', 'downgraded')),
  loss_on date NOT NULL,
  arr_lost numeric(14, 2),
  lookback_days integer NOT NULL DEFAULT 180 CHECK (lookback_days BETWEEN 7 AND 730),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'concluded')),
  root_causes text[] NOT NULL DEFAULT '{}',
  conclusion text CHECK (length(conclusion) <= 20000),
  could_have_seen text CHECK (could_have_seen IN ('yes', 'partly', 'no')),
  owner_id uuid REFERENCES users(id) ON DELETE SET NULL,
  concluded_by uuid REFERENCES users(id) ON DELETE SET NULL,
  concluded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, kind, loss_on)
);
CREATE INDEX churn_reviews_status_idx ON churn_reviews (status, loss_on DESC);

CREATE FUNCTION churn_review_from_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO churn_reviews (account_id, outcome_id, kind, loss_on, arr_lost, owner_id)
  SELECT n.account_id, n.id, n.kind, n.occurred_on,
         CASE WHEN n.arr_before IS NOT NULL THEN GREATEST(n.arr_before - COALESCE(n.arr_after, 0), 0) END,
         a.owner_id
    FROM new_rows n JOIN accounts a ON a.id = n.account_id
   WHERE n.kind IN ('churned', 'downgraded')
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER outcomes_open_review AFTER INSERT ON outcomes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION churn_review_from_outcome();

-- Moving an account to churned opens a review too, unless one was opened for it in the last 30 days.
CREATE FUNCTION churn_review_from_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO churn_reviews (account_id, kind, loss_on, arr_lost, owner_id)
  SELECT n.id, 'churned', current_date, n.arr, n.owner_id
    FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE n.stage = 'churned' AND o.stage <> 'churned'
     AND NOT EXISTS (SELECT 1 FROM churn_reviews r WHERE r.account_id = n.id AND r.kind = 'churned' AND r.loss_on >= current_date - 30)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_open_review AFTER UPDATE ON accounts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION churn_review_from_stage();

-- Renewals: a manager's category for one renewal, with the reason.
CREATE TABLE renewal_overrides (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  renewal_date date NOT NULL,
  category text NOT NULL CHECK (category IN ('commit', 'likely', 'at_risk')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, renewal_date)
);
