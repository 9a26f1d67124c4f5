-- Idempotency-Key on the REST API's POSTs (src/idempotency/): the first answer to a request, kept
-- for 24 hours per principal ('user:<id>' or 'key:<id>') and key, and replayed for a repeat.
-- A row whose status is NULL is in progress: lock_token names the request that owns it (so an owner
-- whose lease was taken over cannot overwrite its successor's answer) and locked_at is its lease,
-- renewed while the request runs.
CREATE TABLE idempotency_keys (
  principal text NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  lock_token uuid,
  status integer,
  response text,
  content_type text,
  created_at timestamptz NOT NULL DEFAULT now(),
  locked_at timestamptz,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
