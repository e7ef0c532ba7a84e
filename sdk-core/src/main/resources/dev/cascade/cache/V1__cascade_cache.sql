-- Cascade response cache, schema version 1. One file serves PostgreSQL and H2 (plain SQL both accept).
-- Applied by JdbcCacheStore.createSchema() (idempotent: every statement is IF NOT EXISTS), or by a migration tool
-- (the file name follows Flyway's V<version>__<name>.sql convention). Later versions ship as V2__..., never by
-- editing this file. Statements are separated by a semicolon at the end of a line; no semicolon inside a statement.

-- One row per exact key: the SHA-256 of the scope (chain, tenant, namespace, configuration hash) and the normalised
-- input (lower case). input_text keeps that input with its case (NFKC, whitespace collapsed): the match guard compares
-- it, and lower-cased it is the key's input. Times are microseconds since the epoch, on the chain's TimeSource.
CREATE TABLE IF NOT EXISTS cascade_cache_entry (
    key_hash        VARCHAR(64)      NOT NULL,
    scope_hash      VARCHAR(64)      NOT NULL,
    chain           VARCHAR(255)     NOT NULL,
    tenant          VARCHAR(255),
    namespace       VARCHAR(255)     NOT NULL,
    configuration   VARCHAR(64)      NOT NULL,
    input_text      VARCHAR(1000000) NOT NULL,
    answer          VARCHAR(1000000) NOT NULL,
    embedding_model VARCHAR(255),
    vector          BYTEA,
    cost_micros     BIGINT           NOT NULL,
    step            VARCHAR(255)     NOT NULL,
    stored_at_us    BIGINT           NOT NULL,
    expires_at_us   BIGINT           NOT NULL,
    CONSTRAINT cascade_cache_entry_pk PRIMARY KEY (key_hash)
);

-- The semantic lookup: the newest live entries of one scope and embedding model (a bounded scan).
CREATE INDEX IF NOT EXISTS cascade_cache_entry_scope_ix ON cascade_cache_entry (scope_hash, embedding_model, stored_at_us);

-- Invalidation by namespace or tenant, and purging expired entries.
CREATE INDEX IF NOT EXISTS cascade_cache_entry_namespace_ix ON cascade_cache_entry (chain, namespace);
CREATE INDEX IF NOT EXISTS cascade_cache_entry_tenant_ix ON cascade_cache_entry (chain, tenant);
CREATE INDEX IF NOT EXISTS cascade_cache_entry_expiry_ix ON cascade_cache_entry (expires_at_us);
