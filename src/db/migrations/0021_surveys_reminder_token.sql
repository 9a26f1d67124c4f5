-- Surveys (issue 11), part 3c: the reminder's own link.
--
-- A customer e-mail's personal links are removed from outbound_messages once it has left (nobody
-- who reads the outbox or the timeline may answer in the customer's name), so the reminder can no
-- longer re-send the first e-mail's links. It gets a fresh token; as for the first one, only its
-- SHA-256 is kept. Both links lead to the same recipient and the same single answer.
ALTER TABLE survey_recipients ADD COLUMN reminder_token_hash text UNIQUE;
ALTER TABLE survey_recipients ADD CONSTRAINT survey_recipients_reminder_token_differs CHECK (reminder_token_hash IS DISTINCT FROM token_hash);
