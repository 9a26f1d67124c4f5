import { z } from 'zod';
import { queryInt, text } from '../http/zod.js';
import { TALK_CATEGORIES, TALK_LABELS, TALK_POLARITIES } from './types.js';

/*
 * Change talk: request and response shapes (docs/design/issue-11-contract.md). Pure zod, no server
 * imports: other parts put `shownTalk` next to every customer free text they return.
 */

export const talkLabel = z.enum(TALK_LABELS);
export const talkCategory = z.enum(TALK_CATEGORIES);
export const talkPolarity = z.enum(TALK_POLARITIES);

export const talkSpan = z.object({
  start: z.number().int().describe('UTF-16 index into the text (a JavaScript string index)'),
  end: z.number().int().describe('UTF-16 index, exclusive'),
  phrase: z.string().describe('text.slice(start, end): the phrase as it appears'),
  category: talkCategory,
  polarity: talkPolarity,
});

export const talkAnalysis = z.object({
  label: talkLabel,
  spans: z.array(talkSpan).describe('The phrases that decided the label, in text order'),
  version: z.string().describe('The classifier (lexicon-N, with +phrases.<digest> when admins added phrases)'),
});

/** What the app shows for a free text: the classifier's analysis, or the newest person's correction of its label. */
export const shownTalk = talkAnalysis.extend({
  predicted: talkLabel.describe("The classifier's label"),
  corrected: z.boolean().describe('label comes from a person’s correction of this text (newest wins)'),
});

/** The longest text classified or corrected, as in change_talk_corrections.text. */
export const MAX_TALK_TEXT = 20_000;

export const classifyBody = z.strictObject({
  text: z.string().max(MAX_TALK_TEXT).describe('Any text; an empty one is neutral'),
});

/** Trimmed, whitespace runs collapsed to one space: the matcher reads any whitespace run as one space, so this is the same phrase. */
const phraseText = () => text().overwrite((s) => s.replace(/\s+/gu, ' ').trim()).min(2).max(200)
  .refine((s) => /[\p{L}\p{N}]/u.test(s), 'Must contain a letter or a digit');

export const phraseCreate = z.strictObject({
  phrase: phraseText().describe('Stored trimmed with whitespace runs collapsed to one space. Matched case-insensitively on word boundaries; '
    + 'overrides a built-in phrase with the same words; the same words (any case, spacing or apostrophe) with the same polarity are a 409'),
  polarity: talkPolarity,
  category: talkCategory,
});
export type PhraseCreate = z.infer<typeof phraseCreate>;

const person = z.object({ id: z.string(), name: z.string() }).nullable();

export const phrase = z.object({
  id: z.string(),
  phrase: z.string(),
  polarity: talkPolarity,
  category: talkCategory,
  createdAt: z.string(),
  createdBy: person,
});
export type Phrase = z.infer<typeof phrase>;
export const phraseList = z.object({ items: z.array(phrase), version: z.string().describe('The classifier these phrases make') });

export const lexicon = z.object({
  version: z.string(),
  phrases: z.array(z.object({ phrase: z.string(), polarity: talkPolarity, category: talkCategory, weight: z.number() })),
  rules: z.array(z.string()),
});

export const SOURCE_KINDS = ['check_in', 'activity', 'survey_response', 'manual'] as const;

export const correctionCreate = z.strictObject({
  text: text().max(MAX_TALK_TEXT).refine((s) => s.trim().length > 0, 'Enter the text whose label you correct'),
  label: talkLabel,
  sourceKind: z.enum(SOURCE_KINDS).optional().describe('Where the text was shown'),
  sourceId: z.uuid().optional(),
  accountId: z.uuid().optional(),
  note: text().trim().max(2000).optional(),
});
export type CorrectionCreate = z.infer<typeof correctionCreate>;

export const correction = z.object({
  id: z.string(),
  text: z.string(),
  label: talkLabel,
  predicted: talkLabel.describe('What the classifier said when the correction was made'),
  classifierVersion: z.string(),
  sourceKind: z.enum(SOURCE_KINDS).nullable(),
  sourceId: z.string().nullable(),
  accountId: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  createdBy: person,
});
export type Correction = z.infer<typeof correction>;

export const correctionListQuery = z.object({
  limit: queryInt(1, 200).default(50),
  cursor: text().max(500).optional(),
  accountId: z.uuid().optional(),
  format: z.enum(['json', 'jsonl']).default('json')
    .describe('jsonl: the newest correction of each text as test cases of the labelled set ({text, label, note, split: "tune"} a line), all of them'),
});
export type CorrectionListQuery = z.infer<typeof correctionListQuery>;
export const correctionList = z.object({ items: z.array(correction), nextCursor: z.string().nullable() });

const classFigures = z.object({
  label: talkLabel, precision: z.number(), recall: z.number(), f1: z.number(), n: z.number().int(), predicted: z.number().int(),
});
const confusionRow = z.object({ change: z.number().int(), sustain: z.number().int(), neutral: z.number().int() });
const splitFigures = z.object({
  n: z.number().int(),
  accuracy: z.number(),
  macroF1: z.number(),
  classes: z.array(classFigures),
  confusion: z.object({ change: confusionRow, sustain: confusionRow, neutral: confusionRow }).describe('confusion[gold][predicted]'),
  misses: z.array(z.object({ text: z.string(), gold: talkLabel, predicted: talkLabel, note: z.string().optional(), phrases: z.array(z.string()) })),
});
export const evaluation = z.object({
  version: z.string(),
  tune: splitFigures.describe('The utterances the lexicon was tuned on'),
  test: splitFigures.extend({
    macroF1Interval: z.object({ low: z.number(), high: z.number(), level: z.number(), rounds: z.number().int() }),
  }).describe('Held out: never tuned on'),
  corrections: z.object({
    n: z.number().int().describe('Texts corrected by people (the newest correction of each)'),
    agreement: z.number().nullable().describe('Share of them the current classifier now labels as corrected'),
  }),
});
