import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/db.js';
import type { Database, Queryable } from '../db/connect.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createImportService, scanFile, type ImportService } from './service.js';
import type { ImportKind, Mapping, RowPlan } from './types.js';

/**
 * The engine end to end over a small kind defined here (it inserts accounts with SQL, keyed by
 * domain): dry run, stop and skip on error, cancel, resume after a crash, row isolation of a value
 * the database refuses, and the file checks. PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */

type Row = { name: string; domain: string; arr?: number; seats?: number };
const testKind: ImportKind<Row> = {
  name: 'accounts', label: 'Test accounts', allowsCustom: false, matchBy: ['domain'], modes: ['create', 'update', 'upsert'], chunkSize: 2,
  fields: [
    { key: 'name', label: 'Name', type: 'text', required: true, aliases: ['company'] },
    { key: 'domain', label: 'Domain', type: 'text', required: true, aliases: ['website'] },
    { key: 'arr', label: 'ARR', type: 'money', aliases: [] },
    { key: 'seats', label: 'Seats', type: 'decimal', aliases: [] },
  ],
  validate(row) {
    const v = row.values as Partial<Row>;
    if (!v.name) return { ok: false, issues: [{ column: 'name', message: 'Required' }] };
    if (!v.domain) return { ok: false, issues: [{ column: 'domain', message: 'Required' }] };
    if (v.arr !== undefined && v.arr < 0) return { ok: false, issues: [{ column: 'arr', message: 'Must not be negative' }] };
    return { ok: true, value: v as Row };
  },
  async plan(q, rows, ctx) {
    const { rows: found } = await q.query<{ id: string; domain: string }>('SELECT id, domain FROM accounts WHERE domain = ANY ($1::text[])', [rows.map((r) => r.value.domain)]);
    const byDomain = new Map(found.map((f) => [f.domain, f.id]));
    return rows.map((r): RowPlan<Row> => {
      const existing = byDomain.get(r.value.domain) ?? ctx.seen.get(r.value.domain);
      if (existing) return ctx.mode === 'create' ? { row: r.row, action: 'skip', reason: 'exists', column: 'domain' } : { row: r.row, action: 'update', value: r.value, targetId: existing };
      if (ctx.mode === 'update') return { row: r.row, action: 'skip', reason: 'not found', column: 'domain' };
      ctx.seen.set(r.value.domain, `row:${r.row}`);
      return { row: r.row, action: 'create', value: r.value };
    });
  },
  async write(rows, ctx) {
    const out = [];
    for (const p of rows) {
      const existing = (await ctx.tx.query<{ id: string }>('SELECT id FROM accounts WHERE domain = $1', [p.value.domain])).rows[0];
      if (existing) {
        await ctx.tx.query('UPDATE accounts SET name = $2, arr = coalesce($3, arr), seats = coalesce($4, seats) WHERE id = $1', [existing.id, p.value.name, p.value.arr ?? null, p.value.seats ?? null]);
        out.push({ row: p.row, action: 'update' as const, id: existing.id });
      } else {
        const { rows: [r] } = await ctx.tx.query<{ id: string }>('INSERT INTO accounts (name, domain, arr, seats) VALUES ($1, $2, $3, $4) RETURNING id', [p.value.name, p.value.domain, p.value.arr ?? 0, p.value.seats ?? null]);
        out.push({ row: p.row, action: 'create' as const, id: must(r).id });
      }
    }
    return out;
  },
};

/** The value, or the test fails here (instead of a non-null assertion). */
function must<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error('expected a value');
  return v;
}

let database: Database;
let drop: () => Promise<void>;
let dir: string;
let svc: ImportService;
let afterChunk: ((tx: Queryable, info: { importId: string; rowsDone: number }) => Promise<void>) | undefined;

beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-import-'));
  svc = createImportService({ database, dataDir: dir, jobs: null, kinds: { accounts: testKind as unknown as ImportKind<unknown> }, afterChunk: (tx, i) => afterChunk?.(tx, i) ?? Promise.resolve() });
});
afterAll(async () => {
  await drop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  afterChunk = undefined;
  await database.query('DELETE FROM accounts');
});

