-- Historical usage import (issue 13, part D): daily counts, usage without a user, old months.

-- A stored event may stand for several: an imported daily count is one row carrying its count.
-- Live messages keep 1. NOT VALID: every existing row holds the default, no scan needed.
ALTER TABLE events ADD COLUMN count integer NOT NULL DEFAULT 1;
ALTER TABLE events ADD CONSTRAINT events_count_check CHECK (count >= 1) NOT VALID;

-- Usage that names no user (account-level exports): counted in count, and here, so that the
-- "active users" measures can tell "no users known" from "nobody used it".
ALTER TABLE usage_daily ADD COLUMN unattributed integer NOT NULL DEFAULT 0;

-- Message ids of imported usage already stored (md5 of the id, as a uuid): re-importing a file
-- adds nothing. Imports have no write key, so ingest_dedupe (pruned after days) does not apply.
CREATE TABLE usage_import_ids (
  key uuid PRIMARY KEY
);

-- Monthly partitions for the months of these days (imported history predates the rolling window
-- canopy_ensure_event_partitions keeps). A month whose rows already sit in the default partition
-- stays there, as in canopy_ensure_event_partitions.
CREATE FUNCTION canopy_ensure_event_months(days date[]) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  m date;
  created int := 0;
  part text;
BEGIN
  FOR m IN SELECT DISTINCT date_trunc('month', d)::date FROM unnest(days) AS d WHERE d IS NOT NULL ORDER BY 1 LOOP
    part := 'events_' || to_char(m, 'YYYY_MM');
    IF to_regclass(part) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
          part, m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        created := created + 1;
      EXCEPTION WHEN check_violation OR invalid_object_definition THEN
        NULL;
      END;
    END IF;
  END LOOP;
  RETURN created;
END $$;
