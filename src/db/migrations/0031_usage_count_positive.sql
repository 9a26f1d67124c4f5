-- Issue 14: every usage_daily row counts at least one event (ingestion adds 1 per event, imports
-- refuse a count below 1), and the health measure now relies on it: breadth, active days and days
-- since an event read only the primary key's columns, so PostgreSQL answers them from the index
-- alone (an index-only scan) instead of fetching every row from the table. A row with no events
-- says nothing (no events, so no users either); any left by an older version is dropped before the
-- check is added.
DELETE FROM usage_daily WHERE count < 1;
ALTER TABLE usage_daily ADD CONSTRAINT usage_daily_count_positive CHECK (count >= 1);
