-- One set of numbers (issue 9 §4).

-- Effective health: a CSM's override while it is valid (not cleared, not expired), else the
-- computed health. Every list and decision reads this view (portfolio, dashboard, rules, call
-- advice); account_health stays the computed truth and is shown beside it. The band of an
-- override follows the thresholds of src/health/score.ts (good >= 70, watch >= 40).
-- Based on account_health: an account is in it once it has been scored (or found to have no data).
CREATE VIEW account_health_effective AS
SELECT h.account_id,
       coalesce(o.score, h.score) AS score,
       CASE WHEN o.score IS NULL THEN h.band WHEN o.score >= 70 THEN 'good' WHEN o.score >= 40 THEN 'watch' ELSE 'poor' END AS band,
       CASE WHEN o.score IS NULL THEN 'computed' ELSE 'override' END AS source,
       h.score AS computed_score,
       h.band AS computed_band,
       h.state, h.stage, h.drivers, h.computed_at,
       o.id AS override_id,
       o.expires_at AS override_expires_at
  FROM account_health h
  LEFT JOIN LATERAL (
    SELECT x.id, x.score, x.expires_at FROM health_overrides x
     WHERE x.account_id = h.account_id AND x.cleared_at IS NULL AND x.expires_at > now()
     ORDER BY x.created_at DESC LIMIT 1
  ) o ON true;

-- Setting or clearing an override changes the effective health: evaluate the account's rules
-- again (within a minute). An override that simply expires is seen by the hourly sweep.
CREATE FUNCTION rule_dirty_from_override() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rule_dirty (account_id, cause) VALUES (NEW.account_id, 'override')
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER health_overrides_mark_rules AFTER INSERT OR UPDATE ON health_overrides
  FOR EACH ROW EXECUTE FUNCTION rule_dirty_from_override();

-- Drivers named by what they measure. Only drivers still carrying the shipped default name are
-- renamed: a name someone chose stays.
UPDATE drivers SET name = 'Usage trend (events, 14 days vs the 14 before)', updated_at = now()
 WHERE key = 'usage_trend' AND name = 'Weekly active usage trend';
UPDATE drivers SET name = 'Daily active users as % of seats (28-day average)', updated_at = now()
 WHERE key = 'seat_utilization' AND name = 'Seats active ÷ seats';
UPDATE drivers SET name = 'Features used (distinct events, 28 days)', updated_at = now()
 WHERE key = 'feature_breadth' AND name = 'Breadth of features used';
UPDATE drivers SET name = 'Activation milestones done (of 3, 90 days)', updated_at = now()
 WHERE key = 'activation' AND name = 'Activation milestones';
UPDATE drivers SET name = 'Days since an executive sponsor used the product', updated_at = now()
 WHERE key = 'executive_engagement' AND name = 'Days since an executive sponsor was active';
