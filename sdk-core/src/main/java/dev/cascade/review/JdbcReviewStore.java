package dev.cascade.review;

import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.jdbc.JdbcDatabase;
import dev.cascade.jdbc.JdbcTransactions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A {@link ReviewStore} in a relational database, so items outlive the process that submitted them and every service
 * instance (and the reviewers' console) shares one queue. PostgreSQL for production, H2 (2.4.240, the version Spring
 * Boot 4.0 manages, or later) as an embedded default; the dialect is read from the {@link DataSource} on first use.
 * Uses only {@code java.sql}: bring the driver and a connection pool (every operation borrows a connection for one
 * short transaction and closes it).
 *
 * <pre>{@code
 * JdbcReviewStore store = new JdbcReviewStore(dataSource);
 * store.createSchema();                 // optional: or apply V1__cascade_review.sql with your migration tool
 * DurableReviewQueue<Ticket, Reply> queue = DurableReviewQueue.builder(store, ticketCodec, replyCodec).build();
 * }</pre>
 *
 * <p><b>Schema</b> ({@code dev/cascade/review/V1__cascade_review.sql}, one file for both databases): the items
 * ({@code cascade_review_item}, one row each, unique on the idempotency key) and the append-only audit log
 * ({@code cascade_review_audit}). Tables live in the connection's current schema.
 *
 * <p><b>Guarantees.</b> Every method is one transaction at READ COMMITTED, and every transition writes its audit
 * rows in that transaction. A transition on one item locks its row ({@code SELECT ... FOR UPDATE}) for the few
 * statements of the transaction, runs the same state machine as {@link InMemoryReviewStore}, and writes the row back
 * with {@code WHERE id = ? AND version = ?}. No lock is held while a human thinks: a claim is a lease stored in the
 * row ({@code claimed_by}, {@code lease_until}), and its transaction commits at once.
 * {@link #claimNext} on PostgreSQL is one statement:
 * {@code WITH next AS (SELECT id ... ORDER BY ... LIMIT 1 FOR UPDATE SKIP LOCKED) UPDATE ... FROM next ...}, so
 * reviewers claiming at once each get a different item without waiting. On H2 it is an optimistic version-checked
 * update over a few candidates (see {@link ReviewDialect} for why). A submit that races another with the same key
 * loses on the unique key and returns the winner's item.
 *
 * <p><b>Time</b> comes from the clock given at construction (default: the system's, UTC), truncated to microseconds
 * (what PostgreSQL keeps), not from the database: leases and SLAs compare the stored instants with that clock, so
 * instances sharing a store should keep their clocks in sync (NTP).
 *
 * <p><b>Text.</b> Any Java string is stored and read back exactly, U+0000 included (which PostgreSQL's text types
 * refuse): text values are escaped on the way in and unescaped on the way out (see {@code StoredText}), on every
 * database alike.
 *
 * <p><b>Retries.</b> A transaction that fails only because of a concurrent one rolls back and runs again, up to
 * {@value #MAX_ATTEMPTS} times. Other {@link SQLException}s are thrown as {@link ReviewStoreException}, whose message
 * leaves out the parts of the database's message that may quote stored values. Every SQL value is a bound parameter.
 * Thread-safe.
 *
 * <p><b>Housekeeping.</b> Finished items and their audit rows stay until {@link #purgeFinishedOlderThan} deletes
 * them: schedule it (e.g. daily, with the retention your audit needs) so the tables do not grow forever.
 */
public final class JdbcReviewStore implements ReviewStore {

    /** The schema file on the classpath, relative to this class's package. */
    public static final String SCHEMA_RESOURCE = "V1__cascade_review.sql";
    static final int MAX_ATTEMPTS = 10;
    /** Candidates an optimistic (H2) claim reads at once. */
    private static final int CANDIDATES = 16;
    private static final int MAX_DETAIL = 1000;

    /** A database error (or a run of retryable conflicts) that kept a review store operation from completing. */
    public static final class ReviewStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** {@code message} names the operation and the database's error, never a stored value. */
        ReviewStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final String COLUMNS = "id, idempotency_key, chain, step, tenant, execution_id, input,"
            + " attempts_text, cost_micros, trace_context, trace_id, priority, created_at, due_at, on_breach,"
            + " default_answer, payload_hash, version, state, escalated, claimed_by, lease_until, verdict, answer,"
            + " decided_by, review_comment, decided_at";
    private static final String ORDER = " ORDER BY priority DESC, due_at ASC NULLS LAST, created_at, item_seq";
    private static final String INSERT_ITEM = "INSERT INTO cascade_review_item (" + COLUMNS + ", is_open)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_ITEM = "UPDATE cascade_review_item SET priority = ?, version = ?, state = ?,"
            + " is_open = ?, escalated = ?, claimed_by = ?, lease_until = ?, verdict = ?, answer = ?, decided_by = ?,"
            + " review_comment = ?, decided_at = ? WHERE id = ? AND version = ?";
    private static final String INSERT_AUDIT = "INSERT INTO cascade_review_audit (item_id, from_state, to_state, actor,"
            + " occurred_at, version, detail) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String AUDIT_COLUMNS = "seq, item_id, from_state, to_state, actor, occurred_at, version, detail";
    private static final String FINISHED_BEFORE = "SELECT id FROM cascade_review_item WHERE is_open = FALSE"
            + " AND decided_at < ?";
    private static final String PURGE_AUDIT = "DELETE FROM cascade_review_audit WHERE item_id IN (" + FINISHED_BEFORE
            + ")";
    private static final String PURGE_ITEMS = "DELETE FROM cascade_review_item WHERE is_open = FALSE AND decided_at < ?";
    private static final String CLAIMABLE = " WHERE is_open = TRUE AND (state <> 'CLAIMED' OR lease_until <= ?)";

    private final JdbcTransactions<ReviewDialect> tx;
    private final Clock clock;
    private final List<Consumer<ReviewItem>> listeners = new CopyOnWriteArrayList<>();

    /** Thrown inside a submit transaction that lost the race for its key; the submit then reads the winner. */
    private static final class KeyTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyTaken(SQLException cause) {
            super(null, cause, false, false);
        }
    }

    /**
     * The failure message without the parts of a database's message that may quote stored values: PostgreSQL's
     * {@code Detail:} / {@code Where:} lines (e.g. "Failing row contains (...)") and H2's quoted values and SQL
     * statement. The SQLState and the database's summary stay; the cause keeps everything, for a debugger.
     */
    static String redact(String message) {
        if (message == null) {
            return null;
        }
        String m = message;
        int detail = m.indexOf("\n  Detail:");
        if (detail < 0) {
            detail = m.indexOf("\n  Where:");
        }
        if (detail >= 0) {
            m = m.substring(0, detail);
        }
        int statement = m.indexOf("; SQL statement:");
        if (statement >= 0) {
            m = m.substring(0, statement);
        }
        return m.replaceAll("\"'[^\"]*'[^\"]*\"", "\"<value>\"");
    }

    /** Every text parameter goes through {@link StoredText}, so any Java string can be stored (U+0000 included). */
    private static void setText(PreparedStatement ps, int index, String value) throws SQLException {
        ps.setString(index, StoredText.store(value));
    }

    private static String getText(ResultSet rs, String column) throws SQLException {
        return StoredText.load(rs.getString(column));
    }

    /** A store over {@code dataSource} (PostgreSQL or H2; pooled, for any real load) on the system clock. */
    public JdbcReviewStore(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    /** A store whose transitions are stamped, and whose leases run, on {@code clock}. Opens no connection. */
    public JdbcReviewStore(DataSource dataSource, Clock clock) {
        this.tx = new JdbcTransactions<>(Objects.requireNonNull(dataSource, "dataSource"), ReviewDialect::of,
                "review store", MAX_ATTEMPTS, (message, cause) -> new ReviewStoreException(redact(message), cause));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates the tables and indexes if missing, running the shipped {@link #SCHEMA_RESOURCE}. Idempotent, and safe
     * when several instances call it at start at once.
     *
     * @throws ReviewStoreException if the database refused
     */
    public void createSchema() {
        tx.createSchema(schemaStatements());
    }

    @Override
    public ReviewItem submit(Submission submission) {
        Objects.requireNonNull(submission, "submission");
        Submission s = submission.dueAt() == null ? submission : new Submission(submission.chain(), submission.step(),
                submission.tenant(), submission.executionId(), submission.idempotencyKey(), submission.input(),
                submission.attempts(), submission.cost(), submission.traceContext(), submission.priority(),
                micros(submission.dueAt()), submission.onBreach(), submission.defaultAnswer());
        String operation = "submit(key '" + s.idempotencyKey() + "')";
        try {
            return tx.inTransaction(operation, (c, d) -> {
                Optional<ReviewItem> existing = selectOne(c, "idempotency_key = ?", s.idempotencyKey(), false);
                if (existing.isPresent()) {
                    return existing.get();
                }
                ReviewTransitions.Result r = ReviewTransitions.submitted(UUID.randomUUID().toString(), s, now());
                try {
                    insert(c, r.item());
                } catch (SQLException e) {
                    if (JdbcDatabase.uniqueViolation(e)) {
                        throw new KeyTaken(e);
                    }
                    throw e;
                }
                audit(c, r.entries());
                return r.item();
            });
        } catch (KeyTaken raced) {
            return findByIdempotencyKey(s.idempotencyKey()).orElseThrow(() -> new ReviewStoreException(operation
                    + " lost a race on its key, but no item has it", raced.getCause()));
        }
    }

    @Override
    public Optional<ReviewItem> find(String id) {
        Objects.requireNonNull(id, "id");
        return tx.inTransaction("find('" + id + "')", (c, d) -> selectOne(c, "id = ?", id, false));
    }

    @Override
    public Optional<ReviewItem> findByIdempotencyKey(String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        return tx.inTransaction("findByIdempotencyKey", (c, d) -> selectOne(c, "idempotency_key = ?", idempotencyKey,
                false));
    }

    @Override
    public List<ReviewItem> list(ReviewQuery query) {
        Objects.requireNonNull(query, "query");
        return tx.inTransaction("list(" + query + ")", (c, d) -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM cascade_review_item WHERE 1 = 1");
            List<Object> params = new ArrayList<>();
            if (!query.states().isEmpty()) {
                sql.append(" AND state IN (");
                for (ReviewState st : query.states()) {
                    sql.append(params.isEmpty() ? "?" : ", ?");
                    params.add(st.name());
                }
                sql.append(')');
            }
            filters(sql, params, query);
            sql.append(ORDER).append(" LIMIT ? OFFSET ?");
            params.add(query.limit());
            params.add(query.offset());
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, params);
                return readAll(ps);
            }
        });
    }

    @Override
    public Optional<ReviewItem> claimNext(String reviewer, Duration lease, ReviewQuery query) {
        ReviewChecks.reviewer(reviewer);
        ReviewChecks.lease(lease);
        Objects.requireNonNull(query, "query");
        return tx.inTransaction("claimNext('" + reviewer + "')", (c, d) -> d.skipLocked
                ? claimSkippingLocked(c, reviewer, lease, query) : claimOptimistically(c, reviewer, lease, query));
    }

    /** PostgreSQL: one statement claims the first claimable row nobody else is locking. */
    private Optional<ReviewItem> claimSkippingLocked(Connection c, String reviewer, Duration lease, ReviewQuery query)
            throws SQLException {
        Instant now = now();
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("WITH next AS (SELECT id, state AS old_state,"
                + " claimed_by AS old_claimed_by, lease_until AS old_lease_until FROM cascade_review_item"
                + CLAIMABLE);
        params.add(ts(now));
        filters(sql, params, query);
        sql.append(ORDER).append(" LIMIT 1 FOR UPDATE SKIP LOCKED)"
                + " UPDATE cascade_review_item i SET state = 'CLAIMED', claimed_by = ?, lease_until = ?,"
                + " version = i.version + CASE WHEN next.old_state = 'CLAIMED' THEN 2 ELSE 1 END"
                + " FROM next WHERE i.id = next.id RETURNING ");
        for (String col : COLUMNS.split(", ")) {
            sql.append("i.").append(col).append(", ");
        }
        sql.append("next.old_state, next.old_claimed_by, next.old_lease_until");
        params.add(reviewer);
        params.add(ts(now.plus(lease)));
        ReviewItem claimed;
        ReviewItem before;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                claimed = read(rs);
                ReviewState oldState = ReviewState.valueOf(getText(rs, "old_state"));
                // The row as it was, rebuilt from the old claim columns, so the shared state machine writes the audit.
                before = new ReviewItem(claimed.id(), claimed.chain(), claimed.step(), claimed.tenant(),
                        claimed.executionId(), claimed.idempotencyKey(), claimed.input(), claimed.attempts(),
                        claimed.cost(), claimed.traceContext(), claimed.traceId(), claimed.priority(),
                        claimed.createdAt(), claimed.dueAt(), claimed.onBreach(), claimed.defaultAnswer(),
                        claimed.payloadHash(), claimed.version() - (oldState == ReviewState.CLAIMED ? 2 : 1), oldState,
                        claimed.escalated(), getText(rs, "old_claimed_by"), instant(rs, "old_lease_until"), null,
                        null, null, null, null);
            }
        }
        ReviewTransitions.Result r = ReviewTransitions.claim(before, reviewer, lease, now);
        if (!r.item().equals(claimed)) {
            throw new IllegalStateException("claim statement and state machine disagree on " + claimed.id()
                    + ": " + claimed + " vs " + r.item());
        }
        audit(c, r.entries());
        return Optional.of(claimed);
    }

    /** H2: read a few candidates, take the first one whose version is still the one read. */
    private Optional<ReviewItem> claimOptimistically(Connection c, String reviewer, Duration lease, ReviewQuery query)
            throws SQLException {
        for (int round = 0; round < MAX_ATTEMPTS; round++) {
            Instant now = now();
            List<Object> params = new ArrayList<>();
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM cascade_review_item" + CLAIMABLE);
            params.add(ts(now));
            filters(sql, params, query);
            sql.append(ORDER).append(" LIMIT ").append(CANDIDATES);
            List<ReviewItem> candidates;
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, params);
                candidates = readAll(ps);
            }
            if (candidates.isEmpty()) {
                return Optional.empty();
            }
            for (ReviewItem candidate : candidates) {
                ReviewTransitions.Result r = ReviewTransitions.claim(candidate, reviewer, lease, now);
                if (write(c, candidate, r)) {
                    return Optional.of(r.item());
                }
            }
            // Every candidate was taken by a concurrent claimer between our read and our update: read again.
        }
        return Optional.empty();
    }

    @Override
    public ReviewItem claim(String id, String reviewer, Duration lease) {
        ReviewChecks.reviewer(reviewer);
        ReviewChecks.lease(lease);
        return transition("claim('" + id + "', '" + reviewer + "')", id,
                item -> ReviewTransitions.claim(item, reviewer, lease, now())).item();
    }

    @Override
    public ReviewItem release(String id, String reviewer) {
        ReviewChecks.reviewer(reviewer);
        return transition("release('" + id + "', '" + reviewer + "')", id,
                item -> ReviewTransitions.release(item, reviewer, now())).item();
    }

    @Override
    public ReviewItem decide(Decide command) {
        Objects.requireNonNull(command, "command");
        ReviewTransitions.Result r = transition("decide('" + command.id() + "', '" + command.reviewer() + "')",
                command.id(), item -> ReviewTransitions.decide(item, command, now()));
        if (r.changed()) {
            notifyFinal(List.of(r.item())); // an idempotent repeat changed nothing and was announced the first time
        }
        return r.item();
    }

    @Override
    public int expireLeases(Instant now) {
        Objects.requireNonNull(now, "now");
        Instant at = micros(now);
        return sweep("expireLeases(" + at + ")", "state = 'CLAIMED' AND lease_until <= ?", at,
                item -> ReviewTransitions.expireLease(item, at)).size();
    }

    @Override
    public int applySla(Instant now) {
        Objects.requireNonNull(now, "now");
        Instant at = micros(now);
        List<ReviewItem> changed = sweep("applySla(" + at + ")", "is_open = TRUE AND state <> 'CLAIMED'"
                + " AND due_at <= ?", at, item -> ReviewTransitions.sla(item, at));
        notifyFinal(changed.stream().filter(i -> i.state().isFinal()).toList());
        return changed.size();
    }

    /**
     * Deletes the finished items decided before {@code decidedBefore} and their audit rows, in one transaction (see
     * {@link ReviewStore#purgeFinishedBefore}). Open items are never touched; final items never change, so the rows
     * it picks cannot be in use by a transition.
     */
    @Override
    public int purgeFinishedBefore(Instant decidedBefore) {
        Objects.requireNonNull(decidedBefore, "decidedBefore");
        Instant at = micros(decidedBefore);
        return tx.inTransaction("purgeFinishedBefore(" + at + ")", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(PURGE_AUDIT)) {
                ps.setObject(1, ts(at));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(PURGE_ITEMS)) {
                ps.setObject(1, ts(at));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Housekeeping to call on a schedule: {@link #purgeFinishedBefore} this store's clock minus {@code age}, e.g.
     * {@code store.purgeFinishedOlderThan(Duration.ofDays(90))}.
     *
     * @return how many items were deleted
     */
    public int purgeFinishedOlderThan(Duration age) {
        return purgeFinishedBefore(clock.instant().minus(ReviewChecks.positive("age", age)));
    }

    @Override
    public List<AuditEntry> audit(String id) {
        Objects.requireNonNull(id, "id");
        return tx.inTransaction("audit('" + id + "')", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + AUDIT_COLUMNS + " FROM cascade_review_audit"
                    + " WHERE item_id = ? ORDER BY seq")) {
                setText(ps, 1, id);
                return readAudit(ps);
            }
        });
    }

    @Override
    public long depth() {
        return tx.inTransaction("depth", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM cascade_review_item"
                    + " WHERE is_open = TRUE"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public List<AuditEntry> decisionsSince(long cursor, int limit) {
        ReviewChecks.limit(limit);
        return tx.inTransaction("decisionsSince(" + cursor + ")", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + AUDIT_COLUMNS + " FROM cascade_review_audit"
                    + " WHERE seq > ? AND to_state IN ('APPROVED', 'EDITED', 'REJECTED', 'EXPIRED')"
                    + " ORDER BY seq LIMIT ?")) {
                ps.setLong(1, cursor);
                ps.setInt(2, limit);
                return readAudit(ps);
            }
        });
    }

    @Override
    public long lastAuditSeq() {
        return tx.inTransaction("lastAuditSeq", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM cascade_review_audit");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Subscription subscribe(Consumer<ReviewItem> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ---- transitions

    private interface Step {
        ReviewTransitions.Result apply(ReviewItem item);
    }

    /** One item, locked for the transaction: read, run the state machine, write back, audit. */
    private ReviewTransitions.Result transition(String operation, String id, Step step) {
        Objects.requireNonNull(id, "id");
        return tx.inTransaction(operation, (c, d) -> {
            ReviewItem item = selectOne(c, "id = ?", id, true).orElseThrow(() -> ReviewTransitions.notFound(id));
            ReviewTransitions.Result r = step.apply(item);
            if (r.changed() && !write(c, item, r)) {
                throw new IllegalStateException("review item '" + id + "' changed under its row lock");
            }
            return r;
        });
    }

    /** Every row matching {@code where} (one instant parameter), locked, through {@code step}; one transaction. */
    private List<ReviewItem> sweep(String operation, String where, Instant at, Step step) {
        return tx.inTransaction(operation, (c, d) -> {
            List<ReviewItem> due;
            // SKIP LOCKED on PostgreSQL: a row a reviewer is deciding right now is left to the next sweep.
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM cascade_review_item WHERE "
                    + where + " ORDER BY item_seq FOR UPDATE" + (d.skipLocked ? " SKIP LOCKED" : ""))) {
                ps.setObject(1, ts(at));
                due = readAll(ps);
            }
            List<ReviewItem> changed = new ArrayList<>();
            for (ReviewItem item : due) {
                ReviewTransitions.Result r = step.apply(item);
                if (r != null && r.changed() && write(c, item, r)) {
                    changed.add(r.item());
                }
            }
            return changed;
        });
    }

    /** Writes a transition if the row is still at the version it was read at; then its audit rows. */
    private static boolean write(Connection c, ReviewItem before, ReviewTransitions.Result r) throws SQLException {
        ReviewItem i = r.item();
        try (PreparedStatement ps = c.prepareStatement(UPDATE_ITEM)) {
            ps.setInt(1, i.priority());
            ps.setLong(2, i.version());
            setText(ps, 3, i.state().name());
            ps.setBoolean(4, !i.state().isFinal());
            ps.setBoolean(5, i.escalated());
            setText(ps, 6, i.claimedBy());
            ps.setObject(7, ts(i.leaseUntil()));
            setText(ps, 8, i.verdict() == null ? null : i.verdict().name());
            setText(ps, 9, i.answer());
            setText(ps, 10, i.decidedBy());
            setText(ps, 11, i.comment());
            ps.setObject(12, ts(i.decidedAt()));
            setText(ps, 13, i.id());
            ps.setLong(14, before.version());
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        audit(c, r.entries());
        return true;
    }

    private static void insert(Connection c, ReviewItem i) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_ITEM)) {
            int k = 1;
            setText(ps, k++, i.id());
            setText(ps, k++, i.idempotencyKey());
            setText(ps, k++, i.chain());
            setText(ps, k++, i.step());
            setText(ps, k++, i.tenant());
            setText(ps, k++, i.executionId());
            setText(ps, k++, i.input());
            setText(ps, k++, ReviewText.encodeAttempts(i.attempts()));
            ps.setLong(k++, i.cost().micros());
            setText(ps, k++, ReviewText.encodeMap(i.traceContext()));
            setText(ps, k++, i.traceId());
            ps.setInt(k++, i.priority());
            ps.setObject(k++, ts(i.createdAt()));
            ps.setObject(k++, ts(i.dueAt()));
            setText(ps, k++, i.onBreach().name());
            setText(ps, k++, i.defaultAnswer());
            setText(ps, k++, i.payloadHash());
            ps.setLong(k++, i.version());
            setText(ps, k++, i.state().name());
            ps.setBoolean(k++, i.escalated());
            setText(ps, k++, i.claimedBy());
            ps.setObject(k++, ts(i.leaseUntil()));
            setText(ps, k++, i.verdict() == null ? null : i.verdict().name());
            setText(ps, k++, i.answer());
            setText(ps, k++, i.decidedBy());
            setText(ps, k++, i.comment());
            ps.setObject(k++, ts(i.decidedAt()));
            ps.setBoolean(k, !i.state().isFinal());
            ps.executeUpdate();
        }
    }

    static void audit(Connection c, List<AuditEntry> entries) throws SQLException { // package-private: tests
        try (PreparedStatement ps = c.prepareStatement(INSERT_AUDIT)) {
            for (AuditEntry e : entries) {
                setText(ps, 1, e.itemId());
                setText(ps, 2, e.from() == null ? null : e.from().name());
                setText(ps, 3, e.to().name());
                setText(ps, 4, e.actor());
                ps.setObject(5, ts(e.at()));
                ps.setLong(6, e.version());
                // Cut after escaping, so the stored value fits the column whatever it holds.
                ps.setString(7, StoredText.store(e.detail(), MAX_DETAIL));
                if (entries.size() == 1) {
                    ps.executeUpdate();
                } else {
                    ps.addBatch();
                }
            }
            if (entries.size() > 1) {
                ps.executeBatch();
            }
        }
    }

    // ---- reading

    private static Optional<ReviewItem> selectOne(Connection c, String where, String value, boolean lock)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM cascade_review_item WHERE " + where
                + (lock ? " FOR UPDATE" : ""))) {
            setText(ps, 1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static List<ReviewItem> readAll(PreparedStatement ps) throws SQLException {
        List<ReviewItem> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    private static ReviewItem read(ResultSet rs) throws SQLException {
        String verdict = getText(rs, "verdict");
        return new ReviewItem(getText(rs, "id"), getText(rs, "chain"), getText(rs, "step"), getText(rs, "tenant"),
                getText(rs, "execution_id"), getText(rs, "idempotency_key"), getText(rs, "input"),
                ReviewText.decodeAttempts(getText(rs, "attempts_text")), Money.ofMicros(rs.getLong("cost_micros")),
                ReviewText.decodeMap(getText(rs, "trace_context")), getText(rs, "trace_id"), rs.getInt("priority"),
                instant(rs, "created_at"), instant(rs, "due_at"),
                ReviewPolicy.Breach.valueOf(getText(rs, "on_breach")), getText(rs, "default_answer"),
                getText(rs, "payload_hash"), rs.getLong("version"), ReviewState.valueOf(getText(rs, "state")),
                rs.getBoolean("escalated"), getText(rs, "claimed_by"), instant(rs, "lease_until"),
                verdict == null ? null : Verdict.valueOf(verdict), getText(rs, "answer"), getText(rs, "decided_by"),
                getText(rs, "review_comment"), instant(rs, "decided_at"));
    }

    private static List<AuditEntry> readAudit(PreparedStatement ps) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String from = getText(rs, "from_state");
                out.add(new AuditEntry(rs.getLong("seq"), getText(rs, "item_id"),
                        from == null ? null : ReviewState.valueOf(from), ReviewState.valueOf(getText(rs, "to_state")),
                        getText(rs, "actor"), instant(rs, "occurred_at"), rs.getLong("version"),
                        getText(rs, "detail")));
            }
        }
        return out;
    }

    private static void filters(StringBuilder sql, List<Object> params, ReviewQuery query) {
        if (query.chain() != null) {
            sql.append(" AND chain = ?");
            params.add(query.chain());
        }
        if (query.tenant() != null) {
            sql.append(" AND tenant = ?");
            params.add(query.tenant());
        }
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (p instanceof OffsetDateTime t) {
                ps.setObject(i + 1, t);
            } else {
                setText(ps, i + 1, (String) p);
            }
        }
    }

    private static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    private Instant now() {
        return micros(clock.instant());
    }

    private void notifyFinal(List<ReviewItem> items) {
        for (ReviewItem item : items) {
            for (Consumer<ReviewItem> l : listeners) {
                try {
                    l.accept(item);
                } catch (RuntimeException ignored) {
                    // Committed; an observer's failure must not make the reviewer retry the decision.
                }
            }
        }
    }

    static List<String> schemaStatements() {
        return JdbcTransactions.schemaStatements(JdbcReviewStore.class, SCHEMA_RESOURCE);
    }

    @Override
    public String toString() {
        return "JdbcReviewStore[" + tx + "]";
    }
}
