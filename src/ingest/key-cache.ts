import type { WriteKey } from './service.js';

/**
 * How long a write-key lookup is reused. Every request of a busy SDK would otherwise cost one
 * query before any work; five seconds keeps that to one query per key per five seconds, and a
 * revoked (or newly created) key takes effect within five seconds.
 */
export const KEY_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * A short-lived memo of `resolve` per key string, unknown keys included (so guessing keys costs
 * one query per guess per five seconds at most). Bounded: when full, it starts over.
 */
export function createKeyCache(resolve: (key: string) => Promise<{ id: string; name: string } | null>, ttlMs = KEY_CACHE_MS) {
  const entries = new Map<string, { value: WriteKey | null; until: number }>();
  return {
    async get(key: string): Promise<WriteKey | null> {
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.until > now) return hit.value;
      const found = await resolve(key);
      const value = found ? { id: found.id, name: found.name } : null;
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(key, { value, until: now + ttlMs });
      return value;
    },
  };
}
