package dev.cascade.budget;

import dev.cascade.jdbc.JdbcDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements of {@link LeasingBudgetLedger} on the lease table ({@code V3__cascade_budget_lease.sql}) and the
 * account table it shares with {@link JdbcBudgetLedger}. Each method runs inside a transaction the ledger opened;
 * every value is a bound parameter. Lock order, everywhere: lease rows first, then the account row. Stateless.
 */
final class LeaseStore {
    /** A lease row as read under its lock. */
    record Row(long slice, long mark, long credit, boolean expired, long seq) {
        static final Row NONE = new Row(0, 0, 0, false, 0);
    }

    /** An expired lease of another instance, found by the reaper. */
    record Expired(String account, String instanceId, long limit) {
    }

    private static final String LOCK_LEASE = "SELECT slice_micros, mark_micros, credit_micros, expired, seq"
            + " FROM cascade_budget_lease WHERE account = ? AND instance_id = ? AND limit_micros = ? FOR UPDATE";
    private static final String INSERT_LEASE = "INSERT INTO cascade_budget_lease (account, instance_id, limit_micros,"
            + " slice_micros, mark_micros, inflight_micros, credit_micros, expired, seq, expires_at)"
            + " VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, ?)";
    private static final String UPDATE_LEASE = "UPDATE cascade_budget_lease SET slice_micros = ?, mark_micros = ?,"
            + " inflight_micros = ?, credit_micros = ?, expired = 0, seq = ?, expires_at = ?"
            + " WHERE account = ? AND instance_id = ? AND limit_micros = ?";
    private static final String LOCK_ACCOUNT =
            "SELECT spent_micros, reserved_micros FROM cascade_budget_account WHERE account = ? FOR UPDATE";
    private static final String MOVE = "UPDATE cascade_budget_account SET spent_micros = spent_micros + ?,"
            + " reserved_micros = reserved_micros + ? WHERE account = ?";
    private static final String RENEW = "UPDATE cascade_budget_lease SET expires_at = ? WHERE instance_id = ?"
            + " AND expired = 0";
    private static final String FIND_EXPIRED = "SELECT account, instance_id, limit_micros FROM cascade_budget_lease"
            + " WHERE expired = 0 AND expires_at < ? AND instance_id <> ?";
    private static final String FIND_OWN = "SELECT account, instance_id, limit_micros FROM cascade_budget_lease"
            + " WHERE instance_id = ?";
    private static final String EXPIRE = "UPDATE cascade_budget_lease SET slice_micros = 0, mark_micros = 0,"
            + " inflight_micros = 0, credit_micros = credit_micros + ?, expired = 1"
            + " WHERE account = ? AND instance_id = ? AND limit_micros = ?";
    private static final String FORGET_CREDIT = "DELETE FROM cascade_budget_lease WHERE account = ? AND instance_id = ?"
            + " AND limit_micros = ?";
    private static final String DELETE_EMPTY = "DELETE FROM cascade_budget_lease WHERE instance_id = ?"
            + " AND slice_micros = 0 AND inflight_micros = 0 AND credit_micros = 0";
    /** Spent, reserved, every lease's slice, and what other instances' calls hold in flight. */
    private static final String VIEW = "SELECT a.spent_micros, a.reserved_micros,"
            + " (SELECT COALESCE(SUM(l.slice_micros), 0) FROM cascade_budget_lease l WHERE l.account = a.account),"
            + " (SELECT COALESCE(SUM(l.inflight_micros), 0) FROM cascade_budget_lease l WHERE l.account = a.account"
            + " AND l.instance_id <> ?)"
            + " FROM cascade_budget_account a WHERE a.account = ?";
    private static final String LEASED = "SELECT COALESCE(SUM(slice_micros), 0) FROM cascade_budget_lease"
            + " WHERE account = ?";

    private LeaseStore() {
    }

