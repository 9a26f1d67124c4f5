import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Database } from '../db/connect.js';
import { createTestDatabase } from '../../test/support/db.js';
import { newToken, redactPublicLinks, redactPublicLinksSql } from './token.js';

/** The outbox redacts stored messages in SQL: the same result as the function the APIs use. */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let database: Database;
beforeAll(async () => {
  db = await createTestDatabase();
  database = db.database;
});
afterAll(() => db?.drop());

describe('redactPublicLinksSql', () => {
  it('agrees with redactPublicLinks on texts with and without links', async () => {
    const link = fc.tuple(fc.constantFrom('/s/', '/c/', '/shared/plans/', 'https://h.test/s/', '/s/x'), fc.constant(null).map(() => newToken()), fc.constantFrom('', '?score=3', '/confirm', 'A', ' '))
      .map((p) => p.join(''));
    // PostgreSQL text holds no NUL character.
    const text = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replaceAll('\u0000', ''));
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(text, link), { maxLength: 6 }), async (parts) => {
      const input = parts.join('');
      const { rows: [r] } = await database.query<{ out: string }>(`SELECT ${redactPublicLinksSql('$1::text')} AS out`, [input]);
      expect(r?.out).toBe(redactPublicLinks(input));
    }), { numRuns: 150 });
  });
});
