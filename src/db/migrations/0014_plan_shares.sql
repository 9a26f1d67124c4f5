-- The customer-facing shared link of a success plan (issue 10). Only the SHA-256 of a link's
-- token is kept (hex), so the database never holds a working link; the unique index is the lookup.
-- One live (not revoked) link per plan: a new link revokes the previous one in the same transaction.

CREATE TABLE plan_shares (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid NOT NULL REFERENCES success_plans(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users(id) ON DELETE SET NULL,
  allow_customer_updates boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX plan_shares_one_live_idx ON plan_shares (plan_id) WHERE revoked_at IS NULL;
CREATE INDEX plan_shares_plan_idx ON plan_shares (plan_id, created_at DESC);

-- Each view of the page or its data: when, through which link, and the browser (cut to 300
-- characters). No IP address is kept, in clear or otherwise.
CREATE TABLE plan_share_views (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  share_id uuid NOT NULL REFERENCES plan_shares(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  user_agent text CHECK (char_length(user_agent) <= 300)
);
CREATE INDEX plan_share_views_share_idx ON plan_share_views (share_id, at DESC);

-- A comment left by the customer through a link, signed with the contact they chose on the page.
-- contact_name keeps who it was if the contact is deleted later.
CREATE TABLE plan_comments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid NOT NULL REFERENCES success_plans(id) ON DELETE CASCADE,
  share_id uuid REFERENCES plan_shares(id) ON DELETE SET NULL,
  contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
  contact_name text NOT NULL,
  goal_id uuid REFERENCES plan_goals(id) ON DELETE SET NULL,
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_comments_plan_idx ON plan_comments (plan_id, created_at DESC);
