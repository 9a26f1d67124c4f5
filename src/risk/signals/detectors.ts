import type { AccountFacts } from './facts.js';
import type { Detection, Evidence } from './types.js';
import { effectiveParams, type DetectorKind, type ParamsOf } from './params.js';

/**
 * The pure detectors: facts + params + now → the signal (when its fact holds) with when it began, as far as
 * the data says, and its evidence. They never throw on odd facts and never start a signal after `now`.
 */
const DAY = 86_400_000;
const SEVERITY = { low: 1, medium: 2, high: 3, critical: 4 } as const;
const fmtPct = (x: number) => `${Math.round(x)}%`;
const ms = (d: Date | string | null | undefined): number => (d == null ? NaN : new Date(d).getTime());
const dayStart = (day: string) => ms(`${day}T00:00:00Z`);

/** A valid start no later than now (NaN or a future instant becomes now). */
function startAt(t: number, now: Date): Date {
  return Number.isFinite(t) && t <= now.getTime() ? new Date(t) : new Date(now);
}
function hit(kind: string, t: number, now: Date, evidence: Evidence): Detection {
  return { kind, startedAt: startAt(t, now), evidence };
}
const minOf = (xs: number[]) => xs.filter(Number.isFinite).reduce((a, b) => Math.min(a, b), Infinity);

type Detector<K extends DetectorKind> = (f: AccountFacts, p: ParamsOf<K>, now: Date) => Detection | null;

const usageDrop: Detector<'usage_drop'> = (f, p, now) => {
  const { recent, prior } = f.usage;
  if (!(prior > 0) || prior < p.minPriorEvents) return null;
  const drop = ((prior - recent) / prior) * 100;
  if (!(drop >= p.dropPct)) return null;
  return hit('usage_drop', now.getTime(), now, { summary: `Product events fell ${fmtPct(drop)} month on month (${recent} against ${prior}).`, facts: { recent, prior, dropPct: Math.round(drop) } });
};

const seatUseFalling: Detector<'seat_use_falling'> = (f, p, now) => {
  const { recent, prior } = f.users;
  if (!(prior > 0) || prior < p.minPriorUsers) return null;
  const seats = f.seats && f.seats > 0 ? f.seats : null;
  const drop = ((prior - recent) / prior) * 100; // per seat: the seats are the same in both windows
  if (!(drop >= p.dropPct)) return null;
  const per = (u: number) => (seats ? `${(u / seats).toFixed(2)} per seat` : `${u} users`);
  return hit('seat_use_falling', now.getTime(), now, { summary: `Active users fell ${fmtPct(drop)}: ${per(recent)} against ${per(prior)}.`, facts: { recentUsers: recent, priorUsers: prior, seats, dropPct: Math.round(drop) } });
};

const healthDrop: Detector<'health_drop'> = (f, p, now) => {
  const from = now.getTime() - p.withinDays * DAY;
  const changes = f.healthChanges.filter((c) => ms(c.at) > from && ms(c.at) <= now.getTime()).sort((a, b) => ms(a.at) - ms(b.at));
  if (changes.length === 0) return null;
  const current = changes[changes.length - 1]?.toScore;
  if (current == null) return null;
  let peak = -Infinity;
  let peakAt = NaN;
  let reachedAt = NaN;
  for (const c of changes) {
    for (const s of [c.fromScore, c.toScore]) {
      if (s != null && s > peak) { peak = s; peakAt = ms(c.at); reachedAt = NaN; }
    }
    if (c.toScore != null && peak - c.toScore >= p.points && Number.isNaN(reachedAt)) reachedAt = ms(c.at);
  }
  if (!(peak - current >= p.points)) return null;
  return hit('health_drop', Number.isNaN(reachedAt) ? peakAt : reachedAt, now, { summary: `Health fell ${peak - current} points (from ${peak} to ${current}) within ${p.withinDays} days.`, facts: { from: peak, to: current } });
};

