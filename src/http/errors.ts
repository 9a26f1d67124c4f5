/**
 * The one table of error codes. Each maps to an HTTP status and a default message; clients rely
 * on `code` (stable), people read `message`. Never map errors by matching message text.
 */
export const ERRORS = {
  'request.invalid': { status: 400, message: 'The request is invalid.' },
  'request.invalid_json': { status: 400, message: 'The request body is not valid JSON.' },
  'request.too_large': { status: 413, message: 'The request body is too large.' },
  'request.timeout': { status: 408, message: 'The request did not arrive in time; the connection is closed.' },
  'request.headers_too_large': { status: 431, message: 'The request headers are too large.' },
  'request.too_deep': { status: 400, message: 'The request body nests too deeply.' },
  'request.unsupported_media_type': { status: 415, message: 'Send the body as application/json.' },
  'auth.required': { status: 401, message: 'Sign in or send an API key.' },
  'auth.invalid_credentials': { status: 401, message: 'E-mail or password is wrong.' },
  'auth.invalid_api_key': { status: 401, message: 'The API key is unknown or revoked.' },
  'auth.rate_limited': { status: 429, message: 'Too many failed sign-ins.' },
  'auth.csrf': { status: 403, message: 'Missing or wrong x-csrf-token header.' },
  'auth.forbidden': { status: 403, message: 'Your role does not allow this.' },
  'auth.weak_password': { status: 400, message: 'The password does not meet the password rules.' },
  'auth.wrong_password': { status: 400, message: 'The current password is wrong.' },
  'auth.password_change_required': { status: 403, message: 'Change your password first: this session may do nothing else until then.' },
  'auth.session_only': { status: 403, message: 'This endpoint is for signed-in users, not API keys.' },
  'not_found': { status: 404, message: 'Not found.' },
  'account.not_found': { status: 404, message: 'Account not found.' },
  'account.external_id_taken': { status: 409, message: 'Another account has this external id.' },
  'contact.not_found': { status: 404, message: 'Contact not found.' },
  'contact.external_id_taken': { status: 409, message: 'Another contact has this external id.' },
  'user.not_found': { status: 404, message: 'User not found.' },
  'user.email_taken': { status: 409, message: 'A user with this e-mail already exists.' },
  'user.cannot_demote_self': { status: 409, message: 'You cannot remove your own admin role or deactivate yourself.' },
  'team.not_found': { status: 404, message: 'Team not found.' },
  'team.name_taken': { status: 409, message: 'A team with this name already exists.' },
  'api_key.not_found': { status: 404, message: 'API key not found.' },
  'driver.not_found': { status: 404, message: 'Driver not found.' },
  'driver.invalid': { status: 400, message: 'The driver definition is not valid.' },
  'driver.key_taken': { status: 409, message: 'Another driver has this key.' },
  'driver.in_use': { status: 409, message: 'Another driver uses this one.' },
  'outcome.exists': { status: 409, message: 'This outcome is already recorded for the account on that date.' },
  'health.override_not_found': { status: 404, message: 'The account has no active override.' },
  'health.run_not_found': { status: 404, message: 'Recompute run not found.' },
  'activity.not_found': { status: 404, message: 'Activity not found.' },
  'activity.invalid': { status: 400, message: 'The activity is not valid.' },
  'task.not_found': { status: 404, message: 'Task not found.' },
  'task.invalid': { status: 400, message: 'The task is not valid.' },
  'playbook.not_found': { status: 404, message: 'Playbook not found.' },
  'playbook.invalid': { status: 400, message: 'The playbook is not valid.' },
  'playbook.name_taken': { status: 409, message: 'Another playbook has this name.' },
  'playbook.archived': { status: 409, message: 'The playbook is archived.' },
  'playbook_run.not_found': { status: 404, message: 'Playbook run not found.' },
  'playbook_run.finished': { status: 409, message: 'The playbook run has already finished.' },
  'email_approval.not_found': { status: 404, message: 'This task holds no e-mail to approve.' },
  'email_approval.required': { status: 409, message: 'This task holds a customer e-mail: approve it (it is sent) or reject it; marking the task done does not send it.' },
  'email_approval.decided': { status: 409, message: 'This e-mail was already approved or rejected.' },
  'email_approval.invalid': { status: 400, message: 'The e-mail is not valid.' },
  'outbound_message.not_found': { status: 404, message: 'Outbound message not found.' },
  'outbound_message.state': { status: 409, message: 'The message cannot do that in its current state.' },
  'rule.not_found': { status: 404, message: 'Rule not found.' },
  'rule.invalid': { status: 400, message: 'The rule is not valid.' },
  'escalation.not_found': { status: 404, message: 'Escalation not found.' },
  'escalation.invalid': { status: 400, message: 'The escalation is not valid.' },
  'notification.not_found': { status: 404, message: 'Notification not found.' },
  'webhook.not_found': { status: 404, message: 'Webhook not found.' },
  'webhook.invalid': { status: 400, message: 'The webhook is not valid.' },
  'outbound.refused': { status: 400, message: 'The address is not allowed for outbound requests.' },
  'outbound.allowlist_invalid': { status: 400, message: 'The allow-list entry must be a host name, an IP address or a CIDR range.' },
  'outbound.allowlist_not_found': { status: 404, message: 'The allow-list has no such entry.' },
  'webhook.delivery_not_found': { status: 404, message: 'Webhook delivery not found.' },
  'webhook.delivery_not_dead': { status: 409, message: 'Only a dead delivery can be sent again.' },
  'notification.prefs_invalid': { status: 400, message: 'The notification settings are not valid.' },
  'notification.user_only': { status: 403, message: 'Notifications belong to a signed-in user, not to an API key.' },
  'settings.invalid': { status: 400, message: 'The settings are not valid.' },
  'ingest.invalid_write_key': { status: 401, message: 'The write key is missing, unknown or revoked.' },
  'ingest.invalid_json': { status: 400, message: 'The body is not valid JSON.' },
  'ingest.invalid_event': { status: 400, message: 'An event is missing a required field or has a wrong one.' },
  'ingest.too_deep': { status: 400, message: 'The body nests too deeply.' },
  'ingest.invalid_value': { status: 400, message: 'The database refused a value of this event (reported per event in a batch answer).' },
  'ingest.event_too_large': { status: 400, message: 'An event is larger than 32 KB.' },
  'ingest.batch_too_large': { status: 413, message: 'The batch is larger than 500 KB.' },
  'idempotency.invalid_key': { status: 400, message: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.' },
  'idempotency.key_reused': { status: 422, message: 'This Idempotency-Key was already used with a different request (method, URL or body); use a new key for a new request.' },
  'idempotency.in_progress': { status: 409, message: 'A request with this Idempotency-Key is still in progress; retry shortly.' },
  'server.busy': { status: 503, message: 'Too many uploads are arriving at once; nothing was read. Retry shortly.' },
  'service.unavailable': { status: 503, message: 'The database is unavailable; nothing was stored. Retry later.' },
  'internal': { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;
export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

export const notFound = (code: ErrorCode = 'not_found') => new AppError(code);
