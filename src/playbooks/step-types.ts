import type { Actor } from '../auth/principal.js';
import type { Queryable } from '../db/connect.js';
import { ruleActor } from '../rules/fire.js';
import type { EmailStep, Step } from './schema.js';

/** What the step modules share: a run as a step sees it, what a step did, and the contact an e-mail goes to. */

export type RunRow = { id: string; account_id: string; playbook_id: string; version: number; status: string; name: string; steps: Step[]; owner_id: string | null; rule_id: string | null; rule_name: string | null };

/**
 * Who the audit log names for what a run's steps make (tasks): the rule that started the run, as for
 * what a rule makes itself, else the playbook, never an anonymous "system".
 */
export function runActor(run: { name: string; rule_id: string | null; rule_name: string | null }): Actor {
  return run.rule_id && run.rule_name !== null ? ruleActor({ id: run.rule_id, name: run.rule_name }) : { type: 'system', id: null, label: `playbook "${run.name}"` };
}

export const DAY = 86_400_000;

export type Performed = {
  /**
   * issued: the effect started and completes later (a task, a wait); waiting: nothing was done, the
   * step stays pending until `until` (an ask over the customer's capacity); the others are final.
   */
  status: 'issued' | 'completed' | 'skipped' | 'failed' | 'waiting';
  result: Record<string, unknown>;
  error?: string;
  taskIds: string[];
  /** A wait: when it completes; a waiting step: when it is tried again. */
  until?: Date;
  /** The next step waits for this one to complete (a wait, or a task step with waitForTask). */
  holdNext: boolean;
};

/** What a step needs to know of the setup: whether e-mail can be sent (else an e-mail says why it waits). */
export type StepContext = { emailConfigured: boolean };

/** The contact an e-mail step writes to: the account's contact with that role and an address, seen most recently. */
export async function emailContact(q: Queryable, accountId: string, role: EmailStep['to']): Promise<{ id: string; name: string | null; email: string } | undefined> {
  return (await q.query<{ id: string; name: string | null; email: string }>(
    `SELECT id, name, email FROM contacts WHERE account_id = $1 AND role = $2 AND email IS NOT NULL
      ORDER BY last_seen_at DESC NULLS LAST, created_at LIMIT 1`, [accountId, role],
  )).rows[0];
}
