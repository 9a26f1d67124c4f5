-- CSV imports (issue 13): one row per import (a dry run or a real run), the rows worth showing
-- (every error with its original record, the first 1,000 others), and saved column mappings.

CREATE TABLE imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  dry_run boolean NOT NULL,
  mode text NOT NULL CHECK (mode IN ('create', 'update', 'upsert')),
  on_error text NOT NULL CHECK (on_error IN ('stop', 'skip')),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  file_name text NOT NULL,
  file_sha256 text NOT NULL,
  -- The stored upload is <dataDir>/imports/<file_id>.csv (a re-run of a dry run reads its source's file);
  -- the CLI reads the file where it lies (file_path).
  file_id uuid,
  file_path text,
  total_bytes bigint NOT NULL,
  encoding text,
  delimiter text,
  header jsonb,
  mapping jsonb NOT NULL,
  options jsonb NOT NULL DEFAULT '{}',
  -- 'check': the dry pass that onError = stop runs before writing; 'write': the pass that writes (or the dry run itself).
  phase text NOT NULL DEFAULT 'write' CHECK (phase IN ('check', 'write')),
  -- The process that holds the run (claimed when it starts or resumes); a checkpoint from another one is refused.
  runner uuid,
  -- Times a process took the run (a start, then each resume); the engine gives up past a few.
  attempts integer NOT NULL DEFAULT 0,
  rows_done integer NOT NULL DEFAULT 0,
  bytes_done bigint NOT NULL DEFAULT 0,
  created_count integer NOT NULL DEFAULT 0,
  updated_count integer NOT NULL DEFAULT 0,
  skipped_count integer NOT NULL DEFAULT 0,
  error_count integer NOT NULL DEFAULT 0,
  -- Rows kept in import_rows that are not errors (capped at 1,000).
  kept_rows integer NOT NULL DEFAULT 0,
  message text,
  cancel_requested_at timestamptz,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  actor_id text,
  actor_label text NOT NULL,
  source_import_id uuid REFERENCES imports(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  heartbeat_at timestamptz
);
CREATE INDEX imports_created_at_idx ON imports (created_at DESC, id DESC);
CREATE INDEX imports_running_idx ON imports (status) WHERE status IN ('queued', 'running');
-- A dry run is run for real once: a second click (or two at once) must not import the file twice.
CREATE UNIQUE INDEX imports_run_once_idx ON imports (source_import_id) WHERE source_import_id IS NOT NULL;

CREATE TABLE import_rows (
  import_id uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  row integer NOT NULL,
  seq integer NOT NULL DEFAULT 0,
  action text NOT NULL CHECK (action IN ('create', 'update', 'skip', 'error')),
  column_name text,
  message text,
  raw jsonb,
  PRIMARY KEY (import_id, row, seq)
);
CREATE INDEX import_rows_errors_idx ON import_rows (import_id, row) WHERE action = 'error';

CREATE TABLE import_mappings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL,
  mapping jsonb NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX import_mappings_kind_name_idx ON import_mappings (kind, lower(name));
