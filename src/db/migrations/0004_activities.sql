-- The account timeline reads each source newest first through an account index (see
-- src/timeline/sources.ts). Completed tasks and rule firings had no index in that order, so a
-- page sorted all of an account's tasks and firings; these two let a page stop after `limit`.
CREATE INDEX tasks_account_completed_idx ON tasks (account_id, completed_at DESC) WHERE completed_at IS NOT NULL;
CREATE INDEX rule_firings_account_time_idx ON rule_firings (account_id, fired_at DESC);