function roleLeft(kind: 'champion_left' | 'sponsor_left', role: 'champion' | 'executive_sponsor', label: string) {
  return (f: AccountFacts, p: { withinDays: number }, now: Date): Detection | null => {
    if (f.contacts.some((c) => c.role === role && c.deactivatedAt == null)) return null;
    const from = now.getTime() - p.withinDays * DAY;
    const left = f.roleChanges.filter((c) => c.fromRole === role && ms(c.at) > from && ms(c.at) <= now.getTime()
      && (c.change === 'deactivated' || (c.change === 'role' && c.toRole !== role)));
    if (left.length === 0) return null;
    const first = left.reduce((a, b) => (ms(b.at) < ms(a.at) ? b : a));
    const how = first.change === 'deactivated' ? 'left' : `changed role to ${first.toRole ?? 'none'}`;
    return hit(kind, ms(first.at), now, {
      summary: `The ${label} ${first.name ?? 'contact'} ${how}, and no other active ${label} is known.`,
      facts: { change: first.change, at: new Date(first.at).toISOString() },
      refs: left.map((c) => ({ type: 'contact', id: c.contactId, ...(c.name ? { label: c.name } : {}) })),
    });
  };
}

const championQuiet: Detector<'champion_quiet'> = (f, p, now) => {
  const key = f.contacts.filter((c) => (c.role === 'champion' || c.role === 'executive_sponsor') && c.deactivatedAt == null);
  if (key.length === 0) return null;
  const last = Math.max(...key.map((c) => Math.max(ms(c.lastSeenAt) || -Infinity, ms(c.lastActivityAt) || -Infinity, ms(c.createdAt) || -Infinity)));
  const quietSince = Number.isFinite(last) ? last : ms(f.createdAt);
  if (!(now.getTime() - quietSince >= p.quietDays * DAY)) return null;
  return hit('champion_quiet', quietSince + p.quietDays * DAY, now, {
    summary: `No champion or sponsor seen in the product or an activity for ${Math.floor((now.getTime() - quietSince) / DAY)} days.`,
    facts: { lastSeenAt: Number.isFinite(quietSince) ? new Date(quietSince).toISOString() : null },
    refs: key.map((c) => ({ type: 'contact', id: c.id, ...(c.name ? { label: c.name } : {}) })),
  });
};

const noExecTouch: Detector<'no_exec_touch'> = (f, p, now) => {
  const last = f.lastExecTouch ? ms(f.lastExecTouch.at) : ms(f.createdAt);
  if (!Number.isFinite(last) || !(now.getTime() - last >= p.days * DAY)) return null;
  return hit('no_exec_touch', last + p.days * DAY, now, {
    summary: f.lastExecTouch ? `No executive touch for ${Math.floor((now.getTime() - last) / DAY)} days.` : `No executive touch since the account was created.`,
    facts: { lastTouchAt: f.lastExecTouch ? new Date(last).toISOString() : null },
    refs: f.lastExecTouch ? [{ type: 'activity', id: f.lastExecTouch.activityId }] : [],
  });
};

const supportSpike: Detector<'support_spike'> = (f, p, now) => {
  const names = new Set(p.events);
  const end = now.getTime();
  const winFrom = end - p.windowDays * DAY;
  const baseFrom = winFrom - 90 * DAY;
  let recent = 0;
  let base = 0;
  let first = Infinity;
  // Support events per day: the named product events, or the support tickets logged that day when
  // there are more of those (the larger of the two, so a book that sends both is not counted twice).
  const perDay = new Map<string, { events: number; tickets: number }>();
  const at = (day: string) => {
    const c = perDay.get(day) ?? { events: 0, tickets: 0 };
    perDay.set(day, c);
    return c;
  };
  for (const e of f.eventDays) if (names.has(e.event) && Number.isFinite(e.count)) at(e.day).events += e.count;
  for (const e of f.ticketDays ?? []) if (Number.isFinite(e.count)) at(e.day).tickets += e.count;
  for (const [day, c] of perDay) {
    const t = dayStart(day);
    const n = Math.max(c.events, c.tickets);
    if (n <= 0) continue;
    if (t > winFrom && t <= end) { recent += n; first = Math.min(first, t); }
    else if (t > baseFrom && t <= winFrom) base += n;
  }
  const usual = (base / 90) * p.windowDays;
  if (recent < p.minCount || recent < p.ratio * usual) return null;
  return hit('support_spike', first, now, {
    summary: `${recent} support events in ${p.windowDays} days against ${usual.toFixed(1)} usually.`,
    facts: { recent, usual: Math.round(usual * 10) / 10, windowDays: p.windowDays },
  });
};

