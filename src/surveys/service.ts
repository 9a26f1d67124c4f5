import type { Actor } from '../auth/principal.js';
import type { Ownable } from '../auth/policy.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { REFRESH_JOB } from '../health/service.js';
import { AppError } from '../http/errors.js';
import { answerSurvey, followTrap, openSurvey, type Answer } from './answer.js';
import { configureSurveyMail } from './email.js';
import { sendReminders } from './reminders.js';
import { accountAnswers, responsesCsv, surveyResults } from './results.js';
import type { AudienceFilter, SendResult, Survey, SurveyCreate, SurveyPatch, SurveySend } from './schema.js';
import { sendSurvey } from './send.js';
import { getSurvey, insertSurvey, listSurveys, updateSurvey } from './store.js';

/**
 * Surveys: the named operations. Writes run in one transaction with their audit rows (and, for an
 * answer, its webhook); the outbox is woken after commit when e-mails or deliveries were queued,
 * and an answer asks for a health refresh (the survey drivers; the trigger of migration 0020 marks
 * the account).
 */

type Audience = { contactId: string; contactName: string | null; accountName: string | null; account: Ownable | null }[];
class DryRun extends Error {
  constructor(readonly result: SendResult) { super('dry run'); }
}

/** Said with a send (and its dry run) while CANOPY_PUBLIC_URL is unset: the e-mails' links cannot be opened from a mail client. */
export const RELATIVE_LINKS_WARNING =
  'CANOPY_PUBLIC_URL is not set: the links in these e-mails are relative (/s/…) and cannot be opened from a mail client. Set CANOPY_PUBLIC_URL to the address customers reach Canopy at, restart, and send again.';

const userIdOf = (a: Actor) => (a.type === 'user' ? a.id : null);

