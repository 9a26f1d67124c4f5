-- Customer e-mails a person can see and stop (issue 9, part 3).
--
-- An outbound message may now wait for a person ('draft': a playbook e-mail held until a CSM
-- approves it in an approval task) and may be stopped ('cancelled': never sent). A customer e-mail
-- (audience 'customer') points at the contact, the playbook step that sent it and its approval
-- task; the Message-ID the SMTP transport used is kept, and so is who approved or cancelled it.
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_status_check;
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_status_check
  CHECK (status IN ('draft', 'pending', 'sending', 'sent', 'dead', 'cancelled'));

ALTER TABLE outbound_messages
  ADD COLUMN audience text NOT NULL DEFAULT 'user' CHECK (audience IN ('user', 'customer')),
  ADD COLUMN contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
  ADD COLUMN playbook_run_id uuid REFERENCES playbook_runs(id) ON DELETE SET NULL,
  ADD COLUMN step_index integer,
  ADD COLUMN approval_task_id uuid REFERENCES tasks(id) ON DELETE SET NULL,
  ADD COLUMN approved_by uuid REFERENCES users(id) ON DELETE SET NULL,
  ADD COLUMN approved_at timestamptz,
  ADD COLUMN edited boolean NOT NULL DEFAULT false,
  ADD COLUMN message_id text,
  ADD COLUMN cancelled_by uuid REFERENCES users(id) ON DELETE SET NULL,
  ADD COLUMN cancelled_at timestamptz,
  ADD COLUMN cancel_reason text,
  ADD COLUMN failed_at timestamptz;

-- Playbook e-mails so far were keyed 'playbook:<run>:<step>' and went to customers.
UPDATE outbound_messages m
   SET audience = 'customer', playbook_run_id = r.id, step_index = split_part(m.dedupe_key, ':', 3)::int
  FROM playbook_runs r
 WHERE m.dedupe_key ~ '^playbook:[0-9a-f-]{36}:[0-9]+$' AND r.id::text = split_part(m.dedupe_key, ':', 2);
UPDATE outbound_messages SET failed_at = next_attempt_at WHERE status = 'dead';

-- The account's timeline reads its customer e-mails newest first (sent ones at the time they left).
CREATE INDEX outbound_messages_account_idx ON outbound_messages (account_id, (coalesce(sent_at, created_at)) DESC) WHERE audience = 'customer';
-- The admin's outbox page: by status, newest first.
CREATE INDEX outbound_messages_status_idx ON outbound_messages (status, created_at DESC, id DESC);
CREATE INDEX outbound_messages_created_idx ON outbound_messages (created_at DESC, id DESC);
CREATE INDEX outbound_messages_task_idx ON outbound_messages (approval_task_id) WHERE approval_task_id IS NOT NULL;
CREATE INDEX outbound_messages_run_idx ON outbound_messages (playbook_run_id, step_index) WHERE playbook_run_id IS NOT NULL;

-- An e-mail step is completed when its e-mail was sent, not when it was queued: steps called
-- completed whose e-mail still waits are issued again, and those whose e-mail died failed.
UPDATE playbook_run_steps s
   SET status = CASE m.status WHEN 'dead' THEN 'failed' ELSE 'issued' END,
       finished_at = CASE m.status WHEN 'dead' THEN s.finished_at END,
       error = CASE m.status WHEN 'dead' THEN m.last_error ELSE s.error END,
       result = coalesce(s.result, '{}'::jsonb) || jsonb_build_object('outboundId', m.id)
  FROM outbound_messages m
 WHERE s.kind = 'email' AND s.status = 'completed' AND m.playbook_run_id = s.run_id AND m.step_index = s.step_index
   AND m.status IN ('pending', 'sending', 'dead');
UPDATE playbook_run_steps s SET result = coalesce(s.result, '{}'::jsonb) || jsonb_build_object('outboundId', m.id)
  FROM outbound_messages m
 WHERE s.kind = 'email' AND m.playbook_run_id = s.run_id AND m.step_index = s.step_index AND NOT (coalesce(s.result, '{}'::jsonb) ? 'outboundId');
UPDATE playbook_runs r SET status = 'running', finished_at = NULL
 WHERE r.status = 'completed'
   AND EXISTS (SELECT 1 FROM playbook_run_steps s WHERE s.run_id = r.id AND s.status IN ('pending', 'issued'));
