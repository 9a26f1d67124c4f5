// Success planting (seed 000): the stage machine of a seed — a "crazy" question asked to an
// account — as pure functions. No I/O; all instants are `Date`s.
//
// STAGES, in order: planted → reacted → sprouted → rooted → harvested; and dormant beside them.
//
// EVENTS and what each proves (the stage it moves a seed to, at most):
//   reaction           strong_positive | strong_negative → reacted (a strong reaction either way is
//                      what jolts a conversation off autopilot); lukewarm | none → no move.
//   objection          no move; recorded (the knee-jerk "that would not work here" is expected).
//                      Needs `text`.
//   follow_up          → sprouted: the customer came back to it. Needs evidence: `activityId` (e.g.
//                      the e-mail they sent) or a `note`.
//   variant_asked      no move; the re-ask clock restarts and the variant is used up. Needs `variant`.
//   engaged            → sprouted: the customer engaged with a re-asked variant instead of pushing
//                      back. Needs a variant asked before (a variant_asked event).
//   raised_by_customer → rooted: they brought it up themselves. Needs `activityId` or `note`.
//   discussed_in_qbr   → rooted. Needs `activityId` (the QBR) or `note`.
//   harvested          → harvested: it became a goal of the success plan. Needs `goalId`.
//   dormant            → dormant: the CSM lets it rest (Canopy suggests it, see nextReask).
//
// DECISIONS
//  - Stages are a high-water mark of evidence. An event that proves a later stage moves the seed
//    there even if it skips stages (a customer's follow-up proves a change of perception even if
//    nobody logged the first reaction). An event that proves an earlier stage than the seed is at
//    is accepted and recorded as evidence, but is a no-op on the stage (`moved: false`): events
//    are often logged late and out of order, and refusing them would lose evidence.
//  - Backwards moves exist only into and out of dormant:
//      into dormant from planted, reacted, sprouted or rooted (never from harvested);
//      out of dormant by any event that proves a stage (a strong reaction, a follow-up, an
//      engagement, the customer raising it, a QBR, a harvest): the seed wakes at the stage that
//      evidence proves. Lukewarm, none, objections and variants leave it dormant.
//  - harvested is final: a harvest into the same goal again is a no-op; into another goal, or a
//    move to dormant, is refused (a field error). Other events are recorded without a move.
//  - Field-level validation: errors name the request field (`goalId`, `activityId`, `note`,
//    `text`, `variant`, `strength`, `at`, `kind`). `at` (when it happened; defaults to `now`) may
//    not be in the future nor before the seed was planted. Nothing changes when there are errors.
//
// RE-ASK (nextReask): while a seed is planted, reacted or sprouted, a variant is due `reaskIntervalDays`
// after the last movement (the later of its last stage move and its last asking — planting or a
// variant). The next variant is the first not yet asked. When every variant has been asked, the
// same moment suggests dormant instead. Rooted seeds wait for the harvest (the customer carries
// them now); harvested and dormant seeds need nothing.

export const DAY_MS = 86_400_000;

export const SEED_STAGES = ['planted', 'reacted', 'sprouted', 'rooted', 'harvested', 'dormant'] as const;
export type SeedStage = (typeof SEED_STAGES)[number];
export const REACTION_STRENGTHS = ['strong_positive', 'strong_negative', 'lukewarm', 'none'] as const;
export type ReactionStrength = (typeof REACTION_STRENGTHS)[number];
export const SEED_EVENT_KINDS = [
  'reaction', 'objection', 'follow_up', 'variant_asked', 'engaged', 'raised_by_customer', 'discussed_in_qbr', 'harvested', 'dormant',
] as const;
export type SeedEventKind = (typeof SEED_EVENT_KINDS)[number];

/** Order on the growth path; dormant is off it. */
export const STAGE_RANK: Record<Exclude<SeedStage, 'dormant'>, number> = { planted: 0, reacted: 1, sprouted: 2, rooted: 3, harvested: 4 };

