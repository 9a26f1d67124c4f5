/** Who a survey goes to: chosen contacts or a filter of the book, and the request that says so. */
import type { AudienceFilter, SendInput } from '../api/surveys';

export interface ChosenContact {
  id: string;
  name: string | null;
  email: string | null;
  accountName: string | null;
}

export interface Audience {
  mode: 'contacts' | 'filter';
  contacts: ChosenContact[];
  /** Accounts the filter is limited to (the account page's "send to this account"). */
  accountIds: string[];
  segment: string | null;
  stage: string | null;
  ownerId: string | null;
  contactRoles: string[];
}

export const emptyAudience = (accountId?: string): Audience => ({
  mode: accountId ? 'filter' : 'contacts',
  contacts: [],
  accountIds: accountId ? [accountId] : [],
  segment: null,
  stage: null,
  ownerId: null,
  contactRoles: [],
});

/**
 * The send request for an audience, or a reason there is none yet. A filter without any criterion
 * would be the whole book: that is refused here, not sent by accident.
 */
export function sendBody(a: Audience, opts: { dryRun: boolean; confirmOverload: boolean }): { body: SendInput } | { missing: string } {
  const extra = { dryRun: opts.dryRun, ...(opts.confirmOverload ? { confirmOverload: true } : {}) };
  if (a.mode === 'contacts') {
    if (a.contacts.length === 0) return { missing: 'Choose at least one contact' };
    return { body: { contactIds: a.contacts.map((c) => c.id), ...extra } };
  }
  const filter: AudienceFilter = {};
  if (a.accountIds.length > 0) filter.accountIds = a.accountIds;
  if (a.segment) filter.segment = a.segment;
  if (a.stage) filter.stage = a.stage;
  if (a.ownerId) filter.ownerId = a.ownerId;
  if (a.contactRoles.length > 0) filter.contactRoles = a.contactRoles;
  if (Object.keys(filter).length === 0) return { missing: 'Pick at least one criterion: a segment, a stage, an owner or contact roles' };
  return { body: { filter, ...extra } };
}

/** Adds or removes a contact from the chosen ones (by id). */
export function toggleContact(list: ChosenContact[], c: ChosenContact): ChosenContact[] {
  return list.some((x) => x.id === c.id) ? list.filter((x) => x.id !== c.id) : [...list, c];
}
