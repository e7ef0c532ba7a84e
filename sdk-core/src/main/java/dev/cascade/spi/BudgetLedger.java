package dev.cascade.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where budget money is held and spent, keyed by account (a scope in a window, e.g.
 * {@code chain:support-triage|DAY|2026-11-28}). The ledger enforces limits atomically: implementations must make
 * {@link #reserve} all-or-nothing and must never let {@code spent + reserved} of an account pass the limit given with
 * a hold, also when many threads or many processes reserve at once. Implementations must be thread-safe.
 *
 * <p>Amounts are integer micro-dollars. Every reservation is settled exactly once ({@link #settle} or
 * {@link #release}); a second settle, or a settle of an id never reserved, fails with {@link IllegalStateException}
 * and changes nothing.
 *
 * <p><b>Failures.</b> When the ledger itself fails (its database is down, conflicts outlast its retries) an
 * implementation throws {@link BudgetLedgerException}: whether the operation happened is then unknown, and retrying
 * it is safe (see that class). A refusal by a limit is not a failure: {@link #reserve} returns the refusing account.
 */
public interface BudgetLedger {

    /**
     * One amount to hold against one account's hard limit.
     *
     * @param account      the account key
     * @param limitMicros  the account's hard limit, > 0
     * @param amountMicros the amount to hold, >= 0
     * @param windowEnd    when the account's budget window ends (exclusive), or {@code null} for an account that never
     *                     ends. A ledger may forget an account (and its spend) some time after its window ended, so
     *                     memory and tables do not grow with time: see {@code InMemoryBudgetLedger} and
     *                     {@code JdbcBudgetLedger#purgeWindowsEndedBefore}
     */
    record Hold(String account, long limitMicros, long amountMicros, Instant windowEnd) {
        public Hold {
            Objects.requireNonNull(account, "account");
            if (limitMicros <= 0) {
                throw new IllegalArgumentException("limit must be > 0 micro-dollars, was " + limitMicros);
            }
            if (amountMicros < 0) {
                throw new IllegalArgumentException("amount must be >= 0 micro-dollars, was " + amountMicros);
            }
        }

        /** A hold on an account that never ends (no {@code windowEnd}): no ledger forgets it. */
        public Hold(String account, long limitMicros, long amountMicros) {
            this(account, limitMicros, amountMicros, null);
        }
    }

    /** What an account holds now. */
    record Balance(long spentMicros, long reservedMicros) {
        public static final Balance EMPTY = new Balance(0, 0);
    }

    /**
     * Holds every amount, or none.
     *
     * @param reservationId a new, unique id
     * @return {@code null} when held; otherwise the account whose limit refused (nothing is held then)
     * @throws IllegalArgumentException if {@code reservationId} was used before
     */
    String reserve(String reservationId, List<Hold> holds);

    /**
     * Replaces the reservation's holds with what was really spent, on every account it held. May exceed the held
     * amount (a provider that reported more than the worst case): the money was spent, so it is counted.
     *
     * @throws IllegalStateException if the id is unknown or already settled or released
     */
    void settle(String reservationId, long actualMicros);

    /** Settles at zero: nothing was billed. Same exactly-once rule as {@link #settle}. */
    default void release(String reservationId) {
        settle(reservationId, 0);
    }

    /** An account's spent and reserved amounts ({@link Balance#EMPTY} for an account never used). */
    Balance balance(String account);

    /** Reservations neither settled nor released: after all executions ended, a ledger that leaks none shows 0. */
    long openReservations();
}
