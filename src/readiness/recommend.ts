import { movement, quadrant, type Movement, type Quadrant, type Scores, type Thresholds } from './quadrant.js';

/**
 * The next move on an initiative after a check-in: the quadrant, a headline, the reasons (the
 * scores against the thresholds, the follow-up answers quoted, the change and sustain talk heard
 * in them, how the scores moved since the previous check-in) and the actions that fit:
 *
 * - enable (important, not confident): give a spoon — a task of ours that does it for them, a
 *   training or a service — and, when one fits, an enablement playbook;
 * - align (confident, not important): tie it to their priorities — link it to a goal of their
 *   success plan (offered when it is not linked yet and the plan has goals);
 * - nurture (neither): don't push now, check in again later;
 * - ready (both): ask for the action now.
 *
 * Pure: no I/O. The talk is what the change-talk classifier (or a person's correction) says about
 * each answer.
 */

export type TalkSpanLike = { phrase: string; category: string; polarity: 'change' | 'sustain' };
export type TalkLike = { label: 'change' | 'sustain' | 'neutral'; spans: TalkSpanLike[]; corrected?: boolean };

export type CheckInFacts = Scores & { whyNotLower: string | null; whatWouldMoveHigher: string | null; contactName: string | null };
export type CheckInTalk = { whyNotLower: TalkLike | null; whatWouldMoveHigher: TalkLike | null };
export type RecommendContext = {
  thresholds: Thresholds;
  /** The check-in before this one on the same initiative, if any. */
  previous: (Scores & { at: string }) | null;
  initiative: { title: string; goalId: string | null; goalStatement: string | null };
  /** Goals of the account's success plans (offered to link when the initiative has none). */
  goals: { id: string; statement: string }[];
  /** Active playbooks (one whose name says enablement is offered to enable). */
  playbooks: { id: string; name: string }[];
};

export type ActionKind = 'give_spoon_task' | 'start_playbook' | 'link_goal' | 'schedule_check_in' | 'proceed';
export type Action = { kind: ActionKind; label: string; playbookId?: string; goalId?: string; taskTitle?: string };
export type Recommendation = { quadrant: Quadrant; headline: string; because: string[]; actions: Action[] };

const QUOTE_MAX = 160;
const MAX_GOALS_OFFERED = 3;
const ENABLEMENT_PLAYBOOK = /enabl|train|onboard|adopt|spoon|workshop|help/i;

export const quote = (s: string) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return `“${t.length > QUOTE_MAX ? `${t.slice(0, QUOTE_MAX - 1)}…` : t}”`;
};

const phrases = (talk: TalkLike, polarity: 'change' | 'sustain') =>
  [...new Set(talk.spans.filter((s) => s.polarity === polarity).map((s) => `${quote(s.phrase)} (${s.category.replace('_', ' ')})`))];

/** One line per answered follow-up: the answer quoted, and the change and sustain talk heard in it. */
function answerLine(question: string, answer: string | null, talk: TalkLike | null): string | null {
  if (!answer || !answer.trim()) return null;
  const heard: string[] = [];
  if (talk) {
    const change = phrases(talk, 'change');
    const sustain = phrases(talk, 'sustain');
    if (change.length) heard.push(`change talk ${change.join(', ')}`);
    if (sustain.length) heard.push(`sustain talk ${sustain.join(', ')}`);
    if (!heard.length) heard.push('no change or sustain talk heard');
    if (talk.corrected) heard.push(`labelled ${talk.label} by a person`);
  }
  return `${question}: ${quote(answer)}${heard.length ? ` — ${heard.join('; ')}` : ''}.`;
}

const moved = (name: string, m: Movement['importance']) =>
  m.direction === 'same' ? `${name} stayed at ${m.to}` : `${name} ${m.direction === 'up' ? 'rose' : 'fell'} from ${m.from} to ${m.to}`;

function movementLine(previous: RecommendContext['previous'], current: Scores, thresholds: Thresholds): string | null {
  const m = movement(previous, current);
  if (!m || !previous) return null;
  const before = quadrant(previous.importance, previous.confidence, thresholds);
  const after = quadrant(current.importance, current.confidence, thresholds);
  const shift = before === after ? `still ${after}` : `${before} → ${after}`;
  return `Since the check-in of ${previous.at.slice(0, 10)}: ${moved('importance', m.importance)}, ${moved('confidence', m.confidence)} (${shift}).`;
}

