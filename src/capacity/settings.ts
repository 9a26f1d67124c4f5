import type { Queryable } from '../db/connect.js';
import { capacitySettings, type CapacitySettings } from './schema.js';

/** app_settings key of the default capacity; a missing key (or a value that no longer parses) is the default. */
export const SETTINGS_KEY = 'capacity.defaults';
export const DEFAULT_SETTINGS: CapacitySettings = { defaultSpoons: 10, period: 'week' };

export async function readCapacitySettings(q: Queryable): Promise<CapacitySettings> {
  const { rows } = await q.query<{ value: unknown }>('SELECT value FROM app_settings WHERE key = $1', [SETTINGS_KEY]);
  const parsed = capacitySettings.safeParse(rows[0]?.value);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function writeCapacitySettings(q: Queryable, value: CapacitySettings, by: string | null): Promise<CapacitySettings> {
  await q.query(
    `INSERT INTO app_settings (key, value, updated_by, updated_at) VALUES ($1, $2::jsonb, $3, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [SETTINGS_KEY, JSON.stringify(value), by],
  );
  return value;
}