export type Seed = {
  stage: SeedStage;
  plantedAt: Date;
  /** Last stage change (planting counts). */
  lastMovedAt: Date;
  /** Last time the question or a variant was asked (planting counts). */
  lastAskedAt: Date;
  /** Variants asked so far: the index of the next one. */
  variantsAsked: number;
  goalId: string | null;
};

type Common = { at?: Date | null; note?: string | null; activityId?: string | null };
export type SeedEvent = Common &
  (
    | { kind: 'reaction'; strength: ReactionStrength }
    | { kind: 'objection'; text: string }
    | { kind: 'follow_up' }
    | { kind: 'variant_asked'; variant: string }
    | { kind: 'engaged' }
    | { kind: 'raised_by_customer' }
    | { kind: 'discussed_in_qbr' }
    | { kind: 'harvested'; goalId: string | null }
    | { kind: 'dormant' }
  );

export type FieldError = { field: string; message: string };
export type ApplyResult =
  | { ok: true; seed: Seed; from: SeedStage; to: SeedStage; moved: boolean; summary: string }
  | { ok: false; errors: FieldError[] };

export type Question = { variants: string[]; reaskIntervalDays: number };
export type Reask =
  | { action: 'reask'; dueAt: Date; due: boolean; variant: string; variantIndex: number }
  | { action: 'suggest_dormant'; dueAt: Date; due: boolean; reason: string }
  | { action: 'none'; reason: string };

const blank = (s: string | null | undefined) => s === null || s === undefined || s.trim() === '';
const hasEvidence = (e: Common) => !blank(e.activityId) || !blank(e.note);
const words = (s: string) => s.replace(/_/g, ' ');

/** The stage an event proves, or null when it proves none (recorded, no move). */
function provenStage(e: SeedEvent): SeedStage | null {
  switch (e.kind) {
    case 'reaction': return e.strength === 'strong_positive' || e.strength === 'strong_negative' ? 'reacted' : null;
    case 'follow_up': case 'engaged': return 'sprouted';
    case 'raised_by_customer': case 'discussed_in_qbr': return 'rooted';
    case 'harvested': return 'harvested';
    case 'dormant': return 'dormant';
    case 'objection': case 'variant_asked': return null;
  }
}

function validate(seed: Seed, e: SeedEvent, at: Date, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  if (!(SEED_EVENT_KINDS as readonly string[]).includes(e.kind)) return [{ field: 'kind', message: `Must be one of ${SEED_EVENT_KINDS.join(', ')}` }];
  if (Number.isNaN(at.getTime())) errors.push({ field: 'at', message: 'Must be a valid date' });
  else if (at.getTime() > now.getTime()) errors.push({ field: 'at', message: 'Cannot be in the future' });
  else if (at.getTime() < seed.plantedAt.getTime()) errors.push({ field: 'at', message: 'Cannot be before the seed was planted' });
  const evidence = (what: string) => {
    if (!hasEvidence(e)) errors.push({ field: 'activityId', message: `${what} needs its evidence: the activity it happened in, or a note` });
  };
  switch (e.kind) {
    case 'reaction':
      if (!(REACTION_STRENGTHS as readonly string[]).includes(e.strength)) errors.push({ field: 'strength', message: `Must be one of ${REACTION_STRENGTHS.join(', ')}` });
      break;
    case 'objection':
      if (blank(e.text)) errors.push({ field: 'text', message: 'Say what the objection was' });
      break;
    case 'follow_up': evidence('A follow-up'); break;
    case 'raised_by_customer': evidence('The customer raising it'); break;
    case 'discussed_in_qbr': evidence('A QBR discussion'); break;
    case 'variant_asked':
      if (blank(e.variant)) errors.push({ field: 'variant', message: 'Say which variant was asked' });
      break;
    case 'engaged':
      if (seed.variantsAsked < 1) errors.push({ field: 'variant', message: 'Engaged means engaged with a re-asked variant: record the variant asked first' });
      break;
    case 'harvested':
      if (blank(e.goalId)) errors.push({ field: 'goalId', message: 'A harvest needs the goal it became' });
      else if (seed.stage === 'harvested' && seed.goalId !== e.goalId) errors.push({ field: 'goalId', message: 'Already harvested into another goal' });
      break;
    case 'dormant':
      if (seed.stage === 'harvested') errors.push({ field: 'kind', message: 'A harvested seed stays harvested' });
      break;
  }
  return errors;
}

