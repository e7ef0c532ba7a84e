package dev.cascade.budget;

import dev.cascade.spi.BudgetLedger;

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
 * <p>Settled ids are remembered (the last 200,000 or so) so a double settle is told apart from an unknown id.
 * Thread-safe. For several service instances sharing one budget, use {@link JdbcBudgetLedger}.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {
    private static final int TOMBSTONE_GENERATION = 100_000;

    private static final class Account {
        /** spent + reserved: the amount the limit is checked against. */
        final AtomicLong committed = new AtomicLong();
        final AtomicLong spent = new AtomicLong();
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
        for (int i = 0; i < copy.size(); i++) {
            Hold h = copy.get(i);
            if (!tryRaise(account(h.account()), h.amountMicros(), h.limitMicros())) {
                for (int j = 0; j < i; j++) {
                    account(copy.get(j).account()).committed.addAndGet(-copy.get(j).amountMicros());
                }
                open.remove(reservationId);
                return h.account();
            }
        }
        return null;
    }

    private static boolean tryRaise(Account a, long amount, long limit) {
        while (true) {
            long c = a.committed.get();
            if (amount > limit - c) { // not c + amount > limit: that sum can overflow past Long.MAX_VALUE
                return false;
            }
            if (a.committed.compareAndSet(c, c + amount)) {
                return true;
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
            Account a = account(h.account());
            a.committed.addAndGet(actualMicros - h.amountMicros());
            a.spent.addAndGet(actualMicros);
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
        return new Balance(spent, Math.max(0, a.committed.get() - spent));
    }

    @Override
    public long openReservations() {
        return open.size();
    }

    private Account account(String key) {
        return accounts.computeIfAbsent(key, k -> new Account());
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
