// The words and numbers of the demo's success plans (see plans.ts): goals as customers put them,
// their comments and browsers on the shared page, the three templates, and how a steered target is
// kept reachable. Data and small pure helpers only; plans.ts builds the plans from them.
import type { TemplateCreate } from '../plans/schema.js';

export type Intent = 'good' | 'watch' | 'poor' | 'achieved';
type Phrase = { statement: string; why: string; criterion: { name: string; direction: 'up' | 'down'; baseline: number; target: number } };

/** Goals as customers say them: from X to Y, and why it matters to them. " by <Month>" is added from the target date. */
export const GOALS: readonly Phrase[] = [
  { statement: 'Cut month-end close from 10 days to 4', why: 'The CFO wants the board pack a week earlier, and the auditors flagged the late adjustments.', criterion: { name: 'Days to close the books', direction: 'down', baseline: 10, target: 4 } },
  { statement: 'Answer every escalated customer request within one business day, down from three', why: 'Two of their largest clients complained at the last review; the COO promised them a fix.', criterion: { name: 'Average days to answer an escalation', direction: 'down', baseline: 3, target: 1 } },
  { statement: 'Get all 40 field reps logging visits in the app instead of spreadsheets', why: 'Regional managers lose every Monday merging spreadsheets, and the numbers never match.', criterion: { name: 'Reps logging visits in the app', direction: 'up', baseline: 6, target: 40 } },
  { statement: 'Retire the legacy reporting tool before its licence renews', why: 'It costs them $80k a year, and the IT director has told the CFO it will be gone.', criterion: { name: 'Reports still run in the old tool', direction: 'down', baseline: 35, target: 0 } },
  { statement: 'Onboard a new hire in 2 weeks instead of 6', why: 'They are hiring 30 people this year; every week a new hire is not productive costs a sale.', criterion: { name: 'Weeks until a new hire works alone', direction: 'down', baseline: 6, target: 2 } },
  { statement: 'Stop the Friday fire drill: the weekly ops report builds itself', why: 'The ops lead spends every Friday afternoon on it and wants that time for her team.', criterion: { name: 'Hours spent on the weekly report', direction: 'down', baseline: 6, target: 1 } },
  { statement: 'Give the board a live churn view instead of a quarterly slide deck', why: 'The new board member from the investor asked for it in the last meeting.', criterion: { name: 'Board members using the live view', direction: 'up', baseline: 0, target: 5 } },
  { statement: 'Prepare for the annual audit in one week instead of three', why: 'Last year the audit took the whole finance team off their work for most of March.', criterion: { name: 'Days of audit preparation', direction: 'down', baseline: 15, target: 5 } },
  { statement: 'Double the number of teams that build their own reports', why: 'The analytics team is a bottleneck: a two-week queue for every new question.', criterion: { name: 'Teams building their own reports', direction: 'up', baseline: 4, target: 8 } },
  { statement: 'Bring order-to-invoice from 9 days down to 3', why: 'Cash flow: the CFO estimates a week less is worth a credit line they no longer need.', criterion: { name: 'Days from order to invoice', direction: 'down', baseline: 9, target: 3 } },
  { statement: 'Launch in Germany with local workflows and no extra headcount', why: 'The expansion is the CEO\'s plan for the year, and the budget has no room for new hires.', criterion: { name: 'German teams live', direction: 'up', baseline: 0, target: 3 } },
  { statement: 'Reduce the time to approve a supplier from 20 days to 5', why: 'Procurement is blamed for every delayed project; they want the numbers to prove it changed.', criterion: { name: 'Days to approve a supplier', direction: 'down', baseline: 20, target: 5 } },
  { statement: 'Move every regional office onto one way of forecasting', why: 'Four offices, four spreadsheets: the VP Sales cannot compare them and does not trust the total.', criterion: { name: 'Offices forecasting in the product', direction: 'up', baseline: 1, target: 4 } },
  { statement: 'Cut customer onboarding calls from five to two', why: 'Their own customers complain that getting started takes too many meetings.', criterion: { name: 'Onboarding calls per new customer', direction: 'down', baseline: 5, target: 2 } },
];

