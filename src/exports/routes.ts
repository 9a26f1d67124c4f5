import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import { text } from '../http/zod.js';
import { accountListQuery } from '../accounts/schema.js';
import { listAccounts } from '../accounts/list.js';
import { taskListQuery } from '../tasks/schema.js';
import { contactListQuery } from '../contacts/schema.js';
import { activityListQuery } from '../activities/schema.js';
import { inboxAssignee } from '../tasks/assignee.js';
import { radarQuery } from '../risk/schema.js';
import { radar } from '../risk/radar.js';
import { escalationListQuery } from '../escalations/schema.js';
import { planListQuery } from '../plans/schema.js';
import { listPlans } from '../plans/lists.js';
import { keysetRows, streamCsv } from './csv.js';
import { outcomesPage, type OutcomeCursor, type OutcomeRow } from './queries.js';
import { ACCOUNT_COLUMNS, ACCOUNT_DEFAULT_COLUMNS, TASK_COLUMNS, TASK_DEFAULT_COLUMNS, pickColumns, type Column } from './columns.js';

/** Rows per page read from a list function: memory holds one page, whatever the export's size. */
export const EXPORT_CHUNK = 2000;
const csvResponse = { 200: z.string().describe('text/csv; charset=utf-8 (UTF-8 BOM), streamed'), 400: errorBody, 403: errorBody };
const columnsParam = text().max(2000).optional().describe('Comma-separated column keys, in order (default: the list\'s visible columns)');

/** Every item of a keyset-paged list function, one page in memory at a time. */
export async function* allPages<T>(page: (cursor: string | undefined) => Promise<{ items: readonly T[]; nextCursor: string | null }>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    yield* p.items;
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
}

async function* cells<T>(items: AsyncIterable<T>, columns: ReadonlyArray<Column<T>>): AsyncGenerator<unknown[]> {
  for await (const item of items) yield columns.map((c) => c.value(item));
}

