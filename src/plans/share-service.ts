import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { notify } from '../notifications/notify.js';
import type { TaskService } from '../tasks/service.js';
import type { PublicComment, PublicCommentCreate, PublicComplete, PublicPlan, ShareCreate, ShareCreated, ShareState } from './share-schema.js';
import {
  findLiveShare, insertComment, insertShare, keptUserAgent, linkComments, loadShareState, namedContacts, recordView, revokeShares, type LiveShare,
} from './share-store.js';
import { hashToken, isTokenShaped, newToken, resolveRef } from './share-token.js';
import { shownTargets, toPublicPlan, type SharedPlan } from './share-view.js';
import { insertPlanEvent, loadPlan } from './store.js';

/**
 * Named operations of a plan's shared link. The CSM's side (create, revoke, state) is authorized
 * by the route; the public side is authorized by the token alone: a live link (not revoked, not
 * expired) reads the plan's shown items, and, only when the link allows customer updates, ticks
 * an open customer-side task done or leaves a comment, each signed with a contact of the account.
 * Nothing else can be written through a link.
 */

/** Where a link points: under CANOPY_PUBLIC_URL when set (keeping any path prefix), else relative to this server. */
export function shareUrl(publicUrl: string | undefined, token: string): string {
  const path = `/shared/plans/${token}`;
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}${path}` : path;
}

/** Who acts through a link: the contact the customer chose, never a user (audit rows say so). */
const customerActor = (contactName: string): Actor => ({ type: 'system', id: null, label: `${contactName} (customer, via the shared plan link)` });

const planLabel = (p: SharedPlan) => `${p.title} (${p.accountName})`;

export function createShareService({ config, database, outbox }: WorkDeps, deps: { tasks: TaskService }) {
  async function mustLoadPlan(db: Queryable, planId: string, now: Date, missing: 'shared_plan.not_found' | 'success_plan.not_found' = 'shared_plan.not_found') {
    const loaded = await loadPlan(db, planId, now);
    if (!loaded) throw new AppError(missing);
    return loaded;
  }

  /** The live link of a token; anything else (malformed, unknown, revoked, expired) is the same 404. */
  async function live(token: string, now: Date): Promise<LiveShare> {
    const share = isTokenShaped(token) ? await findLiveShare(database, hashToken(token), now) : null;
    if (!share) throw new AppError('shared_plan.not_found');
    return share;
  }

  async function writable(token: string, now: Date) {
    const share = await live(token, now);
    if (!share.allowCustomerUpdates) throw new AppError('shared_plan.read_only');
    const { plan, account } = await mustLoadPlan(database, share.planId, now);
    return { share, plan, account };
  }

  /** The contact a customer signs with: one of the account's named contacts, by its ref in this link. */
  async function signer(share: LiveShare, ref: string) {
    const contacts = await namedContacts(database, share.accountId);
    const id = resolveRef(share.id, 'contact', ref, contacts.map((c) => c.id));
    const contact = contacts.find((c) => c.id === id);
    if (!contact) throw new AppError('shared_plan.invalid', 'Choose who you are from the list.', [{ path: 'contactId', message: 'not a contact on this page' }]);
    return contact;
  }

  return {
    /** A new link for the plan (the previous live one is revoked). The token is returned once; only its hash is kept. */
    async create(planId: string, input: ShareCreate, actor: Actor, now = new Date()): Promise<ShareCreated> {
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= now.getTime()) {
        throw new AppError('plan_share.invalid', 'The link must expire in the future.', [{ path: 'expiresAt', message: 'Must be in the future' }]);
      }
      const token = newToken();
      const allow = input.allowCustomerUpdates ?? false;
      const created = await database.transaction(async (tx) => {
        await tx.query('SELECT 1 FROM success_plans WHERE id = $1 FOR UPDATE', [planId]);
        const { plan } = await mustLoadPlan(tx, planId, now, 'success_plan.not_found');
        const row = await insertShare(tx, {
          planId, tokenHash: hashToken(token), createdBy: actor.type === 'user' ? actor.id : null,
          expiresAt: expiresAt?.toISOString() ?? null, allowCustomerUpdates: allow,
        });
        await recordAuditRaw(tx, actor, [{
          action: 'plan.share', objectType: 'success_plan', objectId: planId, objectLabel: planLabel(plan),
          changes: { expiresAt: row.expiresAt, allowCustomerUpdates: allow, replacedLiveLink: row.replaced > 0 },
        }]);
        return row;
      });
      return { url: shareUrl(config.publicUrl, token), token, expiresAt: created.expiresAt, allowCustomerUpdates: allow, createdAt: created.createdAt };
    },

    /** Revokes the plan's live link: it answers 404 from now on. */
    async revoke(planId: string, actor: Actor): Promise<void> {
      await database.transaction(async (tx) => {
        const { plan } = await mustLoadPlan(tx, planId, new Date(), 'success_plan.not_found');
        const n = await revokeShares(tx, planId, actor.type === 'user' ? actor.id : null);
        if (n === 0) throw new AppError('plan_share.not_found');
        await recordAuditRaw(tx, actor, [{ action: 'plan.share_revoke', objectType: 'success_plan', objectId: planId, objectLabel: planLabel(plan), changes: null }]);
      });
    },

    state: (planId: string): Promise<ShareState> => loadShareState(database, planId),

    /** The page's data for a live link, recorded as one view (unless `record` is false: a HEAD request shows nothing to anyone). */
    async open(token: string, userAgent: string | string[] | undefined, record = true, now = new Date()): Promise<{ view: PublicPlan; share: LiveShare }> {
      const share = await live(token, now);
      const [{ plan }, contacts, comments] = await Promise.all([
        mustLoadPlan(database, share.planId, now),
        share.allowCustomerUpdates ? namedContacts(database, share.accountId) : Promise.resolve([]),
        linkComments(database, share.id),
      ]);
      if (record) await recordView(database, share.id, keptUserAgent(userAgent));
      return { view: toPublicPlan(plan, share, contacts, comments, now), share };
    },

    /**
     * The customer ticks one of its own tasks done: an open, customer-side task shown on this
     * link. Completed through the task service (audit, task.completed webhook, a playbook step
     * follows), then recorded on the plan as customer_task_done with who and when.
     */
    async completeTask(token: string, taskRef: string, input: PublicComplete, now = new Date()): Promise<void> {
      const { share, plan } = await writable(token, now);
      const { tasks } = shownTargets(plan);
      const id = resolveRef(share.id, 'task', taskRef, tasks.map((t) => t.id));
      const task = tasks.find((t) => t.id === id);
      if (!task) throw new AppError('shared_plan.item_not_found');
      if (task.side !== 'customer') throw new AppError('shared_plan.not_customer_task');
      if (task.status !== 'open') throw new AppError('shared_plan.task_closed');
      const contact = await signer(share, input.contactId);
      const actor = customerActor(contact.name);
      await deps.tasks.update(task.id, { status: 'done', activity: null }, actor);
      const goal = plan.goals.find((g) => g.milestones.some((m) => m.tasks.some((t) => t.id === task.id)));
      await insertPlanEvent(database, {
        planId: plan.id, accountId: plan.accountId, goalId: goal?.id ?? null, kind: 'customer_task_done', actorId: null,
        data: { taskId: task.id, title: task.title, contactId: contact.id, contactName: contact.name, shareId: share.id, at: now.toISOString() },
      });
    },

    /** The customer leaves a comment (on the plan or one shown goal), signed with a contact; the account's owner is told. */
    async comment(token: string, input: PublicCommentCreate, now = new Date()): Promise<PublicComment> {
      const { share, plan, account } = await writable(token, now);
      const contact = await signer(share, input.contactId);
      let goalId: string | null = null;
      if (input.goalId) {
        goalId = resolveRef(share.id, 'goal', input.goalId, shownTargets(plan).goalIds);
        if (!goalId) throw new AppError('shared_plan.invalid', undefined, [{ path: 'goalId', message: 'not a goal on this page' }]);
      }
      const actor = customerActor(contact.name);
      const { queued, createdAt } = await database.transaction(async (tx) => {
        const c = await insertComment(tx, { planId: plan.id, shareId: share.id, contactId: contact.id, contactName: contact.name, goalId, body: input.body });
        await insertPlanEvent(tx, {
          planId: plan.id, accountId: plan.accountId, goalId, kind: 'customer_comment', actorId: null,
          data: { commentId: c.id, contactId: contact.id, contactName: contact.name, shareId: share.id, body: input.body.slice(0, 500) },
        });
        await recordAuditRaw(tx, actor, [{
          action: 'plan.customer_comment', objectType: 'success_plan', objectId: plan.id, objectLabel: planLabel(plan),
          changes: { commentId: c.id, contactId: contact.id, goalId, body: input.body },
        }]);
        const goal = goalId ? plan.goals.find((g) => g.id === goalId) : undefined;
        const n = await notify(tx, {
          userIds: account.ownerId ? [account.ownerId] : [], kind: 'plan.customer_comment',
          title: `${contact.name} commented on the success plan of ${plan.accountName}${goal ? ` (goal: ${goal.statement})` : ''}`,
          body: input.body, accountId: plan.accountId, link: `/accounts/${plan.accountId}`, dedupeKey: `plan-comment:${c.id}`,
        });
        return { queued: n, createdAt: c.createdAt };
      });
      if (queued > 0) await outbox.wake();
      return { contactName: contact.name, body: input.body, goalId: goalId ? (input.goalId ?? null) : null, createdAt };
    },
  };
}
export type ShareService = ReturnType<typeof createShareService>;
