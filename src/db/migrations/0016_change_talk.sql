-- Readiness and capacity (issue 11, seed 004), part 1: settings, and change talk.
--
-- app_settings holds small settings an admin or manager edits in the app (the readiness
-- thresholds, the default capacity); each key's value is validated by the code that owns it
-- (src/readiness/settings.ts, src/capacity/settings.ts) and a missing key means the default.
CREATE TABLE app_settings (
  key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]{0,63}$'),
  value jsonb NOT NULL,
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Phrases admins add to the change-talk lexicon (src/changetalk/). Change and sustain talk share
-- the DARN-CAT categories: "we need to" is change talk of need, "we don't need it" sustain talk of need.
CREATE TABLE change_talk_phrases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  phrase text NOT NULL CHECK (length(phrase) BETWEEN 2 AND 200),
  polarity text NOT NULL CHECK (polarity IN ('change', 'sustain')),
  category text NOT NULL CHECK (category IN ('desire', 'ability', 'reasons', 'need', 'commitment', 'activation', 'taking_steps')),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX change_talk_phrases_key ON change_talk_phrases (lower(phrase), polarity);

-- A person's correction of a label. Every correction is kept (they are test cases and tuning
-- data); the newest one for a text (text_hash = sha256 of the normalised text) is what the app
-- shows for that text wherever it appears. `predicted` and `classifier_version` record what the
-- classifier said at the time.
CREATE TABLE change_talk_corrections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
  text_hash text NOT NULL,
  label text NOT NULL CHECK (label IN ('change', 'sustain', 'neutral')),
  predicted text NOT NULL CHECK (predicted IN ('change', 'sustain', 'neutral')),
  classifier_version text NOT NULL,
  source_kind text CHECK (source_kind IN ('check_in', 'activity', 'survey_response', 'manual')),
  source_id uuid,
  account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
  note text CHECK (length(note) <= 2000),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_talk_corrections_hash_idx ON change_talk_corrections (text_hash, created_at DESC, id DESC);
CREATE INDEX change_talk_corrections_created_idx ON change_talk_corrections (created_at DESC, id DESC);
