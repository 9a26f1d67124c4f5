import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { named } from './changeTalk';
import { api } from './client';

/**
 * Churn and downgrade reviews (issue 12, seed 002: "review every unexpected churn or downgrade and
 * ask why"): the account's story over the lookback, what was not acted on, how early the first
 * signal appeared, and the team's conclusion. Patterns across reviews: which signal combinations
 * preceded losses, how often they appeared in accounts that stayed (support, lift, lead days).
 */

export const REVIEW_KINDS = ['churned', 'downgraded'] as const;
export const REVIEW_STATUSES = ['open', 'concluded'] as const;
export const COULD_HAVE_SEEN = ['yes', 'partly', 'no'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export type CouldHaveSeen = (typeof COULD_HAVE_SEEN)[number];

const earliest = z.object({ kind: z.string(), at: z.string(), leadDays: z.number(), label: z.string().nullish() });

export const review = z.object({
  id: z.string(),
  accountId: z.string(),
  account: named.nullish(),
  kind: z.enum(REVIEW_KINDS),
  lossOn: z.string(),
  arrLost: z.number().nullable(),
  lookbackDays: z.number(),
  status: z.enum(REVIEW_STATUSES),
  rootCauses: z.array(z.string()),
  conclusion: z.string().nullable(),
  couldHaveSeen: z.enum(COULD_HAVE_SEEN).nullable(),
  owner: named.nullish(),
  concludedBy: named.nullish(),
  concludedAt: z.string().nullish(),
  createdAt: z.string().optional(),
  /** On the list: the earliest signal of the lookback, with its lead days before the loss. */
  earliestSignal: earliest.nullish(),
});
export type Review = z.infer<typeof review>;

const storySignal = z.object({
  id: z.string(),
  kind: z.string(),
  family: z.string().optional(),
  label: z.string().optional(),
  strength: z.number().optional(),
  startedAt: z.string(),
  endedAt: z.string().nullish(),
  evidence: z.object({ summary: z.string() }).passthrough().nullish(),
});
/** One dated item of the story (task, activity, escalation, check-in, plan event): tolerant of each kind's fields. */
const storyItem = z
  .object({ id: z.string() })
  .catchall(z.unknown());

export const reviewDetail = z.object({
  review,
  lookback: z.object({ from: z.string(), to: z.string() }).passthrough().optional(),
  story: z.object({
    signals: z.array(storySignal),
    health: z.array(z.object({ day: z.string(), score: z.number().nullable() })),
    tasks: z.array(storyItem),
    activities: z.array(storyItem),
    escalations: z.array(storyItem),
    checkIns: z.array(storyItem),
    planEvents: z.array(storyItem),
  }),
  unacted: z.array(z.object({ type: z.string(), id: z.string(), label: z.string(), why: z.string() })),
  earliestSignal: earliest.nullable(),
  canEdit: z.boolean(),
});
export type ReviewDetail = z.infer<typeof reviewDetail>;
export type StorySignal = z.infer<typeof storySignal>;
export type StoryItem = z.infer<typeof storyItem>;

export const pattern = z.object({
  kinds: z.array(z.string()),
  /** The kinds' definition labels, in the same order. */
  labels: z.array(z.string()).optional(),
  support: z.number(),
  lossCount: z.number(),
  retainedCount: z.number(),
  lift: z.number().nullable(),
  medianLeadDays: z.number().nullable(),
});
export const patterns = z.object({ losses: z.number(), retained: z.number(), lookbackDays: z.number().optional(), patterns: z.array(pattern) });
export type Pattern = z.infer<typeof pattern>;
export type Patterns = z.infer<typeof patterns>;

const reviewPage = z.object({ items: z.array(review), nextCursor: z.string().nullish() });

export interface ReviewPatch {
  rootCauses?: string[];
  conclusion?: string | null;
  couldHaveSeen?: CouldHaveSeen | null;
  status?: ReviewStatus;
  ownerId?: string | null;
}

export const reviewKeys = {
  all: ['reviews'] as const,
  list: (f: { status: ReviewStatus | null; kind: ReviewKind | null }) => ['reviews', 'list', f] as const,
  one: (id: string) => ['reviews', 'one', id] as const,
  patterns: (minSupport: number | null) => ['reviews', 'patterns', minSupport] as const,
};

const enc = encodeURIComponent;

export function useReviews(f: { status: ReviewStatus | null; kind: ReviewKind | null }) {
  return useInfiniteQuery({
    queryKey: reviewKeys.list(f),
    queryFn: ({ pageParam, signal }) =>
      api<unknown>('/api/reviews', { query: { status: f.status ?? undefined, kind: f.kind ?? undefined, cursor: pageParam }, signal }).then((r) =>
        reviewPage.parse(r),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useReview(id: string) {
  return useQuery({
    queryKey: reviewKeys.one(id),
    queryFn: ({ signal }) => api<unknown>(`/api/reviews/${enc(id)}`, { signal }).then((r) => reviewDetail.parse(r)),
    enabled: id !== '',
  });
}

export function useReviewPatterns(minSupport: number | null) {
  return useQuery({
    queryKey: reviewKeys.patterns(minSupport),
    queryFn: ({ signal }) => api<unknown>('/api/reviews/patterns', { query: { minSupport }, signal }).then((r) => patterns.parse(r)),
    staleTime: 60_000,
  });
}

export function usePatchReview(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: ReviewPatch) => api<unknown>(`/api/reviews/${enc(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: reviewKeys.all }),
  });
}
