import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { apiKeys, users } from '../db/schema.js';
import type { Actor, ApiKeyRole } from '../auth/principal.js';
import { sha256 } from '../auth/tokens.js';
import { recordAudit } from '../audit/record.js';
import { generateApiKey, type ApiKeyKind } from './keys.js';

export type ApiKeyDto = {
  id: string; name: string; kind: ApiKeyKind; role: ApiKeyRole | null; prefix: string;
  createdAt: string; lastUsedAt: string | null; revokedAt: string | null; createdByName: string | null;
};

export function createApiKeyQueries(database: Database) {
  const { db } = database;
  const touch = (id: string) =>
    database.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  return {
    async create(input: { name: string; kind: ApiKeyKind; role?: ApiKeyRole | undefined }, actor: Actor): Promise<{ apiKey: ApiKeyDto; key: string }> {
      const { key, hash, prefix } = generateApiKey(input.kind);
      const role = input.kind === 'rest' ? (input.role ?? 'viewer') : null;
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(apiKeys)
          .values({ name: input.name, kind: input.kind, role, keyHash: hash, prefix, createdBy: actor.type === 'user' ? actor.id : null })
          .returning({ id: apiKeys.id });
        if (!row) throw new Error('insert returned no row');
        await recordAudit(tx, actor, 'api_key.create', 'api_key', row.id, { name: input.name, kind: input.kind, role });
        return row.id;
      });
      const apiKey = await this.get(id);
      if (!apiKey) throw new Error('created key not found');
      return { apiKey, key };
    },

    async list(): Promise<ApiKeyDto[]> {
      const rows = await db
        .select({ k: apiKeys, createdByName: users.name })
        .from(apiKeys)
        .leftJoin(users, eq(users.id, apiKeys.createdBy))
        .orderBy(desc(apiKeys.createdAt));
      return rows.map(({ k, createdByName }) => toDto(k, createdByName));
    },

    async get(id: string): Promise<ApiKeyDto | null> {
      const [row] = await db
        .select({ k: apiKeys, createdByName: users.name })
        .from(apiKeys)
        .leftJoin(users, eq(users.id, apiKeys.createdBy))
        .where(eq(apiKeys.id, id));
      return row ? toDto(row.k, row.createdByName) : null;
    },

    async revoke(id: string, actor: Actor): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(apiKeys)
          .set({ revokedAt: sql`now()` })
          .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id, name: apiKeys.name });
        const row = rows[0];
        if (row) await recordAudit(tx, actor, 'api_key.revoke', 'api_key', id, { name: row.name });
        return rows.length > 0 || (await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id))).length > 0;
      });
    },

    /** The live key of `kind` whose plaintext is `key`, or null. */
    async resolve(key: string, kind: ApiKeyKind): Promise<{ id: string; name: string; role: ApiKeyRole | null } | null> {
      const { rows } = await database.query<{ id: string; name: string; role: ApiKeyRole | null }>(
        'SELECT id, name, role FROM api_keys WHERE key_hash = $1 AND kind = $2 AND revoked_at IS NULL',
        [sha256(key), kind],
      );
      const row = rows[0];
      if (row) await touch(row.id);
      return row ?? null;
    },
  };
}
export type ApiKeyQueries = ReturnType<typeof createApiKeyQueries>;

function toDto(k: typeof apiKeys.$inferSelect, createdByName: string | null): ApiKeyDto {
  return {
    id: k.id, name: k.name, kind: k.kind, role: k.role, prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdByName,
  };
}