export const COMMENTS = [
  'We reviewed this with our leadership team on Monday: the SSO milestone is on us, IT has it booked for next sprint.',
  'Thanks for putting this together. Can we add the finance team\'s reporting goal before our next call?',
  'The month-end numbers look right to us. The board liked seeing the trend.',
  'Our admin is out next week, so the integration task will slip a few days. Sorry!',
];
export const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const monthOf = (day: string) => MONTHS[Number(day.slice(5, 7)) - 1] ?? '';

export type Drivers = Map<string, string>; // key -> id

export function templates(drivers: Drivers): TemplateCreate[] {
  const driver = (key: string, name: string, target: number) => {
    const id = drivers.get(key);
    return id ? [{ name, kind: 'driver' as const, driverId: id, metric: null, target }] : [];
  };
  const metric = (name: string, event: string, measure: 'count' | 'active_users' | 'active_days', windowDays: number, target: number) =>
    ({ name, kind: 'metric' as const, driverId: null, metric: { event, measure, windowDays }, target });
  const manual = (name: string, target: number, direction: 'up' | 'down' = 'up') => ({ name, kind: 'manual' as const, driverId: null, metric: null, direction, target });
  const rating = (name: string) => ({ name, kind: 'rating' as const, driverId: null, metric: null, target: 4 });
  const task = (title: string, offsetDays: number, owner: 'csm' | `customer:${string}`) => ({ title, offsetDays, owner }) as TemplateCreate['goals'][number]['milestones'][number]['tasks'][number];
  const ms = (title: string, offsetDays: number, owner: TemplateCreate['goals'][number]['milestones'][number]['owner'], tasks: ReturnType<typeof task>[] = []) => ({ title, offsetDays, owner, tasks });
  return [
    {
      name: 'Onboarding: first value in 60 days', segment: null, stage: 'onboarding',
      description: 'From signature to the first outcome the sponsor can show: agree what success means in their words, get live, prove it at day 60.',
      goals: [
        {
          statement: 'Live with the whole team within 60 days', why: 'The sponsor promised the new process to their leadership by the end of the quarter.', targetOffsetDays: 60,
          criteria: [...driver('activation', 'Activation milestones done', 3), ...driver('seat_utilization', 'Share of seats active each day', 0.25), manual('Their own success measure', 1)],
          milestones: [
            ms('Kickoff: success criteria agreed in their words', 7, 'csm', [task('Send the kickoff agenda and the draft success criteria', 3, 'csm')]),
            ms('SSO and the first integration connected', 21, 'customer:admin', [task('Connect SSO', 14, 'customer:admin'), task('Connect the first integration', 21, 'customer:admin')]),
            ms('Team invited and trained', 35, 'customer:champion', [task('Invite the team and book the training', 28, 'customer:champion'), task('Run the admin training', 35, 'csm')]),
            ms('First value review with the sponsor', 60, 'csm', [task('Prepare the value review deck', 55, 'csm')]),
          ],
        },
        {
          statement: 'The team runs its weekly review in the product, without our help', why: 'If the weekly meeting still runs on spreadsheets in two months, the rollout has failed in their eyes.', targetOffsetDays: 75,
          criteria: [metric('People logging in each week', 'Logged In', 'active_users', 7, 10), rating('How confident the team feels on their own')],
          milestones: [ms('First weekly review run from a dashboard', 45, 'customer:champion', [task('Build the weekly review dashboard', 40, 'customer:champion')])],
        },
      ],
    },
    {
      name: 'Adoption: make it a habit', segment: null, stage: 'adoption',
      description: 'After go-live: from a few power users to a habit across teams, tied to the business outcome they bought it for.',
      goals: [
        {
          statement: 'Most of the team uses it every week', why: 'The renewal will be judged on whether people outside the core team use it.', targetOffsetDays: 90,
          criteria: [...driver('seat_utilization', 'Share of seats active each day', 0.3), ...driver('feature_breadth', 'Features used in the last 28 days', 6), manual('Their own success measure', 1)],
          milestones: [
            ms('Usage review with the champion', 14, 'csm', [task('Send the usage review before the call', 12, 'csm')]),
            ms('The two biggest manual workflows automated', 45, 'customer:champion', [task('List the manual steps that take the most time', 30, 'customer:champion'), task('Build the automations together', 45, 'csm')]),
            ms('Second team onboarded', 75, 'customer:admin', [task('Nominate the second team and its lead', 60, 'customer:executive_sponsor')]),
          ],
        },
        {
          statement: 'Dashboards replace the monthly slide deck', why: 'Leadership wants to stop waiting for a deck that is out of date when it arrives.', targetOffsetDays: 120,
          criteria: [metric('Dashboards viewed in 30 days', 'Dashboard Viewed', 'count', 30, 200), rating('How much leadership relies on it')],
          milestones: [ms('Leadership dashboard reviewed with the sponsor', 60, 'customer:executive_sponsor')],
        },
      ],
    },
    {
      name: 'Renewal: prove the outcome', segment: null, stage: 'renewal',
      description: 'The last quarter before renewal: show the outcome they bought, with their numbers, before anyone talks about price.',
      goals: [
        {
          statement: 'Show the outcome we agreed on, with their numbers, before the renewal talk', why: 'Their CFO reviews every tool over $20k; the sponsor needs the numbers to defend it.', targetOffsetDays: 75,
          criteria: [manual('Their own success measure', 1), ...driver('seat_utilization', 'Share of seats active each day', 0.25), rating('Sponsor\'s confidence in the outcome')],
          milestones: [
            ms('Value summary drafted', 20, 'csm', [task('Write the value summary with their numbers', 18, 'csm')]),
            ms('Sponsor reviews the numbers', 40, 'customer:executive_sponsor', [task('Review the value summary with finance', 40, 'customer:executive_sponsor')]),
            ms('Renewal business review held', 60, 'csm', [task('Book the business review with the sponsor', 50, 'csm')]),
          ],
        },
        {
          statement: 'Everyone who should use it does, before the renewal', why: 'A seat nobody uses is the first line finance cuts.', targetOffsetDays: 70,
          criteria: [metric('People logging in each month', 'Logged In', 'active_users', 30, 30)],
          milestones: [ms('Unused seats reviewed with the admin', 30, 'customer:admin', [task('Send the list of inactive users', 25, 'csm'), task('Re-invite or reassign the inactive seats', 30, 'customer:admin')])],
        },
      ],
    },
  ] as TemplateCreate[];
}

