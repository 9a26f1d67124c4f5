/** The shapes shared by the signals part and its callers (docs/design/issue-12-contract.md). */
export type SignalFamily = 'usage' | 'relationship' | 'sentiment' | 'support' | 'delivery' | 'commercial' | 'engagement' | 'other';
/** 'imported': history from before Canopy watched the account (demo data, a CSV import); never refreshed. */
export type SignalSource = 'computed' | 'manual' | 'rule' | 'api' | 'imported';
export const SIGNAL_SOURCES = ['computed', 'manual', 'rule', 'api', 'imported'] as const satisfies readonly SignalSource[];

export const SIGNAL_FAMILIES: readonly SignalFamily[] = ['usage', 'relationship', 'sentiment', 'support', 'delivery', 'commercial', 'engagement', 'other'];

export type SignalDefinition = {
  id: string;
  kind: string;
  family: SignalFamily;
  label: string;
  description: string;
  source: 'detector' | 'external';
  params: Record<string, unknown>;
  strength: number;
  halfLifeDays: number;
  decayFrom: 'end' | 'start';
  enabled: boolean;
  builtin: boolean;
  updatedAt: string;
};

export type Evidence = { summary: string; facts?: Record<string, unknown>; refs?: { type: string; id: string; label?: string }[] };

/** A stored signal (a row of risk_signals) with its definition's family and label. */
export type StoredSignal = {
  id: string;
  accountId: string;
  kind: string;
  family: SignalFamily;
  label: string;
  strength: number;
  startedAt: Date;
  endedAt: Date | null;
  decayFrom: 'end' | 'start';
  halfLifeDays: number;
  evidence: Evidence;
  source: SignalSource;
  note: string | null;
  raisedBy: { id: string; name: string } | null;
  /** Set when the signal was withdrawn (raised by mistake): it never counts, and endedAt equals startedAt. */
  withdrawnAt?: Date | null;
};

/** What a detector finds for one account: the fact holds since startedAt. */
export type Detection = { kind: string; startedAt: Date; evidence: Evidence };

/** Raise input (contract: raiseSignal). */
export type RaiseInput = {
  accountId: string;
  kind: string;
  strength?: number;
  note?: string | null;
  source: 'manual' | 'rule' | 'api';
  by: string | null;
  ruleFiringId?: string | null;
  at?: Date;
};
