import type { RiskHistory, RiskLevel, Signal } from './schemas';

/** One point of the account's risk history: the score from `at` on, and the signals that started or ended since the previous point. */
export interface HistoryPoint {
  at: string;
  score: number;
  level: RiskLevel;
  fromScore: number | null;
  fromLevel: RiskLevel | null;
  started: string[];
  ended: string[];
}

const name = (s: Signal) => s.label || s.kind;
const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * The API's risk moves (newest first, each with the score before and after) as points oldest first,
 * each with the signals that started or ended between the previous move and this one: what moved it.
 * The first move (the first computed risk) lists the signals live at that time.
 */
export function historyPoints(history: RiskHistory): HistoryPoint[] {
  const changes = [...history.changes].sort((a, b) => time(a.at) - time(b.at) || a.id.localeCompare(b.id));
  return changes.map((c, i) => {
    const to = time(c.at);
    const prev = changes[i - 1];
    const from = prev ? time(prev.at) : Number.NEGATIVE_INFINITY;
    const within = (t: number) => t > from && t <= to;
    // The first point is the first computed risk: the signals live then; later points: what started or ended since the previous one.
    const started = prev
      ? history.signals.filter((s) => within(time(s.startedAt)))
      : history.signals.filter((s) => time(s.startedAt) <= to && !(time(s.endedAt) <= to));
    const ended = prev ? history.signals.filter((s) => within(time(s.endedAt))) : [];
    return {
      at: c.at,
      score: c.toScore,
      level: c.toLevel,
      fromScore: c.fromScore,
      fromLevel: c.fromLevel,
      started: started.map(name),
      ended: ended.map(name),
    };
  });
}

/** Up to `max` names, then "+N more". */
export function someNames(names: string[], max = 4): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} +${names.length - max} more`;
}

/** What moved the score at a point, in words ("" when nothing the history holds explains it, e.g. signals fading). */
export function changeWords(p: HistoryPoint): string {
  const parts: string[] = [];
  if (p.started.length > 0) parts.push(`${p.fromScore === null ? 'Signals' : 'Started'}: ${someNames(p.started)}`);
  if (p.ended.length > 0) parts.push(`Ended: ${someNames(p.ended)}`);
  return parts.join(' · ');
}
