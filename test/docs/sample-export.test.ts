import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { OWNER_EMAILS, SAMPLE_DIR, sampleExport, type SampleFiles } from '../../scripts/sample-export.js';

const files = sampleExport();
const read = (name: keyof SampleFiles) => parse(files[name], { columns: true }) as Record<string, string>[];

describe('the sample export in docs/sample-export', () => {
  it('is what scripts/sample-export.ts writes, byte for byte, and the same on every run', () => {
    expect(sampleExport()).toEqual(files);
    for (const [name, text] of Object.entries(files)) expect(fs.readFileSync(path.join(SAMPLE_DIR, `${name}.csv`), 'utf8'), name).toBe(text);
    const total = Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0);
    expect(total).toBeLessThan(1_000_000);
  });

  it('has 60 accounts with unique ids, domains and names, MRR as $1,234.00 and sign-up dates whose day tells the format', () => {
    const accounts = read('accounts');
    expect(accounts).toHaveLength(60);
    for (const key of ['Account ID', 'Website', 'Company']) expect(new Set(accounts.map((a) => a[key])).size).toBe(60);
    for (const a of accounts) expect(a.mrr_amount).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
    expect(accounts.some((a) => /^\$\d{1,3},\d{3}\.\d{2}$/.test(a.mrr_amount ?? ''))).toBe(true);
    const days = accounts.map((a) => Number((a['Signup Date'] ?? '').split('/')[0]));
    expect(accounts.every((a) => /^\d{2}\/\d{2}\/\d{4}$/.test(a['Signup Date'] ?? ''))).toBe(true);
    expect(days.some((d) => d > 12)).toBe(true);
    expect(accounts.every((a) => a['Owner Email'] === '' || OWNER_EMAILS.includes(a['Owner Email'] ?? ''))).toBe(true);
  });

  it('names only those accounts from the other files, by id, domain or name', () => {
    const accounts = read('accounts');
    const ids = new Set(accounts.map((a) => a['Account ID']));
    const domains = new Set(accounts.map((a) => new URL(a.Website ?? '').hostname.replace(/^www\./, '')));
    const names = new Set(accounts.map((a) => a.Company));
    expect(read('subscriptions').every((s) => ids.has(s['Customer ID']))).toBe(true);
    expect(read('contacts').every((c) => ids.has(c['Account ID']))).toBe(true);
    expect(read('outcomes').every((o) => ids.has(o['Account ID']))).toBe(true);
    expect(read('usage_daily').every((u) => domains.has(u.company_domain ?? ''))).toBe(true);
    expect(read('tickets').every((t) => names.has(t.Organization))).toBe(true);
  });

  it('holds two years of subscriptions with churns, expansions and contractions, and outcomes in the source words', () => {
    const subs = read('subscriptions');
    const starts = subs.map((s) => s['Start Date'] ?? '').sort();
    expect(starts[0] ?? '').toMatch(/^2024-/);
    expect(new Set(subs.map((s) => s.Status))).toEqual(new Set(['active', 'ended', 'canceled']));
    const kinds = new Set(read('outcomes').map((o) => o.Event));
    expect(kinds).toEqual(new Set(['renewal', 'expansion', 'contraction', 'churn']));
  });

  it('has about 150 contacts with first and last names and roles to map, 120 days of usage (some rows without users) and tickets', () => {
    const contacts = read('contacts');
    expect(contacts.length).toBeGreaterThanOrEqual(140);
    expect(contacts.length).toBeLessThanOrEqual(170);
    expect(new Set(contacts.map((c) => c.Role))).toEqual(new Set(['Champion', 'Economic Buyer', 'Admin', 'End User']));
    const usage = read('usage_daily');
    expect(new Set(usage.map((u) => u.date)).size).toBe(120);
    expect(usage.some((u) => u.active_users === '')).toBe(true);
    expect(usage.every((u) => Number(u.event_count) >= 1)).toBe(true);
    const tickets = read('tickets');
    expect(tickets.length).toBeGreaterThan(50);
    expect(new Set(tickets.map((t) => t.Priority))).toEqual(new Set(['Low', 'Normal', 'High', 'Urgent']));
  });
});
