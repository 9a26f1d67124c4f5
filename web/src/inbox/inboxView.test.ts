import { describe, expect, it } from 'vitest';
import { parseInboxParams } from './InboxFilters';
import { inboxCsvUrl, inboxParamsOf, inboxViewState } from './inboxView';

describe('the inbox as a saved view', () => {
  it('keeps the filters in the tasks API names and reads them back', () => {
    const p = parseInboxParams(new URLSearchParams('who=team&status=done&q=renewal&source=rule&snoozed=1'));
    const state = inboxViewState(p);
    expect(state).toEqual({ filters: { assignee: 'team', status: 'done', source: 'rule', includeSnoozed: 'true', search: 'renewal' }, columns: [], sort: null });
    expect(inboxParamsOf(state)).toEqual(p);
    expect(inboxParamsOf({ filters: {}, columns: [], sort: null })).toEqual(parseInboxParams(new URLSearchParams()));
  });

  it('exports with the same query, no paging', () => {
    const url = inboxCsvUrl(parseInboxParams(new URLSearchParams('who=all&q=x')), 'x');
    expect(url).toBe('/api/tasks/export.csv?assignee=any&status=open&search=x');
  });
});
