-- Cascade human-review queue, schema version 2: what the reviewer console's work list needs. Apply after V1 (one file
-- for PostgreSQL and H2; idempotent: IF NOT EXISTS, and back-fills that touch only rows not yet filled).
-- Statements are separated by a semicolon at the end of a line; no semicolon inside a statement.

-- Keyset pagination walks an index in one direction, so every sort key is ascending and never null:
-- sort_priority is -priority (highest priority first), due_key is due_at or 9999-12-31 for "no SLA" (last).
ALTER TABLE cascade_review_item ADD COLUMN IF NOT EXISTS sort_priority INTEGER;
ALTER TABLE cascade_review_item ADD COLUMN IF NOT EXISTS due_key TIMESTAMP WITH TIME ZONE;
UPDATE cascade_review_item SET sort_priority = -priority WHERE sort_priority IS NULL;
UPDATE cascade_review_item SET due_key = COALESCE(due_at, TIMESTAMP WITH TIME ZONE '9999-12-31 00:00:00+00')
    WHERE due_key IS NULL;
ALTER TABLE cascade_review_item ALTER COLUMN sort_priority SET NOT NULL;
ALTER TABLE cascade_review_item ALTER COLUMN due_key SET NOT NULL;

-- item_seq is the stable tiebreak of every sort and the key of the search terms.
CREATE UNIQUE INDEX IF NOT EXISTS cascade_review_item_seq_uq ON cascade_review_item (item_seq);

-- One index per sort, led by is_open (the console's default view is the open items): a page is an index range scan
-- from the cursor, however deep the page.
CREATE INDEX IF NOT EXISTS cascade_review_item_by_queue_ix
    ON cascade_review_item (is_open, sort_priority, due_key, item_seq);
CREATE INDEX IF NOT EXISTS cascade_review_item_by_due_ix
    ON cascade_review_item (is_open, due_key, sort_priority, item_seq);
CREATE INDEX IF NOT EXISTS cascade_review_item_by_age_ix ON cascade_review_item (is_open, item_seq);

-- A filter by chain, tenant or claim holder is a range of its own index, already in due order (the console's
-- default; chains also in queue order), whether the filter matches half the queue or nothing at all; other orders
-- sort only the matching rows.
CREATE INDEX IF NOT EXISTS cascade_review_item_chain_ix
    ON cascade_review_item (chain, is_open, due_key, sort_priority, item_seq);
CREATE INDEX IF NOT EXISTS cascade_review_item_chain_queue_ix
    ON cascade_review_item (chain, is_open, sort_priority, due_key, item_seq);
CREATE INDEX IF NOT EXISTS cascade_review_item_tenant_ix
    ON cascade_review_item (tenant, is_open, due_key, sort_priority, item_seq);
CREATE INDEX IF NOT EXISTS cascade_review_item_claimed_ix
    ON cascade_review_item (claimed_by, is_open, due_key, sort_priority, item_seq);
-- The stats view's window of decisions.
CREATE INDEX IF NOT EXISTS cascade_review_item_decided_ix ON cascade_review_item (is_open, decided_at);

-- Free-text search without extensions (pg_trgm is not everywhere): the distinct words of the start of each item's
-- input, lower-cased, written with the item in its submit transaction (see ReviewTerms). A search for several words
-- looks each one up in this table's primary key. Items are never edited, so rows are only inserted and purged.
CREATE TABLE IF NOT EXISTS cascade_review_term (
    term     VARCHAR(40) NOT NULL,
    item_seq BIGINT      NOT NULL,
    CONSTRAINT cascade_review_term_pk PRIMARY KEY (term, item_seq)
);
CREATE INDEX IF NOT EXISTS cascade_review_term_item_ix ON cascade_review_term (item_seq);
