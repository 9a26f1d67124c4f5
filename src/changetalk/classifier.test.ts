import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEXICON_VERSION, defaultClassifier, lexiconClassifier } from './classifier.js';
import type { TalkAnalysis } from './types.js';

const c = defaultClassifier;
const label = (text: string) => c.classify(text).label;
const spans = (text: string) => c.classify(text).spans.map((s) => `${s.phrase}:${s.polarity}:${s.category}`);

describe('lexicon classifier: phrases and categories', () => {
  it('finds change talk of each DARN-CAT category and sustain talk, case-insensitively, on word boundaries', () => {
    expect(spans('My team is HUNGRY FOR this.')).toEqual(['HUNGRY FOR:change:desire']);
    expect(spans('We can handle the provisioning ourselves.')).toEqual(['We can handle:change:ability']);
    expect(spans('It would save my team hours.')).toEqual(['would save:change:reasons']);
    expect(spans('SSO is essential before the audit.')).toEqual(['essential:change:need']);
    expect(spans('We will roll it out in May.')).toEqual(['We will:change:commitment']);
    expect(spans('Happy to run the pilot.')).toEqual(['Happy to:change:activation']);
    expect(spans('We already started the import.')).toEqual(['already started:change:taking_steps']);
    expect(spans('Too busy right now.')).toEqual(['Too busy:sustain:ability']);
    expect(spans('Maybe next quarter.')).toEqual(['Maybe next quarter:sustain:commitment']);
    // "cannot" inside "uncannotable" or "want" inside "wanted" is not a match.
    expect(c.classify('The wantedness was notable.').spans).toEqual([]);
  });

  it('gives UTF-16 indexes into the original text, end exclusive, with the phrase as it appears', () => {
    const text = '🎉 Ça va: we’re  READY TO go, but honestly we have no   time.';
    const a = c.classify(text);
    expect(a.spans.length).toBeGreaterThan(1);
    for (const s of a.spans) expect(text.slice(s.start, s.end)).toBe(s.phrase);
    expect(a.spans.map((s) => s.phrase)).toEqual(['we’re  READY', 'no   time']);
  });

  it('matches a curly apostrophe like a straight one and never half a contraction', () => {
    expect(label('We can’t wait to show the board.')).toBe('change');
    expect(spans('We can’t wait to show the board.')).toEqual(['can’t wait:change:desire']);
    expect(label("We don't need scheduled reports.")).toBe('sustain');
  });

  it('is versioned, and an empty or blank text is neutral without spans', () => {
    expect(c.version).toBe(LEXICON_VERSION);
    expect(c.classify('')).toEqual({ label: 'neutral', spans: [], version: LEXICON_VERSION });
    expect(c.classify('  \n\t ')).toEqual({ label: 'neutral', spans: [], version: LEXICON_VERSION });
    expect(label('What does the report show?')).toBe('neutral');
  });
});

