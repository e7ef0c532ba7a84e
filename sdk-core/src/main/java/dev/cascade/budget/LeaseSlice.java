package dev.cascade.budget;

import java.time.Instant;

/**
 * What one {@link LeasingBudgetLedger} holds locally of one account under one hard limit: the slice it leased, the
 * in-flight holds and the settled spend not flushed yet. Every counter is guarded by this object's monitor; the hot
 * path ({@link #tryReserve}, {@link #settle}) takes it for a few arithmetic operations and never waits on the database.
 *
 * <p>Coordinates: {@link #slice} and {@link #cap} are relative to the database row as of the last confirmed flush. The
 * usage {@code reserved + unflushed} may never pass either: the slice is what the account row set aside for this
 * instance, the cap is the "may have used" mark published in the lease row (what an expiry counts as spent), so money
 * this instance may have used is always covered by what the database would charge if it died.
 */
final class LeaseSlice {
    /** An expiry returned a slice (the lease row was reaped): its in-flight holds and unflushed spend are "old". */
    static final int NEED_SYNC = -1;
    /** The slice was forgotten (its window ended, it held nothing): look the account up again. */
    static final int RETIRED = -2;

    final String account;
    final long limit;
    final Instant windowEnd;
    /** A hold with no cap (a soft limit): tracked and flushed, never leased, never refused. */
    final boolean uncapped;
    /** Sorting key: the database rows of several slices are locked in this order. */
    final String key;

    // ---- guarded by this
    long slice;
    long cap;
    long reserved;
    long unflushed;
    int generation;
    long oldReserved;
    long oldUnflushed;
    /** Reserved beyond the lease under the outage allowance, since the database last answered. */
    long overdraft;
    /** Amounts reserved since the last confirmed flush: the spend rate. */
    long usedSinceFlush;
    long maxHold;
    long lastReserveNanos;
    long lowWater;
    /** A flush whose commit was not answered: applied locally only if the row shows its sequence number. */
    Plan inDoubt;
    private double smoothedRate;
    private boolean retired;
    /** Settles since the last flush started. */
    int settles;
    /** Set by a hold that left the slice low; a racy hint, so volatile and outside the monitor. */
    private volatile boolean lowFlag;

    /** The outcome of one flush of this slice, applied locally once its transaction is known to have committed. */
    record Plan(long seq, long flushedUnflushed, long flushedOld, long usedSnapshot, long newSlice, long mark,
                long grant, long returned, boolean refused) {
    }

    LeaseSlice(String account, long limit, Instant windowEnd) {
        this.account = account;
        this.limit = limit;
        this.windowEnd = windowEnd;
        this.uncapped = limit == Long.MAX_VALUE;
        this.key = account + '\u0000' + limit;
    }

    /**
     * Holds {@code amount} in the slice if it fits both the slice and the published mark, and the lease is valid.
     *
     * @return the generation the hold belongs to, or {@link #NEED_SYNC} when the database must be asked first
     */
    synchronized int tryReserve(long amount, boolean leaseValid, long nowNanos) {
        if (retired) {
            return RETIRED;
        }
        if (!uncapped) {
            long used = reserved + unflushed;
            long free = slice - used;
            // A zero hold on a slice with nothing free asks the database: the account may be past its limit.
            if (!leaseValid || amount > free || amount > cap - used || free <= 0) {
                return NEED_SYNC;
            }
        }
        reserved += amount;
        usedSinceFlush += amount;
        if (amount > maxHold) {
            maxHold = amount;
        }
        lastReserveNanos = nowNanos;
        if (!uncapped && slice - reserved - unflushed < lowWater) {
            lowFlag = true; // read by the ledger after the hold: time to lease more, off the hot path
        }
        return generation;
    }

    /**
     * The spend rate, smoothed over about a second (an exponential average weighted by the time each sample covers), so
     * the mark and the slice size follow the traffic without collapsing between two close flushes.
     */
    synchronized double rate(double sample, long elapsedNanos) {
        double alpha = Math.min(1.0, elapsedNanos / 1e9);
        smoothedRate = smoothedRate + alpha * (sample - smoothedRate);
        return Math.max(smoothedRate, sample);
    }

