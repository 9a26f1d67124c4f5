-- Rules act on the whole book only on purpose (issue 9 §5), and the audit log names what it
-- shows (issue 9 §8).

-- How a rule started acting: 'now' fires for every account that matches (today's behaviour);
-- 'from_now_on' records the accounts matching at activation in rule_baseline and fires only for
-- accounts whose match starts after it. activated_at is when that choice was last made.
ALTER TABLE rules ADD COLUMN activation text NOT NULL DEFAULT 'now' CHECK (activation IN ('now', 'from_now_on'));
ALTER TABLE rules ADD COLUMN activated_at timestamptz;
UPDATE rules SET activated_at = created_at;

-- Accounts that already matched a 'from_now_on' rule when it was activated. An account leaves the
-- baseline when it is evaluated and no longer matches; from then on a new match fires.
CREATE TABLE rule_baseline (
  rule_id uuid NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  PRIMARY KEY (rule_id, account_id)
);
CREATE INDEX rule_baseline_account_idx ON rule_baseline (account_id);

-- The audit log keeps the name of the object as it was when the change was made, so a deleted
-- or renamed object still reads as what it was.
ALTER TABLE audit_log ADD COLUMN object_label text;

CREATE FUNCTION audit_object_label(t text, oid text, changes jsonb) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  u uuid;
  label text;
BEGIN
  IF oid IS NOT NULL AND oid ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    u := oid::uuid;
    label := CASE t
      WHEN 'account' THEN (SELECT name FROM accounts WHERE id = u)
      WHEN 'contact' THEN (SELECT coalesce(nullif(name, ''), email) FROM contacts WHERE id = u)
      WHEN 'user' THEN (SELECT coalesce(nullif(name, ''), email) FROM users WHERE id = u)
      WHEN 'team' THEN (SELECT name FROM teams WHERE id = u)
      WHEN 'api_key' THEN (SELECT name FROM api_keys WHERE id = u)
      WHEN 'rule' THEN (SELECT name FROM rules WHERE id = u)
      WHEN 'playbook' THEN (SELECT name FROM playbooks WHERE id = u)
      WHEN 'playbook_run' THEN (SELECT p.name || ' for ' || a.name FROM playbook_runs r JOIN playbooks p ON p.id = r.playbook_id JOIN accounts a ON a.id = r.account_id WHERE r.id = u)
      WHEN 'task' THEN (SELECT t2.title || ' (' || a.name || ')' FROM tasks t2 JOIN accounts a ON a.id = t2.account_id WHERE t2.id = u)
      WHEN 'escalation' THEN (SELECT e.title || ' (' || a.name || ')' FROM escalations e JOIN accounts a ON a.id = e.account_id WHERE e.id = u)
      WHEN 'activity' THEN (SELECT x.subject || ' (' || a.name || ')' FROM activities x JOIN accounts a ON a.id = x.account_id WHERE x.id = u)
      WHEN 'outcome' THEN (SELECT o.kind || ' (' || a.name || ')' FROM outcomes o JOIN accounts a ON a.id = o.account_id WHERE o.id = u)
      WHEN 'webhook' THEN (SELECT name FROM webhooks WHERE id = u)
      WHEN 'driver' THEN (SELECT name FROM drivers WHERE id = u)
      ELSE NULL
    END;
  ELSIF t IN ('outbound_allowlist', 'role_assignment') THEN
    label := oid;
  END IF;
  -- Deleted before the audit row was written: the name the change carried, if any.
  RETURN coalesce(label,
    CASE WHEN jsonb_typeof(changes -> 'name') = 'string' THEN changes ->> 'name' END,
    CASE WHEN jsonb_typeof(changes -> 'name') = 'object' THEN changes -> 'name' ->> 'from' END,
    CASE WHEN jsonb_typeof(changes -> 'title') = 'string' THEN changes ->> 'title' END);
END $$;
-- Rows written before this migration are not rewritten here (the log can be millions of rows): the
-- audit query names them at read time with the same function, for the page it returns.
