import { and, desc, eq, getTableColumns, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connect.js';
import { auditLog } from '../db/schema.js';
import { z } from 'zod';
import { cursorSerial, cursorTimestamp, decodeCursor, encodeCursor } from '../http/cursor.js';

const auditCursor = z.tuple([cursorTimestamp, cursorSerial]);

export type AuditFilter = { objectType?: string | undefined; objectId?: string | undefined; action?: string | undefined; cursor?: string | undefined; limit: number };

export function createAuditQueries(db: Db) {
  return {
    async list(f: AuditFilter) {
      const where: SQL[] = [];
      if (f.objectType) where.push(eq(auditLog.objectType, f.objectType));
      if (f.objectId) where.push(eq(auditLog.objectId, f.objectId));
      if (f.action) where.push(eq(auditLog.action, f.action));
      if (f.cursor) {
        const [at, id] = decodeCursor(f.cursor, auditCursor);
        const atDate = new Date(at);
        const cond = or(lt(auditLog.at, atDate), and(eq(auditLog.at, atDate), lt(auditLog.id, id)));
        if (cond) where.push(cond);
      }
      const rows = await db
        .select({
          ...getTableColumns(auditLog),
          // Rows without a stored name (from before migration 0008, or of a type the function learnt
          // later, like outbox messages in 0011): name what still exists, with the current function.
          objectLabel: sql<string | null>`coalesce(${auditLog.objectLabel}, audit_object_label(${auditLog.objectType}, ${auditLog.objectId}, ${auditLog.changes}))`,
        })
        .from(auditLog)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(f.limit + 1);
      const page = rows.slice(0, f.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({ ...r, at: r.at.toISOString() })),
        nextCursor: rows.length > f.limit && last ? encodeCursor([last.at.toISOString(), last.id]) : null,
      };
    },
  };
}
