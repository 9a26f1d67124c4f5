-- Risk signals (issue 12, follow-up): withdrawing a signal raised by mistake, history imported from before
-- Canopy watched the account, and a shorter fade for hand-raised signals once resolved.

-- A withdrawn signal was raised by mistake: it never counts (not in the model, not in signalsAsOf), and stays
-- in the history marked as withdrawn. Its ended_at is set to its started_at so every "open" query leaves it out.
ALTER TABLE risk_signals ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE risk_signals ADD COLUMN withdrawn_by uuid REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE risk_signals ADD CONSTRAINT risk_signals_withdrawn_check
  CHECK (withdrawn_at IS NULL OR (source IN ('manual', 'rule', 'api') AND ended_at = started_at));

-- 'imported': history from before Canopy watched the account (the demo's past signals now, a CSV import later).
ALTER TABLE risk_signals DROP CONSTRAINT risk_signals_source_check;
ALTER TABLE risk_signals ADD CONSTRAINT risk_signals_source_check CHECK (source IN ('computed', 'manual', 'rule', 'api', 'imported'));

-- Resolved by hand means the person dealt with it: fade in two weeks, not two months (unless an admin changed it).
UPDATE signal_definitions SET half_life_days = 14, updated_at = now() WHERE kind = 'manual' AND builtin AND half_life_days = 60;