export function createSurveyService(deps: WorkDeps) {
  const { database, outbox, config, jobs } = deps;
  configureSurveyMail({ publicUrl: config.publicUrl, emailConfigured: Boolean(config.smtp.url) });

  const mustSurvey = async (q: Queryable, id: string): Promise<Survey> => {
    const s = await getSurvey(q, id);
    if (!s) throw new AppError('survey.not_found');
    return s;
  };

  /** The contacts named, each with its account; unknown ids are field errors. */
  async function byIds(ids: string[]): Promise<Audience> {
    const { rows } = await database.query<{ id: string; name: string | null; account_name: string | null; owner_id: string | null; team_id: string | null; account_id: string | null }>(
      `SELECT c.id, c.name, a.name AS account_name, a.owner_id, a.team_id, c.account_id FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id = ANY($1::uuid[])`, [ids],
    );
    const found = new Map(rows.map((r) => [r.id, r]));
    const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !found.has(id));
    if (missing.length) throw new AppError('survey.invalid', 'Some contacts do not exist.', missing.map(({ i }) => ({ path: `contactIds.${i}`, message: 'no such contact' })));
    return ids.map((id) => {
      const r = found.get(id);
      return { contactId: id, contactName: r?.name ?? null, accountName: r?.account_name ?? null, account: r?.account_id ? { ownerId: r.owner_id, teamId: r.team_id } : null };
    });
  }

  /** The contacts of the book that match, on accounts the caller may update. */
  async function byFilter(f: AudienceFilter, mayUpdate: (a: Ownable) => boolean): Promise<Audience> {
    const values: unknown[] = [];
    const where: string[] = ['true'];
    if (f.accountIds) where.push(`a.id = ANY($${values.push(f.accountIds)}::uuid[])`);
    if (f.segment) where.push(`a.segment = $${values.push(f.segment)}`);
    if (f.stage) where.push(`a.stage = $${values.push(f.stage)}`);
    if (f.ownerId) where.push(`a.owner_id = $${values.push(f.ownerId)}::uuid`);
    if (f.contactRoles) where.push(`c.role = ANY($${values.push(f.contactRoles)}::text[])`);
    const { rows } = await database.query<{ id: string; name: string | null; account_name: string; owner_id: string | null; team_id: string | null }>(
      `SELECT c.id, c.name, a.name AS account_name, a.owner_id, a.team_id FROM contacts c JOIN accounts a ON a.id = c.account_id
        WHERE ${where.map((w) => `(${w})`).join(' AND ')} ORDER BY a.name, a.id, c.name, c.id LIMIT 5000`, values,
    );
    const all = rows.map((r) => ({ contactId: r.id, contactName: r.name, accountName: r.account_name, account: { ownerId: r.owner_id, teamId: r.team_id } }));
    const allowed = all.filter((c) => mayUpdate(c.account));
    // Contacts match, but none on an account the caller may update: a refusal, not an empty audience.
    if (all.length > 0 && allowed.length === 0) throw new AppError('auth.forbidden', 'You may send surveys only to contacts of accounts you may update; none of the matching ones is.');
    return allowed;
  }

  const service = {
    list: (includeArchived: boolean) => listSurveys(database, includeArchived),
    get: (id: string) => mustSurvey(database, id),

    async create(input: SurveyCreate, actor: Actor): Promise<Survey> {
      const id = await database.transaction(async (tx) => {
        const sid = await insertSurvey(tx, input, userIdOf(actor));
        await recordAuditRaw(tx, actor, [{ action: 'survey.create', objectType: 'survey', objectId: sid, objectLabel: input.name, changes: { ...input } }]);
        return sid;
      });
      return mustSurvey(database, id);
    },

    async update(id: string, patch: SurveyPatch, actor: Actor): Promise<Survey> {
      await database.transaction(async (tx) => {
        const before = await mustSurvey(tx, id);
        await updateSurvey(tx, id, patch);
        await recordAuditRaw(tx, actor, [{ action: patch.archived === true ? 'survey.archive' : 'survey.update', objectType: 'survey', objectId: id, objectLabel: before.name, changes: diff(before, patch) }]);
      });
      return mustSurvey(database, id);
    },

    /**
     * Sends to the contacts named or matched. Contacts on accounts the caller may not update: 403
     * when named, left out when matched by a filter. Nothing matched at all: survey.empty_audience.
     */
    async send(id: string, body: SurveySend, mayUpdate: (a: Ownable) => boolean, actor: Actor, now = new Date()): Promise<SendResult> {
      const survey = await mustSurvey(database, id);
      if (survey.archived) throw new AppError('survey.archived');
      const audience = body.contactIds ? await byIds([...new Set(body.contactIds)]) : await byFilter(body.filter ?? {}, mayUpdate);
      if (audience.length === 0) {
        throw new AppError('survey.empty_audience', undefined, [{ path: body.contactIds ? 'contactIds' : 'filter', message: 'no contact matches (on an account you may update)' }]);
      }
      if (audience.some((c) => c.account && !mayUpdate(c.account))) throw new AppError('auth.forbidden', 'You may send surveys only to contacts of accounts you may update.');
      const names = new Map(audience.map((c) => [c.contactId, c]));
      const run = async (tx: Queryable): Promise<SendResult> => {
        const out = await sendSurvey(tx, { surveyId: id, contactIds: audience.map((c) => c.contactId), by: userIdOf(actor), now, confirmOverload: body.confirmOverload ?? false });
        const named = (contactId: string) => ({ contactId, contactName: names.get(contactId)?.contactName ?? null, accountName: names.get(contactId)?.accountName ?? null });
        return {
          sent: out.sent.length, dryRun: body.dryRun ?? false,
          recipients: out.sent.map((s) => ({ ...named(s.contactId), accountName: names.get(s.contactId)?.accountName ?? '' })),
          skipped: out.skipped.map((s) => ({ ...named(s.contactId), reason: s.reason, detail: s.detail })),
          warnings: out.sent.length > 0 && !config.publicUrl ? [RELATIVE_LINKS_WARNING] : [],
        };
      };
      if (body.dryRun) {
        // The very same checks (throttle, capacity) in a transaction that is then rolled back.
        try {
          await database.transaction(async (tx) => { throw new DryRun(await run(tx)); });
        } catch (err) {
          if (err instanceof DryRun) return err.result;
          throw err;
        }
        throw new Error('dry run did not roll back');
      }
      const result = await database.transaction(run);
      if (result.sent > 0) await outbox.wake();
      return result;
    },

    results: async (id: string, range: { from?: string | undefined; to?: string | undefined; commentsCursor?: string | undefined; commentsLimit: number }) => {
      const s = await mustSurvey(database, id);
      if (range.from && range.to && range.from > range.to) throw new AppError('survey.invalid', 'from is after to.', [{ path: 'from', message: 'must not be after to' }]);
      return surveyResults(database, id, s.kind, range);
    },
    csv: async (id: string) => {
      await mustSurvey(database, id);
      return responsesCsv(database, id);
    },
    accountAnswers: (accountId: string) => accountAnswers(database, accountId),

    // ---- the public side (the token is the authorization)
    open: (token: string, countView: boolean, now = new Date()) => openSurvey(database, token, now, countView),
    trap: (token: string, now = new Date()) => followTrap(database, token, now),
    async answer(token: string, a: Answer, now = new Date()) {
      const result = await database.transaction((tx) => answerSurvey(tx, token, a, now));
      if (result.queued > 0) await outbox.wake();
      if (!result.bot && jobs) await jobs.sendDebounced(REFRESH_JOB, {}, 1, 'all');
      return result;
    },

    /** The reminder job: one reminder to those who have not answered after the survey's delay. */
    async remind(now = new Date()): Promise<number> {
      const n = await database.transaction((tx) => sendReminders(tx, now));
      if (n > 0) await outbox.wake();
      return n;
    },
  };
  return service;
}
export type SurveyService = ReturnType<typeof createSurveyService>;
