-- Issue 13, import kinds (part B): support tickets as activities, `retained` outcomes, and what
-- imports need to find their rows again.

-- A support ticket is its own activity kind, with the helpdesk's priority and status. Tickets are
-- reactive work (src/activities/proactive.ts infers proactive = false for them).
ALTER TABLE activities DROP CONSTRAINT activities_kind_check;
ALTER TABLE activities ADD CONSTRAINT activities_kind_check
  CHECK (kind IN ('call', 'meeting', 'email', 'note', 'qbr', 'escalation', 'ticket'));
ALTER TABLE activities ADD COLUMN ticket_priority text CHECK (ticket_priority IN ('low', 'normal', 'high', 'urgent'));
ALTER TABLE activities ADD COLUMN ticket_status text CHECK (ticket_status IN ('open', 'pending', 'solved', 'closed'));
ALTER TABLE activities ADD CONSTRAINT activities_ticket_fields_check
  CHECK (kind = 'ticket' OR (ticket_priority IS NULL AND ticket_status IS NULL));
-- The id the source system gave it (the import's dedupe key: importing it again updates it).
ALTER TABLE activities ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX activities_external_id_key ON activities (external_id) WHERE external_id IS NOT NULL;
-- Support events per account and day (risk's support spike, health's ticket drivers).
CREATE INDEX activities_tickets_idx ON activities (account_id, occurred_at) WHERE kind = 'ticket';

-- `retained`: still a customer as of that day, no renewal happened (the outcomes import's
-- retainedAsOf option). Counted as retained by driver impact, risk evaluation and reviews.
ALTER TABLE outcomes DROP CONSTRAINT outcomes_kind_check;
ALTER TABLE outcomes ADD CONSTRAINT outcomes_kind_check
  CHECK (kind IN ('renewed', 'expanded', 'churned', 'downgraded', 'retained'));
ALTER TABLE outcomes ADD COLUMN reason text CHECK (length(reason) <= 2000);
ALTER TABLE outcomes ADD COLUMN source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'demo'));
