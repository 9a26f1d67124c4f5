-- Surveys (issue 11, seed 004), part 3: NPS, CSAT and CES by e-mail link.
--
-- A recipient is one contact asked one survey, with its own token (only the SHA-256 is stored).
-- The page /s/:token shows the question; only a POST from that page records an answer. Answers
-- judged automated (a honeypot link followed, the form sent too fast, no page view first) are kept
-- apart (bot = true) and never counted; a person's answer and a bot's never overwrite each other.

CREATE TABLE surveys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('nps', 'csat', 'ces')),
  question text NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
  comment_prompt text CHECK (length(comment_prompt) <= 500),
  email_subject text NOT NULL CHECK (length(email_subject) BETWEEN 1 AND 300),
  email_intro text NOT NULL CHECK (length(email_intro) <= 5000),
  -- A contact is not surveyed (by any survey) more often than this.
  throttle_days integer NOT NULL DEFAULT 90 CHECK (throttle_days BETWEEN 0 AND 3650),
  -- One reminder this many days after sending to a recipient who has not answered; null: none.
  reminder_after_days integer DEFAULT 5 CHECK (reminder_after_days BETWEEN 1 AND 60),
  spoon_cost smallint NOT NULL DEFAULT 1 CHECK (spoon_cost BETWEEN 0 AND 10),
  archived boolean NOT NULL DEFAULT false,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE survey_recipients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  survey_id uuid NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  outbound_id uuid REFERENCES outbound_messages(id) ON DELETE SET NULL,
  reminder_outbound_id uuid REFERENCES outbound_messages(id) ON DELETE SET NULL,
  spoon_cost smallint NOT NULL DEFAULT 1 CHECK (spoon_cost BETWEEN 0 AND 10),
  overload boolean NOT NULL DEFAULT false,
  sent_by uuid REFERENCES users(id) ON DELETE SET NULL,
  playbook_run_id uuid REFERENCES playbook_runs(id) ON DELETE SET NULL,
  step_index integer,
  sent_at timestamptz NOT NULL DEFAULT now(),
  reminded_at timestamptz,
  first_viewed_at timestamptz,
  answered_at timestamptz
);
CREATE INDEX survey_recipients_survey_idx ON survey_recipients (survey_id, sent_at DESC);
CREATE INDEX survey_recipients_account_idx ON survey_recipients (account_id, sent_at DESC);
-- The throttle: a contact's latest survey.
CREATE INDEX survey_recipients_contact_idx ON survey_recipients (contact_id, sent_at DESC);
-- The reminder job's scan.
CREATE INDEX survey_recipients_remind_idx ON survey_recipients (sent_at) WHERE answered_at IS NULL AND reminded_at IS NULL;
CREATE UNIQUE INDEX survey_recipients_step_key ON survey_recipients (playbook_run_id, step_index) WHERE playbook_run_id IS NOT NULL;

CREATE TABLE survey_responses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  survey_id uuid NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  recipient_id uuid NOT NULL REFERENCES survey_recipients(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
  -- NPS 0-10, CSAT 1-5, CES 1-7: the code checks the survey's own range.
  score smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
  comment text CHECK (length(comment) <= 5000),
  bot boolean NOT NULL DEFAULT false,
  bot_reason text,
  answered_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (recipient_id, bot)
);
CREATE INDEX survey_responses_survey_idx ON survey_responses (survey_id, answered_at DESC) WHERE NOT bot;
-- The survey driver source reads an account's answers over a window, also as of past days.
CREATE INDEX survey_responses_account_idx ON survey_responses (account_id, answered_at DESC) WHERE NOT bot;
