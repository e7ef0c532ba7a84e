-- Cascade budget ledger, schema version 3: the leases of LeasingBudgetLedger. Applied by
-- LeasingBudgetLedger.createSchema() after V1 and V2 (idempotent); JdbcBudgetLedger does not need it.
-- A lease is a slice of an account's money one instance holds: the slice is counted in the account's reserved_micros,
-- so spent_micros + reserved_micros <= limit holds on the account row for leases and plain holds alike.
-- Statements are separated by a semicolon at the end of a line; no semicolon inside a statement.

-- One row per (account, instance, hard limit): a step with headroom holds the same account under a lower cap.
-- slice_micros:    leased, counted in the account's reserved_micros, not yet spent (as of the last flush)
-- mark_micros:     of the slice, what the instance may have used since its last flush (in-flight holds plus settled
--                  spend not flushed yet, plus a small headroom); counted as spent if the lease expires
-- inflight_micros: held by calls in flight at the last flush (for balances read by other instances)
-- credit_micros:   what an expiry counted as spent on the instance's behalf; the instance's late settles draw on it
-- expired:         1 once an expiry returned the slice; the owner's next flush reopens the row
-- seq:             bumped by every flush, so a flush whose commit went unanswered is recognised, never applied twice
CREATE TABLE IF NOT EXISTS cascade_budget_lease (
    account         VARCHAR(512)             NOT NULL,
    instance_id     VARCHAR(255)             NOT NULL,
    limit_micros    BIGINT                   NOT NULL,
    slice_micros    BIGINT                   NOT NULL,
    mark_micros     BIGINT                   NOT NULL,
    inflight_micros BIGINT                   NOT NULL,
    credit_micros   BIGINT                   NOT NULL,
    expired         SMALLINT                 NOT NULL,
    seq             BIGINT                   NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT cascade_budget_lease_pk PRIMARY KEY (account, instance_id, limit_micros)
);

-- Finding expired leases.
CREATE INDEX IF NOT EXISTS cascade_budget_lease_expiry_ix ON cascade_budget_lease (expired, expires_at);
