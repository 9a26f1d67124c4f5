-- Playbook states that mean what they say (issue 9).
--
-- A step is 'issued' when its effect has started (its task was created, its wait began) and
-- 'completed' only when that effect is over (the task is done, the time has passed); a step whose
-- task was cancelled is 'cancelled'. A run is running until every step is completed, skipped,
-- failed or cancelled. Until now a step was 'done' the moment its task was created and a wait was
-- 'done' at once, so runs were called completed while their tasks were open.
ALTER TABLE playbook_run_steps DROP CONSTRAINT playbook_run_steps_status_check;
ALTER TABLE playbook_run_steps ADD COLUMN issued_at timestamptz;

-- Task steps (task, checkin, survey) follow their task.
UPDATE playbook_run_steps s
   SET status = CASE t.status WHEN 'open' THEN 'issued' WHEN 'done' THEN 'completed' ELSE 'cancelled' END,
       issued_at = s.finished_at,
       finished_at = CASE t.status WHEN 'open' THEN NULL WHEN 'done' THEN coalesce(t.completed_at, s.finished_at) ELSE t.updated_at END
  FROM tasks t
 WHERE s.status = 'done' AND s.kind IN ('task', 'checkin', 'survey') AND t.id::text = s.result->>'taskId';

-- A wait is over when its days have passed since it began; until then it is issued, due at its end.
UPDATE playbook_run_steps s
   SET status = CASE WHEN s.finished_at + (s.result->>'days')::numeric * interval '1 day' <= now() THEN 'completed' ELSE 'issued' END,
       issued_at = s.finished_at,
       run_at = s.finished_at + (s.result->>'days')::numeric * interval '1 day',
       finished_at = CASE WHEN s.finished_at + (s.result->>'days')::numeric * interval '1 day' <= now()
                          THEN s.finished_at + (s.result->>'days')::numeric * interval '1 day' END
 WHERE s.status = 'done' AND s.kind = 'wait' AND s.finished_at IS NOT NULL AND s.result ? 'days';

-- Everything else that was done (e-mails queued, webhook deliveries queued, tasks since deleted) is complete.
UPDATE playbook_run_steps SET status = 'completed', issued_at = coalesce(issued_at, finished_at) WHERE status = 'done';

ALTER TABLE playbook_run_steps ADD CONSTRAINT playbook_run_steps_status_check
  CHECK (status IN ('pending', 'issued', 'completed', 'skipped', 'failed', 'cancelled'));

-- Due work for the sweep: pending steps, and waits that end at run_at.
DROP INDEX playbook_run_steps_due_idx;
CREATE INDEX playbook_run_steps_due_idx ON playbook_run_steps (run_at) WHERE status = 'pending' OR (status = 'issued' AND kind = 'wait');

-- Runs called completed while a step is still open are running again.
UPDATE playbook_runs r SET status = 'running', finished_at = NULL
 WHERE r.status = 'completed'
   AND EXISTS (SELECT 1 FROM playbook_run_steps s WHERE s.run_id = r.id AND s.status IN ('pending', 'issued'));

-- A task step finds its run step through the task (the task's playbook_run_id and dedupe key
-- 'playbook:<run>:<step>' say which); the step keeps the task id in result.taskId.

-- An activity logged by completing a call, meeting or e-mail task points at that task.
ALTER TABLE activities ADD COLUMN task_id uuid REFERENCES tasks(id) ON DELETE SET NULL;
CREATE INDEX activities_task_idx ON activities (task_id) WHERE task_id IS NOT NULL;
