-- Success plans (issue 10): the customer's business goals in their words, success criteria
-- measured from the same data as health, milestones and tasks owned on both sides.
-- The stored status (plans and goals) is what filters, rules and webhooks read; it is recomputed
-- after every write, after every measurement and by a daily job (time passes).
-- Goals, criteria and milestones are listed in creation order: their created_at is the clock's
-- (clock_timestamp), so the rows one transaction makes (a template applied) keep their order.

CREATE TABLE success_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title text NOT NULL,
  status text NOT NULL DEFAULT 'on_track' CHECK (status IN ('achieved', 'on_track', 'at_risk', 'off_track')),
  status_reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX success_plans_account_idx ON success_plans (account_id, created_at DESC, id DESC);
CREATE INDEX success_plans_status_idx ON success_plans (status, created_at DESC, id DESC);

-- harvested_from_seed_id has no foreign key: seeds arrive in 0013 (which owns the seed side).
CREATE TABLE plan_goals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid NOT NULL REFERENCES success_plans(id) ON DELETE CASCADE,
  statement text NOT NULL,
  why text NOT NULL DEFAULT '',
  target_date date,
  start_date date,
  status text NOT NULL DEFAULT 'on_track' CHECK (status IN ('achieved', 'on_track', 'at_risk', 'off_track')),
  status_reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
  hidden_from_customer boolean NOT NULL DEFAULT false,
  harvested_from_seed_id uuid,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_goals_plan_idx ON plan_goals (plan_id, created_at, id);
CREATE INDEX plan_goals_seed_idx ON plan_goals (harvested_from_seed_id) WHERE harvested_from_seed_id IS NOT NULL;

-- metric: {event, measure: count|active_users|active_days, windowDays} for kind 'metric'.
CREATE TABLE plan_criteria (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  goal_id uuid NOT NULL REFERENCES plan_goals(id) ON DELETE CASCADE,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('driver', 'metric', 'manual', 'rating')),
  driver_id uuid REFERENCES drivers(id) ON DELETE SET NULL,
  metric jsonb,
  direction text NOT NULL DEFAULT 'up' CHECK (direction IN ('up', 'down')),
  baseline double precision,
  target double precision,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'metric' OR metric IS NOT NULL)
);
CREATE INDEX plan_criteria_goal_idx ON plan_criteria (goal_id, created_at, id);
CREATE INDEX plan_criteria_driver_idx ON plan_criteria (driver_id) WHERE driver_id IS NOT NULL;

-- The path toward the target. Measured values (driver, metric): one row per criterion per UTC day
-- (the last measurement of that day). Manual numbers and ratings: every entry, with its date and side.
CREATE TABLE plan_criterion_values (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  criterion_id uuid NOT NULL REFERENCES plan_criteria(id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  day date NOT NULL,
  value double precision NOT NULL,
  side text CHECK (side IN ('vendor', 'customer')),
  source text NOT NULL CHECK (source IN ('measured', 'manual', 'rating', 'customer')),
  actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (source <> 'rating' OR side IS NOT NULL)
);
CREATE INDEX plan_criterion_values_idx ON plan_criterion_values (criterion_id, at DESC, created_at DESC);
CREATE UNIQUE INDEX plan_criterion_values_measured_key ON plan_criterion_values (criterion_id, day) WHERE source = 'measured';

CREATE TABLE plan_milestones (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  goal_id uuid NOT NULL REFERENCES plan_goals(id) ON DELETE CASCADE,
  title text NOT NULL,
  due_at date,
  completed_at timestamptz,
  completed_by uuid REFERENCES users(id) ON DELETE SET NULL,
  owner_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  owner_contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
  hidden_from_customer boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (num_nonnulls(owner_user_id, owner_contact_id) <= 1)
);
CREATE INDEX plan_milestones_goal_idx ON plan_milestones (goal_id, due_at, id);
CREATE INDEX plan_milestones_open_idx ON plan_milestones (due_at) WHERE completed_at IS NULL;

-- Plan tasks are ordinary tasks (inbox, completion, audit) linked to their milestone. Deleting a
-- milestone cancels its open tasks in the same transaction (src/plans/service.ts); the link is
-- then cleared (SET NULL) so done and cancelled tasks keep their history.
ALTER TABLE tasks ADD COLUMN milestone_id uuid REFERENCES plan_milestones(id) ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN hidden_from_customer boolean NOT NULL DEFAULT false;
ALTER TABLE tasks DROP CONSTRAINT tasks_source_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_source_check
  CHECK (source IN ('manual', 'rule', 'playbook', 'escalation', 'recommendation', 'plan', 'seed'));
CREATE INDEX tasks_milestone_idx ON tasks (milestone_id) WHERE milestone_id IS NOT NULL;

-- Templates (CS ops): goals with criteria, milestones with day offsets, tasks with owner roles,
-- kept as one validated document (src/plans/schema.ts planTemplateBody).
CREATE TABLE plan_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  segment text,
  stage text,
  goals jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_templates_name_idx ON plan_templates (lower(name), id);

-- What happened to a plan: the timeline reads it, autopilot reads it as "a new topic".
-- goal_id has no foreign key so that goal_deleted keeps naming the goal.
-- dedupe_key makes a redelivered playbook step's template application a no-op.
CREATE TABLE plan_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid NOT NULL REFERENCES success_plans(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  goal_id uuid,
  kind text NOT NULL CHECK (kind IN ('plan_created', 'goal_created', 'goal_changed', 'goal_deleted', 'criterion_changed',
    'milestone_completed', 'status_changed', 'template_applied', 'customer_comment', 'customer_task_done')),
  at timestamptz NOT NULL DEFAULT now(),
  actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedupe_key text UNIQUE
);
CREATE INDEX plan_events_account_idx ON plan_events (account_id, at DESC, id DESC);
CREATE INDEX plan_events_plan_idx ON plan_events (plan_id, at DESC);
