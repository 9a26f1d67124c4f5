import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import type { ShownTalk } from './index.js';

/** Activity bodies carry their change talk: the activities API and the timeline's activity items. */

let t: TestApp;
let admin: SignedIn;
let accountId: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  accountId = ((await t.app.inject({ method: 'POST', url: '/api/accounts', headers: admin.headers, payload: { name: unique('acct'), arr: 1000 } })).json() as { id: string }).id;
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: admin.headers, ...(payload ? { payload } : {}) });

type WithTalk = { id: string; body: string; changeTalk: ShownTalk };

describe('change talk on activities', () => {
  it('shows the body’s change talk on create, get, list, update and in the timeline; a correction shows everywhere', async () => {
    const body = "They said SSO would save them hours, but honestly they're swamped until the audit is over and want to revisit in March.";
    const created = await api('POST', '/api/activities', { accountId, kind: 'call', subject: 'SSO check-in', body });
    expect(created.statusCode, created.body).toBe(201);
    const a = created.json() as WithTalk;
    expect(a.changeTalk).toMatchObject({ label: 'sustain', corrected: false, version: 'lexicon-3' });
    expect(a.changeTalk.spans.map((s) => body.slice(s.start, s.end))).toEqual(a.changeTalk.spans.map((s) => s.phrase));
    expect(a.changeTalk.spans.map((s) => s.phrase)).toContain('swamped');

    const quiet = (await api('POST', '/api/activities', { accountId, kind: 'note', subject: 'No body' })).json() as WithTalk;
    expect(quiet.changeTalk).toMatchObject({ label: 'neutral', spans: [] });

    expect(((await api('GET', `/api/activities/${a.id}`)).json() as WithTalk).changeTalk.label).toBe('sustain');
    const list = (await api('GET', `/api/activities?accountId=${accountId}`)).json() as { items: WithTalk[] };
    expect(list.items.map((i) => [i.id, i.changeTalk.label])).toEqual([[quiet.id, 'neutral'], [a.id, 'sustain']]);

    const timeline = (await api('GET', `/api/accounts/${accountId}/timeline?kinds=activity`)).json() as { items: { refs: { activityId: string }; changeTalk?: ShownTalk }[] };
    const item = timeline.items.find((i) => i.refs.activityId === a.id);
    expect(item?.changeTalk).toEqual(a.changeTalk);

    const corrected = await api('POST', '/api/change-talk/corrections', { text: body, label: 'change', sourceKind: 'activity', sourceId: a.id, accountId });
    expect(corrected.statusCode, corrected.body).toBe(201);
    const after = ((await api('GET', `/api/activities/${a.id}`)).json() as WithTalk).changeTalk;
    expect(after).toMatchObject({ label: 'change', predicted: 'sustain', corrected: true });
    const timeline2 = (await api('GET', `/api/accounts/${accountId}/timeline`)).json() as { items: { kind: string; refs: { activityId?: string }; changeTalk?: ShownTalk }[] };
    expect(timeline2.items.find((i) => i.refs.activityId === a.id)?.changeTalk).toMatchObject({ label: 'change', corrected: true });

    const edited = await api('PATCH', `/api/activities/${a.id}`, { body: 'We already started the SSO rollout with IT.' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((edited.json() as WithTalk).changeTalk).toMatchObject({ label: 'change', corrected: false });
  });
});
