import type { ImportDeps, ImportKind, ImportKindName } from '../types.js';
import { accountsKind } from './accounts.js';
import { activitiesKind } from './activities.js';
import { contactsKind } from './contacts.js';
import { outcomesKind } from './outcomes.js';
import { subscriptionsKind } from './subscriptions.js';
import { usageEventsKind } from './usage-events.js';
import { usageDailyKind } from './usage-daily.js';

/** A kind of any row type, as the engine holds it (it only passes a kind's own values back to it). */
export type AnyKind = ImportKind<unknown>;
/** The engine and service take any subset (tests register one kind); the registry gives them all. */
export type ImportKinds = Partial<Record<ImportKindName, AnyKind>>;

const any = <R>(k: ImportKind<R>): AnyKind => k as unknown as AnyKind;

/** The registry of import kinds (issue 13): each kind file exports a factory over ImportDeps. */
export function createImportKinds(deps: ImportDeps): Record<ImportKindName, AnyKind> {
  return {
    accounts: any(accountsKind(deps)),
    contacts: any(contactsKind(deps)),
    subscriptions: any(subscriptionsKind(deps)),
    activities: any(activitiesKind(deps)),
    outcomes: any(outcomesKind(deps)),
    usage_events: any(usageEventsKind(deps)),
    usage_daily: any(usageDailyKind(deps)),
  };
}
