-- Autopilot (issue 10, seed 000): the stored verdict of src/activities/autopilot.ts per account,
-- so the portfolio filters and sorts 100k accounts on an indexed column, and rules and the health
-- driver source read it in their set-based queries. The account page computes it live instead.
--
-- No row means "not on autopilot": autopilot needs N touchpoints, and every touchpoint marks its
-- account for a recompute, so an account without a row has never had a reason to be on it.
CREATE TABLE account_autopilot (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  on_autopilot boolean NOT NULL,
  reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
  touchpoint_ids uuid[] NOT NULL DEFAULT '{}',
  n integer NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_autopilot_on_idx ON account_autopilot (account_id) WHERE on_autopilot;

-- "Is this touchpoint linked to a seed?" is asked for every touchpoint of every account a sweep
-- computes: without these each question would read all seeds (IF NOT EXISTS: seeds may own them).
CREATE INDEX IF NOT EXISTS seeds_activity_idx ON seeds (activity_id) WHERE activity_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS seed_events_activity_idx ON seed_events (activity_id) WHERE activity_id IS NOT NULL;

-- Accounts whose verdict must be computed again (the job autopilot.refresh-dirty takes them).
CREATE TABLE autopilot_dirty (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  cause text NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now()
);

-- Every account is computed once after this migration.
INSERT INTO autopilot_dirty (account_id, cause) SELECT id, 'migration' FROM accounts;

-- What can change a verdict is marked by triggers, whoever writes it (the API, a task completed as
-- a call, the demo loader, a seed or plan service): activities (touchpoints), escalations (a new
-- topic), seeds and seed events (planted: a topic; linked to an activity: not routine), plan goals
-- and plan events (new topics). Statement level with transition tables where volume can be high.
CREATE FUNCTION autopilot_dirty_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO autopilot_dirty (account_id, cause)
  SELECT DISTINCT account_id, TG_ARGV[0] FROM new_rows
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION autopilot_dirty_from_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO autopilot_dirty (account_id, cause)
  SELECT DISTINCT o.account_id, TG_ARGV[0] FROM old_rows o JOIN accounts a ON a.id = o.account_id
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;

-- Activities also move the health driver source days_since_activity: mark health too.
CREATE FUNCTION activity_dirty_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO autopilot_dirty (account_id, cause) SELECT DISTINCT account_id, 'activity' FROM new_rows ON CONFLICT (account_id) DO NOTHING;
  INSERT INTO health_dirty (account_id, cause) SELECT DISTINCT account_id, 'activity' FROM new_rows ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION activity_dirty_from_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO autopilot_dirty (account_id, cause)
  SELECT DISTINCT o.account_id, 'activity' FROM old_rows o JOIN accounts a ON a.id = o.account_id ON CONFLICT (account_id) DO NOTHING;
  INSERT INTO health_dirty (account_id, cause)
  SELECT DISTINCT o.account_id, 'activity' FROM old_rows o JOIN accounts a ON a.id = o.account_id ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER activities_mark_autopilot_ins AFTER INSERT ON activities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION activity_dirty_from_new();
CREATE TRIGGER activities_mark_autopilot_upd AFTER UPDATE ON activities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION activity_dirty_from_new();
CREATE TRIGGER activities_mark_autopilot_del AFTER DELETE ON activities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION activity_dirty_from_old();

CREATE TRIGGER escalations_mark_autopilot AFTER INSERT ON escalations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION autopilot_dirty_from_new('escalation');

CREATE TRIGGER seeds_mark_autopilot_ins AFTER INSERT ON seeds
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION autopilot_dirty_from_new('seed');
CREATE TRIGGER seeds_mark_autopilot_upd AFTER UPDATE ON seeds
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION autopilot_dirty_from_new('seed');
CREATE TRIGGER seeds_mark_autopilot_del AFTER DELETE ON seeds
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION autopilot_dirty_from_old('seed');
CREATE TRIGGER seed_events_mark_autopilot AFTER INSERT ON seed_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION autopilot_dirty_from_new('seed');
CREATE TRIGGER plan_events_mark_autopilot AFTER INSERT ON plan_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION autopilot_dirty_from_new('plan');

-- plan_goals names its account through its plan.
CREATE FUNCTION autopilot_dirty_from_goal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO autopilot_dirty (account_id, cause)
  SELECT p.account_id, 'plan' FROM success_plans p WHERE p.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.plan_id ELSE NEW.plan_id END
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER plan_goals_mark_autopilot AFTER INSERT OR UPDATE OR DELETE ON plan_goals
  FOR EACH ROW EXECUTE FUNCTION autopilot_dirty_from_goal();

-- Rules read the verdict ("on autopilot"), the plans' status and the seeds' stages, and health
-- reads the verdict (driver source autopilot): a change marks the account for both.
CREATE FUNCTION autopilot_verdict_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- No row was read as not on autopilot: a first verdict of false changes nothing.
  IF (TG_OP = 'INSERT' AND NEW.on_autopilot) OR (TG_OP = 'UPDATE' AND NEW.on_autopilot IS DISTINCT FROM OLD.on_autopilot) THEN
    INSERT INTO rule_dirty (account_id, cause) VALUES (NEW.account_id, 'autopilot') ON CONFLICT (account_id) DO NOTHING;
    INSERT INTO health_dirty (account_id, cause) VALUES (NEW.account_id, 'autopilot') ON CONFLICT (account_id) DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER account_autopilot_changed AFTER INSERT OR UPDATE ON account_autopilot
  FOR EACH ROW EXECUTE FUNCTION autopilot_verdict_changed();

-- (One function per table: PL/pgSQL resolves NEW.status on seeds too if both share one.)
CREATE FUNCTION rule_dirty_from_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN RETURN NULL; END IF;
  INSERT INTO rule_dirty (account_id, cause)
  SELECT a.id, 'plan' FROM accounts a WHERE a.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id ELSE NEW.account_id END
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER success_plans_mark_rules AFTER INSERT OR UPDATE OR DELETE ON success_plans
  FOR EACH ROW EXECUTE FUNCTION rule_dirty_from_plan();
CREATE FUNCTION rule_dirty_from_seed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.stage IS NOT DISTINCT FROM OLD.stage THEN RETURN NULL; END IF;
  INSERT INTO rule_dirty (account_id, cause)
  SELECT a.id, 'seed' FROM accounts a WHERE a.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id ELSE NEW.account_id END
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER seeds_mark_rules AFTER INSERT OR UPDATE OR DELETE ON seeds
  FOR EACH ROW EXECUTE FUNCTION rule_dirty_from_seed();
