// The demo book of business: generate it (pure) or load it into an empty database.
export { generateDemoBook } from './generate.js';
export { seedDemo, DemoAlreadyLoadedError, type DemoSummary, type SeedDemoOptions } from './seed.js';
export { OUTCOME_KINDS, USAGE_PATTERNS } from './types.js';
export type {
  DemoAccount, DemoBook, DemoContact, DemoEvent, DemoOptions, DemoOutcome, DemoTeam, DemoUser, OutcomeKind, UsagePattern, Segment, Stage,
  ContactRole, Region,
} from './types.js';