/** Where the seed goes: forward on the growth path, into dormant, or out of it; else it stays. */
function nextStage(from: SeedStage, proven: SeedStage | null): SeedStage {
  if (proven === null || proven === from) return from;
  if (from === 'harvested') return from;
  if (proven === 'dormant' || from === 'dormant') return proven;
  return STAGE_RANK[proven] > STAGE_RANK[from] ? proven : from;
}

function summarize(e: SeedEvent, from: SeedStage, to: SeedStage): string {
  const what = (() => {
    switch (e.kind) {
      case 'reaction': return `${words(e.strength)} reaction`;
      case 'objection': return `objection: ${e.text.trim()}`;
      case 'variant_asked': return `variant asked: ${e.variant.trim()}`;
      default: return words(e.kind);
    }
  })();
  if (from === to) return `${what} (stays ${from})`;
  return `${what}: ${from} → ${to}`;
}

/**
 * Apply one event to a seed at `now`. Returns the updated seed and whether its stage moved, or
 * field errors (the seed is then unchanged). `summary` is the timeline's line for the move.
 */
export function applyEvent(seed: Seed, event: SeedEvent, now: Date): ApplyResult {
  const at = event.at ?? now;
  const errors = validate(seed, event, at, now);
  if (errors.length > 0) return { ok: false, errors };
  const from = seed.stage;
  const to = nextStage(from, provenStage(event));
  const moved = to !== from;
  const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
  const next: Seed = {
    ...seed,
    stage: to,
    lastMovedAt: moved ? later(seed.lastMovedAt, at) : seed.lastMovedAt,
    lastAskedAt: event.kind === 'variant_asked' ? later(seed.lastAskedAt, at) : seed.lastAskedAt,
    variantsAsked: event.kind === 'variant_asked' ? seed.variantsAsked + 1 : seed.variantsAsked,
    goalId: event.kind === 'harvested' && !blank(event.goalId) ? event.goalId : seed.goalId,
  };
  return { ok: true, seed: next, from, to, moved, summary: summarize(event, from, to) };
}

/** A new seed at planting: the question was asked at `askedAt`. */
export function plantSeed(askedAt: Date): Seed {
  return { stage: 'planted', plantedAt: askedAt, lastMovedAt: askedAt, lastAskedAt: askedAt, variantsAsked: 0, goalId: null };
}

/** When to re-ask, and with which variant; or that it is time to let the seed rest. */
export function nextReask(seed: Seed, question: Question, now: Date): Reask {
  if (seed.stage === 'harvested') return { action: 'none', reason: 'harvested: it is a goal now' };
  if (seed.stage === 'dormant') return { action: 'none', reason: 'dormant: it wakes on a new strong reaction or other evidence' };
  if (seed.stage === 'rooted') return { action: 'none', reason: 'rooted: the customer brings it up; make it a goal' };
  const since = Math.max(seed.lastMovedAt.getTime(), seed.lastAskedAt.getTime());
  const interval = Math.max(0, question.reaskIntervalDays);
  const dueAt = new Date(since + interval * DAY_MS);
  const due = now.getTime() >= dueAt.getTime();
  const variant = question.variants[seed.variantsAsked];
  if (variant !== undefined) return { action: 'reask', dueAt, due, variant, variantIndex: seed.variantsAsked };
  const n = question.variants.length;
  const used = n === 0 ? 'the question has no variants' : `all ${n} variant${n === 1 ? '' : 's'} asked`;
  return { action: 'suggest_dormant', dueAt, due, reason: `no movement for ${interval} days and ${used}` };
}
