import { describe, expect, it } from 'vitest';
import { earliestSignal, leadDays, lossBounds, unactedItems, type Action } from './unacted.js';

const at = (s: string) => new Date(s);
const LOSS = '2026-06-30';

describe('unactedItems', () => {
  const signals = [
    { id: 's1', kind: 'usage_drop', label: 'Usage down month on month', startedAt: at('2026-03-01T10:00:00Z') },
    { id: 's2', kind: 'champion_left', label: 'Champion left', startedAt: at('2026-04-01T10:00:00Z') },
    { id: 's3', kind: 'detractor_nps', label: 'Detractor NPS', startedAt: at('2026-06-25T10:00:00Z') },
    { id: 's4', kind: 'open_escalation', label: 'Open escalation', startedAt: at('2026-07-05T10:00:00Z') },
  ];
  const base = { lossOn: LOSS, withinDays: 14, signals, tasks: [], milestones: [] };

  it('lists a signal with no task, activity or playbook run within N days of its start', () => {
    const actions: Action[] = [
      { type: 'activity', at: at('2026-03-10T09:00:00Z') }, // 9 days after s1: acted
      { type: 'task', at: at('2026-04-20T09:00:00Z') }, // 19 days after s2: too late
    ];
    const items = unactedItems({ ...base, actions });
    expect(items.map((i) => i.id)).toEqual(['s2', 's3']);
    expect(items[0]).toMatchObject({ type: 'signal', label: 'Champion left' });
    expect(items[0]?.why).toContain('within 14 days of its start on 2026-04-01');
    // s3 started 5 days before the loss: the window is cut at the loss, and says so
    expect(items[1]?.why).toContain('between its start on 2026-06-25 and the loss');
  });

  it('counts a playbook run, and never an action before the signal or after the loss', () => {
    const actions: Action[] = [
      { type: 'playbook_run', at: at('2026-04-02T00:00:00Z') }, // acts on s2
      { type: 'task', at: at('2026-02-28T00:00:00Z') }, // before s1
      { type: 'activity', at: at('2026-07-01T08:00:00Z') }, // after the loss: does not save s3
    ];
    expect(unactedItems({ ...base, actions }).map((i) => i.id)).toEqual(['s1', 's3']);
  });

  it('N is a parameter', () => {
    const actions: Action[] = [{ type: 'task', at: at('2026-04-20T09:00:00Z') }];
    expect(unactedItems({ ...base, withinDays: 30, actions }).map((i) => i.id)).toEqual(['s1', 's3']);
  });

  it('lists tasks overdue at the loss and cancelled tasks, not those done in time or due later', () => {
    const items = unactedItems({
      ...base, signals: [], actions: [],
      tasks: [
        { id: 't1', title: 'Call the new VP', status: 'open', dueAt: at('2026-06-01T00:00:00Z'), completedAt: null },
        { id: 't2', title: 'Send the QBR deck', status: 'done', dueAt: at('2026-05-01T00:00:00Z'), completedAt: at('2026-05-03T00:00:00Z') },
        { id: 't3', title: 'Fix the SSO setup', status: 'done', dueAt: at('2026-06-10T00:00:00Z'), completedAt: at('2026-07-02T00:00:00Z') },
        { id: 't4', title: 'Renewal prep', status: 'open', dueAt: at('2026-07-15T00:00:00Z'), completedAt: null },
        { id: 't5', title: 'Exec sponsor lunch', status: 'cancelled', dueAt: at('2026-05-20T00:00:00Z'), completedAt: null },
        { id: 't6', title: 'No due date', status: 'open', dueAt: null, completedAt: null },
      ],
    });
    expect(items.map((i) => i.id)).toEqual(['t5', 't1', 't3']);
    expect(items.find((i) => i.id === 't1')?.why).toBe('Overdue at the loss: due 2026-06-01, 29 days before, not done.');
    expect(items.find((i) => i.id === 't5')?.why).toContain('Cancelled');
  });

  it('lists milestones due before the loss and not completed by then', () => {
    const items = unactedItems({
      ...base, signals: [], actions: [],
      milestones: [
        { id: 'm1', title: 'Integration live', dueOn: '2026-05-15', completedAt: null },
        { id: 'm2', title: 'Team trained', dueOn: '2026-05-01', completedAt: at('2026-05-20T00:00:00Z') },
        { id: 'm3', title: 'Reports rolled out', dueOn: '2026-06-01', completedAt: at('2026-07-10T00:00:00Z') },
        { id: 'm4', title: 'Expansion', dueOn: '2026-08-01', completedAt: null },
      ],
    });
    expect(items.map((i) => [i.type, i.id])).toEqual([['milestone', 'm1'], ['milestone', 'm3']]);
    expect(items[0]?.why).toBe('Missed: due 2026-05-15, not completed before the loss.');
  });
});

describe('earliestSignal', () => {
  it('is the first signal before the loss, with whole calendar days to the loss day', () => {
    const e = earliestSignal(LOSS, [
      { id: 'b', kind: 'champion_left', label: 'Champion left', startedAt: at('2026-04-01T23:00:00Z') },
      { id: 'a', kind: 'usage_drop', label: 'Usage down', startedAt: at('2026-03-01T10:00:00Z') },
      { id: 'c', kind: 'late', label: 'After', startedAt: at('2026-07-01T00:00:00Z') },
    ]);
    expect(e).toEqual({ kind: 'usage_drop', label: 'Usage down', at: '2026-03-01T10:00:00.000Z', leadDays: 121 });
  });
  it('is null with no signal before the loss', () => {
    expect(earliestSignal(LOSS, [])).toBeNull();
    expect(earliestSignal(LOSS, [{ id: 'x', kind: 'k', label: 'K', startedAt: at('2026-07-01T00:00:00Z') }])).toBeNull();
  });
  it('counts days from the day a signal started', () => {
    const { lossDay } = lossBounds(LOSS);
    expect(leadDays(lossDay, at('2026-06-30T05:00:00Z'))).toBe(0);
    expect(leadDays(lossDay, at('2026-06-29T23:59:00Z'))).toBe(1);
  });
});
