import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { contacts } from '../db/schema.js';
import type { Actor } from '../auth/principal.js';
import { diff, recordAudit } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { z } from 'zod';
import { cursorText, cursorTimestamp, decodeCursor, encodeCursor } from '../http/cursor.js';
import { isFkViolation, isUniqueViolation } from '../users/queries.js';
import type { Contact, ContactInput, ContactListQuery, ContactPatch } from './schema.js';

const SORT = {
  name: { asc: "lower(coalesce(c.name, c.email, ''))", desc: "lower(coalesce(c.name, c.email, ''))", cast: 'text', cursor: z.tuple([cursorText, z.guid()]) },
  lastSeenAt: {
    asc: "coalesce(c.last_seen_at, 'infinity'::timestamptz)", desc: "coalesce(c.last_seen_at, '-infinity'::timestamptz)", cast: 'timestamptz',
    cursor: z.tuple([cursorTimestamp, z.guid()]),
  },
} as const;

function toDto(c: typeof contacts.$inferSelect): Contact {
  return {
    id: c.id, accountId: c.accountId, externalId: c.externalId, email: c.email, name: c.name, title: c.title, role: c.role,
    phone: c.phone, custom: c.custom, lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
    active: c.deactivatedAt == null, deactivatedAt: c.deactivatedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
  };
}

function mapWriteError(err: unknown): never {
  if (isUniqueViolation(err)) throw new AppError('contact.external_id_taken', undefined, [{ path: 'externalId', message: 'already used by another contact' }]);
  if (isFkViolation(err)) throw new AppError('account.not_found', undefined, [{ path: 'accountId', message: 'no such account' }]);
  throw err;
}

function toColumns(input: Partial<ContactInput> & { active?: boolean | undefined }) {
  const c: Partial<typeof contacts.$inferInsert> = {};
  for (const k of ['accountId', 'name', 'email', 'title', 'role', 'phone', 'externalId'] as const) {
    if (input[k] !== undefined) (c as Record<string, unknown>)[k] = input[k] ?? null;
  }
  if (input.custom !== undefined) c.custom = input.custom;
  // Deactivating keeps the first departure's time; reactivating clears it (contact_role_changes keeps both).
  if (input.active !== undefined) c.deactivatedAt = input.active ? null : sql`coalesce(${contacts.deactivatedAt}, now())` as unknown as Date;
  return c;
}

export function createContactQueries(database: Database) {
  const { db } = database;
  return {
    async get(id: string): Promise<Contact | null> {
      const [row] = await db.select().from(contacts).where(eq(contacts.id, id));
      return row ? toDto(row) : null;
    },

    async list(q: ContactListQuery) {
      const desc = q.sort.startsWith('-');
      const key = SORT[q.sort.replace(/^-/, '') as keyof typeof SORT];
      const expr = desc ? key.desc : key.asc;
      const values: unknown[] = [];
      const where: string[] = [];
      const param = (v: unknown) => `$${values.push(v)}`;
      if (q.accountId) where.push(`c.account_id = ${param(q.accountId)}`);
      if (q.role) where.push(`c.role = ${param(q.role)}`);
      if (q.search) {
        const p = param(`%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
        where.push(`(c.name ILIKE ${p} OR c.email ILIKE ${p} OR c.title ILIKE ${p})`);
      }
      if (q.cursor) {
        const [v, id] = decodeCursor(q.cursor, key.cursor);
        where.push(`(${expr}, c.id) ${desc ? '<' : '>'} (${param(v)}::${key.cast}, ${param(id)}::uuid)`);
      }
      const dir = desc ? 'DESC' : 'ASC';
      const { rows } = await database.query<{ id: string; sort_value: string }>(
        `SELECT c.id, (${expr})::text AS sort_value FROM contacts c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY ${expr} ${dir}, c.id ${dir} LIMIT ${param(q.limit + 1)}`,
        values,
      );
      const page = rows.slice(0, q.limit);
      const full = page.length
        ? await db.select().from(contacts).where(inArray(contacts.id, page.map((r) => r.id)))
        : [];
      const byId = new Map(full.map((c) => [c.id, c]));
      const last = page[page.length - 1];
      return {
        items: page.flatMap((r) => {
          const c = byId.get(r.id);
          return c ? [toDto(c)] : [];
        }),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.sort_value, last.id]) : null,
      };
    },

    async create(input: ContactInput, actor: Actor): Promise<Contact> {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx.insert(contacts).values(toColumns(input)).returning();
          if (!row) throw new Error('insert returned no row');
          await recordAudit(tx, actor, 'contact.create', 'contact', row.id, input);
          return toDto(row);
        });
      } catch (err) {
        mapWriteError(err);
      }
    },

    async update(id: string, patch: ContactPatch, actor: Actor): Promise<Contact> {
      const before = await this.get(id);
      if (!before) throw new AppError('contact.not_found');
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx.update(contacts).set({ ...toColumns(patch), updatedAt: sql`now()` }).where(eq(contacts.id, id)).returning();
          if (!row) throw new AppError('contact.not_found');
          await recordAudit(tx, actor, 'contact.update', 'contact', id, diff(before as unknown as Record<string, unknown>, patch));
          return toDto(row);
        });
      } catch (err) {
        if (err instanceof AppError) throw err;
        mapWriteError(err);
      }
    },

    async remove(id: string, actor: Actor): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx.delete(contacts).where(eq(contacts.id, id)).returning({ name: contacts.name, email: contacts.email });
        const row = rows[0];
        if (!row) return false;
        await recordAudit(tx, actor, 'contact.delete', 'contact', id, { name: row.name, email: row.email });
        return true;
      });
    },
  };
}
export type ContactQueries = ReturnType<typeof createContactQueries>;
