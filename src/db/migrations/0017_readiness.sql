-- Readiness (issue 11, seed 004), part 2: initiatives we ask the customer to act on, and the
-- motivational-interviewing check-ins on them (importance and confidence 0-10, the two follow-ups).

CREATE TABLE initiatives (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description text CHECK (length(description) <= 5000),
  -- Optionally one of the account's success-plan goals or milestones (the code checks the account).
  goal_id uuid REFERENCES plan_goals(id) ON DELETE SET NULL,
  milestone_id uuid REFERENCES plan_milestones(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'done', 'dropped')),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX initiatives_account_idx ON initiatives (account_id, created_at DESC, id DESC);
CREATE INDEX initiatives_goal_idx ON initiatives (goal_id) WHERE goal_id IS NOT NULL;

-- A check-in asked of a contact by e-mail: the page /c/:token answers it. Only the token's
-- SHA-256 is stored. One answer per request: a second answer through the same token updates the
-- check-in it made (check_in_id), never adds another.
CREATE TABLE check_in_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  initiative_id uuid NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  outbound_id uuid REFERENCES outbound_messages(id) ON DELETE SET NULL,
  spoon_cost smallint NOT NULL DEFAULT 1 CHECK (spoon_cost BETWEEN 0 AND 10),
  overload boolean NOT NULL DEFAULT false,
  requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
  playbook_run_id uuid REFERENCES playbook_runs(id) ON DELETE SET NULL,
  step_index integer,
  sent_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  first_viewed_at timestamptz,
  answered_at timestamptz
);
CREATE INDEX check_in_requests_account_idx ON check_in_requests (account_id, sent_at DESC);
CREATE INDEX check_in_requests_contact_idx ON check_in_requests (contact_id, sent_at DESC);
CREATE UNIQUE INDEX check_in_requests_step_key ON check_in_requests (playbook_run_id, step_index) WHERE playbook_run_id IS NOT NULL;

CREATE TABLE check_ins (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  initiative_id uuid NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
  contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
  importance smallint NOT NULL CHECK (importance BETWEEN 0 AND 10),
  confidence smallint NOT NULL CHECK (confidence BETWEEN 0 AND 10),
  why_not_lower text CHECK (length(why_not_lower) <= 5000),
  what_would_move_higher text CHECK (length(what_would_move_higher) <= 5000),
  -- 'csm': logged by us (on a call, from the log-activity form); 'customer': answered on the page.
  source text NOT NULL CHECK (source IN ('csm', 'customer')),
  activity_id uuid REFERENCES activities(id) ON DELETE SET NULL,
  request_id uuid UNIQUE REFERENCES check_in_requests(id) ON DELETE SET NULL,
  at timestamptz NOT NULL,
  recorded_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX check_ins_initiative_idx ON check_ins (initiative_id, at DESC, id DESC);
CREATE INDEX check_ins_account_idx ON check_ins (account_id, at DESC, id DESC);
CREATE INDEX check_ins_activity_idx ON check_ins (activity_id) WHERE activity_id IS NOT NULL;
