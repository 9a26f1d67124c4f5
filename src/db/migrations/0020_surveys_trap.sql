-- Surveys (issue 11), part 3b: what 0018 left out.
--
-- The e-mail carries a hidden honeypot link (/s/<token>/confirm, "do not click"): people do not
-- see it, link scanners in mail gateways follow every link. Following it marks the recipient
-- bot-suspect (the time it happened) and writes no answer; an answer posted through that token
-- afterwards is kept apart as a bot answer.
ALTER TABLE survey_recipients ADD COLUMN trap_followed_at timestamptz;

-- An answer that arrives, changes or goes changes the account's survey drivers: mark it for the
-- health refresh (as activities do, migration 0015). Bot answers count for nothing, but marking
-- them too is harmless and keeps the trigger simple.
CREATE FUNCTION survey_response_dirty_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO health_dirty (account_id, cause) SELECT DISTINCT account_id, 'survey' FROM new_rows ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION survey_response_dirty_from_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO health_dirty (account_id, cause)
  SELECT DISTINCT o.account_id, 'survey' FROM old_rows o JOIN accounts a ON a.id = o.account_id ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER survey_responses_mark_health_ins AFTER INSERT ON survey_responses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_response_dirty_from_new();
CREATE TRIGGER survey_responses_mark_health_upd AFTER UPDATE ON survey_responses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_response_dirty_from_new();
CREATE TRIGGER survey_responses_mark_health_del AFTER DELETE ON survey_responses
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_response_dirty_from_old();

-- A recipient sent (a new ask) changes the response-rate driver too.
CREATE FUNCTION survey_recipient_dirty_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO health_dirty (account_id, cause) SELECT DISTINCT account_id, 'survey' FROM new_rows ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER survey_recipients_mark_health_ins AFTER INSERT ON survey_recipients
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_recipient_dirty_from_new();