describe('lexicon classifier: rules', () => {
  it("reads seed 004's own examples as the seed does", () => {
    expect(label("I really want to use your new feature but I'm just too busy right now")).toBe('sustain');
    expect(label("I chose '8' for importance as this area is critical to me and my company.")).toBe('change');
  });

  it('negation flips change talk to sustain talk of the same category, and sustain talk to change talk', () => {
    expect(spans("I don't really need to.")).toEqual(['really need:sustain:need']);
    expect(spans("We don't have to.")).toEqual(['have to:sustain:need']);
    expect(label("We're not going to roll it out to support.")).toBe('sustain');
    expect(label('We will not roll it out.')).toBe('sustain');
    expect(label("There's no way we're going back to spreadsheets.")).toBe('change');
    expect(label('Nobody on my team has time for a workshop.')).toBe('sustain');
  });

  it('doubt flips what follows in its clause; "I don\'t doubt" does not', () => {
    expect(label("I don't think the team is going to go for it.")).toBe('sustain');
    expect(label("I'm not sure this is something we need.")).toBe('sustain');
    expect(label("I don't doubt we'll get there by June.")).toBe('change');
  });

  it('lets the clause after "but" dominate, either way round, and the main clause over "although"', () => {
    expect(label("I would like to but I'm swamped.")).toBe('sustain');
    expect(label("I would like to. But I'm swamped.")).toBe('sustain');
    expect(label("It's a lot of work, but we're going to do it.")).toBe('change');
    expect(label("Even though we're swamped, we'll get the SSO cutover done.")).toBe('change');
    // Rule 6 does not reach across "but": the desire is still shown, as change talk.
    expect(c.classify("I would like to but I'm swamped.").spans.map((s) => s.polarity)).toEqual(['change', 'sustain']);
  });

  it('counts no commitment in a question, but does count rhetorical questions and deferrals', () => {
    expect(label('Should we roll it out?')).toBe('neutral');
    expect(label('Do we need to be admins to create a playbook?')).toBe('neutral');
    expect(label('Can we start next week')).toBe('neutral');
    expect(label('Do we even need a health score?')).toBe('sustain');
    expect(label('Can we postpone the kickoff to January?')).toBe('sustain');
  });

  it('tells past steps (change) from past failures and past plans (sustain)', () => {
    expect(label('We already trained the first cohort of twenty.')).toBe('change');
    expect(label('We tried it last year and gave up after a month.')).toBe('sustain');
    expect(label('We were going to do the training in May.')).toBe('sustain');
    expect(label('The team is already stretched thin.')).toBe('sustain');
  });

  it('halves hedged change talk, so a plain objection outweighs it', () => {
    // Hedged commitment (1.5 × 0.5) against one sustain phrase (1): sustain.
    expect(label('Maybe we will look at it, it is on hold.')).toBe('sustain');
    expect(label('We will look at it, it is on hold.')).toBe('change');
  });

  it('reads change talk that governs a sustain verb as one sustain span with it', () => {
    expect(label("We'll stick with email for now.")).toBe('sustain');
    expect(label("We're going to hold off until the integration is fixed.")).toBe('sustain');
    expect(spans("We'll stick with email.")).toEqual(["We'll stick with:sustain:desire"]);
    expect(spans("We're going to just hold off.")).toEqual(['going to just hold off:sustain:commitment']);
  });

  it('never reports a change phrase as sustain talk because of a later sustain phrase (rule 6 needs a governed verb)', () => {
    expect(spans('We need SSO too busy')).toEqual(['We need:change:need', 'too busy:sustain:ability']);
    expect(spans('We need SSO but too busy')).toEqual(['We need:change:need', 'too busy:sustain:ability']);
    expect(spans('We need too busy')).toEqual(['We need:change:need', 'too busy:sustain:ability']);
    expect(spans("We'll roll it out, stick with email until then.")).toEqual(["We'll:change:commitment", 'stick with:sustain:desire']);
  });

  it('reads and ignores phrases that only look like talk', () => {
    expect(label("I'll be out of office on Friday.")).toBe('neutral');
    expect(spans("I'll be honest, adoption isn't on my radar.")).toEqual(['on my radar:sustain:need']);
  });
});

describe('lexicon classifier: extra phrases', () => {
  it('adds phrases and lets them override a built-in phrase with the same words', () => {
    const extended = lexiconClassifier({ version: 'x', extra: [
      { phrase: 'bluebird cadence', polarity: 'change', category: 'commitment' },
      { phrase: 'Thinking  about', polarity: 'sustain', category: 'commitment' },
      { phrase: 'a.b (c)?', polarity: 'change', category: 'need' },
    ] });
    expect(extended.version).toBe('x');
    expect(extended.classify('We move to the Bluebird Cadence.').label).toBe('change');
    expect(extended.classify('We are thinking about it.').label).toBe('sustain');
    expect(defaultClassifier.classify('We are thinking about it.').label).toBe('change');
    // Regex characters in a phrase are literal.
    expect(extended.classify('we said a.b (c)? twice').spans.map((s) => s.phrase)).toEqual(['a.b (c)?']);
    expect(extended.classify('we said aXb (c) twice').spans).toEqual([]);
  });
});

describe('lexicon classifier: robustness and speed', () => {
  const wellFormed = (text: string, a: TalkAnalysis) => {
    expect(['change', 'sustain', 'neutral']).toContain(a.label);
    let last = -1;
    for (const s of a.spans) {
      expect(s.start).toBeGreaterThanOrEqual(last);
      expect(s.end).toBeGreaterThan(s.start);
      expect(s.end).toBeLessThanOrEqual(text.length);
      expect(text.slice(s.start, s.end)).toBe(s.phrase);
      last = s.end;
    }
  };

  it('takes any string (NUL, lone surrogates, control characters, any code unit) and returns well-formed spans', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => wellFormed(s, c.classify(s))), { numRuns: 300 });
    const words = fc.constantFrom('we', 'need', 'to', "don't", 'but', 'not', '?', '\u0000', '\ud800', 'too', 'busy', 'will', ',', '.', 'never', '’', '\n');
    fc.assert(fc.property(fc.array(words, { maxLength: 40 }), (ws) => {
      const s = ws.join(' ');
      wellFormed(s, c.classify(s));
    }), { numRuns: 300 });
  });

  it('classifies 20,000 characters and a few thousand texts quickly', () => {
    const long = "We need to roll it out, but we're too busy right now. ".repeat(370).slice(0, 20_000);
    let t0 = performance.now();
    const a = c.classify(long);
    expect(a.spans.length).toBeGreaterThan(500);
    expect(performance.now() - t0).toBeLessThan(500);
    const texts = Array.from({ length: 3000 }, (_, i) => `Call ${i}: I would like to but I'm swamped; we'll revisit next quarter maybe.`);
    t0 = performance.now();
    for (const t of texts) c.classify(t);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});