/** What "giving a spoon" should be, from what the customer said would move their confidence higher. */
export function spoonTaskTitle(title: string, whatWouldMoveHigher: string | null): string {
  const said = whatWouldMoveHigher ?? '';
  const t = title.length > 200 ? `${title.slice(0, 199)}…` : title;
  if (/train|learn|show (us|me)|walk (us|me)? ?through|workshop|how to/i.test(said)) return `Give a spoon: run a hands-on training on ${t}`;
  if (/servic|consult|expert|partner|someone (to|who)/i.test(said)) return `Give a spoon: offer our services to deliver ${t}`;
  return `Give a spoon: do the first step of ${t} for them`;
}

export function recommend(checkIn: CheckInFacts, talk: CheckInTalk, context: RecommendContext): Recommendation {
  const { thresholds, initiative } = context;
  const q = quadrant(checkIn.importance, checkIn.confidence, thresholds);
  const who = checkIn.contactName ? checkIn.contactName.trim().split(/\s+/)[0] ?? 'They' : 'They';
  const high = (v: number, t: number) => (v >= t ? `${v} (high, ≥ ${t})` : `${v} (low, < ${t})`);
  const because: string[] = [`Importance ${high(checkIn.importance, thresholds.importance)}, confidence ${high(checkIn.confidence, thresholds.confidence)}.`];
  const answers = [
    answerLine('Why not lower', checkIn.whyNotLower, talk.whyNotLower),
    answerLine('What would move it higher', checkIn.whatWouldMoveHigher, talk.whatWouldMoveHigher),
  ].filter((l): l is string => l !== null);
  because.push(...answers);
  if (!answers.length) because.push('No follow-up answers were recorded: ask "why that number and not a lower one?" and "what would it take to move it higher?" next time.');
  const move = movementLine(context.previous, checkIn, thresholds);
  because.push(move ?? 'This is the first check-in on this initiative.');

  const actions: Action[] = [];
  let headline: string;
  switch (q) {
    case 'ready':
      headline = `Ready: ${who} see${who === 'They' ? '' : 's'} it as important and feel${who === 'They' ? '' : 's'} able to do it — ask for the action on “${initiative.title}” now.`;
      actions.push({ kind: 'proceed', label: 'Ask for the action now: agree the next step, an owner and a date' });
      break;
    case 'enable': {
      headline = `Enable: “${initiative.title}” matters to them, but their confidence is low — give them a spoon instead of asking for more.`;
      const sustain = [talk.whyNotLower, talk.whatWouldMoveHigher].some((t) => t?.spans.some((s) => s.polarity === 'sustain'));
      if (sustain) because.push('The sustain talk says they are short of time or means: doing it for them lowers the cost of acting.');
      actions.push({ kind: 'give_spoon_task', label: 'Create a "give a spoon" task: do it for them, train them, or offer services', taskTitle: spoonTaskTitle(initiative.title, checkIn.whatWouldMoveHigher) });
      const playbook = context.playbooks.find((p) => ENABLEMENT_PLAYBOOK.test(p.name));
      if (playbook) actions.push({ kind: 'start_playbook', label: `Start the playbook “${playbook.name}”`, playbookId: playbook.id });
      break;
    }
    case 'align':
      headline = `Align: they feel able to do “${initiative.title}”, but it is not a priority — tie it to what they care about.`;
      if (initiative.goalId) {
        because.push(`It is linked to their goal “${initiative.goalStatement ?? ''}”: show how it serves that goal.`);
        actions.push({ kind: 'schedule_check_in', label: `Review it with them against their goal “${initiative.goalStatement ?? ''}” and check in again` });
      } else if (context.goals.length) {
        for (const g of context.goals.slice(0, MAX_GOALS_OFFERED)) actions.push({ kind: 'link_goal', label: `Link it to their goal “${g.statement}”`, goalId: g.id });
      } else {
        because.push('The account has no success-plan goal yet to tie it to.');
        actions.push({ kind: 'schedule_check_in', label: 'Ask about their priorities for this quarter, then check in again' });
      }
      break;
    case 'nurture':
      headline = `Nurture: “${initiative.title}” is neither a priority nor something they feel able to do now — don't push; check in later.`;
      actions.push({ kind: 'schedule_check_in', label: "Schedule a check-in in a few weeks; don't ask for action now" });
      break;
  }
  return { quadrant: q, headline, because, actions };
}