let n = 0;
async function importText(text: string | Buffer, opts: { mode?: 'create' | 'update' | 'upsert'; onError?: 'stop' | 'skip'; dryRun?: boolean; mapping?: Mapping } = {}) {
  const file = path.join(dir, `in-${++n}.csv`);
  fs.writeFileSync(file, text);
  const id = await svc.createFromPath({ kind: 'accounts', mode: opts.mode ?? 'upsert', onError: opts.onError ?? 'skip', dryRun: opts.dryRun ?? false, mapping: opts.mapping, fileName: 'in.csv', actor: SYSTEM_ACTOR }, file, await scanFile(file));
  return id;
}
const count = async () => Number((await database.query<{ n: string }>('SELECT count(*) AS n FROM accounts')).rows[0]?.n);
const GOOD = 'Company,Website,ARR\nAcme,acme.test,"$1,200.50"\nBeta,beta.test,300\nGamma,gamma.test,(5)\nDelta,delta.test,€40\nAcme Two,acme.test,10\n';

describe('import engine', () => {
  it('a dry run plans every row and writes nothing', async () => {
    const id = await importText(GOOD, { dryRun: true });
    const r = await svc.run(id);
    expect(r?.status).toBe('succeeded');
    expect(await count()).toBe(0);
    expect({ created: must(r).created, updated: must(r).updated, errors: must(r).errors, rows: must(r).rowsDone }).toEqual({ created: 3, updated: 1, errors: 1, rows: 5 });
    const v = await svc.view(id);
    expect(v.errors).toEqual([{ row: 3, column: 'arr', message: 'Must not be negative' }]);
    expect(v.rows.map((x) => x.action)).toEqual(['create', 'create', 'error', 'create', 'update']);
  });

  it('skip writes the good rows, records the bad ones with their record, and the second row of a key updates the first', async () => {
    const id = await importText(GOOD);
    const r = await svc.run(id);
    expect(r?.status).toBe('succeeded');
    expect(await count()).toBe(3);
    const acme = (await database.query<{ name: string; arr: string }>(`SELECT name, arr FROM accounts WHERE domain = 'acme.test'`)).rows[0];
    expect(acme).toEqual({ name: 'Acme Two', arr: '10.00' });
    const lines = [];
    for await (const l of svc.errorLines(id)) lines.push(l);
    expect(lines).toEqual([['Company', 'Website', 'ARR', 'error'], ['Gamma', 'gamma.test', '(5)', 'row 3: arr: Must not be negative']]);
    const audit = await database.query<{ action: string }>(`SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id`, [id]);
    expect(audit.rows.map((a) => a.action)).toEqual(['import.started', 'import.finished']);
  });

  it('stop on error writes nothing when any row is bad, and everything when none is', async () => {
    const bad = await svc.run(await importText(GOOD, { onError: 'stop' }));
    expect(bad?.status).toBe('failed');
    expect(bad?.message).toMatch(/nothing was written/);
    expect(await count()).toBe(0);
    const good = await svc.run(await importText('name,domain\nA,a.test\nB,b.test\nC,c.test\n', { onError: 'stop' }));
    expect(good?.status).toBe('succeeded');
    expect({ created: must(good).created, errors: must(good).errors, phase: must(good).phase }).toEqual({ created: 3, errors: 0, phase: 'write' });
    expect(await count()).toBe(3);
  });

  it('create-only skips existing keys and update-only skips unknown ones', async () => {
    await svc.run(await importText('name,domain\nA,a.test\n'));
    const c = await svc.run(await importText('name,domain\nA2,a.test\nB,b.test\n', { mode: 'create' }));
    expect({ created: must(c).created, skipped: must(c).skipped }).toEqual({ created: 1, skipped: 1 });
    const u = await svc.run(await importText('name,domain\nA3,a.test\nZ,z.test\n', { mode: 'update' }));
    expect({ updated: must(u).updated, skipped: must(u).skipped }).toEqual({ updated: 1, skipped: 1 });
    expect(await count()).toBe(2);
  });

  it('cancel stops between chunks: whole chunks written, status cancelled', async () => {
    const rows = Array.from({ length: 9 }, (_, i) => `N${i},n${i}.test`).join('\n');
    const id = await importText(`name,domain\n${rows}\n`);
    afterChunk = async (tx, info) => { if (info.rowsDone === 4) await tx.query('UPDATE imports SET cancel_requested_at = now() WHERE id = $1', [info.importId]); };
    const r = await svc.run(id);
    expect(r?.status).toBe('cancelled');
    expect(r?.rowsDone).toBe(4);
    expect(await count()).toBe(4);
    expect(r?.created).toBe(4);
  });

  it('a crash mid-way rolls back its chunk; the next run resumes from the checkpoint without duplicates', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => `N${i},n${i}.test`).join('\n');
    const id = await importText(`name,domain\n${rows}\n`);
    let crashed = false;
    afterChunk = async (_tx, info) => { if (info.rowsDone === 6 && !crashed) { crashed = true; throw new Error('power cut'); } };
    await expect(svc.run(id)).rejects.toThrow('power cut');
    const mid = await svc.store.get(id);
    expect({ status: must(mid).status, rowsDone: must(mid).rowsDone }).toEqual({ status: 'running', rowsDone: 4 });
    expect(await count()).toBe(4);
    const r = await svc.run(id);
    expect(r?.status).toBe('succeeded');
    expect({ rows: must(r).rowsDone, created: must(r).created, bytes: must(r).bytesDone }).toEqual({ rows: 7, created: 7, bytes: must(r).totalBytes });
    expect(await count()).toBe(7);
    expect(await svc.requeueStale()).toBe(0);
  });

  it('a value the database refuses is that row\u2019s error; the rest of its chunk is written', async () => {
    const id = await importText('name,domain,seats\nA,a.test,3\nB,b.test,3000000000\nC,c.test,4\n');
    const r = await svc.run(id);
    expect(r?.status).toBe('succeeded');
    expect({ created: must(r).created, errors: must(r).errors }).toEqual({ created: 2, errors: 1 });
    expect((await svc.view(id)).errors[0]).toMatchObject({ row: 2, column: null });
    expect(await count()).toBe(2);
  });

  it('a row with the wrong number of fields and a 10 MB cell are row errors; the others import', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const id = await importText(`name,domain\nA,a.test\nB,b.test,extra\n"${big}",c.test\nD,d.test\n`);
    const r = await svc.run(id);
    expect({ status: must(r).status, created: must(r).created, errors: must(r).errors }).toEqual({ status: 'succeeded', created: 2, errors: 2 });
    const v = await svc.view(id);
    expect(v.errors.map((e) => e.message)).toEqual(['The row has 3 fields; the header has 2', expect.stringMatching(/larger than 1 MB/)]);
  });

  it('reads UTF-16 with a BOM, Latin-1 and semicolons', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name;domain\nZoë;z.test\n', 'utf16le')]);
    const a = await svc.run(await importText(utf16));
    expect({ status: must(a).status, created: must(a).created, encoding: must(a).encoding }).toEqual({ status: 'succeeded', created: 1, encoding: 'utf-16le' });
    const latin = Buffer.from('name,domain\nCaf\xe9,cafe.test\n', 'latin1');
    const b = await svc.run(await importText(latin));
    expect({ status: must(b).status, encoding: must(b).encoding }).toEqual({ status: 'succeeded', encoding: 'latin1' });
    expect((await database.query<{ name: string }>(`SELECT name FROM accounts WHERE domain = 'cafe.test'`)).rows[0]?.name).toBe('Café');
  });

  it('refuses empty files, missing and duplicate headers, binary files and a mapping without a required field', async () => {
    await expect(importText('')).rejects.toMatchObject({ code: 'import.empty_file' });
    await expect(importText('\n\n')).rejects.toMatchObject({ code: 'import.empty_file' });
    await expect(importText('1,2026-01-01,3\n4,5,6\n')).rejects.toMatchObject({ code: 'import.no_header' });
    await expect(importText('name,Name\na,b\n')).rejects.toMatchObject({ code: 'import.duplicate_headers' });
    await expect(importText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0]))).rejects.toMatchObject({ code: 'import.binary_file' });
    await expect(importText('name,other\na,b\n')).rejects.toMatchObject({ code: 'import.invalid', message: expect.stringMatching(/Required field domain/) });
  });
});