    /** Locks the lease row, creating it (empty) when missing. */
    static Row lockLease(Connection c, String account, String instanceId, long limit, Instant expiresAt)
            throws SQLException {
        Row row = readLease(c, account, instanceId, limit);
        if (row != null) {
            return row;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_LEASE)) {
            ps.setString(1, account);
            ps.setString(2, instanceId);
            ps.setLong(3, limit);
            ps.setObject(4, at(expiresAt));
            ps.executeUpdate();
        }
        return Row.NONE;
    }

    private static Row readLease(Connection c, String account, String instanceId, long limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK_LEASE)) {
            ps.setString(1, account);
            ps.setString(2, instanceId);
            ps.setLong(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4) != 0,
                        rs.getLong(5)) : null;
            }
        }
    }

    static void writeLease(Connection c, String account, String instanceId, long limit, long slice, long mark,
                           long inflight, long credit, long seq, Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE_LEASE)) {
            ps.setLong(1, slice);
            ps.setLong(2, mark);
            ps.setLong(3, inflight);
            ps.setLong(4, credit);
            ps.setLong(5, seq);
            ps.setObject(6, at(expiresAt));
            ps.setString(7, account);
            ps.setString(8, instanceId);
            ps.setLong(9, limit);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("lease of '" + account + "' by '" + instanceId + "' vanished while"
                        + " locked");
            }
        }
    }

    /** Creates the account row if missing, then locks it: {spent, reserved}. */
    static long[] lockAccount(Connection c, SqlDialect d, String account, Instant windowEnd) throws SQLException {
        try (PreparedStatement ensure = c.prepareStatement(d.ensureAccount)) {
            ensure.setString(1, account);
            if (windowEnd == null) {
                ensure.setNull(2, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ensure.setObject(2, at(windowEnd));
            }
            ensure.executeUpdate();
        } catch (SQLException e) {
            if (!JdbcDatabase.uniqueViolation(e)) { // H2's MERGE is not atomic: a concurrent insert won
                throw e;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(LOCK_ACCOUNT)) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("account '" + account + "' has no row after it was created");
                }
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    static void move(Connection c, String account, long spentDelta, long reservedDelta) throws SQLException {
        if (spentDelta == 0 && reservedDelta == 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(MOVE)) {
            ps.setLong(1, spentDelta);
            ps.setLong(2, reservedDelta);
            ps.setString(3, account);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("account '" + account + "' has no row; do not delete account rows"
                        + " while leases on them are held");
            }
        }
    }

    static void renew(Connection c, String instanceId, Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RENEW)) {
            ps.setObject(1, at(expiresAt));
            ps.setString(2, instanceId);
            ps.executeUpdate();
        }
    }

    static List<Expired> findExpired(Connection c, Instant now, String self) throws SQLException {
        return find(c, FIND_EXPIRED, ps -> {
            ps.setObject(1, at(now));
            ps.setString(2, self);
        });
    }

    static List<Expired> findOwn(Connection c, String self) throws SQLException {
        return find(c, FIND_OWN, ps -> ps.setString(1, self));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static List<Expired> find(Connection c, String sql, Binder binder) throws SQLException {
        List<Expired> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Expired(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return found;
    }

    /**
     * Expires one lease, if it is still active and (unless {@code now} is null: a restarted owner taking over its own
     * rows) past its expiry: its mark counts as spent (remembered as the owner's credit), the rest of its slice goes
     * back to the account. Returns whether it expired it.
     */
    static boolean expire(Connection c, Expired e, Instant now) throws SQLException {
        Row row = readLease(c, e.account(), e.instanceId(), e.limit());
        if (row == null || row.expired()) {
            return false;
        }
        if (now != null && !expiredAt(c, e, now)) {
            return false; // renewed meanwhile
        }
        long charge = Math.min(row.mark(), row.slice());
        try (PreparedStatement ps = c.prepareStatement(EXPIRE)) {
            ps.setLong(1, charge);
            ps.setString(2, e.account());
            ps.setString(3, e.instanceId());
            ps.setLong(4, e.limit());
            ps.executeUpdate();
        }
        move(c, e.account(), charge, -row.slice());
        return true;
    }

    private static boolean expiredAt(Connection c, Expired e, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM cascade_budget_lease WHERE account = ?"
                + " AND instance_id = ? AND limit_micros = ? AND expires_at < ?")) {
            ps.setString(1, e.account());
            ps.setString(2, e.instanceId());
            ps.setLong(3, e.limit());
            ps.setObject(4, at(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A restarted owner's row, expired: its credit stays counted as spent (nothing will settle it), the row goes. */
    static void forget(Connection c, Expired e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FORGET_CREDIT)) {
            ps.setString(1, e.account());
            ps.setString(2, e.instanceId());
            ps.setLong(3, e.limit());
            ps.executeUpdate();
        }
    }

    static int deleteEmpty(Connection c, String instanceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE_EMPTY)) {
            ps.setString(1, instanceId);
            return ps.executeUpdate();
        }
    }

    /** {spent, reserved by plain holds and other instances' calls in flight}, or null for an unknown account. */
    static long[] view(Connection c, String account, String self) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(VIEW)) {
            ps.setString(1, self);
            ps.setString(2, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new long[] {rs.getLong(1), Math.max(0, rs.getLong(2) - rs.getLong(3)) + rs.getLong(4)};
            }
        }
    }

    /** What all instances hold in slices of {@code account} (for tests and reports). */
    static long leased(Connection c, String account) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LEASED)) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
