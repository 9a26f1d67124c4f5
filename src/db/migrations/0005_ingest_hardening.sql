-- Ingestion hardening: when a client's timestamp is unreadable or implausible (more than five
-- years before or a day after receivedAt, also after clock-skew correction), the event is stored
-- at receivedAt and this column keeps what the client sent and why it was not used. NULL for
-- every event whose own time was used.
ALTER TABLE events ADD COLUMN time_fallback jsonb;
