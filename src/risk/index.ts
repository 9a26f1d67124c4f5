/** Compound risk (issue 12): the model, its refresh, its evaluation. See docs/design/issue-12-contract.md. */
export type { RiskLevel, ModelSignal, Contribution, CompoundRisk } from './model.js';
export { compoundRisk, effectiveStrength, weightedAverageRisk, levelOf, RISK_LEVELS } from './model.js';
export { calibrate } from './calibrate.js';
export { evaluateRisk, riskAuc } from './evaluate.js';
export { createRiskService, refreshRiskChunk, RISK_REFRESH_JOB, RISK_FULL_JOB, RISK_CALIBRATE_JOB, type RiskService } from './service.js';
export { riskJobs } from './jobs.js';
export { LEVEL_CHANGED } from './store.js';
