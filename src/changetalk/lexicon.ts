import type { LexiconEntry, TalkCategory, TalkPolarity } from './types.js';

/**
 * The built-in lexicon: phrases customers say about acting on what we ask of them, grouped by
 * polarity and DARN-CAT category. Matching is case-insensitive on word boundaries, an apostrophe
 * matches ' or ’, and a space matches any run of whitespace. Negation, "but", questions and
 * hedges are handled by the rules in classifier.ts, so the phrases here are the plain forms.
 * Longer phrases win over shorter ones starting at the same place ("don't need" over "need").
 */
type Group = { polarity: TalkPolarity; category: TalkCategory; weight?: number; inQuestion?: boolean; phrases: string[] };

const GROUPS: Group[] = [
  // ---- change talk ----
  { polarity: 'change', category: 'desire', phrases: [
    'want to', 'wants to', 'we want', 'i want', 'would like to', "we'd like to", "i'd like to", "we'd love to", "i'd love to",
    'would love to', 'love to', 'hoping to', 'we hope to', 'i hope to', 'eager to', 'keen to', 'excited to', 'excited about',
    'looking forward to', "can't wait", 'really want', 'wish we could', 'interested in', 'we wish', 'i wish',
    'been asking for', 'asking for this', 'hungry for', 'wants this', 'want this', 'love the', 'loves the', 'loving the',
  ] },
  { polarity: 'change', category: 'ability', phrases: [
    'we can', 'i can', 'we could', 'i could', 'able to', 'we are able', "we're able", 'capable of', 'we have the bandwidth',
    'we have the capacity', 'we have time', 'we have the people', 'we have the budget', 'doable', 'manageable', 'feasible',
    'we can handle', 'we can manage', 'should be easy', 'not hard', 'no problem',
    'blocked out', 'dedicated to', 'can finally', 'we have the skills', 'has time', 'have time', 'have the time',
  ] },
  { polarity: 'change', category: 'reasons', phrases: [
    'would save', 'will save', 'save us', 'saves us', 'would help', 'will help', 'would make', 'would cut', 'would reduce',
    'so that we', 'the benefit', 'benefits', 'worth it', 'pay off', 'pays off', 'makes sense', 'make sense', 'would let us',
    'that way we', 'less manual', 'fewer tickets', 'more visibility', 'better visibility', 'the value', 'valuable',
    'the upside', 'would be great', 'would be huge', 'game changer',
    'benefit from', 'would benefit', "we'd benefit", 'no-brainer', 'no brainer', 'the right tool', 'the right choice',
    'the right call', 'convinced me', 'the sooner', 'stop losing', 'keep losing', 'so much easier', 'easier to', 'free up', 'frees up',
  ] },
  { polarity: 'change', category: 'need', phrases: [
    'need to', 'needs to', 'we need', 'i need', 'have to', 'has to', 'got to', 'gotta', 'must', 'it is critical', "it's critical",
    'critical', 'crucial', 'essential', 'important to us', 'important for us', 'top priority', 'a priority', 'high priority',
    'priority for us', 'can no longer', "can't keep", 'cannot keep', 'not sustainable', 'unsustainable', 'mandatory',
    'required', 'requirement', 'it matters', 'urgent',
    'do need', 'really need', 'number one', 'on my radar', 'on our radar', 'on my list', 'non-negotiable',
    'nothing is more important', 'nothing more important',
  ] },
  { polarity: 'change', category: 'commitment', weight: 1.5, phrases: [
    'we will', "we'll", 'i will', "i'll", 'going to', 'gonna', 'plan to', 'planning to', 'we plan', 'commit to', 'committed to',
    'we commit', 'promise', 'definitely', 'for sure', 'count on', 'intend to', 'we intend', 'decided to', "we've decided",
    'we are doing it', "we're doing it", 'signed off', 'sign off on', 'approved', 'green light', 'go ahead', "let's do it",
    "let's go", 'on board', 'absolutely', 'will renew', 'we are in', "we're in",
    'all in', 'count us in', 'count me in', 'agreed on', 'agreed to', 'aiming to', 'we aim to', 'our goal is', 'my goal is',
    'my plan is', 'our plan is', 'going forward', "let's do", "let's schedule", "let's put", "let's get", "let's set", "let's start",
    "let's roll", "let's plan", "let's book", "let's move", 'let me set up', 'let me get', 'let me book', 'let me schedule',
    'on the calendar', "on everyone's calendar", "don't doubt", 'no doubt', 'moving everyone', 'move everyone', 'moving over',
  ] },
  { polarity: 'change', category: 'activation', weight: 1.2, phrases: [
    'ready to', 'willing to', 'prepared to', 'open to', 'happy to', 'glad to', "i'm ready", "we're ready", 'we are ready',
    'getting ready', 'ready for', 'considering', 'thinking about', 'thinking of', 'looking into', 'looking at',
  ] },
  { polarity: 'change', category: 'taking_steps', weight: 1.5, phrases: [
    'already started', 'already set up', 'we started', 'have started', "we've started", 'we set up', "we've set up",
    'we have set up', 'set it up', 'we rolled out', "we've rolled out", 'rolled it out', 'we launched', 'we scheduled',
    "we've scheduled", 'scheduled the', 'we booked', 'booked the', 'we invited', 'invited the', 'we enabled', 'enabled it',
    'we configured', 'configured the', 'we completed', 'completed the', 'we finished', 'finished the', 'we migrated',
    'we connected', 'we assigned', 'we trained', 'went live', 'is live', 'are live', 'we tested', 'we piloted', 'in progress',
    'underway', 'kicked off', 'we signed', 'sent out', 'we onboarded', 'onboarded', 'we added', 'we created',
    'we sent', 'been using', 'talked to', 'booked into', 'already booked', 'we met', 'we drafted', 'we asked', "i've asked",
  ] },
  // ---- sustain talk ----
  { polarity: 'sustain', category: 'desire', phrases: [
    "don't want", 'do not want', "doesn't want", "didn't want", 'not interested', 'no interest', 'not keen', 'not excited',
    "we're fine with", 'we are fine with', "we're happy with", 'happy with what we have', 'fine as is', 'fine as it is',
    'rather not', "we'd rather", 'prefer to wait', 'prefer the old', 'stick with', 'sticking with', 'keep doing', 'keep using',
    'not a fan', "couldn't care less", 'not for us',
    'stop sending', 'fine as they are', 'nobody wants', 'no one wants', 'bothers', 'bother with',
  ] },
  { polarity: 'sustain', category: 'ability', phrases: [
    'too busy', 'swamped', 'slammed', 'underwater', 'stretched thin', 'no time', "don't have time", "don't have the time",
    'do not have time', 'no bandwidth', "don't have the bandwidth", 'no capacity', "don't have the capacity", 'short staffed',
    'short-staffed', 'understaffed', 'no one to', 'nobody to', "can't get budget", "can't get the budget", 'no budget',
    'budget is frozen', 'budget freeze', 'hiring freeze', "can't", 'cannot', 'unable to', 'not able to', "won't be able",
    'too hard', 'too complicated', 'too complex', 'overwhelmed', 'full plate', 'plate is full', 'too much on',
    'too many priorities', 'other priorities', 'competing priorities', 'not the right time', 'bad timing', 'gave up',
    'given up', "didn't work", "didn't stick", 'fell apart', 'fizzled', 'stalled', 'on hold', 'blocked',
    'have no one', 'no one with', 'no one who', "don't have anyone", "don't have the budget", "don't have the people",
    "don't have the headcount", "don't have the skills", 'no headcount', 'calm down', 'too much going on', 'a lot going on',
    'bigger fires', 'other fires',
  ] },
  { polarity: 'sustain', category: 'reasons', phrases: [
    'not worth', "isn't worth", 'waste of time', 'no value', 'no point', "doesn't help", "won't help", "doesn't make sense",
    "don't see the point", "don't see the value", 'too expensive', 'costs too much', 'too risky', 'risky', 'disruptive',
    'people will complain', 'resistance', 'pushback', 'push back', 'the old way works', 'works fine', 'working fine',
    'good enough', 'if it ain\'t broke',
    'skeptical', 'sceptical', 'disaster', 'too long', "didn't fit", "doesn't fit", 'overcomplicate', 'consolidate',
    'a distraction', 'already have a tool', 'already pay',
  ] },
  { polarity: 'sustain', category: 'need', phrases: [
    "don't need", 'do not need', "doesn't need", 'no need', 'not needed', 'unnecessary', 'not necessary', 'not a priority',
    'not a high priority', 'low priority', 'lower priority', 'not urgent', 'nice to have', 'not important', 'not critical',
    'not a problem for us', 'not a big deal', 'not on our radar', 'not on the roadmap', 'deprioritized', 'deprioritised',
    'back burner', 'backburner',
  ] },
  { polarity: 'sustain', category: 'commitment', phrases: [
    'maybe next quarter', 'maybe next year', 'maybe later', 'next quarter maybe', 'not this quarter', 'not this year',
    'not right now', 'not now', 'not yet', 'later this year', 'some day', 'someday', 'one day', 'push it', 'pushed it',
    'postpone', 'postponed', 'delay', 'delayed', 'put it off', 'put off', 'park it', 'parked', 'revisit', 'circle back',
    'hold off', 'holding off', 'wait and see', 'no promises', "can't commit", "can't promise", "won't commit",
    'were going to', 'was going to', 'had planned to', 'we planned to', 'were supposed to', 'cancel', 'cancelling', 'canceling',
    'not renewing', "won't renew", 'not going to renew',
    'never', "won't", 'will not', 'off the table', 'not happening', "let's not", "let's talk again", 'talk again in',
    'ask me again', 'check back', "we'll see", 'drop the', 'dropping the', 'the cheaper plan', 'downgrade to',
  ] },
  { polarity: 'sustain', category: 'taking_steps', phrases: [
    'stopped using', 'we stopped', 'went back to', 'going back to', 'switched back', 'anymore', 'any more', 'rolled back',
  ] },
  // Rhetorical questions: sustain talk that counts inside a question (other phrases in a question do not).
  { polarity: 'sustain', category: 'reasons', inQuestion: true, phrases: [
    'why would we', 'why would i', 'why should we', 'do we even', 'do we really need', 'who has time', "what's the point",
    'why bother', 'is it really worth', 'who needs',
  ] },
];

