-- Cascade budget ledger, schema version 1. One file serves PostgreSQL and H2 (plain SQL both accept).
-- Applied by JdbcBudgetLedger.createSchema() (idempotent: every statement is IF NOT EXISTS), or by a migration tool
-- (the file name follows Flyway's V<version>__<name>.sql convention). Later versions ship as V2__..., never by
-- editing this file. Statements are separated by a semicolon at the end of a line; no semicolon inside a statement.

-- One row per account (a scope in a window, e.g. 'chain:support-triage|DAY|2026-11-28'). The limit lives with each
-- hold, not here: reserve raises reserved_micros only while spent_micros + reserved_micros stays within it.
CREATE TABLE IF NOT EXISTS cascade_budget_account (
    account         VARCHAR(512) NOT NULL,
    spent_micros    BIGINT       NOT NULL DEFAULT 0,
    reserved_micros BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT cascade_budget_account_pk PRIMARY KEY (account)
);

-- One row per reservation id: its primary key refuses a reused id, and state moves OPEN -> SETTLED exactly once.
CREATE TABLE IF NOT EXISTS cascade_budget_reservation (
    reservation_id VARCHAR(255)             NOT NULL,
    state          VARCHAR(7)               NOT NULL,
    actual_micros  BIGINT,
    created_at     TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    settled_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT cascade_budget_reservation_pk PRIMARY KEY (reservation_id),
    -- "= ANY (ARRAY[...])", not "IN (...)": H2 2.4.240 (Spring Boot 4.0's) ties a CHECK with an IN list of constants
    -- to the connection that created it, and fails every later write once that connection is closed (H2 issue 4302).
    CONSTRAINT cascade_budget_reservation_state_ck CHECK (state = ANY (ARRAY['OPEN', 'SETTLED']))
);

-- What one reservation holds on each account (hold_count > 1 when the same account was listed more than once).
CREATE TABLE IF NOT EXISTS cascade_budget_hold (
    reservation_id VARCHAR(255) NOT NULL,
    account        VARCHAR(512) NOT NULL,
    amount_micros  BIGINT       NOT NULL,
    hold_count     INTEGER      NOT NULL,
    CONSTRAINT cascade_budget_hold_pk PRIMARY KEY (reservation_id, account)
);

-- Counting open reservations and purging old settled ones.
CREATE INDEX IF NOT EXISTS cascade_budget_reservation_state_ix ON cascade_budget_reservation (state, settled_at);
