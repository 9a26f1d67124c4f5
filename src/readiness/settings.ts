import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './quadrant.js';
import { settingsBody, type ReadinessSettings } from './schema.js';

/**
 * The readiness thresholds (app_settings 'readiness.thresholds'): importance and confidence at or
 * above them are "high". A missing key is the default (7 and 7); the value is validated on write.
 */
export const SETTINGS_KEY = 'readiness.thresholds';

const toThresholds = (s: ReadinessSettings): Thresholds => ({ importance: s.importanceThreshold, confidence: s.confidenceThreshold });
export const toSettings = (t: Thresholds): ReadinessSettings => ({ importanceThreshold: t.importance, confidenceThreshold: t.confidence });

export async function readThresholds(q: Queryable): Promise<Thresholds> {
  const { rows } = await q.query<{ value: unknown }>('SELECT value FROM app_settings WHERE key = $1', [SETTINGS_KEY]);
  if (!rows[0]) return DEFAULT_THRESHOLDS;
  const parsed = settingsBody.safeParse(rows[0].value);
  // Written only through writeThresholds (validated); a row that does not parse was written by hand.
  if (!parsed.success) throw new Error(`app_settings '${SETTINGS_KEY}' holds an invalid value: ${parsed.error.message}`);
  return toThresholds(parsed.data);
}

export async function writeThresholds(q: Queryable, value: ReadinessSettings, actor: Actor): Promise<ReadinessSettings> {
  const before = toSettings(await readThresholds(q));
  await q.query(
    `INSERT INTO app_settings (key, value, updated_by, updated_at) VALUES ($1, $2::jsonb, $3, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [SETTINGS_KEY, JSON.stringify(value), actor.type === 'user' ? actor.id : null],
  );
  await recordAuditRaw(q, actor, [{ action: 'settings.update', objectType: 'app_settings', objectId: SETTINGS_KEY, objectLabel: SETTINGS_KEY, changes: { from: before, to: value } }]);
  return value;
}