const openEscalation: Detector<'open_escalation'> = (f, p, now) => {
  const open = f.escalations.filter((e) => (e.status === 'open' || e.status === 'investigating') && SEVERITY[e.severity] >= SEVERITY[p.minSeverity]);
  if (open.length === 0) return null;
  const worst = open.reduce((a, b) => (SEVERITY[b.severity] > SEVERITY[a.severity] ? b : a));
  return hit('open_escalation', minOf(open.map((e) => ms(e.createdAt))), now, {
    summary: `${open.length} open escalation${open.length > 1 ? 's' : ''}, the worst ${worst.severity}: ${worst.title}`.slice(0, 300),
    facts: { count: open.length, worst: worst.severity },
    refs: open.map((e) => ({ type: 'escalation', id: e.id, label: e.title.slice(0, 200) })),
  });
};

function surveyBelow(kind: 'detractor_nps' | 'low_csat', survey: 'nps' | 'csat', what: string) {
  return (f: AccountFacts, p: { maxScore: number; withinDays: number }, now: Date): Detection | null => {
    const from = now.getTime() - p.withinDays * DAY;
    const latest = new Map<string, AccountFacts['surveyAnswers'][number]>();
    for (const a of f.surveyAnswers) {
      if (a.kind !== survey || !(ms(a.answeredAt) <= now.getTime())) continue;
      const key = a.contactId ?? `response:${a.id}`;
      const seen = latest.get(key);
      if (!seen || ms(a.answeredAt) > ms(seen.answeredAt)) latest.set(key, a);
    }
    const low = [...latest.values()].filter((a) => a.score <= p.maxScore && ms(a.answeredAt) > from);
    if (low.length === 0) return null;
    return hit(kind, minOf(low.map((a) => ms(a.answeredAt))), now, {
      summary: `${low.length} ${what} answer${low.length > 1 ? 's' : ''} (${low.map((a) => a.score).join(', ')}) within ${p.withinDays} days.`,
      facts: { scores: low.map((a) => a.score) },
      refs: low.map((a) => ({ type: 'survey_response', id: a.id })),
    });
  };
}

const lowConfidence: Detector<'low_confidence'> = (f, p, now) => {
  const low = f.checkIns.filter((c) => c.confidence <= p.maxConfidence && ms(c.at) <= now.getTime());
  if (low.length === 0) return null;
  return hit('low_confidence', minOf(low.map((c) => ms(c.at))), now, {
    summary: `Confidence ${low.map((c) => `${c.confidence}/10 on ${c.initiativeTitle}`).join('; ')}`.slice(0, 300),
    refs: low.map((c) => ({ type: 'check_in', id: c.id, label: c.initiativeTitle.slice(0, 200) })),
  });
};

const sustainTalk: Detector<'sustain_talk'> = (f, p, now) => {
  const from = now.getTime() - p.withinDays * DAY;
  const said = f.talk.filter((t) => t.label === 'sustain' && ms(t.at) > from && ms(t.at) <= now.getTime());
  if (said.length === 0) return null;
  return hit('sustain_talk', minOf(said.map((t) => ms(t.at))), now, {
    summary: `Sustain talk: “${(said[0]?.excerpt ?? '').slice(0, 200)}”`,
    refs: said.map((t) => ({ type: t.type, id: t.id })),
  });
};

const overdueMilestones: Detector<'overdue_milestones'> = (f, p, now) => {
  const overdue = f.overdueMilestones.map((m) => ({ m, late: dayStart(m.due) + (p.graceDays + 1) * DAY }))
    .filter((x) => Number.isFinite(x.late) && x.late <= now.getTime()).sort((a, b) => a.late - b.late);
  const nth = overdue[p.minCount - 1];
  if (!nth) return null;
  return hit('overdue_milestones', nth.late, now, {
    summary: `${overdue.length} customer milestone${overdue.length > 1 ? 's' : ''} overdue: ${overdue.map((x) => x.m.title).join(', ')}`.slice(0, 300),
    refs: overdue.map((x) => ({ type: 'milestone', id: x.m.id, label: x.m.title.slice(0, 200) })),
  });
};

