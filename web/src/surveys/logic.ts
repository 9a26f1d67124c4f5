/** The pure part of the survey screens: defaults per kind, score scales and colours, headline figures, sorting. */
import type { Survey, SurveyKind, SurveyResults } from '../api/surveys';

export const KIND_LABEL: Record<SurveyKind, string> = { nps: 'NPS', csat: 'CSAT', ces: 'CES' };
export const KIND_DESCRIPTION: Record<SurveyKind, string> = {
  nps: 'Net Promoter Score: 0–10, how likely they are to recommend you',
  csat: 'Customer satisfaction: 1–5, how satisfied they are',
  ces: 'Customer effort: 1–7, how easy it was',
};

/** What a new survey of each kind asks, until the person writes their own. */
export const DEFAULT_QUESTION: Record<SurveyKind, string> = {
  nps: 'How likely are you to recommend us to a friend or colleague?',
  csat: 'How satisfied are you with the service you get from us?',
  ces: 'How easy was it to get what you needed from us?',
};
export const DEFAULT_COMMENT_PROMPT: Record<SurveyKind, string> = {
  nps: 'What is the main reason for your score?',
  csat: 'What could we do better?',
  ces: 'What made it easy or hard?',
};
export const DEFAULT_SUBJECT: Record<SurveyKind, string> = {
  nps: 'One quick question',
  csat: 'How are we doing?',
  ces: 'Was it easy?',
};

/**
 * The field's text after the kind changed: a text still equal to the old kind's default (or empty)
 * follows the new kind; anything the person wrote stays.
 */
export function followKind(current: string, from: SurveyKind, to: SurveyKind, defaults: Record<SurveyKind, string>): string {
  return current.trim() === '' || current === defaults[from] ? defaults[to] : current;
}

/** The answer scale of a kind: NPS 0–10, CSAT 1–5, CES 1–7. */
export function scoreRange(kind: SurveyKind): { min: number; max: number } {
  return kind === 'nps' ? { min: 0, max: 10 } : kind === 'csat' ? { min: 1, max: 5 } : { min: 1, max: 7 };
}

export type ScoreGroup = 'promoter' | 'passive' | 'detractor';
/** Good / middling / poor on each scale: NPS 9–10 promoters, 7–8 passives, 0–6 detractors; CSAT 4–5, 3, 1–2; CES 5–7, 4, 1–3. */
export function scoreGroup(kind: SurveyKind, score: number): ScoreGroup {
  const [good, middling] = kind === 'nps' ? [9, 7] : kind === 'csat' ? [4, 3] : [5, 4];
  return score >= good ? 'promoter' : score >= middling ? 'passive' : 'detractor';
}

export const GROUP_LABEL: Record<SurveyKind, Record<ScoreGroup, string>> = {
  nps: { promoter: 'Promoter', passive: 'Passive', detractor: 'Detractor' },
  csat: { promoter: 'Satisfied', passive: 'Neutral', detractor: 'Dissatisfied' },
  ces: { promoter: 'Easy', passive: 'Neutral', detractor: 'Hard' },
};
/** The groups as people are counted: "Promoters", "Satisfied", "Hard". */
export const GROUP_PLURAL: Record<SurveyKind, Record<ScoreGroup, string>> = {
  nps: { promoter: 'Promoters', passive: 'Passives', detractor: 'Detractors' },
  csat: { promoter: 'Satisfied', passive: 'Neutral', detractor: 'Dissatisfied' },
  ces: { promoter: 'Easy', passive: 'Neutral', detractor: 'Hard' },
};
/** Mantine colours and their hex (teal.6, yellow.6, red.6) for charts. */
export const GROUP_COLOR: Record<ScoreGroup, string> = { promoter: 'teal', passive: 'yellow', detractor: 'red' };
export const GROUP_HEX: Record<ScoreGroup, string> = { promoter: '#12b886', passive: '#fab005', detractor: '#fa5252' };

/** Every score of the kind's scale with its count (0 where nobody answered it), in order. */
export function fullDistribution(kind: SurveyKind, distribution: SurveyResults['distribution']): { score: number; count: number; group: ScoreGroup }[] {
  const { min, max } = scoreRange(kind);
  const counts = new Map(distribution.map((d) => [d.score, d.count]));
  const out: { score: number; count: number; group: ScoreGroup }[] = [];
  for (let s = min; s <= max; s++) out.push({ score: s, count: counts.get(s) ?? 0, group: scoreGroup(kind, s) });
  return out;
}

