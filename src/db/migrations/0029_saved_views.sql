-- Saved views (issue 13): a named state {filters, columns, sort} of the portfolio or the task inbox,
-- personal or shared with the owner's team (team_id NULL on a shared view: shared with everyone).
-- A manager or admin may mark one shared view per scope and team as the team default; each user
-- picks their own default per scope (user_view_defaults), which wins over the team's.
CREATE TABLE saved_views (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope text NOT NULL CHECK (scope IN ('portfolio', 'inbox')),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  shared boolean NOT NULL DEFAULT false,
  team_id uuid REFERENCES teams(id) ON DELETE CASCADE,
  state jsonb NOT NULL CHECK (jsonb_typeof(state) = 'object' AND octet_length(state::text) <= 16384),
  team_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT team_default OR shared)
);
CREATE UNIQUE INDEX saved_views_owner_name_idx ON saved_views (owner_id, scope, lower(name));
-- At most one team default per scope and team (the NULL team, shared with everyone, counts as one team).
CREATE UNIQUE INDEX saved_views_team_default_idx ON saved_views (scope, coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE team_default;
CREATE INDEX saved_views_shared_idx ON saved_views (scope, team_id) WHERE shared;

CREATE TABLE user_view_defaults (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope text NOT NULL CHECK (scope IN ('portfolio', 'inbox')),
  view_id uuid NOT NULL REFERENCES saved_views(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, scope)
);