const criticalDateClose: Detector<'critical_date_close'> = (f, p, now) => {
  const kinds = new Set<string>(p.kinds);
  const close = f.criticalDates.map((d) => {
    const lead = d.leadDays.filter(Number.isFinite).reduce((a, b) => Math.max(a, b), 0);
    return { d, opens: Math.max(ms(d.expiresAt) - lead * DAY, ms(d.createdAt) || -Infinity) };
  }).filter((x) => kinds.has(x.d.kind) && Number.isFinite(x.opens) && x.opens <= now.getTime());
  if (close.length === 0) return null;
  const soonest = close.reduce((a, b) => (ms(b.d.expiresAt) < ms(a.d.expiresAt) ? b : a)).d;
  const left = Math.floor((ms(soonest.expiresAt) - now.getTime()) / DAY);
  return hit('critical_date_close', minOf(close.map((x) => x.opens)), now, {
    summary: left < 0 ? `${soonest.label} expired ${-left} days ago.` : `${soonest.label} expires in ${left} days.`,
    facts: { expiresAt: new Date(soonest.expiresAt).toISOString(), daysLeft: left },
    refs: close.map((x) => ({ type: 'critical_date', id: x.d.id, label: x.d.label.slice(0, 200) })),
  });
};

const paymentFailed: Detector<'payment_failed'> = (f, p, now) => {
  const names = new Set(p.events);
  const from = now.getTime() - p.withinDays * DAY;
  const days = f.eventDays.filter((e) => names.has(e.event) && e.count > 0 && dayStart(e.day) > from - DAY && dayStart(e.day) <= now.getTime());
  const key = p.field ? p.field.slice('custom.'.length) : null;
  const v = key && f.custom && typeof f.custom === 'object' ? (f.custom as Record<string, unknown>)[key] : undefined;
  const fieldFailed = typeof v === 'string' && p.failedValues.some((x) => x.toLowerCase() === v.trim().toLowerCase());
  if (days.length === 0 && !fieldFailed) return null;
  const first = minOf(days.map((e) => dayStart(e.day)));
  return hit('payment_failed', Number.isFinite(first) ? first : now.getTime(), now, {
    summary: days.length ? `${days.reduce((s, e) => s + e.count, 0)} failed payment event(s) within ${p.withinDays} days.` : `The account's ${key} is "${String(v).slice(0, 100)}".`,
    facts: { events: days.length, field: fieldFailed ? String(v).slice(0, 100) : null },
  });
};

const autopilot: Detector<'autopilot'> = (f, _p, now) => {
  if (!f.autopilot?.on) return null;
  return hit('autopilot', ms(f.autopilot.computedAt), now, { summary: `Only routine touchpoints for the last ${f.autopilot.n}.`, facts: { n: f.autopilot.n } });
};

export const DETECTORS: { [K in DetectorKind]: Detector<K> } = {
  usage_drop: usageDrop,
  seat_use_falling: seatUseFalling,
  health_drop: healthDrop,
  champion_left: roleLeft('champion_left', 'champion', 'champion'),
  sponsor_left: roleLeft('sponsor_left', 'executive_sponsor', 'executive sponsor'),
  champion_quiet: championQuiet,
  no_exec_touch: noExecTouch,
  support_spike: supportSpike,
  open_escalation: openEscalation,
  detractor_nps: surveyBelow('detractor_nps', 'nps', 'detractor NPS'),
  low_csat: surveyBelow('low_csat', 'csat', 'low CSAT'),
  low_confidence: lowConfidence,
  sustain_talk: sustainTalk,
  overdue_milestones: overdueMilestones,
  critical_date_close: criticalDateClose,
  payment_failed: paymentFailed,
  autopilot,
};

/** Runs one kind on one account's facts with the stored params (read leniently). */
export function detect(kind: DetectorKind, facts: AccountFacts, params: unknown, now: Date): Detection | null {
  const d = DETECTORS[kind] as Detector<DetectorKind>;
  return d(facts, effectiveParams(kind, params), now);
}