function columnsOf<K extends string, T>(raw: string | undefined, known: Record<K, Column<T>>, defaults: readonly K[]): Array<Column<T>> {
  const picked = pickColumns(raw, known, defaults);
  if (!picked.ok) throw new AppError('request.invalid', picked.message, [{ path: 'columns', message: picked.message }]);
  return picked.columns.map((k) => known[k]);
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * CSV exports of the lists: the same query string as the list (its filters and sort, no paging),
 * the same read scope (everyone who reads the list exports it), streamed page by page.
 */
export function exportRoutes(app: FastifyInstance, { database, services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/accounts/export.csv', {
    schema: { tags: ['accounts', 'exports'], summary: 'The portfolio as CSV: the filters and sort of GET /api/accounts, columns= chooses the columns', querystring: accountListQuery.omit({ cursor: true, limit: true }).extend({ columns: columnsParam }), response: csvResponse },
  }, async (req, reply) => {
    const p = principalOf(req);
    const { columns: raw, ...q } = req.query;
    const columns = columnsOf(raw, ACCOUNT_COLUMNS, ACCOUNT_DEFAULT_COLUMNS);
    const viewer = { userId: p.kind === 'user' ? p.userId : null };
    const items = allPages((cursor) => listAccounts(database, { ...q, limit: EXPORT_CHUNK, ...(cursor ? { cursor } : {}) }, viewer, { totals: false }));
    return streamCsv(reply, `accounts-${today()}`, columns.map((c) => c.header), cells(items, columns));
  });

  r.get('/api/tasks/export.csv', {
    schema: { tags: ['tasks', 'exports'], summary: 'The task inbox as CSV: the filters of GET /api/tasks, in its order; columns= chooses the columns', querystring: taskListQuery.omit({ cursor: true, limit: true }).extend({ columns: columnsParam }), response: csvResponse },
  }, async (req, reply) => {
    const p = principalOf(req);
    const { columns: raw, ...q } = req.query;
    const columns = columnsOf(raw, TASK_COLUMNS, TASK_DEFAULT_COLUMNS);
    const assignee = inboxAssignee(p, q.assignee); // as GET /api/tasks reads it
    const items = allPages((cursor) => services.tasks.list({ ...q, limit: 500, ...assignee, ...(cursor ? { cursor } : {}) }));
    return streamCsv(reply, `tasks-${today()}`, columns.map((c) => c.header), cells(items, columns));
  });

  r.get('/api/contacts/export.csv', {
    schema: { tags: ['contacts', 'exports'], summary: 'Contacts as CSV: the filters and sort of GET /api/contacts', querystring: contactListQuery.omit({ cursor: true, limit: true }), response: csvResponse },
  }, async (req, reply) => {
    const header = ['account id', 'name', 'email', 'title', 'role', 'phone', 'external id', 'last seen', 'active'];
    const items = allPages((cursor) => services.contacts.list({ ...req.query, limit: EXPORT_CHUNK, ...(cursor ? { cursor } : {}) }));
    return streamCsv(reply, `contacts-${today()}`, header, cells(items, [
      { header: '', value: (c) => c.accountId }, { header: '', value: (c) => c.name }, { header: '', value: (c) => c.email }, { header: '', value: (c) => c.title },
      { header: '', value: (c) => c.role }, { header: '', value: (c) => c.phone }, { header: '', value: (c) => c.externalId }, { header: '', value: (c) => c.lastSeenAt },
      { header: '', value: (c) => c.active },
    ]));
  });

  r.get('/api/activities/export.csv', {
    schema: { tags: ['activities', 'exports'], summary: 'Activities as CSV, newest first: the filters of GET /api/activities', querystring: activityListQuery.omit({ cursor: true, limit: true }), response: csvResponse },
  }, async (req, reply) => {
    const header = ['account', 'kind', 'occurred at', 'subject', 'body', 'author', 'proactive', 'escalation id', 'task id'];
    const items = allPages((cursor) => services.activities.list({ ...req.query, limit: EXPORT_CHUNK, ...(cursor ? { cursor } : {}) }));
    return streamCsv(reply, `activities-${today()}`, header, cells(items, [
      { header: '', value: (a) => a.accountName }, { header: '', value: (a) => a.kind }, { header: '', value: (a) => a.occurredAt }, { header: '', value: (a) => a.subject },
      { header: '', value: (a) => a.body }, { header: '', value: (a) => a.author?.name }, { header: '', value: (a) => a.proactive }, { header: '', value: (a) => a.escalationId },
      { header: '', value: (a) => a.taskId },
    ]));
  });

  r.get('/api/outcomes/export.csv', {
    schema: { tags: ['health', 'exports'], summary: 'Outcomes as CSV, newest first: the filter of GET /api/outcomes, every outcome (no limit)', querystring: z.object({ accountId: z.uuid().optional() }), response: csvResponse },
  }, async (req, reply) => {
    const header = ['account id', 'account', 'kind', 'occurred on', 'ARR before', 'ARR after', 'note', 'recorded at', 'outcome id'];
    const rows = keysetRows<OutcomeRow, OutcomeCursor>(
      (after, limit) => outcomesPage(database, req.query.accountId, after, limit),
      (o) => ({ occurredOn: o.occurred_on, id: o.id }),
      (o) => [o.account_id, o.account_name, o.kind, o.occurred_on, o.arr_before, o.arr_after, o.note, o.created_at, o.id],
      EXPORT_CHUNK,
    );
    return streamCsv(reply, `outcomes-${today()}`, header, rows);
  });

  r.get('/api/risk/radar/export.csv', {
    schema: { tags: ['risk', 'exports'], summary: 'The risk radar as CSV, highest risk first: the filters of GET /api/risk/radar', querystring: radarQuery.omit({ cursor: true, limit: true }), response: csvResponse },
  }, async (req, reply) => {
    const header = ['account id', 'account', 'owner', 'segment', 'ARR', 'renewal date', 'risk score', 'risk level', 'probability', 'ARR at risk', 'top signals', 'acted', 'last action', 'judgment', 'judgment note'];
    const items = allPages((cursor) => radar(database, { ...req.query, limit: 200, ...(cursor ? { cursor } : {}) }, { totals: false }));
    return streamCsv(reply, `risk-radar-${today()}`, header, cells(items, [
      { header: '', value: (i) => i.account.id }, { header: '', value: (i) => i.account.name }, { header: '', value: (i) => i.account.owner?.name }, { header: '', value: (i) => i.account.segment },
      { header: '', value: (i) => i.account.arr }, { header: '', value: (i) => i.account.renewalDate }, { header: '', value: (i) => i.score }, { header: '', value: (i) => i.level },
      { header: '', value: (i) => i.probability }, { header: '', value: (i) => i.arrAtRisk }, { header: '', value: (i) => i.topSignals.map(signalLabel).join('; ') }, { header: '', value: (i) => i.acted },
      { header: '', value: (i) => i.lastActionAt }, { header: '', value: (i) => i.judgment?.level }, { header: '', value: (i) => i.judgment?.note },
    ]));
  });

  r.get('/api/escalations/export.csv', {
    schema: { tags: ['escalations', 'exports'], summary: 'Escalations as CSV: the filters and sort of GET /api/escalations', querystring: escalationListQuery.omit({ cursor: true, limit: true }), response: csvResponse },
  }, async (req, reply) => {
    const p = principalOf(req);
    const header = ['account id', 'account', 'title', 'severity', 'status', 'opened by', 'members', 'contacts', 'activities', 'last activity', 'created at', 'updated at', 'resolved at', 'escalation id'];
    const viewer = { userId: p.kind === 'user' ? p.userId : null };
    const items = allPages((cursor) => services.escalations.list({ ...req.query, limit: 200, ...(cursor ? { cursor } : {}) }, viewer));
    return streamCsv(reply, `escalations-${today()}`, header, cells(items, [
      { header: '', value: (e) => e.accountId }, { header: '', value: (e) => e.accountName }, { header: '', value: (e) => e.title }, { header: '', value: (e) => e.severity },
      { header: '', value: (e) => e.status }, { header: '', value: (e) => e.openedBy?.name }, { header: '', value: (e) => e.members.map((m) => `${m.name} (${m.role})`).join('; ') },
      { header: '', value: (e) => e.contacts.map((c) => c.name).join('; ') }, { header: '', value: (e) => e.activityCount }, { header: '', value: (e) => e.lastActivityAt },
      { header: '', value: (e) => e.createdAt }, { header: '', value: (e) => e.updatedAt }, { header: '', value: (e) => e.resolvedAt }, { header: '', value: (e) => e.id },
    ]));
  });

  r.get('/api/success-plans/export.csv', {
    schema: { tags: ['success plans', 'exports'], summary: 'Success plans across the book as CSV: the filters of GET /api/success-plans, in its order', querystring: planListQuery.omit({ cursor: true, limit: true }), response: csvResponse },
  }, async (req, reply) => {
    const header = ['account id', 'account', 'plan', 'status', 'status reasons', 'owner', 'ARR', 'goals', 'status changed at', 'created at', 'updated at', 'plan id'];
    const items = allPages((cursor) => listPlans(database, { ...req.query, limit: 200, ...(cursor ? { cursor } : {}) }));
    return streamCsv(reply, `success-plans-${today()}`, header, cells(items, [
      { header: '', value: (l) => l.accountId }, { header: '', value: (l) => l.accountName }, { header: '', value: (l) => l.title }, { header: '', value: (l) => l.status },
      { header: '', value: (l) => l.statusReasons.join('; ') }, { header: '', value: (l) => l.owner?.name }, { header: '', value: (l) => l.arr }, { header: '', value: (l) => l.goals },
      { header: '', value: (l) => l.statusChangedAt }, { header: '', value: (l) => l.createdAt }, { header: '', value: (l) => l.updatedAt }, { header: '', value: (l) => l.id },
    ]));
  });
}

/** A radar signal in a cell: its label (or kind) and its contribution. */
function signalLabel(s: { label?: string; kind?: string; contribution?: number }): string {
  return `${s.label ?? s.kind ?? ''}${typeof s.contribution === 'number' ? ` (${s.contribution})` : ''}`;
}
