-- Capacity (issue 11, seed 004), part 4: the customer's spoons.
--
-- What is asked of a customer is not stored twice: src/capacity/ reads it from where it lives
-- (customer-owned tasks with their effort, survey and check-in requests, playbook e-mails that ask
-- for action). This migration adds the capacity set per account and per contact (the default is an
-- app setting), the cost of an e-mail that asks, the mark on a task we do for them, and the record
-- of every ask confirmed over capacity.

CREATE TABLE account_capacity (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  spoons smallint NOT NULL CHECK (spoons BETWEEN 0 AND 100),
  note text CHECK (length(note) <= 2000),
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contact_capacity (
  contact_id uuid PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  spoons smallint NOT NULL CHECK (spoons BETWEEN 0 AND 100),
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_capacity_account_idx ON contact_capacity (account_id);

-- A playbook e-mail that asks the customer to do something costs spoons; 0 (the default) is an e-mail that asks nothing.
ALTER TABLE outbound_messages ADD COLUMN spoon_cost smallint NOT NULL DEFAULT 0 CHECK (spoon_cost BETWEEN 0 AND 10);
-- A task of ours that does for the customer what we would otherwise ask of them ("give a spoon").
ALTER TABLE tasks ADD COLUMN gives_spoon boolean NOT NULL DEFAULT false;

-- Every ask confirmed although it exceeded what was left: who, when, and by how much.
CREATE TABLE capacity_overloads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('task', 'survey', 'check_in', 'email')),
  ref_id uuid,
  cost smallint NOT NULL CHECK (cost BETWEEN 0 AND 10),
  left_before integer NOT NULL,
  period_start date NOT NULL,
  confirmed_by uuid REFERENCES users(id) ON DELETE SET NULL,
  playbook_run_id uuid REFERENCES playbook_runs(id) ON DELETE SET NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX capacity_overloads_account_idx ON capacity_overloads (account_id, at DESC);
-- The ledger reads an account's customer-owned tasks by their date.
CREATE INDEX tasks_customer_ask_idx ON tasks (account_id, (coalesce(due_at, created_at))) WHERE assignee_contact_id IS NOT NULL;
