-- Readiness (issue 11), part 4: which initiative a "give a spoon" task was made for.
--
-- POST /api/initiatives/:id/spoon-task returns the open spoon task it already made for the
-- initiative instead of making another (a double-click, a client's retry). The task remembers
-- the initiative it was made for; tasks made any other way leave it empty.
ALTER TABLE tasks ADD COLUMN spoon_initiative_id uuid REFERENCES initiatives(id) ON DELETE SET NULL;
CREATE INDEX tasks_spoon_initiative_idx ON tasks (spoon_initiative_id) WHERE spoon_initiative_id IS NOT NULL AND status = 'open';
