import type { Principal } from '../auth/principal.js';
import { AppError } from '../http/errors.js';

/**
 * The task list's `assignee` as the caller means it (GET /api/tasks and its CSV export):
 * `me` is the signed-in user, `team` their team, `any` nobody in particular, else a user id.
 * An API key has no inbox and a user without a team no team: both refused with a message.
 */
export function inboxAssignee(p: Principal, assignee: string | undefined): { assigneeUserId: string | undefined; assigneeTeamId?: string } {
  if ((assignee === 'me' || assignee === 'team') && p.kind !== 'user') throw new AppError('request.invalid', `assignee=${assignee} needs a signed-in user; pass a user id.`, [{ path: 'assignee', message: 'an API key has no inbox' }]);
  if (assignee === 'team' && p.kind === 'user' && !p.teamId) throw new AppError('request.invalid', 'You are not in a team.', [{ path: 'assignee', message: 'you are not in a team' }]);
  const assigneeUserId = assignee === 'any' || assignee === 'team' ? undefined : assignee === 'me' ? (p.kind === 'user' ? p.userId : undefined) : assignee;
  const assigneeTeamId = assignee === 'team' && p.kind === 'user' ? p.teamId ?? undefined : undefined;
  return { assigneeUserId, ...(assigneeTeamId ? { assigneeTeamId } : {}) };
}
