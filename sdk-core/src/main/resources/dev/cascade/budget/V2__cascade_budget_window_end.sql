-- Cascade budget ledger, schema version 2: each account remembers when its budget window ends, so housekeeping
-- (JdbcBudgetLedger.purgeWindowsOlderThan) can delete the accounts of windows long over. Accounts created before this
-- version have no window end and are kept. Applied by JdbcBudgetLedger.createSchema() after V1 (idempotent).
-- Statements are separated by a semicolon at the end of a line; no semicolon inside a statement.

ALTER TABLE cascade_budget_account ADD COLUMN IF NOT EXISTS window_end TIMESTAMP WITH TIME ZONE;

CREATE INDEX IF NOT EXISTS cascade_budget_account_end_ix ON cascade_budget_account (window_end);
