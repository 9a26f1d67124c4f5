-- Success planting (issue 10, seed 000): a library of "crazy" questions, the seeds planted on
-- accounts, and every piece of evidence recorded on them. The stage machine is src/seeds/stage.ts;
-- these tables persist what it decides.

CREATE TABLE seed_questions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  text text NOT NULL,
  theme text NOT NULL,
  variants jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(variants) = 'array'),
  reask_interval_days integer NOT NULL DEFAULT 14 CHECK (reask_interval_days BETWEEN 1 AND 365),
  archived boolean NOT NULL DEFAULT false,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX seed_questions_theme_idx ON seed_questions (lower(theme), lower(text), id);

-- One question asked to one account. `text` and `theme` are what was asked (copied from the
-- question at planting, so the seed reads the same after the library is edited). `high_stage` is
-- the high-water mark on the growth path (a dormant seed keeps what it reached: the library's
-- record and the funnel count it). `reaction` is the last reaction recorded. A harvested seed
-- always names its goal (the CHECK; the trigger below handles a deleted goal first).
CREATE TABLE seeds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  question_id uuid REFERENCES seed_questions(id) ON DELETE SET NULL,
  text text NOT NULL,
  theme text,
  contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
  activity_id uuid REFERENCES activities(id) ON DELETE SET NULL,
  asked_at timestamptz NOT NULL,
  planted_by uuid REFERENCES users(id) ON DELETE SET NULL,
  stage text NOT NULL DEFAULT 'planted' CHECK (stage IN ('planted', 'reacted', 'sprouted', 'rooted', 'harvested', 'dormant')),
  high_stage text NOT NULL DEFAULT 'planted' CHECK (high_stage IN ('planted', 'reacted', 'sprouted', 'rooted', 'harvested')),
  reaction text CHECK (reaction IN ('strong_positive', 'strong_negative', 'lukewarm', 'none')),
  strong_reaction boolean NOT NULL DEFAULT false,
  goal_id uuid REFERENCES plan_goals(id) ON DELETE SET NULL,
  harvested_at timestamptz,
  last_moved_at timestamptz NOT NULL,
  last_asked_at timestamptz NOT NULL,
  variants_asked integer NOT NULL DEFAULT 0 CHECK (variants_asked >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (stage <> 'harvested' OR goal_id IS NOT NULL)
);
CREATE INDEX seeds_account_idx ON seeds (account_id, asked_at DESC, id DESC);
CREATE INDEX seeds_question_idx ON seeds (question_id, planted_by) WHERE question_id IS NOT NULL;
CREATE INDEX seeds_planted_idx ON seeds (asked_at, planted_by);
CREATE INDEX seeds_goal_idx ON seeds (goal_id) WHERE goal_id IS NOT NULL;
-- The re-ask job's scan: growing seeds by their last movement.
CREATE INDEX seeds_reask_idx ON seeds (greatest(last_moved_at, last_asked_at)) WHERE stage IN ('planted', 'reacted', 'sprouted');

-- The goal a seed became names it back (plan_goals arrives in 0012, before seeds existed).
ALTER TABLE plan_goals ADD CONSTRAINT plan_goals_harvested_from_seed_fk
  FOREIGN KEY (harvested_from_seed_id) REFERENCES seeds(id) ON DELETE SET NULL;

-- Every accepted event (and the planting, and a harvest undone because its goal was deleted).
-- goal_id has no foreign key so that the event keeps naming a goal that was deleted since.
CREATE TABLE seed_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seed_id uuid NOT NULL REFERENCES seeds(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('planted', 'reaction', 'objection', 'follow_up', 'variant_asked', 'engaged',
    'raised_by_customer', 'discussed_in_qbr', 'harvested', 'dormant', 'goal_deleted')),
  at timestamptz NOT NULL,
  activity_id uuid REFERENCES activities(id) ON DELETE SET NULL,
  goal_id uuid,
  from_stage text,
  to_stage text NOT NULL,
  moved boolean NOT NULL,
  summary text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX seed_events_seed_idx ON seed_events (seed_id, at, created_at, id);
CREATE INDEX seed_events_account_idx ON seed_events (account_id, at DESC, id DESC);

-- A deleted goal never leaves a seed pointing at nothing: before the goal row goes (also when its
-- plan or account is deleted), the seeds harvested into it go back to the stage they had before
-- the harvest (the from_stage of their last moving `harvested` event, preferring the one into this
-- goal; rooted only when no such event exists), with an event that says why, in the same
-- transaction. A harvest may skip stages (a goal proves the change of perception), so "back" is
-- not always rooted. The high-water mark is recomputed the same way: the furthest stage on the
-- growth path the seed's events reached other than by a harvest, so the record and the funnel stop
-- counting the deleted harvest (nor a "sprouted" it never earned). Seeds that named the goal
-- without being harvested (none today) just lose the link.
CREATE FUNCTION seeds_unharvest_deleted_goal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s record;
  back text;
  high text;
BEGIN
  FOR s IN SELECT id, account_id, stage FROM seeds WHERE goal_id = OLD.id ORDER BY id FOR UPDATE LOOP
    IF s.stage = 'harvested' THEN
      SELECT e.from_stage INTO back FROM seed_events e
       WHERE e.seed_id = s.id AND e.kind = 'harvested' AND e.moved AND e.from_stage IS NOT NULL AND e.from_stage <> 'harvested'
       ORDER BY (e.goal_id IS NOT DISTINCT FROM OLD.id) DESC, e.created_at DESC, e.at DESC, e.id DESC LIMIT 1;
      back := coalesce(back, 'rooted');
      SELECT x.st INTO high FROM (
          SELECT e.to_stage AS st FROM seed_events e WHERE e.seed_id = s.id AND e.to_stage IN ('planted', 'reacted', 'sprouted', 'rooted')
          UNION ALL SELECT back) x
       WHERE x.st IN ('planted', 'reacted', 'sprouted', 'rooted')
       ORDER BY array_position(ARRAY['planted', 'reacted', 'sprouted', 'rooted'], x.st) DESC LIMIT 1;
      high := coalesce(high, 'planted');
      INSERT INTO seed_events (seed_id, account_id, kind, at, goal_id, from_stage, to_stage, moved, summary, data)
      VALUES (s.id, s.account_id, 'goal_deleted', now(), OLD.id, 'harvested', back, true,
              'the goal it became was deleted: harvested → ' || back, jsonb_build_object('goalStatement', OLD.statement));
      UPDATE seeds SET stage = back, high_stage = high, last_moved_at = greatest(last_moved_at, now()),
                       goal_id = NULL, harvested_at = NULL, updated_at = now()
       WHERE id = s.id;
    ELSE
      INSERT INTO seed_events (seed_id, account_id, kind, at, goal_id, from_stage, to_stage, moved, summary, data)
      VALUES (s.id, s.account_id, 'goal_deleted', now(), OLD.id, s.stage, s.stage, false,
              'the goal it became was deleted', jsonb_build_object('goalStatement', OLD.statement));
      UPDATE seeds SET goal_id = NULL, updated_at = now() WHERE id = s.id;
    END IF;
  END LOOP;
  RETURN OLD;
END $$;
CREATE TRIGGER plan_goals_unharvest_seeds BEFORE DELETE ON plan_goals
  FOR EACH ROW EXECUTE FUNCTION seeds_unharvest_deleted_goal();