/**
 * Phrases that are read and then ignored: they contain lexicon words in a sense that is not
 * change or sustain talk ("I'll be honest", "out of office"). Matching them first hides the words.
 */
export const IGNORED_PHRASES: string[] = [
  "i'll be honest", 'to be honest', 'be honest', "i'll be out", "we'll be out", 'out of office', 'out of the office',
  "we'll talk more", 'talk more', 'happy to hear', 'happy to help', 'glad to hear', 'no problem at all',
];

/** Patterns beside the phrases: "already" before a past participle is a step taken ("we already trained twenty"),
 *  but not after a form of "be" ("the team is already stretched thin"). */
export const BUILTIN_PATTERNS: { source: string; entry: LexiconEntry }[] = [
  { source: String.raw`(?<!(?:is|are|was|were|am|be|been|['\u2019]re|['\u2019]s)\s+)already\s+(?!tried)(?:\p{L}+ed|done|sent|set|built|begun|made|got|written|bought|run|taken|given)`,
    entry: { phrase: 'already <past participle>', polarity: 'change', category: 'taking_steps', weight: 1.5 } },
];

export const BUILTIN_LEXICON: LexiconEntry[] = GROUPS.flatMap((g) =>
  g.phrases.map((phrase) => ({ phrase, polarity: g.polarity, category: g.category, ...(g.weight ? { weight: g.weight } : {}),
    ...(g.inQuestion ? { inQuestion: true } : {}) })));
