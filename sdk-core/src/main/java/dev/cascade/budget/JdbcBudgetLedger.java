package dev.cascade.budget;

import dev.cascade.jdbc.JdbcDatabase;
import dev.cascade.jdbc.JdbcTransactions;
import dev.cascade.spi.BudgetLedger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * A {@link BudgetLedger} in a relational database, so several service instances (processes, hosts) share one budget
 * and together never pass a hard limit. Supports PostgreSQL (production) and H2 2.4.240 or later (embedded; 2.4.240 is
 * the version Spring Boot 4.0 manages); the dialect is read from the {@link DataSource}'s {@code DatabaseMetaData} on
 * first use, so constructing a ledger needs no database.
 * Uses only {@code java.sql}: bring the driver and a connection pool (every operation borrows a connection for one
 * short transaction and closes it).
 *
 * <pre>{@code
 * JdbcBudgetLedger ledger = new JdbcBudgetLedger(dataSource);
 * ledger.createSchema();                  // optional: or apply V1__cascade_budget.sql with your migration tool
 * Budget budget = Budget.builder().perDay("200.00").ledger(ledger).build();
 * }</pre>
 *
 * <p><b>Schema</b> (shipped as {@code dev/cascade/budget/V1__cascade_budget.sql}, one file for both databases):
 * {@code cascade_budget_account(account PK, spent_micros, reserved_micros, window_end)} (window_end: schema V2,
 * {@code V2__cascade_budget_window_end.sql}, applied after V1);
 * {@code cascade_budget_reservation(reservation_id PK, state OPEN|SETTLED, actual_micros, created_at, settled_at)};
 * {@code cascade_budget_hold(reservation_id, account, amount_micros, hold_count; PK (reservation_id, account))}.
 * The tables live in the connection's current schema; to use another, set it on the connection (PostgreSQL's
 * {@code currentSchema} URL parameter, H2's {@code SCHEMA} setting).
 *
 * <p><b>Guarantees.</b> {@link #reserve} is one transaction: it inserts the reservation (its primary key refuses a
 * reused id), then, account by account in sorted order (so two reservations never wait on each other in a cycle),
 * runs one atomic conditional update,
 * {@code UPDATE cascade_budget_account SET reserved_micros = reserved_micros + amount WHERE account = ? AND
 * spent_micros + reserved_micros <= limit - amount}. An update that matches no row refuses: the transaction rolls
 * back, so nothing is held on any account, and the account is returned. {@link #settle} is one transaction: it moves
 * the reservation from OPEN to SETTLED with a conditional update (so a second settle, in any process, matches nothing
 * and fails with {@link IllegalStateException}, changing nothing), then replaces each hold with the actual spend.
 * So {@code spent + reserved} of an account never passes the limit given with a hold, whatever the interleaving of
 * threads and processes; only a settle above the held amount can take spending past it, and that money was spent.
 *
 * <p><b>One account on PostgreSQL</b> (the common case: a budget with one hard limit) takes a shorter path with the
 * same guarantees: the reservation is one statement (the same conditional update, with the reservation rows inserted
 * by data-modifying {@code WITH} clauses only if it held), and its settle, when this instance made the reservation,
 * is one statement too. Each commits on its own, so the hot account row stays locked only while the server runs that
 * statement, never across a client round trip; that is what lets several instances share one account quickly.
 *
 * <p><b>Isolation: READ COMMITTED</b> (the default of PostgreSQL and H2), set per transaction if the connection's
 * default, read once, is anything else. It is enough because no decision is taken on a value read earlier: the limit
 * check and the increment are one statement on one row, found by primary key. An update that meets a row another
 * transaction has changed waits for that transaction to end, then evaluates its condition again on the committed row
 * (PostgreSQL re-checks the updated version; H2 re-reads the locked row), and holds the row lock until its own commit.
 * There is no read-then-write gap for a stronger level to close, and a stronger level would only turn waits into
 * serialization failures.
 *
 * <p><b>Retries.</b> A transaction that fails only because of a concurrent one (PostgreSQL SQLSTATE 40001, 40P01,
 * 55P03; H2 deadlock, lock timeout, concurrent update) rolls back and runs again, up to {@value #MAX_ATTEMPTS}
 * times with a short random pause. Any other {@link SQLException}, or the last retry's, is thrown as a
 * {@link LedgerException} naming the operation and the id.
 *
 * <p><b>Housekeeping.</b> Settled reservations stay in the tables (so a late double settle is still recognised) until
 * {@link #deleteSettledOlderThan} removes them; reservations left open by a process that died can be released with
 * {@link #releaseOpenOlderThan}.
 *
 * {@link #purgeWindowsOlderThan} deletes the accounts of budget windows that ended long ago (schema V2,
 * {@code V2__cascade_budget_window_end.sql}, records each account's window end): schedule it, or the account table
 * grows by one row per scope and window forever.
 *
 * <p>Limits: reservation ids of 1 to 255 characters, account keys of at most 512. Do not delete account rows by hand
 * while reservations on them are open.
 *
 * <p>Thread-safe: its only state is the detected dialect and the ids of its own open single-account reservations
 * (at most {@value #MAX_REMEMBERED_SINGLE}; past that, settles take the transaction path). Every SQL value is a
 * bound parameter.
 */
public final class JdbcBudgetLedger implements BudgetLedger {

    /** The schema file on the classpath, relative to this class's package. */
    public static final String SCHEMA_RESOURCE = "V1__cascade_budget.sql";
    /** The second schema file (the accounts' window end, for housekeeping), applied after the first. */
    public static final String SCHEMA_V2_RESOURCE = "V2__cascade_budget_window_end.sql";
    static final int MAX_ID_LENGTH = 255;
    static final int MAX_ACCOUNT_LENGTH = 512;
    static final int MAX_ATTEMPTS = 10;

    /** A database error (or a run of retryable conflicts) that kept a ledger operation from completing. */
    public static final class LedgerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LedgerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final String INSERT_RESERVATION =
            "INSERT INTO cascade_budget_reservation (reservation_id, state, created_at)"
                    + " VALUES (?, 'OPEN', CURRENT_TIMESTAMP)";
    private static final String INSERT_HOLD =
            "INSERT INTO cascade_budget_hold (reservation_id, account, amount_micros, hold_count) VALUES (?, ?, ?, ?)";
    private static final String RAISE =
            "UPDATE cascade_budget_account SET reserved_micros = reserved_micros + ?"
                    + " WHERE account = ? AND spent_micros + reserved_micros <= ?";
    private static final String MARK_SETTLED =
            "UPDATE cascade_budget_reservation SET state = 'SETTLED', actual_micros = ?, settled_at = CURRENT_TIMESTAMP"
                    + " WHERE reservation_id = ? AND state = 'OPEN'";
    private static final String RESERVATION_STATE =
            "SELECT state FROM cascade_budget_reservation WHERE reservation_id = ?";
    private static final String HOLDS =
            "SELECT account, amount_micros, hold_count FROM cascade_budget_hold WHERE reservation_id = ?";
    private static final String SPEND =
            "UPDATE cascade_budget_account SET reserved_micros = reserved_micros - ?, spent_micros = spent_micros + ?"
                    + " WHERE account = ?";
    private static final String BALANCE =
            "SELECT spent_micros, reserved_micros FROM cascade_budget_account WHERE account = ?";
    private static final String OPEN_COUNT =
            "SELECT COUNT(*) FROM cascade_budget_reservation WHERE state = 'OPEN'";

    /**
     * PostgreSQL, one account: the whole reservation as one statement in its own transaction, so the account row is
     * locked only while the server runs it (no client round trip inside the lock). Nothing is inserted unless the
     * conditional update held the amount. Returns (held, account exists, id exists), the last two read in the same
     * snapshot as the update: held 0 with the account present is a refusal; with it absent, the slow path creates it.
     */
    private static final String PG_RESERVE_ONE =
            "WITH held AS (UPDATE cascade_budget_account SET reserved_micros = reserved_micros + ?"
                    + " WHERE account = ? AND spent_micros + reserved_micros <= ? RETURNING account),"
                    + " reservation AS (INSERT INTO cascade_budget_reservation (reservation_id, state, created_at)"
                    + " SELECT ?, 'OPEN', CURRENT_TIMESTAMP FROM held),"
                    + " hold AS (INSERT INTO cascade_budget_hold (reservation_id, account, amount_micros, hold_count)"
                    + " SELECT ?, account, ?, 1 FROM held)"
                    + " SELECT (SELECT COUNT(*) FROM held),"
                    + " EXISTS (SELECT 1 FROM cascade_budget_account WHERE account = ?),"
                    + " EXISTS (SELECT 1 FROM cascade_budget_reservation WHERE reservation_id = ?)";
    /**
     * PostgreSQL, a reservation on one account: the whole settle as one statement. Returns how many reservations it
     * moved to SETTLED (0: not open, nothing changed).
     */
    private static final String PG_SETTLE_ONE =
            "WITH settled AS (UPDATE cascade_budget_reservation SET state = 'SETTLED', actual_micros = ?,"
                    + " settled_at = CURRENT_TIMESTAMP WHERE reservation_id = ? AND state = 'OPEN'"
                    + " RETURNING reservation_id),"
                    + " spent AS (UPDATE cascade_budget_account a SET reserved_micros = a.reserved_micros"
                    + " - h.amount_micros, spent_micros = a.spent_micros + ? * h.hold_count"
                    + " FROM cascade_budget_hold h JOIN settled s ON h.reservation_id = s.reservation_id"
                    + " WHERE a.account = h.account RETURNING a.account)"
                    + " SELECT (SELECT COUNT(*) FROM settled), (SELECT COUNT(*) FROM spent)";
    /**
     * Accounts of ended windows that hold nothing: no reserved amount and no open reservation (a zero hold raises no
     * amount but its settle still needs the row). Completed by the cutoff and {@link #PURGE_UNHELD}.
     */
    private static final String PURGE_WINDOWS = "DELETE FROM cascade_budget_account a WHERE a.window_end < ";
    private static final String PURGE_UNHELD = " AND a.reserved_micros = 0 AND NOT EXISTS (SELECT 1"
            + " FROM cascade_budget_reservation r JOIN cascade_budget_hold h ON h.reservation_id = r.reservation_id"
            + " WHERE r.state = 'OPEN' AND h.account = a.account)";
    /** Ids this instance reserved on one account with the single statement, so their settle can be one too. */
    static final int MAX_REMEMBERED_SINGLE = 100_000;

    private final JdbcTransactions<SqlDialect> tx;
    private final Set<String> singleAccountOpen = ConcurrentHashMap.newKeySet();

    /** One hold per account, in lock order; {@code count} holds of the same account were merged. */
    private record AccountHold(String account, long amount, int count) {
    }

    /** A ledger over {@code dataSource} (PostgreSQL or H2; pooled, for any real load). Opens no connection. */
    public JdbcBudgetLedger(DataSource dataSource) {
        this.tx = new JdbcTransactions<>(Objects.requireNonNull(dataSource, "dataSource"), SqlDialect::of,
                "budget ledger", MAX_ATTEMPTS, LedgerException::new);
    }

    /**
     * Creates the tables and index if missing, running the shipped {@link #SCHEMA_RESOURCE}. Idempotent, and safe when
     * several instances call it at start at once.
     *
     * @throws LedgerException if the database refused
     */
    public void createSchema() {
        tx.createSchema(schemaStatements());
    }

    @Override
    public String reserve(String reservationId, List<Hold> holds) {
        checkId(reservationId);
        List<AccountHold> ordered = inLockOrder(holds);
        String operation = "reserve('" + reservationId + "')";
        if (ordered.size() == 1 && ordered.get(0).count() == 1 && (tx.dialect() == null || fastPath())
                && holds.get(0).limitMicros() >= holds.get(0).amountMicros()) {
            Hold h = holds.get(0);
            Optional<String> answer = tx.inStatement(operation, (c, d) -> reserveOne(c, reservationId, h));
            if (answer != null) {
                return answer.orElse(null);
            }
            // A new account (or not PostgreSQL): the transaction below creates its row.
        }
        String refusedBy = tx.inTransaction(operation, (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_RESERVATION)) {
                ps.setString(1, reservationId);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (JdbcDatabase.uniqueViolation(e)) {
                    throw usedBefore(reservationId);
                }
                throw e;
            }
            if (ordered.isEmpty()) {
                return null;
            }
            // The hold rows go in before any account is touched: the hot account rows stay locked for less time.
            try (PreparedStatement ps = c.prepareStatement(INSERT_HOLD)) {
                for (AccountHold h : ordered) {
                    ps.setString(1, reservationId);
                    ps.setString(2, h.account());
                    ps.setLong(3, h.amount());
                    ps.setInt(4, h.count());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement raise = c.prepareStatement(RAISE)) {
                for (Hold h : sortedHolds(holds)) {
                    if (!raise(c, d, raise, h)) {
                        c.rollback();
                        return h.account();
                    }
                }
            }
            return null;
        });
        if (refusedBy == null && ordered.size() == 1 && ordered.get(0).count() == 1) {
            rememberSingle(reservationId);
        }
        return refusedBy;
    }

    /**
     * The single-statement reservation (PostgreSQL only): an answer ({@code empty} = held, else the refusing
     * account), or {@code null} when the transaction path must decide.
     */
    private Optional<String> reserveOne(Connection c, String reservationId, Hold h) throws SQLException {
        if (!fastPath()) {
            return null;
        }
        boolean held;
        boolean accountExists;
        boolean idExists;
        try (PreparedStatement ps = c.prepareStatement(PG_RESERVE_ONE)) {
            ps.setLong(1, h.amountMicros());
            ps.setString(2, h.account());
            ps.setLong(3, h.limitMicros() - h.amountMicros());
            ps.setString(4, reservationId);
            ps.setString(5, reservationId);
            ps.setLong(6, h.amountMicros());
            ps.setString(7, h.account());
            ps.setString(8, reservationId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                held = rs.getLong(1) == 1;
                accountExists = rs.getBoolean(2);
                idExists = rs.getBoolean(3);
            }
        } catch (SQLException e) {
            if (JdbcDatabase.uniqueViolation(e)) {
                throw usedBefore(reservationId);
            }
            throw e;
        }
        if (held) {
            rememberSingle(reservationId);
            return Optional.empty();
        }
        if (idExists) {
            throw usedBefore(reservationId);
        }
        return accountExists ? Optional.of(h.account()) : null;
    }

    private boolean fastPath() {
        return tx.dialect() == SqlDialect.POSTGRESQL && tx.readCommittedByDefault();
    }

    private void rememberSingle(String reservationId) {
        if (fastPath() && singleAccountOpen.size() < MAX_REMEMBERED_SINGLE) {
            singleAccountOpen.add(reservationId);
        }
    }

    private static IllegalArgumentException usedBefore(String reservationId) {
        return new IllegalArgumentException("reservation id '" + reservationId + "' was used before; ids must be"
                + " unique");
    }

    /** The conditional update for one hold; creates a missing account row once. True when held. */
    private static boolean raise(Connection c, SqlDialect d, PreparedStatement raise, Hold h) throws SQLException {
        long headroom = h.limitMicros() - h.amountMicros();
        if (headroom < 0) {
            return false;
        }
        raise.setLong(1, h.amountMicros());
        raise.setString(2, h.account());
        raise.setLong(3, headroom);
        if (raise.executeUpdate() == 1) {
            return true;
        }
        // No row matched: over the limit, or the account is new. Make sure it exists and ask again; the second answer
        // is final (the row is committed and visible now, READ COMMITTED reads afresh per statement).
        try (PreparedStatement ensure = c.prepareStatement(d.ensureAccount)) {
            ensure.setString(1, h.account());
            if (h.windowEnd() == null) {
                ensure.setNull(2, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ensure.setObject(2, OffsetDateTime.ofInstant(h.windowEnd(), ZoneOffset.UTC));
            }
            ensure.executeUpdate();
        } catch (SQLException e) {
            // H2's MERGE is not atomic: a concurrent insert of the same new account loses on the key. It exists.
            if (!JdbcDatabase.uniqueViolation(e)) {
                throw e;
            }
        }
        return raise.executeUpdate() == 1;
    }

    @Override
    public void settle(String reservationId, long actualMicros) {
        checkId(reservationId);
        if (actualMicros < 0) {
            throw new IllegalArgumentException("actual spend must be >= 0 micro-dollars, was " + actualMicros);
        }
        String operation = "settle('" + reservationId + "', " + actualMicros + ")";
        if (singleAccountOpen.remove(reservationId) && fastPath()) {
            tx.inStatement(operation, (c, d) -> {
                try (PreparedStatement ps = c.prepareStatement(PG_SETTLE_ONE)) {
                    ps.setLong(1, actualMicros);
                    ps.setString(2, reservationId);
                    ps.setLong(3, actualMicros);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            throw notOpen(c, reservationId);
                        }
                    }
                }
                return null;
            });
            return;
        }
        tx.inTransaction(operation, (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(MARK_SETTLED)) {
                ps.setLong(1, actualMicros);
                ps.setString(2, reservationId);
                if (ps.executeUpdate() == 0) {
                    throw notOpen(c, reservationId);
                }
            }
            List<AccountHold> held = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(HOLDS)) {
                ps.setString(1, reservationId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        held.add(new AccountHold(rs.getString(1), rs.getLong(2), rs.getInt(3)));
                    }
                }
            }
            // Sorted here, not by ORDER BY: the database's collation may order differently from reserve's lock order.
            held.sort(Comparator.comparing(AccountHold::account));
            try (PreparedStatement ps = c.prepareStatement(SPEND)) {
                for (AccountHold h : held) {
                    ps.setLong(1, h.amount());
                    ps.setLong(2, Math.multiplyExact(actualMicros, (long) h.count()));
                    ps.setString(3, h.account());
                    if (ps.executeUpdate() != 1) {
                        throw new IllegalStateException("ledger tables are inconsistent: account '" + h.account()
                                + "' held by reservation '" + reservationId + "' has no row");
                    }
                }
            }
            return null;
        });
    }

    private static IllegalStateException notOpen(Connection c, String reservationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RESERVATION_STATE)) {
            ps.setString(1, reservationId);
            try (ResultSet rs = ps.executeQuery()) {
                return new IllegalStateException(rs.next()
                        ? "reservation '" + reservationId + "' is already settled; a reservation is settled exactly once"
                        : "no open reservation '" + reservationId + "'; reserve before settling");
            }
        }
    }

    @Override
    public Balance balance(String account) {
        Objects.requireNonNull(account, "account");
        return tx.inTransaction("balance('" + account + "')", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(BALANCE)) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Balance(rs.getLong(1), rs.getLong(2)) : Balance.EMPTY;
                }
            }
        });
    }

    @Override
    public long openReservations() {
        return tx.inTransaction("openReservations()", (c, d) -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(OPEN_COUNT)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Releases (settles at zero) the reservations still open that were made more than {@code age} ago, by the
     * database's clock: the holds of a process that died between reserve and settle. A reservation released here
     * that its process settles later fails that settle with {@link IllegalStateException}, and what it spent is not
     * counted, so choose an age well above the longest call plus the chains' late-completion grace (a call abandoned
     * at its timeout keeps its hold until it ends, up to {@code CascadeBuilder.lateCompletionGrace}, 60 s by default).
     *
     * @return how many reservations this call released
     */
    public int releaseOpenOlderThan(Duration age) {
        long millis = positiveMillis("age", age);
        List<String> ids = tx.inTransaction("releaseOpenOlderThan(" + age + ")", (c, d) -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT reservation_id FROM cascade_budget_reservation"
                    + " WHERE state = 'OPEN' AND created_at < " + d.millisAgo)) {
                ps.setLong(1, millis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
            return found;
        });
        int released = 0;
        for (String id : ids) {
            try {
                release(id);
                released++;
            } catch (IllegalStateException settledMeanwhile) {
                // Its own process settled it first: nothing to release.
            }
        }
        return released;
    }

    /**
     * Deletes reservations settled more than {@code age} ago, by the database's clock, to keep the tables small.
     * Their ids are forgotten: a settle of one afterwards reports "no open reservation" rather than "already
     * settled", and the id could be reserved again.
     *
     * @return how many reservations were deleted
     */
    public int deleteSettledOlderThan(Duration age) {
        long millis = positiveMillis("age", age);
        return tx.inTransaction("deleteSettledOlderThan(" + age + ")", (c, d) -> {
            String old = "SELECT reservation_id FROM cascade_budget_reservation WHERE state = 'SETTLED'"
                    + " AND settled_at < " + d.millisAgo;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM cascade_budget_hold WHERE reservation_id IN ("
                    + old + ")")) {
                ps.setLong(1, millis);
                ps.executeUpdate();
            }
            // Only reservations whose holds are gone: one settled after the statement above keeps both.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM cascade_budget_reservation r"
                    + " WHERE r.state = 'SETTLED' AND r.settled_at < " + d.millisAgo
                    + " AND NOT EXISTS (SELECT 1 FROM cascade_budget_hold h WHERE h.reservation_id = r.reservation_id)")) {
                ps.setLong(1, millis);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Housekeeping to call on a schedule (e.g. hourly): deletes the accounts whose budget window ended more than
     * {@code age} ago, by the database's clock, and that hold no open reservation, e.g.
     * {@code ledger.purgeWindowsOlderThan(Duration.ofDays(35))}. Their spend is forgotten: {@link #balance} and
     * {@link Budget#spend} read zero for those windows afterwards, so keep what reports need. The current window of
     * any limit is never deleted (it has not ended). Accounts without a window end (created before schema V2, or by
     * holds without one) are kept. Combine with {@link #deleteSettledOlderThan} for the reservation rows.
     *
     * @return how many accounts were deleted
     */
    public int purgeWindowsOlderThan(Duration age) {
        long millis = positiveMillis("age", age);
        return tx.inTransaction("purgeWindowsOlderThan(" + age + ")", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(PURGE_WINDOWS + d.millisAgo + PURGE_UNHELD)) {
                ps.setLong(1, millis);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * As {@link #purgeWindowsOlderThan}, with the cutoff given: deletes the accounts whose window ended before
     * {@code cutoff} and that hold no open reservation.
     *
     * @return how many accounts were deleted
     */
    public int purgeWindowsEndedBefore(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        return tx.inTransaction("purgeWindowsEndedBefore(" + cutoff + ")", (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement(PURGE_WINDOWS + "?" + PURGE_UNHELD)) {
                ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                return ps.executeUpdate();
            }
        });
    }

    // ---- arguments

    private static void checkId(String reservationId) {
        Objects.requireNonNull(reservationId, "reservationId");
        if (reservationId.isEmpty() || reservationId.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("reservationId must have 1 to " + MAX_ID_LENGTH + " characters, had "
                    + reservationId.length());
        }
    }

    private static List<Hold> sortedHolds(List<Hold> holds) {
        List<Hold> sorted = new ArrayList<>(holds);
        sorted.sort(Comparator.comparing(Hold::account)); // stable: repeated accounts keep their order
        return sorted;
    }

    private static List<AccountHold> inLockOrder(List<Hold> holds) {
        Objects.requireNonNull(holds, "holds");
        Map<String, AccountHold> byAccount = new TreeMap<>();
        for (Hold h : holds) {
            Objects.requireNonNull(h, "hold");
            if (h.account().length() > MAX_ACCOUNT_LENGTH) {
                throw new IllegalArgumentException("account must have at most " + MAX_ACCOUNT_LENGTH
                        + " characters, had " + h.account().length());
            }
            byAccount.merge(h.account(), new AccountHold(h.account(), h.amountMicros(), 1),
                    (a, b) -> new AccountHold(a.account(), Math.addExact(a.amount(), b.amount()), a.count() + 1));
        }
        return List.copyOf(byAccount.values());
    }

    private static long positiveMillis(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be > 0, was " + d);
        }
        return d.toMillis();
    }

    static List<String> schemaStatements() {
        List<String> all = new ArrayList<>(JdbcTransactions.schemaStatements(JdbcBudgetLedger.class, SCHEMA_RESOURCE));
        all.addAll(JdbcTransactions.schemaStatements(JdbcBudgetLedger.class, SCHEMA_V2_RESOURCE));
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return "JdbcBudgetLedger[" + tx + "]";
    }
}
