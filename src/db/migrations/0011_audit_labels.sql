-- The audit log names outbox messages (an approval, a retry or a cancel of an outbound message
-- read as a UUID): the same function as migration 0008, with 'outbound_message' added. Older rows
-- whose object_label is NULL are named at read time by the audit query with this function.
CREATE OR REPLACE FUNCTION audit_object_label(t text, oid text, changes jsonb) RETURNS text LANGUAGE plpgsql STABLE AS $$
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
      -- An outbox message: what it is and to whom (a Slack message's recipient is a channel or webhook, not shown).
      WHEN 'outbound_message' THEN (SELECT CASE WHEN m.channel = 'slack' THEN 'Slack message'
                                              ELSE 'e-mail ' || coalesce('"' || nullif(m.subject, '') || '" ', '') || 'to ' || m.recipient END
                                      FROM outbound_messages m WHERE m.id = u)
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
