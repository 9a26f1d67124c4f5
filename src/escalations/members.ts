import type { FieldError } from '../http/errors.js';
import type { MemberInput } from './schema.js';

export const MIN_PEOPLE = 2;
export const MIN_ROLES = 2;

/** The same person in the same role twice is one membership. */
export function dedupeMembers(members: MemberInput[]): MemberInput[] {
  const seen = new Set<string>();
  return members.filter((m) => {
    const key = `${m.userId}:${m.role}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * "Never one throat to choke" (seed 001): an escalation is owned by a team, so it needs at least
 * two different people and at least two different roles among them. One person holding two
 * roles is still one throat.
 */
export function checkMembers(members: MemberInput[]): FieldError | null {
  const people = new Set(members.map((m) => m.userId)).size;
  const roles = new Set(members.map((m) => m.role)).size;
  if (people >= MIN_PEOPLE && roles >= MIN_ROLES) return null;
  const missing = people < MIN_PEOPLE ? `${people} ${people === 1 ? 'person' : 'people'}` : `only the role ${members[0]?.role ?? ''}`;
  return {
    path: 'members',
    message: `An escalation needs at least ${MIN_PEOPLE} people in at least ${MIN_ROLES} roles (e.g. CSM and support); it has ${missing}.`,
  };
}
