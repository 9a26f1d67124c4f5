/**
 * The risk register (issue 12, seed 002): failure modes the team knows, each with its playbook and the
 * signal kinds that point at it; risks raised against accounts; escalation of high risk near a renewal.
 * See docs/design/issue-12-contract.md.
 */
export type { FailureModeRef } from './refs.js';
export { failureModesFor } from './refs.js';
export type { RiskChange, EscalationSettings } from './escalate.js';
export { afterRiskRefresh, readEscalationSettings, DEFAULT_ESCALATION, ESCALATION_KEY } from './escalate.js';
