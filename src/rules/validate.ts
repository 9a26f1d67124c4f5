import type { Queryable } from '../db/connect.js';
import { AppError, type FieldError } from '../http/errors.js';
import type { Condition, RuleAction } from './schema.js';

/** What the schema cannot check: referenced drivers, playbooks and webhooks exist (and are usable). */
export async function validateRefs(q: Queryable, condition: Condition | undefined, actions: RuleAction[] | undefined): Promise<void> {
  const fields: FieldError[] = [];
  for (const [i, c] of (condition?.conditions ?? []).entries()) {
    if (c.type === 'driver') {
      const { rows } = await q.query('SELECT 1 FROM drivers WHERE key = $1', [c.driver]);
      if (!rows.length) fields.push({ path: `condition.conditions.${i}.driver`, message: `no driver with key "${c.driver}"` });
    }
    if (c.type === 'field' && !/^(seats|domain|name|custom\.[\w .-]+)$/.test(c.field)) {
      fields.push({ path: `condition.conditions.${i}.field`, message: 'use seats, domain, name or custom.<key> (stage, segment, ARR and renewal have their own conditions)' });
    }
    if (c.type === 'field' && !['is_empty', 'is_not_empty'].includes(c.op) && c.value === undefined) {
      fields.push({ path: `condition.conditions.${i}.value`, message: 'a value is required for this comparison' });
    }
    if (c.type === 'field_changed' && !/^(stage|segment|arr|renewalDate|ownerId|seats|domain|name|custom\.[\w .-]+)$/.test(c.field)) {
      fields.push({ path: `condition.conditions.${i}.field`, message: 'use stage, segment, arr, renewalDate, ownerId, seats, domain, name or custom.<key>' });
    }
  }
  for (const [i, a] of (actions ?? []).entries()) {
    if (a.type === 'start_playbook') {
      const { rows } = await q.query<{ archived_at: Date | null }>('SELECT archived_at FROM playbooks WHERE id = $1', [a.playbookId]);
      if (!rows.length) fields.push({ path: `actions.${i}.playbookId`, message: 'no such playbook' });
      else if (rows[0]?.archived_at) fields.push({ path: `actions.${i}.playbookId`, message: 'the playbook is archived' });
    }
    if (a.type === 'raise_risk') {
      const { rows } = await q.query<{ enabled: boolean }>('SELECT enabled FROM signal_definitions WHERE kind = $1', [a.kind]);
      if (!rows.length) fields.push({ path: `actions.${i}.kind`, message: `no signal kind "${a.kind}"` });
      else if (!rows[0]?.enabled) fields.push({ path: `actions.${i}.kind`, message: 'the signal kind is disabled' });
    }
    if (a.type === 'webhook') {
      const { rows } = await q.query('SELECT 1 FROM webhooks WHERE id = $1', [a.webhookId]);
      if (!rows.length) fields.push({ path: `actions.${i}.webhookId`, message: 'no such webhook' });
    }
  }
  if (fields.length) throw new AppError('rule.invalid', undefined, fields);
}