/** An NPS with its sign: +32, −8, 0. */
export function formatNps(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—';
  const r = Math.round(score);
  return r > 0 ? `+${r}` : r < 0 ? `−${-r}` : '0';
}

export interface Headline {
  label: string;
  /** The figure as shown, '—' without answers. */
  value: string;
  /** The number sorted on, null without answers. */
  number: number | null;
  n: number;
  hint: string;
}

/** The survey's headline figure: NPS (−100…+100), CSAT (% of 4–5), or CES (mean of 1–7). */
export function headline(kind: SurveyKind, r: SurveyResults | undefined): Headline {
  if (kind === 'nps') {
    const f = r?.nps;
    const score = f && f.n > 0 ? f.score : null;
    return { label: 'NPS', value: formatNps(score), number: score, n: f?.n ?? 0, hint: '% promoters (9–10) minus % detractors (0–6)' };
  }
  if (kind === 'csat') {
    const f = r?.csat;
    const score = f && f.n > 0 ? f.score : null;
    return { label: 'CSAT', value: score === null ? '—' : `${Math.round(score)}%`, number: score, n: f?.n ?? 0, hint: 'share of answers of 4 or 5' };
  }
  const f = r?.ces;
  const mean = f && f.n > 0 ? f.mean : null;
  return { label: 'CES', value: mean === null ? '—' : mean.toFixed(1), number: mean, n: f?.n ?? 0, hint: 'average of 1 (very hard) to 7 (very easy)' };
}

/** The last month with answers and its figure in the survey's own format ("Nov 2026: +20"), or null. */
export function latestMonth(kind: SurveyKind, overTime: SurveyResults['overTime']): string | null {
  const last = [...overTime].reverse().find((p) => p.n > 0 && p.score !== null);
  if (!last || last.score === null) return null;
  const value = kind === 'nps' ? formatNps(last.score) : kind === 'csat' ? `${Math.round(last.score)}%` : last.score.toFixed(1);
  return `${monthLabel(last.month)}: ${value}`;
}

export const SKIP_LABEL: Record<string, string> = {
  throttled: 'Surveyed recently',
  no_email: 'No e-mail address',
  over_capacity: 'Over capacity',
  not_found: 'Not found',
};
export const skipLabel = (reason: string): string => SKIP_LABEL[reason] ?? reason;

/** Skipped recipients counted by reason, most common first. */
export function skipCounts(skipped: { reason: string }[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

type SortKey = 'name' | 'kind' | 'sent' | 'answered' | 'rate' | 'score' | 'created';
const SORT_KEYS: readonly SortKey[] = ['name', 'kind', 'sent', 'answered', 'rate', 'score', 'created'];

/**
 * The list's client-side sort (`key` or `-key`), with surveys without a value (no answers, nothing
 * sent) last in both directions, then by name.
 */
export function sortSurveys(rows: Survey[], sort: string, scores: ReadonlyMap<string, number | null>): Survey[] {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as SortKey;
  if (!SORT_KEYS.includes(key)) return rows;
  const value = (s: Survey): string | number | null => {
    switch (key) {
      case 'name':
        return s.name.toLowerCase();
      case 'kind':
        return s.kind;
      case 'sent':
        return s.stats.sent;
      case 'answered':
        return s.stats.answered;
      case 'rate':
        return s.stats.responseRate;
      case 'score':
        return scores.get(s.id) ?? null;
      case 'created':
        return s.createdAt;
    }
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null && vb === null) return a.name.localeCompare(b.name);
    if (va === null) return 1;
    if (vb === null) return -1;
    const c = va < vb ? -1 : va > vb ? 1 : 0;
    return (desc ? -c : c) || a.name.localeCompare(b.name);
  });
}

/** A percentage the API gives as 0–100 (response rate, CSAT): `42%`, `7.5%`, `—` without one. */
export function formatRate(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return '—';
  return `${Math.abs(pct) >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10}%`;
}

/** "2026-03" → "Mar 2026". */
export function monthLabel(month: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(month);
  if (!m) return month;
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${names[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}
