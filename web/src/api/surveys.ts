import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { shownTalk } from './changeTalk';
import { api } from './client';
import type { Contact, Page } from './types';

/**
 * Surveys (issue 11, seed 004): NPS, CSAT and CES by e-mail, their results and the account's
 * answers. Shapes as in docs/design/issue-11-contract.md; the server is src/surveys/. Responses are
 * parsed with zod, so a shape that drifts fails here with the field's name, not as a blank chart.
 */

export const SURVEY_KINDS = ['nps', 'csat', 'ces'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export const SKIP_REASONS = ['throttled', 'no_email', 'over_capacity', 'not_found'] as const;

const id = z.string();
/** A contact's name may be unknown (only an e-mail address). */
const person = z.object({ id, name: z.string().nullable() });
const named = z.object({ id, name: z.string() });
/** A percentage 0–100 (answered of sent), or null when nothing was sent. */
const ratio = z.number().nullable();

export const surveyStats = z.object({ sent: z.number(), answered: z.number(), responseRate: ratio });

export const survey = z.object({
  id,
  name: z.string(),
  kind: z.enum(SURVEY_KINDS),
  question: z.string(),
  commentPrompt: z.string().nullable(),
  emailSubject: z.string(),
  emailIntro: z.string(),
  throttleDays: z.number(),
  reminderAfterDays: z.number().nullable(),
  spoonCost: z.number(),
  archived: z.boolean(),
  createdAt: z.string(),
  stats: surveyStats,
});

export const npsFigures = z.object({ score: z.number().nullable(), promoters: z.number(), passives: z.number(), detractors: z.number(), n: z.number() });
/** CSAT: `score` is the share of 4–5 answers in percent; `mean` the average of 1–5. */
export const csatFigures = z.object({ score: z.number().nullable(), mean: z.number().nullable(), n: z.number() });
export const cesFigures = z.object({ mean: z.number().nullable(), n: z.number() });

export const surveyComment = z.object({
  id,
  score: z.number(),
  comment: z.string(),
  at: z.string(),
  contact: person.nullable(),
  account: named.nullable(),
  changeTalk: shownTalk.nullable().optional(),
});

export const surveyResults = z.object({
  responses: z.number(),
  /** Recipients asked in the period (absent from older servers). */
  sent: z.number().optional(),
  responseRate: ratio,
  nps: npsFigures.nullish(),
  csat: csatFigures.nullish(),
  ces: cesFigures.nullish(),
  distribution: z.array(z.object({ score: z.number(), count: z.number() })),
  overTime: z.array(z.object({ month: z.string(), score: z.number().nullable(), n: z.number() })),
  /** The first page of comments, newest first (50 by default). */
  comments: z.array(surveyComment),
  /** All comments of the period, over every page (absent from older servers: then `comments` is all). */
  commentsTotal: z.number().optional(),
  /** The next page of comments (`fetchMoreComments`); null or absent: there is none. */
  nextCommentsCursor: z.string().nullable().optional(),
  /** Answers judged automated (mail scanners clicking links), kept apart and not counted. */
  bots: z.number(),
});

export const skippedRecipient = z.object({
  contactId: id,
  contactName: z.string().nullable(),
  accountName: z.string().nullable(),
  /** throttled | no_email | over_capacity | not_found; an unknown reason is shown with its detail. */
  reason: z.string(),
  detail: z.string(),
});

export const sendResult = z.object({
  sent: z.number(),
  skipped: z.array(skippedRecipient),
  /** Who would be (or was) sent, when the server names them. */
  recipients: z.array(z.object({ contactId: id, contactName: z.string().nullable(), accountName: z.string().nullable() })).optional(),
});

/** One answer of an account's contact (`GET /api/accounts/:id/surveys`). */
export const accountAnswer = z
  .object({
    id,
    survey: z.object({ id, name: z.string(), kind: z.enum(SURVEY_KINDS) }),
    score: z.number(),
    comment: z.string().nullable(),
    at: z.string(),
    contact: person.nullable(),
    changeTalk: shownTalk.nullable().optional(),
  })
  .loose();

export type Survey = z.infer<typeof survey>;
export type SurveyResults = z.infer<typeof surveyResults>;
export type SurveyComment = z.infer<typeof surveyComment>;
export type SkippedRecipient = z.infer<typeof skippedRecipient>;
export type SendResult = z.infer<typeof sendResult>;
export type AccountAnswer = z.infer<typeof accountAnswer>;

/** What the form sends: validated with the API's own schemas (surveyCreate, surveyPatch in ./schemas). */
export interface SurveyInput {
  name: string;
  kind: SurveyKind;
  question: string;
  commentPrompt: string | null;
  emailSubject: string;
  emailIntro: string;
  throttleDays: number;
  reminderAfterDays: number | null;
  spoonCost: number;
}

export interface AudienceFilter {
  accountIds?: string[];
  segment?: string;
  stage?: string;
  ownerId?: string;
  contactRoles?: string[];
}

export type SendInput = ({ contactIds: string[] } | { filter: AudienceFilter }) & { confirmOverload?: boolean; dryRun?: boolean };

export const surveyKeys = {
  all: ['surveys'] as const,
  list: (archived: boolean) => ['surveys', 'list', archived] as const,
  one: (surveyId: string) => ['surveys', 'one', surveyId] as const,
  results: (surveyId: string, from?: string, to?: string) => ['surveys', 'results', surveyId, from ?? null, to ?? null] as const,
  account: (accountId: string) => ['surveys', 'account', accountId] as const,
};

const enc = encodeURIComponent;
const parse =
  <T>(schema: z.ZodType<T>) =>
  (r: unknown): T =>
    schema.parse(r);

export function useSurveys(opts: { archived?: boolean } = {}) {
  const archived = opts.archived ?? false;
  return useQuery({
    queryKey: surveyKeys.list(archived),
    queryFn: ({ signal }) =>
      api<unknown>('/api/surveys', { query: { archived: archived ? 'true' : undefined }, signal }).then((r) => z.object({ items: z.array(survey) }).parse(r).items),
  });
}

export function useSurvey(surveyId: string, enabled = true) {
  return useQuery({
    queryKey: surveyKeys.one(surveyId),
    queryFn: ({ signal }) => api<unknown>(`/api/surveys/${enc(surveyId)}`, { signal }).then(parse(survey)),
    enabled,
  });
}

function resultsQuery(surveyId: string, from?: string, to?: string) {
  return {
    queryKey: surveyKeys.results(surveyId, from, to),
    queryFn: ({ signal }: { signal: AbortSignal }) => api<unknown>(`/api/surveys/${enc(surveyId)}/results`, { query: { from, to }, signal }).then(parse(surveyResults)),
  };
}

/** The next page of a survey's comments after `cursor` (same period as the results it continues). */
export async function fetchMoreComments(surveyId: string, range: { from?: string; to?: string }, cursor: string): Promise<{ comments: SurveyComment[]; next: string | null }> {
  const r = await api<unknown>(`/api/surveys/${enc(surveyId)}/results`, { query: { from: range.from, to: range.to, commentsCursor: cursor } }).then(parse(surveyResults));
  return { comments: r.comments, next: r.nextCommentsCursor ?? null };
}

export function useSurveyResults(surveyId: string, range: { from?: string; to?: string } = {}, enabled = true) {
  return useQuery({ ...resultsQuery(surveyId, range.from, range.to), enabled });
}

/** The results of several surveys at once (the list's score column), keyed by survey id. */
export function useSurveysResults(surveyIds: string[]) {
  return useQueries({
    queries: surveyIds.map((s) => ({ ...resultsQuery(s), staleTime: 60_000 })),
    combine: (rs) => new Map(rs.flatMap((r, i) => (r.data && surveyIds[i] ? [[surveyIds[i], r.data] as const] : []))),
  });
}

export function useAccountSurveys(accountId: string) {
  return useQuery({
    queryKey: surveyKeys.account(accountId),
    queryFn: ({ signal }) =>
      api<unknown>(`/api/accounts/${enc(accountId)}/surveys`, { signal }).then((r) => z.object({ items: z.array(accountAnswer) }).parse(r).items),
  });
}

function useInvalidateSurveys() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: surveyKeys.all });
    // Sending asks the customer: capacity, the timeline and the outbox move with it.
    void qc.invalidateQueries({ predicate: (q) => ['capacity', 'timeline', 'outbox'].includes(String(q.queryKey[0])) });
  };
}