    /** Whether a hold left the slice below its low-water mark since the last call; clears the flag. */
    boolean takeLow() {
        if (lowFlag) {
            lowFlag = false;
            return true;
        }
        return false;
    }

    /** Whether what is free has fallen below the low-water mark: time to lease more, off the hot path. */
    synchronized boolean runningLow() {
        return !uncapped && slice - reserved - unflushed < lowWater;
    }

    /** Holds {@code amount} beyond the lease, while the database is unreachable, within {@code allowance}. */
    synchronized int tryOverdraft(long amount, long allowance, long nowNanos) {
        if (retired) {
            return RETIRED;
        }
        if (amount > allowance - overdraft) {
            return NEED_SYNC;
        }
        overdraft += amount;
        reserved += amount;
        usedSinceFlush += amount;
        lastReserveNanos = nowNanos;
        return generation;
    }

    /** Takes back a hold of a reservation another account refused. */
    synchronized void undo(long amount, int gen) {
        if (gen == generation) {
            reserved -= amount;
        } else {
            oldReserved -= amount;
        }
    }

    /** Settles a hold; returns the number of settles since the last flush started. */
    synchronized int settle(long amount, long actual, int gen) {
        settles++;
        if (gen == generation) {
            reserved -= amount;
            unflushed += actual;
        } else {
            oldReserved -= amount;
            oldUnflushed += actual;
        }
        return settles;
    }

    /** Reserved + unflushed + old: whether a flush has anything to say for this slice. */
    synchronized boolean dirty() {
        return unflushed != 0 || oldUnflushed != 0 || inDoubt != null;
    }

    synchronized boolean idleSince(long cutoffNanos) {
        return reserved == 0 && lastReserveNanos - cutoffNanos < 0;
    }

    synchronized boolean retired() {
        return retired;
    }

    /**
     * Retires the slice if it holds nothing at all (no lease, no hold, nothing unflushed): a hold that finds it
     * retired looks the account up again, so nothing is ever held in a slice the ledger forgot.
     */
    synchronized boolean retireIfEmpty() {
        if (slice == 0 && reserved == 0 && unflushed == 0 && oldReserved == 0 && oldUnflushed == 0
                && inDoubt == null) {
            retired = true;
        }
        return retired;
    }

    /** Money leased and not used: what returning the slice would give back. */
    synchronized long free() {
        return uncapped ? 0 : Math.max(0, slice - reserved - unflushed);
    }

    /** Spend settled here and not flushed yet, and holds open here (for balances). */
    synchronized long[] local() {
        return new long[] {unflushed + oldUnflushed, reserved + oldReserved};
    }

    /**
     * Takes in what the database row says before a flush: an unanswered earlier flush that did commit is applied, and a
     * row an expiry reaped moves everything in flight and unflushed to the old generation (its money was counted as
     * spent, {@code credit}). Both are idempotent, so a transaction that runs again sees the same result.
     */
    synchronized void observe(long rowSeq, boolean rowExpired) {
        if (inDoubt != null) {
            if (rowSeq == inDoubt.seq()) {
                confirm(inDoubt);
            }
            inDoubt = null;
        }
        if (rowExpired) {
            oldReserved += reserved;
            oldUnflushed += unflushed;
            reserved = 0;
            unflushed = 0;
            overdraft = 0;
            slice = 0;
            cap = 0;
            generation++;
        }
    }

    /** Narrows the usage allowed while a flush is in flight to what both the old and the new mark cover. */
    synchronized void tighten(long flushedUnflushed, long newMark) {
        long bound = flushedUnflushed + newMark;
        if (bound < cap) {
            cap = bound;
        }
    }

    /** Applies a committed flush: what it flushed leaves the local counters; slice and mark are the row's new ones. */
    synchronized void confirm(Plan p) {
        unflushed -= p.flushedUnflushed();
        oldUnflushed -= p.flushedOld();
        usedSinceFlush -= Math.min(usedSinceFlush, p.usedSnapshot());
        slice = p.newSlice();
        cap = p.mark();
        overdraft = 0;
    }

    @Override
    public String toString() {
        return "LeaseSlice[" + account + ", limit " + limit + "]";
    }
}
