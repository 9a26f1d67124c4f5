import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from './client';

/**
 * Change talk (issue 11, seed 004): what the classifier found in a customer's words, the phrases
 * admins add to its lexicon, people's corrections, and its evaluation figures. Shapes as in
 * docs/design/issue-11-contract.md; the classifier itself is src/changetalk/. Responses are parsed
 * with zod so a shape that drifts fails loudly here, not as a blank highlight somewhere else.
 */

export const TALK_LABELS = ['change', 'sustain', 'neutral'] as const;
export const TALK_CATEGORIES = ['desire', 'ability', 'reasons', 'need', 'commitment', 'activation', 'taking_steps'] as const;
export const TALK_POLARITIES = ['change', 'sustain'] as const;
export const CORRECTION_SOURCES = ['check_in', 'activity', 'survey_response', 'manual'] as const;

export const talkLabel = z.enum(TALK_LABELS);
export const talkCategory = z.enum(TALK_CATEGORIES);
export const talkPolarity = z.enum(TALK_POLARITIES);

/** start/end are UTF-16 indexes into the text (JS string indexes), end exclusive. */
export const talkSpan = z.object({
  start: z.number().int(),
  end: z.number().int(),
  phrase: z.string(),
  category: talkCategory,
  polarity: talkPolarity,
});

export const talkAnalysis = z.object({ label: talkLabel, spans: z.array(talkSpan), version: z.string() });

/** What the app shows: the classifier's analysis with admins' phrases, or a person's correction. */
export const shownTalk = talkAnalysis.extend({ predicted: talkLabel, corrected: z.boolean() });

/** classify answers `predicted`/`corrected` only when a correction exists for the text. */
export const classifyResult = talkAnalysis.extend({ predicted: talkLabel.optional(), corrected: z.boolean().optional() });

export const named = z.object({ id: z.string(), name: z.string() });

export const talkPhrase = z.object({
  id: z.string(),
  phrase: z.string(),
  polarity: talkPolarity,
  category: talkCategory,
  createdAt: z.string().optional(),
  createdBy: named.nullable().optional(),
});

export const talkCorrection = z.object({
  id: z.string(),
  text: z.string(),
  label: talkLabel,
  predicted: talkLabel,
  classifierVersion: z.string().optional(),
  sourceKind: z.enum(CORRECTION_SOURCES).nullable().optional(),
  sourceId: z.string().nullable().optional(),
  accountId: z.string().nullable().optional(),
  note: z.string().nullable().optional(),
  createdAt: z.string(),
  createdBy: named.nullable().optional(),
});

export const correctionPage = z.object({ items: z.array(talkCorrection), nextCursor: z.string().nullable().optional() });

const classFigures = z.object({
  label: talkLabel,
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  n: z.number(),
  predicted: z.number().optional(),
});
const splitFigures = z.object({
  n: z.number(),
  accuracy: z.number(),
  macroF1: z.number(),
  classes: z.array(classFigures),
  misses: z.array(z.object({ text: z.string(), gold: talkLabel, predicted: talkLabel, note: z.string().optional(), phrases: z.array(z.string()) })).optional(),
});

/** The labelled set's figures: the tuning split, the held-out split (with an interval), people's corrections. */
export const evaluation = z.object({
  version: z.string(),
  tune: splitFigures,
  test: splitFigures.extend({ macroF1Interval: z.object({ low: z.number(), high: z.number(), level: z.number(), rounds: z.number() }).optional() }),
  corrections: z.object({ n: z.number(), agreement: z.number().nullable() }),
});

export type TalkLabel = z.infer<typeof talkLabel>;
export type TalkCategory = z.infer<typeof talkCategory>;
export type TalkPolarity = z.infer<typeof talkPolarity>;
export type TalkSpan = z.infer<typeof talkSpan>;
export type ShownTalk = z.infer<typeof shownTalk>;
export type ClassifyResult = z.infer<typeof classifyResult>;
export type TalkPhrase = z.infer<typeof talkPhrase>;
export type TalkCorrection = z.infer<typeof talkCorrection>;
export type Evaluation = z.infer<typeof evaluation>;
export type SplitFigures = z.infer<typeof splitFigures>;
export type CorrectionSource = (typeof CORRECTION_SOURCES)[number];

export interface CorrectionInput {
  text: string;
  label: TalkLabel;
  sourceKind?: CorrectionSource;
  sourceId?: string;
  accountId?: string;
  note?: string;
}

export interface PhraseInput {
  phrase: string;
  polarity: TalkPolarity;
  category: TalkCategory;
}

export const categoryLabel: Record<TalkCategory, string> = {
  desire: 'desire',
  ability: 'ability',
  reasons: 'reasons',
  need: 'need',
  commitment: 'commitment',
  activation: 'activation',
  taking_steps: 'taking steps',
};

export const changeTalkKeys = {
  all: ['changeTalk'] as const,
  phrases: ['changeTalk', 'phrases'] as const,
  corrections: (limit: number) => ['changeTalk', 'corrections', limit] as const,
  evaluation: ['changeTalk', 'evaluation'] as const,
};

/** Query roots whose answers carry `changeTalk`: refreshed after a correction or a new phrase. */
const TALK_BEARING_ROOTS = ['changeTalk', 'readiness', 'timeline', 'surveys', 'activities'];

function useInvalidateTalk() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ predicate: (q) => TALK_BEARING_ROOTS.includes(String(q.queryKey[0])) });
  };
}

export function classifyText(text: string): Promise<ClassifyResult> {
  return api<unknown>('/api/change-talk/classify', { method: 'POST', body: { text } }).then((r) => classifyResult.parse(r));
}

export function useClassify() {
  return useMutation({ mutationFn: classifyText });
}

export function usePhrases() {
  return useQuery({
    queryKey: changeTalkKeys.phrases,
    queryFn: ({ signal }) =>
      api<unknown>('/api/change-talk/phrases', { signal }).then((r) => z.object({ items: z.array(talkPhrase), version: z.string().optional() }).parse(r)),
  });
}

export function useAddPhrase() {
  const invalidate = useInvalidateTalk();
  return useMutation({
    mutationFn: (input: PhraseInput) => api<unknown>('/api/change-talk/phrases', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useDeletePhrase() {
  const invalidate = useInvalidateTalk();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/change-talk/phrases/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}

export function useCorrections(limit = 50) {
  return useQuery({
    queryKey: changeTalkKeys.corrections(limit),
    queryFn: ({ signal }) =>
      api<unknown>('/api/change-talk/corrections', { query: { limit }, signal }).then((r) => correctionPage.parse(r).items),
  });
}

export function useCorrect() {
  const invalidate = useInvalidateTalk();
  return useMutation({
    mutationFn: (input: CorrectionInput) => api<unknown>('/api/change-talk/corrections', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useEvaluation() {
  return useQuery({
    queryKey: changeTalkKeys.evaluation,
    queryFn: ({ signal }) => api<unknown>('/api/change-talk/evaluation', { signal }).then((r) => evaluation.parse(r)),
    staleTime: 10 * 60_000,
  });
}