export function useCreateSurvey() {
  const invalidate = useInvalidateSurveys();
  return useMutation({
    mutationFn: (input: SurveyInput) => api<unknown>('/api/surveys', { method: 'POST', body: input }).then(parse(survey)),
    onSuccess: invalidate,
  });
}

export function useUpdateSurvey() {
  const invalidate = useInvalidateSurveys();
  return useMutation({
    mutationFn: ({ id: surveyId, ...patch }: Partial<Omit<SurveyInput, 'kind'>> & { id: string; archived?: boolean }) =>
      api<unknown>(`/api/surveys/${enc(surveyId)}`, { method: 'PATCH', body: patch }).then(parse(survey)),
    onSuccess: invalidate,
  });
}

/** A dry run changes nothing (no invalidation); a real send does. */
export function useSendSurvey(surveyId: string) {
  const invalidate = useInvalidateSurveys();
  return useMutation({
    mutationFn: (input: SendInput) => api<unknown>(`/api/surveys/${enc(surveyId)}/send`, { method: 'POST', body: input }).then(parse(sendResult)),
    onSuccess: (_r, input) => {
      if (!input.dryRun) invalidate();
    },
  });
}

/** Contacts across the book whose name or e-mail matches (at least 2 characters), for choosing recipients. */
export function useContactSearch(search: string) {
  const q = search.trim();
  return useQuery({
    queryKey: ['contacts', 'search', q],
    queryFn: ({ signal }) => api<Page<Contact>>('/api/contacts', { query: { search: q, limit: 20 }, signal }).then((r) => r.items),
    enabled: q.length >= 2,
  });
}

export const responsesCsvUrl = (surveyId: string) => `/api/surveys/${enc(surveyId)}/responses.csv`;
