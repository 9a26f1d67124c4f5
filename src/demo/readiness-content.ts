// The words of the demo's readiness check-ins (issue 11, seed 004): initiatives a CSM asks a
// customer to act on, and what customers answer to "why that number and not a lower one?" and
// "what would it take to move it higher?" — with clear change talk ("this is critical for our
// audit", "we've already started") and sustain talk ("we're too busy right now", "not a priority
// this quarter"), as the classifier in src/changetalk hears them.

export const INITIATIVES = [
  { title: 'Roll out SSO', description: 'Single sign-on for every team, so access reviews stop being manual.' },
  { title: 'Adopt scheduled reports', description: 'The weekly pack built and sent by the product instead of by hand.' },
  { title: 'Connect the CRM integration', description: 'Deals and accounts synced both ways.' },
  { title: 'Move the regional teams onto dashboards', description: 'One source of numbers for the regions.' },
  { title: 'Turn on usage alerts', description: 'Alerts when a key workflow stops being used.' },
  { title: 'Migrate the legacy spreadsheets', description: 'Retire the spreadsheets the month-end close still depends on.' },
  { title: 'Train the new analysts', description: 'Everyone who joined this year working on their own.' },
  { title: 'Set up the data warehouse sync', description: 'Nightly export to their warehouse for finance.' },
] as const;

/** One check-in's answers: the scores and the two follow-ups. */
export type Said = { importance: number; confidence: number; whyNotLower: string; whatWouldMoveHigher: string };

/** Important, not confident: they want it and cannot find the time or the skills (enable). */
export const ENABLE: readonly Said[] = [
  { importance: 8, confidence: 3, whyNotLower: 'This is critical for our audit in the spring.', whatWouldMoveHigher: "I really want to use it but we're too busy right now." },
  { importance: 9, confidence: 4, whyNotLower: 'We need this to close the month faster, the CFO asks every week.', whatWouldMoveHigher: 'If someone could show us how to set it up, we would do it.' },
  { importance: 8, confidence: 2, whyNotLower: 'It matters a lot to the board.', whatWouldMoveHigher: "Honestly we don't have the people for it, our admin left in March." },
  { importance: 7, confidence: 4, whyNotLower: 'We want to get rid of the copy and paste.', whatWouldMoveHigher: 'An expert to do the migration with us; we have no time this quarter.' },
  { importance: 9, confidence: 5, whyNotLower: 'Security keeps asking for it, it is a must for us.', whatWouldMoveHigher: 'A training session for the team would help, they are not confident with the setup.' },
];

/** Both high: ready to act now. */
export const READY: readonly Said[] = [
  { importance: 9, confidence: 8, whyNotLower: "We've already started and the team loves it.", whatWouldMoveHigher: 'Nothing really, we will finish it this month.' },
  { importance: 8, confidence: 9, whyNotLower: 'This is critical for our audit and now we know how to do it.', whatWouldMoveHigher: 'We are going to roll it out to the last region next week.' },
  { importance: 10, confidence: 8, whyNotLower: 'It is our top priority and we have the time now.', whatWouldMoveHigher: 'We will do it next sprint, the plan is agreed.' },
  { importance: 8, confidence: 8, whyNotLower: 'The training made the difference, we are ready to go.', whatWouldMoveHigher: 'Just a date for the go-live; we plan to start on Monday.' },
];

/** Confident, not important: they could, but it is not their priority (align). */
export const ALIGN: readonly Said[] = [
  { importance: 4, confidence: 8, whyNotLower: 'It would be nice to have.', whatWouldMoveHigher: "It's not a priority this quarter, we are focused on the renewal of our own customers." },
  { importance: 5, confidence: 9, whyNotLower: 'Some people asked for it.', whatWouldMoveHigher: "We don't really need it yet; if it helped with the close we would care more." },
  { importance: 3, confidence: 8, whyNotLower: 'We could do it in an afternoon.', whatWouldMoveHigher: 'Show us how it ties to the board pack and we would look again.' },
];

/** Neither: don't push now (nurture). */
export const NURTURE: readonly Said[] = [
  { importance: 3, confidence: 2, whyNotLower: 'It is on the list somewhere.', whatWouldMoveHigher: "We're in the middle of a reorganisation, maybe next year. No time at all right now." },
  { importance: 2, confidence: 3, whyNotLower: 'Not zero because the old tool is annoying.', whatWouldMoveHigher: "I don't think we need it, and we don't have the budget this year." },
  { importance: 4, confidence: 3, whyNotLower: 'The new head of finance mentioned it once.', whatWouldMoveHigher: 'Too much going on; ask me again after the merger.' },
];

/** The first check-in after an initiative was tied to one of their goals (align → ready). */
export const ALIGNED: readonly Said[] = [
  { importance: 8, confidence: 8, whyNotLower: 'Now that it is part of our goal for the close, it is a priority for us.', whatWouldMoveHigher: 'We will start this month, the plan is agreed.' },
  { importance: 8, confidence: 9, whyNotLower: 'Once you showed how it feeds the board pack, we need it.', whatWouldMoveHigher: "We're ready; we'll do it next week." },
];

/** Notes a CSM writes after a check-in call. */
export function callNote(title: string, s: Said, first: string): string {
  return `Asked ${first} the two scaling questions about "${title}": importance ${s.importance}, confidence ${s.confidence}. ` +
    `Why not lower: "${s.whyNotLower}" What would move it higher: "${s.whatWouldMoveHigher}"`;
}

/** What we did for them (the "give a spoon" tasks), by what they said would move confidence higher. */
export const SPOONS = [
  'Give a spoon: configure it for them and hand over a working setup',
  'Give a spoon: run a hands-on training for their team',
  'Give a spoon: our services team does the migration',
] as const;
