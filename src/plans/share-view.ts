import { planProgress, type GoalInput, type GoalStatus, type MilestoneInput } from './progress.js';
import type { Goal, Milestone, SuccessPlan } from './schema.js';
import type { PublicGoal, PublicPlan, PublicTask } from './share-schema.js';
import { refOf } from './share-token.js';

/**
 * What the holder of a shared link sees of a plan: a pure function of the plan (as the plans
 * service loads it), the link, the account's contacts and the comments left through the link.
 *
 * - Goals, milestones and tasks hidden from the customer are left out entirely, and progress and
 *   status are computed again (src/plans/progress.ts) over what is shown, so no reason names a
 *   hidden milestone and the counts add up on the page.
 * - Nothing internal goes out: no health, risk, ARR, driver, internal notes, e-mail address or
 *   internal id. Goals, tasks and contacts carry refs valid only within this link.
 */

export type ShareLink = { id: string; allowCustomerUpdates: boolean; expiresAt: string | null };
export type ShareContact = { id: string; name: string };
export type ShareComment = { contactName: string; body: string; goalId: string | null; createdAt: string };

export const STATUS_LABELS: Record<GoalStatus, string> = { achieved: 'Achieved', on_track: 'On track', at_risk: 'At risk', off_track: 'Off track' };

/** A date-only string is its day at 00:00 UTC; an instant is itself. */
function toDate(s: string | null): Date | null {
  if (s === null) return null;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  return Number.isNaN(d.getTime()) ? null : d;
}
const day = (s: string | null) => toDate(s)?.toISOString().slice(0, 10) ?? null;

/** A name the page may show: an e-mail address (a contact stored without a name) is not one. */
const shownName = (name: string | null | undefined) => (name && !name.includes('@') ? name : null);

const visibleMilestones = (g: Goal) => g.milestones.filter((m) => !m.hiddenFromCustomer);

function progressInput(g: Goal, milestones: Milestone[]): GoalInput {
  const start = toDate(g.startDate) ?? new Date(0);
  return {
    id: g.id,
    statement: g.statement,
    startAt: start,
    targetDate: toDate(g.targetDate),
    criteria: g.criteria.map((c) => ({
      id: c.id, name: c.name, kind: c.kind, direction: c.direction, baseline: c.baseline, current: c.current, target: c.target, measuredAt: toDate(c.measuredAt),
    })),
    milestones: milestones.map((m): MilestoneInput => ({
      id: m.id, title: m.title, dueAt: toDate(m.dueAt), completedAt: toDate(m.completedAt),
      owner: m.owner ? { side: m.owner.side, name: shownName(m.owner.name) } : null,
    })),
  };
}

/**
 * Status reasons the customer may read. progress.ts words its reasons for the CS team; the ones
 * about our own bookkeeping (a criterion with no target, no baseline or no data yet, a goal with no
 * criteria yet, nothing measured yet) are not the customer's business and are left out; reasons
 * about dates, milestones and how far a measured criterion got stay, and the goal's status with them.
 */
const BOOKKEEPING = [/\bhas no target yet\b/, /\bhas no baseline\b/, /\bhas no data yet\b/, /^no success criteria yet$/, /^nothing measured yet\b/];
const isBookkeeping = (part: string) => BOOKKEEPING.some((re) => re.test(part));

export function publicReasons(reasons: string[]): string[] {
  return reasons.flatMap((reason) => {
    const goal = /^goal '.*?': /.exec(reason)?.[0] ?? '';
    // An on-track reason joins its parts with '; ' ("nothing measured yet …; no milestone overdue").
    const parts = reason.slice(goal.length).split('; ').filter((part) => !isBookkeeping(part));
    return parts.length ? [goal + parts.join('; ')] : [];
  });
}

export type SharedPlan = Omit<SuccessPlan, 'canEdit'>;

export function toPublicPlan(plan: SharedPlan, link: ShareLink, contacts: ShareContact[], comments: ShareComment[], now: Date): PublicPlan {
  const ref = (kind: 'goal' | 'task' | 'contact', id: string) => refOf(link.id, kind, id);
  const goals = plan.goals.filter((g) => !g.hiddenFromCustomer);
  const inputs = goals.map((g) => progressInput(g, visibleMilestones(g)));
  const computed = planProgress({ goals: inputs }, now);

  const task = (t: Milestone['tasks'][number]): PublicTask => ({
    id: ref('task', t.id),
    title: t.title,
    status: t.status,
    dueAt: t.dueAt,
    side: t.side,
    ownerName: shownName(t.assigneeName),
    canComplete: link.allowCustomerUpdates && t.side === 'customer' && t.status === 'open',
  });

  const publicGoals = goals.map((g, i): PublicGoal => {
    const p = computed.goals[i];
    const status = p?.status ?? 'on_track';
    return {
      id: ref('goal', g.id),
      statement: g.statement,
      why: g.why,
      targetDate: day(g.targetDate),
      status,
      statusLabel: STATUS_LABELS[status],
      statusReasons: publicReasons(p?.reasons ?? []),
      progress: {
        percent: p?.percent ?? null, criteriaMet: p?.criteriaMet ?? 0, criteriaTotal: p?.criteriaTotal ?? 0,
        milestonesDone: p?.milestonesDone ?? 0, milestonesTotal: p?.milestonesTotal ?? 0,
      },
      criteria: g.criteria.map((c, j) => {
        const cp = p?.criteria[j];
        return {
          name: c.name, direction: c.direction, baseline: c.baseline, current: c.current, target: c.target,
          progress: cp?.percent ?? null, state: cp?.state ?? c.state, met: cp?.met ?? c.met, measuredAt: day(c.measuredAt), ratings: c.ratings,
        };
      }),
      milestones: visibleMilestones(g).map((m, j) => {
        const owner = m.owner ? shownName(m.owner.name) : null;
        return {
          title: m.title,
          dueAt: day(m.dueAt),
          done: m.completedAt !== null,
          completedAt: m.completedAt,
          overdueDays: p?.milestones[j]?.overdueDays ?? 0,
          owner: m.owner ? { side: m.owner.side, name: owner ?? (m.owner.side === 'customer' ? 'your team' : 'our team') } : null,
          tasks: m.tasks.filter((t) => !t.hiddenFromCustomer).map(task),
        };
      }),
    };
  });

  const shownGoals = new Set(goals.map((g) => g.id));
  return {
    title: plan.title,
    accountName: plan.accountName,
    status: computed.status,
    statusLabel: STATUS_LABELS[computed.status],
    statusReasons: publicReasons(computed.reasons),
    progress: computed.progress,
    goals: publicGoals,
    allowCustomerUpdates: link.allowCustomerUpdates,
    expiresAt: link.expiresAt,
    contacts: link.allowCustomerUpdates
      ? contacts.flatMap((c) => {
        const name = shownName(c.name);
        return name ? [{ id: ref('contact', c.id), name }] : [];
      })
      : [],
    comments: comments.map((c) => ({
      contactName: c.contactName, body: c.body, createdAt: c.createdAt,
      goalId: c.goalId && shownGoals.has(c.goalId) ? ref('goal', c.goalId) : null,
    })),
  };
}

/** The ids a write through the link may name: shown goals, and shown tasks with their side and status. */
export function shownTargets(plan: SharedPlan) {
  const goals = plan.goals.filter((g) => !g.hiddenFromCustomer);
  const tasks = goals.flatMap((g) => visibleMilestones(g).flatMap((m) => m.tasks.filter((t) => !t.hiddenFromCustomer)));
  return { goalIds: goals.map((g) => g.id), tasks };
}
