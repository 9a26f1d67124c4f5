/**
 * Risk signals (issue 12): definitions, detectors, the computed signals kept in line with the data,
 * and signals raised by hand, by a rule or by another system. See docs/design/issue-12-contract.md.
 */
export type { SignalFamily, SignalSource, SignalDefinition, Evidence, StoredSignal } from './types.js';
export { SIGNAL_FAMILIES } from './types.js';
export { loadDefinitions, signalsAsOf, raiseSignal, raiseSignalsForFirings } from './store.js';
export { refreshSignals } from './refresh.js';
