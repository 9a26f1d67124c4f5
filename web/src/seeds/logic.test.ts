import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { SeedQuestion } from '../api/seeds';
import { EMPTY_PLANT, nestedFieldErrors, plantInput, reaskIntervalError, sortQuestions } from './logic';

const record = (planted: number, strong: number | null) => ({
  planted,
  strongReactionShare: strong,
  sproutedShare: null,
  harvestedShare: null,
  medianDaysToHarvest: null,
  byCsm: [],
});
const q = (id: string, text: string, planted: number, strong: number | null): SeedQuestion => ({
  id,
  text,
  theme: 't',
  variants: [],
  reaskIntervalDays: 14,
  archived: false,
  createdAt: '2026-01-01T00:00:00Z',
  record: record(planted, strong),
});

describe('plantInput', () => {
  it('sends nothing until a question is chosen or written', () => {
    expect(plantInput(EMPTY_PLANT)).toBeNull();
    expect(plantInput({ ...EMPTY_PLANT, mode: 'new', text: '   ' })).toBeNull();
  });
  it('sends the library question, or the new text with its theme, and the contact', () => {
    expect(plantInput({ ...EMPTY_PLANT, questionId: 'q1', text: 'ignored', contactId: 'c1' })).toEqual({ questionId: 'q1', contactId: 'c1' });
    expect(plantInput({ ...EMPTY_PLANT, mode: 'new', questionId: 'q1', text: ' What if? ', theme: ' ops ' })).toEqual({ text: 'What if?', theme: 'ops' });
    expect(plantInput({ ...EMPTY_PLANT, mode: 'new', text: 'What if?' })).toEqual({ text: 'What if?' });
  });
});

describe('nestedFieldErrors', () => {
  const err = new ApiError(400, 'request.invalid', 'invalid', [
    { path: 'seed.questionId', message: 'Choose a question' },
    { path: '/body/seed/contactId', message: 'Not a contact of the account' },
    { path: 'subject', message: 'Required' },
    { path: 'activityId', message: 'needs its evidence' },
  ]);
  it('keeps the fields under the prefix, by their own name', () => {
    expect(nestedFieldErrors(err, 'seed')).toEqual({ questionId: 'Choose a question', contactId: 'Not a contact of the account' });
  });
  it('without a prefix, the top-level fields', () => {
    expect(nestedFieldErrors(err)).toMatchObject({ subject: 'Required', activityId: 'needs its evidence' });
    expect(nestedFieldErrors(new Error('x'))).toEqual({});
  });
});

describe('sortQuestions', () => {
  const rows = [q('a', 'Alpha', 3, 0.5), q('b', 'Bravo', 0, null), q('c', 'Charlie', 5, 0.2)];
  it('sorts either way, never-planted questions last', () => {
    expect(sortQuestions(rows, '-strong').map((x) => x.id)).toEqual(['a', 'c', 'b']);
    expect(sortQuestions(rows, 'strong').map((x) => x.id)).toEqual(['c', 'a', 'b']);
    expect(sortQuestions(rows, '-planted').map((x) => x.id)).toEqual(['c', 'a', 'b']);
    expect(sortQuestions(rows, 'text').map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('the question form: an out-of-range re-ask interval is refused, never clamped (issue 9 §7)', () => {
  it('says 400, 0, 2.5 or nothing is not whole days from 1 to 365', () => {
    for (const bad of [400, 366, 0, -3, 2.5, '']) expect(reaskIntervalError(bad)).toBe('Whole days, 1 to 365');
    for (const ok of [1, 14, 365]) expect(reaskIntervalError(ok)).toBeUndefined();
  });
});
