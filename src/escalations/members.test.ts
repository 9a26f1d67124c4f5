import { describe, expect, it } from 'vitest';
import { checkMembers, dedupeMembers } from './members.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('checkMembers', () => {
  it('accepts two people in two roles', () => {
    expect(checkMembers([{ userId: A, role: 'csm' }, { userId: B, role: 'support' }])).toBeNull();
  });

  it('refuses nobody and one person', () => {
    expect(checkMembers([])?.path).toBe('members');
    expect(checkMembers([{ userId: A, role: 'csm' }])?.message).toMatch(/1 person/);
  });

  it('refuses one person holding two roles: still one throat', () => {
    expect(checkMembers([{ userId: A, role: 'csm' }, { userId: A, role: 'exec_sponsor' }])?.path).toBe('members');
  });

  it('refuses two people in the same role', () => {
    expect(checkMembers([{ userId: A, role: 'support' }, { userId: B, role: 'support' }])?.message).toMatch(/only the role support/);
  });
});

describe('dedupeMembers', () => {
  it('keeps one of each person and role', () => {
    expect(dedupeMembers([{ userId: A, role: 'csm' }, { userId: A, role: 'csm' }, { userId: A, role: 'manager' }])).toEqual([
      { userId: A, role: 'csm' }, { userId: A, role: 'manager' },
    ]);
  });
});