/** A round target near `x`: two significant digits, rounded up or down. */
export function nice(x: number, up: boolean): number {
  if (!Number.isFinite(x) || x <= 0) return 0;
  const mag = 10 ** (Math.floor(Math.log10(x)) - 1);
  const v = (up ? Math.ceil(x / mag) : Math.floor(x / mag)) * mag;
  return Number(v.toPrecision(6));
}

/** The highest target the demo gives a share-of-seats criterion (1 = every seat). */
export const RATIO_TARGET_MAX = 0.9;

/**
 * A target on the right side of the criterion's baseline for its direction (the API refuses one
 * that is not beyond it): moved past the baseline when it is not, and for a share never above 1.
 * Null when no such target exists (a rising share whose baseline is already at 100 %).
 */
export function beyondBaseline(target: number, direction: 'up' | 'down', baseline: number | null, ratio: boolean): number | null {
  if (baseline === null) return target;
  if (direction === 'up') {
    if (target > baseline) return target;
    if (ratio) return baseline < 1 ? Number(Math.min(1, baseline + Math.max(0.05, (1 - baseline) / 2)).toPrecision(6)) : null;
    return baseline > 0 ? nice(baseline * 1.2, true) : 1;
  }
  if (target < baseline) return target;
  return baseline > 0 ? Number((baseline / 2).toPrecision(6)) : null;
}

