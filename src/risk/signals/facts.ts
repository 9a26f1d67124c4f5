/** What the detectors read about one account (loaded in bulk by load-facts.ts; plain data in tests). */
export type ContactFact = { id: string; name: string | null; role: string | null; deactivatedAt: Date | null; lastSeenAt: Date | null; createdAt: Date; lastActivityAt: Date | null };
export type RoleChangeFact = { contactId: string; name: string | null; fromRole: string | null; toRole: string | null; change: 'role' | 'deactivated' | 'reactivated'; at: Date };
export type AccountFacts = {
  accountId: string;
  createdAt: Date;
  seats: number | null;
  custom: Record<string, unknown>;
  /** '$all' product events in the last 30 days and the 30 before. */
  usage: { recent: number; prior: number };
  /** Distinct active users ('$all') in the last 30 days and the 30 before. */
  users: { recent: number; prior: number };
  /** Daily counts of the named support and payment events (bounded window). day = YYYY-MM-DD. */
  eventDays: { event: string; day: string; count: number }[];
  /** Support tickets (activities of kind 'ticket', e.g. imported from a helpdesk) per UTC day, same window as the support events. */
  ticketDays?: { day: string; count: number }[];
  contacts: ContactFact[];
  roleChanges: RoleChangeFact[];
  /** The last call, meeting, e-mail or QBR with an executive sponsor contact. */
  lastExecTouch: { activityId: string; at: Date } | null;
  surveyAnswers: { id: string; kind: 'nps' | 'csat' | 'ces'; score: number; answeredAt: Date; contactId: string | null }[];
  /** The latest check-in per active initiative. */
  checkIns: { id: string; initiativeId: string; initiativeTitle: string; confidence: number; at: Date }[];
  /** Recent texts already classified (check-in answers, activity notes). */
  talk: { type: 'check_in' | 'activity'; id: string; at: Date; label: 'change' | 'sustain' | 'neutral'; excerpt: string }[];
  /** Customer-owned (contact) milestones not completed, due in the past. due = YYYY-MM-DD. */
  overdueMilestones: { id: string; title: string; due: string }[];
  criticalDates: { id: string; kind: string; label: string; expiresAt: Date; leadDays: number[]; createdAt: Date }[];
  /** Escalations not resolved (open, investigating or mitigated). */
  escalations: { id: string; title: string; severity: 'low' | 'medium' | 'high' | 'critical'; status: string; createdAt: Date }[];
  /** Health score changes, oldest first (bounded window). */
  healthChanges: { at: Date; fromScore: number | null; toScore: number | null }[];
  autopilot: { on: boolean; computedAt: Date; n: number; reasons: unknown } | null;
};

export function emptyFacts(accountId: string, createdAt: Date): AccountFacts {
  return {
    accountId, createdAt, seats: null, custom: {}, usage: { recent: 0, prior: 0 }, users: { recent: 0, prior: 0 }, eventDays: [], ticketDays: [],
    contacts: [], roleChanges: [], lastExecTouch: null, surveyAnswers: [], checkIns: [], talk: [], overdueMilestones: [],
    criticalDates: [], escalations: [], healthChanges: [], autopilot: null,
  };
}
