import { describe, expect, it } from 'vitest';
import { digestBody } from './digest.js';

describe('digestBody', () => {
  it('lists accounts by ARR with why each needs a call', () => {
    const { title, body } = digestBody([
      { id: '1', name: 'Small Co', arr: 5000, band: 'watch', calls: [], overdue: ['Send QBR deck (due 2025-02-27)'] },
      { id: '2', name: 'Big Co', arr: 250000, band: 'poor', calls: ['Health dropped to poor; 2 rules fired this week'], overdue: [] },
    ], '2025-03-01');
    expect(title).toBe('Daily digest: 2 accounts need you today');
    const lines = body.split('\n');
    expect(lines[0]).toBe('Accounts that need you today (2025-03-01):');
    expect(lines[2]).toBe('• Big Co — ARR 250,000 — health poor');
    expect(lines[3]).toBe('  - Call: Health dropped to poor; 2 rules fired this week');
    expect(lines[4]).toBe('• Small Co — ARR 5,000 — health watch');
    expect(lines[5]).toBe('  - Overdue: Send QBR deck (due 2025-02-27)');
  });
  it('says one account in the singular and cuts long lists', () => {
    expect(digestBody([{ id: '1', name: 'A', arr: 1, band: null, calls: ['x'], overdue: [] }], 'd').title).toBe('Daily digest: 1 account needs you today');
    const many = Array.from({ length: 30 }, (_, i) => ({ id: String(i), name: `A${i}`, arr: i, band: null, calls: ['x'], overdue: [] }));
    expect(digestBody(many, 'd').body).toContain('…and 5 more in your inbox.');
  });
});
