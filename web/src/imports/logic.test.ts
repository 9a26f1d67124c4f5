import { describe, expect, it } from 'vitest';
import { normalizePreview, type FieldSpec } from './api';
import { formatBytes, formatDuration, mappingProblems, percentDone, progressRate } from './logic';

const fields: FieldSpec[] = [
  { key: 'name', label: 'Name', type: 'text', required: true },
  { key: 'domain', label: 'Domain', type: 'text' },
  { key: 'renewalDate', label: 'Renewal date', type: 'date' },
  { key: 'mrr', label: 'MRR', type: 'money' },
];

describe('import screens: figures', () => {
  it('writes sizes and durations for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1024 ** 3)).toBe('1 GB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatDuration(12)).toBe('12 s');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(4000)).toBe('1 h 6 min');
    expect(formatDuration(null)).toBe('—');
  });

  it('works out rate and time left from two readings, and says nothing before it can', () => {
    expect(progressRate(null, null, 100).secondsLeft).toBeNull();
    const r = progressRate({ at: 0, rows: 0, bytes: 0 }, { at: 2000, rows: 1000, bytes: 200 }, 1000);
    expect(r.rowsPerSec).toBe(500);
    expect(r.bytesPerSec).toBe(100);
    expect(r.secondsLeft).toBe(8);
    expect(progressRate({ at: 0, rows: 0, bytes: 0 }, { at: 1000, rows: 10, bytes: 10 }, null).secondsLeft).toBeNull();
    expect(percentDone(50, 200)).toBe(25);
    expect(percentDone(300, 200)).toBe(100);
    expect(percentDone(5, null)).toBeNull();
  });
});

describe('import screens: the mapping', () => {
  const columns = [{ name: 'Company' }, { name: 'Renewal date', ambiguous: true }, { name: 'mrr_amount' }, { name: 'Notes' }];

  it('blocks a date column without a format (never a guess), a field mapped twice and a required field left out', () => {
    const ok = { columns: { Company: { field: 'name' }, 'Renewal date': { field: 'renewalDate', format: 'DD/MM/YYYY' }, mrr_amount: { field: 'mrr' }, Notes: { field: 'ignore' } } };
    expect(mappingProblems(ok, columns, fields)).toEqual([]);
    const noFormat = { columns: { ...ok.columns, 'Renewal date': { field: 'renewalDate' } } };
    expect(mappingProblems(noFormat, columns, fields)).toEqual([{ column: 'Renewal date', message: expect.stringContaining('Pick the date format') }]);
    const twice = { columns: { ...ok.columns, Notes: { field: 'name' } } };
    expect(mappingProblems(twice, columns, fields).map((p) => p.column)).toEqual(['Notes']);
    const noName = { columns: { ...ok.columns, Company: { field: 'ignore' } } };
    expect(mappingProblems(noName, columns, fields)).toEqual([{ column: null, message: 'Name is required: map a column to it.' }]);
    const emptyCustom = { columns: { ...ok.columns, Notes: { field: 'custom:' } } };
    expect(mappingProblems(emptyCustom, columns, fields).map((p) => p.column)).toEqual(['Notes']);
  });

  it('reads a preview whose columns are names and whose sample rows are records', () => {
    const p = normalizePreview({
      columns: ['Company', 'Renewal date'],
      suggestedMapping: { columns: { Company: { field: 'name', confidence: 1 }, 'Renewal date': { field: 'renewalDate', ambiguous: true, formats: ['DD/MM/YYYY', 'MM/DD/YYYY'] } } },
      sample: [{ Company: 'Acme', 'Renewal date': '03/04/2027' }, { Company: 'Beta', 'Renewal date': '' }],
    });
    expect(p.suggested.columns).toEqual({ Company: { field: 'name' }, 'Renewal date': { field: 'renewalDate' } });
    expect(p.columns[0]).toMatchObject({ name: 'Company', confidence: 1, samples: ['Acme', 'Beta'] });
    expect(p.columns[1]).toMatchObject({ ambiguous: true, formats: ['DD/MM/YYYY', 'MM/DD/YYYY'], samples: ['03/04/2027'] });
    expect(p.sample).toEqual([['Acme', '03/04/2027'], ['Beta', '']]);
  });
});
