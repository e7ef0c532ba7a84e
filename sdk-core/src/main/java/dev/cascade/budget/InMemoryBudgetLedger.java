package dev.cascade.budget;

import dev.cascade.spi.BudgetLedger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A lock-free ledger for one process. Each account is a pair of atomic counters; a reservation raises the account's
 * committed amount (spent + reserved) by compare-and-set, only while it stays within the limit, and a multi-account
 * reservation undoes the accounts it already raised when a later one refuses. So a limit is never passed, whatever
 * the interleaving; a concurrent reservation may at worst be refused for a moment by an amount that is being undone
 * (conservative, never over).
 *
 * <p><b>Memory stays flat over time.</b> An account belongs to one budget window ({@link Hold#windowEnd}).
 * {@link #purgeWindowsEndedBefore} forgets the accounts whose window ended before a cutoff and that hold nothing; a
 * {@link Budget} over this ledger calls it as its clock passes, keeping ended windows for its
 * {@link Budget.Builder#history history} (default 2 days), so the ledger holds the current windows plus that much
 * history, not every window it ever saw. Accounts held without a window end are kept.
 *
 * <p>Settled ids are remembered (the last 100,000 to 200,000) so a double settle is told apart from an unknown id:
 * bounded. Open reservations are kept until settled or released (the engine settles each one on every path).
 * Thread-safe. For several service instances sharing one budget, use {@link JdbcBudgetLedger}.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {
    private static final int TOMBSTONE_GENERATION = 100_000;
    /** The committed value of an account that was purged: it is out of the map, and nothing may raise it again. */
    private static final long RETIRED = Long.MIN_VALUE;

    private static final class Account {
        /** spent + reserved: the amount the limit is checked against; {@link #RETIRED} once purged. */
        final AtomicLong committed = new AtomicLong();
        final AtomicLong spent = new AtomicLong();
        /** Epoch millis at which the account's window ends; {@code Long.MAX_VALUE}: never. */
        final long windowEnd;

        Account(Instant windowEnd) {
            this.windowEnd = windowEnd == null ? Long.MAX_VALUE : windowEnd.toEpochMilli();
        }
    }

    private record Open(List<Hold> holds) {
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, Open> open = new ConcurrentHashMap<>();
    /** Two generations of settled ids: bounded memory, and recent double settles still recognised. */
    private final AtomicReference<Map<String, Boolean>> settled = new AtomicReference<>(new ConcurrentHashMap<>());
    private volatile Map<String, Boolean> settledBefore = Map.of();

    @Override
    public String reserve(String reservationId, List<Hold> holds) {
        Objects.requireNonNull(reservationId, "reservationId");
        List<Hold> copy = List.copyOf(holds);
        if (wasSettled(reservationId) || open.putIfAbsent(reservationId, new Open(copy)) != null) {
            throw new IllegalArgumentException("reservation id '" + reservationId + "' was used before; ids must be"
                    + " unique");
        }
        Account[] raised = new Account[copy.size()];
        for (int i = 0; i < copy.size(); i++) {
            Hold h = copy.get(i);
            Account a = tryRaise(h);
            if (a == null) {
                for (int j = 0; j < i; j++) {
                    add(raised[j], copy.get(j), -copy.get(j).amountMicros(), 0);
                }
                open.remove(reservationId);
                return h.account();
            }
            raised[i] = a;
        }
        return null;
    }

    /** Raises the hold's account by its amount within its limit: the account raised, or {@code null} if refused. */
    private Account tryRaise(Hold h) {
        long amount = h.amountMicros();
        long limit = h.limitMicros();
        while (true) {
            Account a = account(h);
            while (true) {
                long c = a.committed.get();
                if (c == RETIRED) {
                    break; // purged under us: raise the account that replaces it
                }
                if (amount > limit - c) { // not c + amount > limit: that sum can overflow past Long.MAX_VALUE
                    return null;
                }
                if (a.committed.compareAndSet(c, c + amount)) {
                    return a;
                }
            }
        }
    }

    /**
     * Adds to an account's committed and spent amounts. A retired account (purged while it held nothing, which only a
     * zero hold allows) is replaced by a fresh one under the same key.
     */
    private void add(Account a, Hold h, long committedDelta, long spentDelta) {
        while (true) {
            long c = a.committed.get();
            if (c == RETIRED) {
                a = account(h);
                continue;
            }
            if (a.committed.compareAndSet(c, c + committedDelta)) {
                a.spent.addAndGet(spentDelta);
                return;
            }
        }
    }

    @Override
    public void settle(String reservationId, long actualMicros) {
        if (actualMicros < 0) {
            throw new IllegalArgumentException("actual spend must be >= 0 micro-dollars, was " + actualMicros);
        }
        Open o = open.remove(reservationId);
        if (o == null) {
            throw new IllegalStateException(wasSettled(reservationId)
                    ? "reservation '" + reservationId + "' is already settled; a reservation is settled exactly once"
                    : "no open reservation '" + reservationId + "'; reserve before settling");
        }
        for (Hold h : o.holds()) {
            add(account(h), h, actualMicros - h.amountMicros(), actualMicros);
        }
        remember(reservationId);
    }

    @Override
    public Balance balance(String account) {
        Account a = accounts.get(account);
        if (a == null) {
            return Balance.EMPTY;
        }
        long spent = a.spent.get();
        long committed = a.committed.get();
        if (committed == RETIRED) {
            return Balance.EMPTY;
        }
        return new Balance(spent, Math.max(0, committed - spent));
    }

    @Override
    public long openReservations() {
        return open.size();
    }

    /**
     * Forgets every account whose window ended before {@code cutoff} and that holds no reservation; its
     * {@link #balance} reads {@link Balance#EMPTY} afterwards. Accounts held without a window end are kept. Safe
     * alongside reservations and settles: an account is retired atomically, only while it holds nothing.
     *
     * @return how many accounts were forgotten
     */
    public int purgeWindowsEndedBefore(Instant cutoff) {
        long limit = Objects.requireNonNull(cutoff, "cutoff").toEpochMilli();
        int purged = 0;
        for (Map.Entry<String, Account> e : accounts.entrySet()) {
            Account a = e.getValue();
            if (a.windowEnd >= limit) {
                continue;
            }
            long c = a.committed.get();
            // Nothing held (committed == spent); the CAS fails if a reservation raises it meanwhile.
            if (c != RETIRED && c == a.spent.get() && a.committed.compareAndSet(c, RETIRED)) {
                accounts.remove(e.getKey(), a);
                purged++;
            }
        }
        return purged;
    }

    /** How many accounts the ledger holds now (current windows plus the history not yet purged). */
    int accountCount() { // package-private: for MemoryStaysFlatTest
        return accounts.size();
    }

    private Account account(Hold h) {
        return accounts.computeIfAbsent(h.account(), k -> new Account(h.windowEnd()));
    }

    private boolean wasSettled(String id) {
        return settled.get().containsKey(id) || settledBefore.containsKey(id);
    }

    private void remember(String id) {
        Map<String, Boolean> current = settled.get();
        current.put(id, Boolean.TRUE);
        if (current.size() > TOMBSTONE_GENERATION && settled.compareAndSet(current, new ConcurrentHashMap<>())) {
            settledBefore = current;
        }
    }
}
