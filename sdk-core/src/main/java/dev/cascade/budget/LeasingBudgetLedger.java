package dev.cascade.budget;

import dev.cascade.api.Money;
import dev.cascade.event.BudgetAlert;
import dev.cascade.jdbc.JdbcTransactions;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.BudgetLedgerException;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * A {@link BudgetLedger} for a fleet: each instance leases a <em>slice</em> of an account's remaining money from a
 * shared database (PostgreSQL or H2, the tables of {@link JdbcBudgetLedger} plus a lease table) in one short
 * transaction, then reserves and settles against its slices in memory, and writes what it spent back in batches. So a
 * reservation costs a few arithmetic operations under a per-account monitor instead of a database round trip, and many
 * instances share one hard limit without overspending it.
 *
 * <pre>{@code
 * LeasingBudgetLedger ledger = LeasingBudgetLedger.builder(dataSource).build();
 * ledger.createSchema();                 // optional: or apply V1, V2 and V3__cascade_budget_lease.sql yourself
 * Budget budget = Budget.builder().perDay("200.00").ledger(ledger).build();
 * ...
 * ledger.close();                        // on shutdown: flushes, and gives back what it did not use
 * }</pre>
 *
 * <p><b>Never overspent.</b> A slice is counted in the account row's {@code reserved_micros} by the same conditional
 * update the JDBC ledger uses ({@code spent + reserved <= limit - slice}), so on every account row
 * {@code spent + leased + reserved <= limit} whatever the number of instances, and an instance reserves only within
 * its own slices. Slices adapt: an instance asks for a fraction ({@link Builder#sliceFraction}, default 5 %) of what
 * the account still has, bounded by what its recent spend rate needs for {@link Builder#sliceTarget} (default 10 s),
 * and never less than the hold it must cover; so slices are large while much remains and shrink near the limit, and
 * a slice idle for {@link Builder#idleReturn} (default 2 s) is given back, so idle instances strand little.
 * It leases more, off the hot path, when a slice runs low; only a reservation that finds its slice empty waits for the
 * database.
 *
 * <p><b>Durable, exact spend.</b> Settles are written to the account rows in batches, every
 * {@link Builder#flushInterval} (default 250 ms) or after {@link Builder#flushBatch} settles (default 1,000),
 * whichever comes first; {@link #flush()} and {@link #close()} write at once and give back unused slices. The spend
 * recorded per account is exact once flushed; until then, other instances see it up to one flush interval late.
 * A flush whose commit went unanswered is recognised by a sequence number on the lease row, never applied twice.
 *
 * <p><b>Crashes.</b> Every flush renews the instance's leases for {@link Builder#leaseExpiry} (default 30 s) and
 * publishes a <em>mark</em>: what the instance may have used since that flush (holds in flight, settled spend not yet
 * written, plus a headroom of about {@link Builder#markAhead} (default 1 s) of its spend rate). The instance never uses
 * more than its published mark. When a lease expires (any instance's flush reaps expired leases of the others; a
 * restarted instance with the same {@link Builder#instanceId} takes over its own at once), the mark is counted as
 * spent and the rest of the slice goes back to the account. So after a crash the record is conservative by at most the
 * headroom: it counts what was settled and flushed, plus the mark, which covers every call that was in flight or settled
 * but not written. If the instance was not dead (a partition longer than the expiry), its late flush draws its spend
 * from that charge and gives back what the charge over-counted, so the record becomes exact again.
 *
 * <p><b>Database outages.</b> An instance keeps reserving from what it leased while the database is unreachable, up to
 * its published mark and for as long as its lease is valid (the expiry minus a safety third, measured on its own
 * monotonic clock). It raises a {@link BudgetAlert.Type#LEDGER_UNREACHABLE} alert once per outage and
 * {@link BudgetAlert.Type#LEDGER_RECONNECTED} when a flush succeeds again, retrying every flush interval. When its
 * slice is used up during the outage, the {@link OutagePolicy} decides: {@link OutagePolicy#failClosed()} (default)
 * refuses by throwing {@link BudgetLedgerException}, as the JDBC ledger does, so a chain skips the step; or
 * {@link OutagePolicy#allowance} lets each account overdraw by a bounded amount per instance and outage (spend that
 * may pass the limit by at most that much per instance, counted in the metrics and written when the database returns).
 *
 * <p><b>Same contract.</b> Limits, holds listed twice, settle above the held amount, exactly-once settles and the
 * failures are those of {@link BudgetLedger}; a {@link Budget} uses it unchanged (hard and soft limits, scopes,
 * windows, headroom: a step with headroom holds under a lower cap and gets its own slice under that cap). Soft-limit
 * accounts (no cap) are not leased, only tracked and flushed. Reservation ids must be unique per instance (a
 * {@link Budget} makes them so); {@link #openReservations()} counts this instance's. {@link #balance} is this
 * instance's view: what the database said at the last flush, plus this instance's own unflushed spend and holds.
 *
 * <p>Clocks: lease expiry is stamped and compared on each instance's {@link Builder#clock} (default the system UTC
 * clock); instances sharing a database must have clocks within a third of the expiry of each other.
 *
 * <p>Metrics (with {@link Builder#meter}): {@value #METRIC_ACQUISITIONS} (leases taken), {@value #METRIC_SLICE} (size
 * of each slice leased, USD), {@value #METRIC_HELD} (money held in slices and not used, USD), {@value #METRIC_FLUSH_LAG}
 * (seconds since the last successful flush), {@value #METRIC_ALLOWANCE} (reservations admitted under the outage
 * allowance, a count), each with attribute {@code cascade.ledger.instance}.
 *
 * <p>Thread-safe. One background thread per ledger ({@code cascade-lease-<instance>}, a daemon) flushes; call
 * {@link #close()} when done.
 */
public final class LeasingBudgetLedger implements BudgetLedger, AutoCloseable {

    /** The lease table's schema file, applied after {@link JdbcBudgetLedger#SCHEMA_RESOURCE} and its V2. */
    public static final String SCHEMA_V3_RESOURCE = "V3__cascade_budget_lease.sql";
    public static final String METRIC_ACQUISITIONS = "cascade.budget.lease.acquisitions";
    public static final String METRIC_SLICE = "cascade.budget.lease.slice";
    public static final String METRIC_HELD = "cascade.budget.lease.held";
    public static final String METRIC_FLUSH_LAG = "cascade.budget.lease.flush_lag";
    public static final String METRIC_ALLOWANCE = "cascade.budget.lease.outage_allowance";
    private static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("cascade.ledger.instance");
    private static final int TOMBSTONE_GENERATION = 100_000;

    /** What to do when a slice is used up while the database cannot be reached. Immutable. */
    public static final class OutagePolicy {
        private static final OutagePolicy FAIL_CLOSED = new OutagePolicy(0);
        private final long allowanceMicros;

        private OutagePolicy(long allowanceMicros) {
            this.allowanceMicros = allowanceMicros;
        }

        /** Refuse: the reservation fails with {@link BudgetLedgerException} (a chain skips the step). The default. */
        public static OutagePolicy failClosed() {
            return FAIL_CLOSED;
        }

        /**
         * Let each capped account overdraw by up to {@code perAccount} per instance and outage: reservations beyond the
         * lease are held locally and written when the database returns. The limit may then be passed by at most
         * {@code perAccount} times the number of instances in the outage. Must be > 0.
         */
        public static OutagePolicy allowance(Money perAccount) {
            Objects.requireNonNull(perAccount, "perAccount");
            if (!perAccount.isPositive()) {
                throw new IllegalArgumentException("outage allowance must be > 0, was " + perAccount
                        + "; use OutagePolicy.failClosed() for none");
            }
            return new OutagePolicy(perAccount.micros());
        }

        public long allowanceMicros() {
            return allowanceMicros;
        }

        @Override
        public String toString() {
            return allowanceMicros == 0 ? "fail-closed" : "allowance(" + Money.ofMicros(allowanceMicros) + ")";
        }
    }

    private record Open(LeaseSlice[] slices, long[] amounts, int[] generations) {
    }

    private final JdbcTransactions<SqlDialect> tx;
    private final String instanceId;
    private final Clock clock;
    private final long flushIntervalNanos;
    private final int flushBatch;
    private final Duration leaseExpiry;
    private final long validityNanos;
    private final double sliceFraction;
    private final long sliceTargetNanos;
    private final long maxSliceMicros;
    private final long markAheadNanos;
    private final long idleReturnNanos;
    private final OutagePolicy outagePolicy;
    private final Events events;

    private final Map<String, LeaseSlice> slices = new ConcurrentHashMap<>();
    /** The first slice leased per account: the one the hot path finds without building a composite key. */
    private final Map<String, LeaseSlice> byAccount = new ConcurrentHashMap<>();
    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private final AtomicReference<Map<String, Boolean>> settled = new AtomicReference<>(new ConcurrentHashMap<>());
    private volatile Map<String, Boolean> settledBefore = Map.of();
    /** {spent, reserved by others} per account, as the last flush read them. */
    private final Map<String, long[]> views = new ConcurrentHashMap<>();

    /** One database conversation at a time per instance: the flusher and a reservation that must lease. */
    private final ReentrantLock db = new ReentrantLock();
    private volatile long validUntilNanos = System.nanoTime(); // no lease is valid before the first flush
    private volatile long lastFlushNanos = System.nanoTime();
    private volatile boolean unreachable;
    private volatile boolean closed;
    private volatile boolean wake;
    private boolean tookOver; // guarded by db
    private long lastReapNanos; // guarded by db
    private final Thread flusher;

    private final LongCounter acquisitions;
    private final DoubleHistogram sliceSizes;
    private final LongCounter allowanceUsed;
    private final Attributes attributes;
    private final AtomicLong leasesTaken = new AtomicLong();
    private final AtomicLong flushFailures = new AtomicLong();

    private LeasingBudgetLedger(Builder b) {
        this.tx = new JdbcTransactions<>(b.dataSource, SqlDialect::of, "leasing budget ledger",
                JdbcBudgetLedger.MAX_ATTEMPTS, BudgetLedgerException::new);
        this.instanceId = b.instanceId != null ? b.instanceId : defaultInstanceId();
        this.clock = b.clock;
        this.flushIntervalNanos = b.flushInterval.toNanos();
        this.flushBatch = b.flushBatch;
        this.leaseExpiry = b.leaseExpiry;
        this.validityNanos = b.leaseExpiry.toNanos() * 2 / 3;
        this.sliceFraction = b.sliceFraction;
        this.sliceTargetNanos = b.sliceTarget.toNanos();
        this.maxSliceMicros = b.maxSliceMicros;
        this.markAheadNanos = b.markAhead.toNanos();
        this.idleReturnNanos = b.idleReturn.toNanos();
        this.outagePolicy = b.outagePolicy;
        this.events = new Events(b.listeners);
        this.attributes = Attributes.of(INSTANCE, instanceId);
        Meter meter = b.meter;
        if (meter != null) {
            acquisitions = meter.counterBuilder(METRIC_ACQUISITIONS).setUnit("{lease}")
                    .setDescription("Slices leased from the shared budget database.").build();
            sliceSizes = meter.histogramBuilder(METRIC_SLICE).setUnit("USD")
                    .setDescription("Size of each slice leased.").build();
            allowanceUsed = meter.counterBuilder(METRIC_ALLOWANCE).setUnit("{reservation}")
                    .setDescription("Reservations held beyond the lease under the outage allowance.").build();
            meter.gaugeBuilder(METRIC_HELD).setUnit("USD")
                    .setDescription("Money held in this instance's slices and not used yet.")
                    .buildWithCallback(m -> m.record(Money.ofMicros(heldMicros()).toUsd().doubleValue(), attributes));
            meter.gaugeBuilder(METRIC_FLUSH_LAG).setUnit("s")
                    .setDescription("Seconds since this instance last wrote its spend to the database.")
                    .buildWithCallback(m -> m.record((System.nanoTime() - lastFlushNanos) / 1e9, attributes));
        } else {
            acquisitions = null;
            sliceSizes = null;
            allowanceUsed = null;
        }
        this.flusher = new Thread(this::flushLoop, "cascade-lease-" + instanceId);
        flusher.setDaemon(true);
        flusher.start();
    }

    /** A builder for a ledger over {@code dataSource} (PostgreSQL or H2, pooled). Building opens no connection. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    private static String defaultInstanceId() {
        String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        return jvm + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This instance's id, as its lease rows carry it. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Creates the tables of {@link JdbcBudgetLedger} and the lease table if missing. Idempotent, and safe when several
     * instances call it at start at once.
     */
    public void createSchema() {
        List<String> all = new ArrayList<>(JdbcBudgetLedger.schemaStatements());
        all.addAll(JdbcTransactions.schemaStatements(LeasingBudgetLedger.class, SCHEMA_V3_RESOURCE));
        tx.createSchema(all);
    }

    // ---- the hot path

    @Override
    public String reserve(String reservationId, List<Hold> holds) {
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(holds, "holds");
        if (closed) {
            throw new IllegalStateException("leasing budget ledger '" + instanceId + "' is closed");
        }
        int n = holds.size();
        Open o = new Open(new LeaseSlice[n], new long[n], new int[n]);
        if (wasSettled(reservationId) || open.putIfAbsent(reservationId, o) != null) {
            throw new IllegalArgumentException("reservation id '" + reservationId + "' was used before; ids must be"
                    + " unique");
        }
        for (int i = 0; i < n; i++) {
            Hold h = Objects.requireNonNull(holds.get(i), "hold");
            if (h.account().length() > JdbcBudgetLedger.MAX_ACCOUNT_LENGTH) {
                undo(o, i);
                open.remove(reservationId);
                throw new IllegalArgumentException("account must have at most " + JdbcBudgetLedger.MAX_ACCOUNT_LENGTH
                        + " characters, had " + h.account().length());
            }
            int gen;
            try {
                gen = h.amountMicros() > h.limitMicros() ? LeaseSlice.NEED_SYNC : hold(h);
            } catch (RuntimeException e) {
                undo(o, i);
                open.remove(reservationId);
                throw e;
            }
            if (gen == LeaseSlice.NEED_SYNC) {
                undo(o, i);
                open.remove(reservationId);
                return h.account();
            }
            o.slices()[i] = slice(h);
            o.amounts()[i] = h.amountMicros();
            o.generations()[i] = gen;
        }
        return null;
    }

    /** Holds one amount: from the slice, or after asking the database. NEED_SYNC: refused. */
    private int hold(Hold h) {
        while (true) {
            LeaseSlice s = slice(h);
            long now = System.nanoTime();
            int gen = s.tryReserve(h.amountMicros(), now - validUntilNanos < 0, now);
            if (gen == LeaseSlice.RETIRED) {
                continue; // forgotten meanwhile: the map has (or makes) its successor
            }
            if (gen != LeaseSlice.NEED_SYNC) {
                if (s.takeLow()) {
                    wakeFlusher();
                }
                return gen;
            }
            gen = holdSlowly(s, h.amountMicros());
            if (gen != LeaseSlice.RETIRED) {
                return gen;
            }
        }
    }

    private int holdSlowly(LeaseSlice s, long amount) {
        for (int attempt = 0; attempt < 3; attempt++) {
            LeaseSlice.Plan plan;
            try {
                plan = sync(s, amount);
            } catch (BudgetLedgerException e) {
                if (outagePolicy.allowanceMicros() > 0) {
                    int gen = s.tryOverdraft(amount, outagePolicy.allowanceMicros(), System.nanoTime());
                    if (gen != LeaseSlice.NEED_SYNC) {
                        if (allowanceUsed != null) {
                            allowanceUsed.add(1, attributes);
                        }
                        return gen;
                    }
                }
                throw new BudgetLedgerException("leasing budget ledger could not lease more of '" + s.account
                        + "' (the database is unreachable and the slice is used up; outage policy "
                        + outagePolicy + ")", e);
            }
            if (plan != null && plan.refused()) {
                // The same account may be leased here under another cap (a step with headroom): give that back first.
                List<LeaseSlice> siblings = new ArrayList<>();
                for (LeaseSlice other : slices.values()) {
                    if (other != s && other.account.equals(s.account) && other.free() > 0) {
                        siblings.add(other);
                    }
                }
                if (siblings.isEmpty() || attempt > 0) {
                    return LeaseSlice.NEED_SYNC;
                }
                flushAll(siblings, false, null, 0);
                continue;
            }
            long now = System.nanoTime();
            int gen = s.tryReserve(amount, now - validUntilNanos < 0, now);
            if (gen != LeaseSlice.NEED_SYNC) {
                return gen;
            }
            // Other threads took what was leased for this one: lease again.
        }
        return LeaseSlice.NEED_SYNC;
    }

    private LeaseSlice slice(Hold h) {
        // The common case, one cap per account, without building the composite key.
        LeaseSlice first = byAccount.get(h.account());
        if (first != null && first.limit == h.limitMicros()) {
            return first;
        }
        String key = h.account() + '\u0000' + h.limitMicros();
        LeaseSlice s = slices.get(key);
        if (s == null) {
            s = slices.computeIfAbsent(key, k -> new LeaseSlice(h.account(), h.limitMicros(), h.windowEnd()));
            byAccount.putIfAbsent(h.account(), s);
        }
        return s;
    }

    private static void undo(Open o, int upTo) {
        for (int j = 0; j < upTo; j++) {
            o.slices()[j].undo(o.amounts()[j], o.generations()[j]);
        }
    }

    @Override
    public void settle(String reservationId, long actualMicros) {
        if (actualMicros < 0) {
            throw new IllegalArgumentException("actual spend must be >= 0 micro-dollars, was " + actualMicros);
        }
        Open o = open.remove(Objects.requireNonNull(reservationId, "reservationId"));
        if (o == null) {
            throw new IllegalStateException(wasSettled(reservationId)
                    ? "reservation '" + reservationId + "' is already settled; a reservation is settled exactly once"
                    : "no open reservation '" + reservationId + "'; reserve before settling");
        }
        int settles = 0;
        for (int i = 0; i < o.slices().length; i++) {
            settles = Math.max(settles, o.slices()[i].settle(o.amounts()[i], actualMicros, o.generations()[i]));
        }
        remember(reservationId);
        if (closed) {
            flushQuietly(false);
        } else if (settles >= flushBatch) {
            wakeFlusher();
        }
    }

    @Override
    public Balance balance(String account) {
        Objects.requireNonNull(account, "account");
        long spent = 0;
        long reserved = 0;
        boolean local = false;
        long[] view;
        synchronized (views) {
            for (LeaseSlice s : slices.values()) {
                if (s.account.equals(account)) {
                    long[] l = s.local();
                    spent += l[0];
                    reserved += l[1];
                    local = true;
                }
            }
            view = local ? views.get(account) : null;
        }
        if (view == null) {
            view = tx.inTransaction("balance('" + account + "')", (c, d) -> LeaseStore.view(c, account, instanceId));
            if (view == null) {
                return local ? new Balance(spent, reserved) : Balance.EMPTY;
            }
            if (local) {
                views.putIfAbsent(account, view);
            }
        }
        return new Balance(view[0] + spent, view[1] + reserved);
    }

    @Override
    public long openReservations() {
        return open.size();
    }

    /** Money this instance holds in slices and has not used: what {@link #close()} would give back. */
    public long heldMicros() {
        long held = 0;
        for (LeaseSlice s : slices.values()) {
            held += s.free();
        }
        return held;
    }

    /** How many slices (account and cap) this instance keeps now. */
    int sliceCount() { // package-private: for LeasingBudgetLedgerTest
        return slices.size();
    }

    /** How many slices this instance has leased since it started. */
    public long leasesTaken() {
        return leasesTaken.get();
    }

    /** Whether the last flush failed (the database is unreachable), until one succeeds. */
    public boolean databaseUnreachable() {
        return unreachable;
    }

    /**
     * Writes every settled amount to the database now, renews the leases and gives back every slice's unused money
     * (keeping what calls in flight hold).
     *
     * @throws BudgetLedgerException if the database could not be reached (nothing is lost: it is retried)
     */
    public void flush() {
        flushAll(null, true, null, 0);
    }

    /**
     * Stops the background flusher, writes what was settled and gives back what is not used. Holds still open stay
     * leased (a settle after close writes at once); if they are never settled, their lease expires and counts them as
     * spent. Idempotent.
     *
     * @throws BudgetLedgerException if the final flush failed (the lease then expires as after a crash)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        flusher.interrupt();
        try {
            flusher.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        db.lock();
        try {
            tx.inTransaction("close()", (c, d) -> LeaseStore.deleteEmpty(c, instanceId));
        } finally {
            db.unlock();
        }
    }

    // ---- the database side

    private void wakeFlusher() {
        if (!wake) {
            wake = true;
            LockSupport.unpark(flusher);
        }
    }

    private void flushLoop() {
        while (!closed) {
            LockSupport.parkNanos(this, flushIntervalNanos);
            if (closed || Thread.currentThread().isInterrupted()) {
                return;
            }
            wake = false;
            flushQuietly(false);
        }
    }

    private void flushQuietly(boolean returnAll) {
        try {
            flushAll(null, returnAll, null, 0);
        } catch (RuntimeException e) {
            // Counted and alerted in flushAll; retried next interval.
        }
    }

    /** A reservation found its slice short: one flush of that slice, leasing at least {@code amount} more. */
    private LeaseSlice.Plan sync(LeaseSlice s, long amount) {
        return flushAll(null, false, s, amount);
    }

    /**
     * One flush: for every slice with something to say (or only {@code only}), in key order, one transaction writes
     * the settled spend, publishes the new mark, leases more where a slice runs low and gives back what is idle
     * ({@code giveBack}: give back what those slices do not use, and nothing else).
     */
    private LeaseSlice.Plan flushAll(List<LeaseSlice> giveBack, boolean returnAll, LeaseSlice only, long need) {
        db.lock();
        try {
            long startNanos = System.nanoTime();
            Instant now = clock.instant();
            Instant expiresAt = now.plus(leaseExpiry);
            if (!tookOver) {
                takeOver();
            }
            if (only != null && only.retired()) {
                return null; // forgotten: the caller looks the account up again
            }
            List<LeaseSlice> work = new ArrayList<>();
            if (giveBack != null) {
                work.addAll(giveBack);
            } else if (only != null) {
                work.add(only);
            } else {
                for (LeaseSlice s : slices.values()) {
                    if (returnAll || s.dirty() || s.runningLow() || (s.free() > 0 && s.idleSince(startNanos
                            - idleReturnNanos)) || s.cap < s.slice) {
                        work.add(s);
                    }
                }
            }
            work.sort(Comparator.comparing(s -> s.key));
            for (LeaseSlice s : work) {
                synchronized (s) {
                    s.settles = 0;
                }
            }
            List<LeaseSlice.Plan> plans = new ArrayList<>(work.size());
            Map<String, long[]> seen = new java.util.HashMap<>();
            try {
                tx.inTransaction("flush(" + instanceId + ")", (c, d) -> {
                    plans.clear();
                    seen.clear();
                    for (LeaseSlice s : work) {
                        boolean returning = returnAll || giveBack != null
                                || (s != only && s.idleSince(startNanos - idleReturnNanos));
                        LeaseSlice.Plan p = flushOne(c, d, s, s == only ? need : -1, returning, startNanos,
                                expiresAt);
                        plans.add(p);
                        // Kept with the slice until known committed: a commit without an answer is found next time.
                        synchronized (s) {
                            s.inDoubt = p;
                        }
                    }
                    LeaseStore.renew(c, instanceId, expiresAt);
                    for (LeaseSlice s : work) {
                        if (!seen.containsKey(s.account)) {
                            long[] v = LeaseStore.view(c, s.account, instanceId);
                            if (v != null) {
                                seen.put(s.account, v);
                            }
                        }
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                outage(e);
                throw e;
            }
            synchronized (views) { // a balance never sees the flushed spend both in the view and still local
                for (int i = 0; i < work.size(); i++) {
                    LeaseSlice s = work.get(i);
                    synchronized (s) {
                        s.inDoubt = null;
                        s.confirm(plans.get(i));
                    }
                }
                views.putAll(seen);
            }
            for (LeaseSlice.Plan p : plans) {
                if (p.grant() > 0) {
                    leasesTaken.incrementAndGet();
                    if (acquisitions != null) {
                        acquisitions.add(1, attributes);
                        sliceSizes.record(Money.ofMicros(p.grant()).toUsd().doubleValue(), attributes);
                    }
                }
            }
            validUntilNanos = startNanos + validityNanos;
            lastFlushNanos = startNanos;
            if (unreachable) {
                unreachable = false;
                alert(BudgetAlert.Type.LEDGER_RECONNECTED, "the budget database answers again; leasing budget ledger '"
                        + instanceId + "' wrote what it spent meanwhile");
            }
            if (startNanos - lastReapNanos > validityNanos / 2 || lastReapNanos == 0) {
                lastReapNanos = startNanos;
                reap(now);
                forgetEndedWindows(now);
            }
            return only == null ? null : plans.get(0);
        } finally {
            db.unlock();
        }
    }

    /** The statements of one slice's flush, inside the flush's transaction. */
    private LeaseSlice.Plan flushOne(java.sql.Connection c, SqlDialect d, LeaseSlice s, long need, boolean returning,
                                     long nowNanos, Instant expiresAt) throws java.sql.SQLException {
        LeaseStore.Row row = LeaseStore.lockLease(c, s.account, instanceId, s.limit, expiresAt);
        s.observe(row.seq(), row.expired());
        long flushed;
        long flushedOld;
        long reservedNow;
        long oldReservedNow;
        long used;
        long maxHold;
        long elapsed = Math.max(1, nowNanos - lastFlushNanos);
        synchronized (s) {
            flushed = s.unflushed;
            flushedOld = s.oldUnflushed;
            reservedNow = s.reserved;
            oldReservedNow = s.oldReserved;
            used = s.usedSinceFlush;
            maxHold = Math.max(s.maxHold, Math.max(need, 0));
        }
        long credit = row.credit();
        long drawn = Math.min(credit, flushedOld);
        credit -= drawn;
        long spentDelta = flushed + flushedOld - drawn;
        if (oldReservedNow == 0 && credit > 0) {
            spentDelta -= credit; // every call the expiry charged for is settled: give back what it over-counted
            credit = 0;
        }
        if (s.uncapped) {
            if (spentDelta != 0) {
                LeaseStore.lockAccount(c, d, s.account, s.windowEnd); // creates the row on the first spend
                LeaseStore.move(c, s.account, spentDelta, 0);
            }
            LeaseSlice.Plan p = new LeaseSlice.Plan(row.seq() + 1, flushed, flushedOld, used, 0, 0, 0, 0, false);
            LeaseStore.writeLease(c, s.account, instanceId, s.limit, 0, 0, reservedNow + oldReservedNow, credit,
                    p.seq(), expiresAt);
            return p;
        }
        long consumed = Math.min(flushed, row.slice());
        long base = row.slice() - consumed;
        double rate = s.rate(used / (double) elapsed, elapsed); // micros per nano, smoothed over about a second
        long lowWater = Math.max(2 * maxHold, (long) (rate * 3 * flushIntervalNanos));
        long needed = need >= 0 ? Math.max(0, reservedNow + need - base) : 0;
        // Off the hot path, only a slice in use is topped up: one given back by flush() stays given back.
        boolean wantMore = !returning && (need >= 0 || (used > 0 && base - reservedNow < lowWater));
        long grant = 0;
        boolean refused = false;
        long returned = 0;
        long[] account = null;
        if (wantMore || returning || spentDelta != 0 || consumed != 0) {
            account = LeaseStore.lockAccount(c, d, s.account, s.windowEnd);
        }
        if (wantMore) {
            long spentAfter = account[0] + spentDelta;
            long reservedAfter = account[1] - consumed;
            long available = s.limit - spentAfter - reservedAfter;
            if (available < needed || (need >= 0 && available < 0)) {
                refused = need >= 0;
            } else {
                // What the slice should hold free after this lease: a share of what is left, what the rate needs,
                // at most maxSlice; and never less than the hold waiting for it.
                long byRate = Math.max((long) (rate * sliceTargetNanos), 16 * maxHold);
                long target = Math.min((long) (available * sliceFraction), byRate);
                if (maxSliceMicros > 0) {
                    target = Math.min(target, maxSliceMicros);
                }
                long free = base - reservedNow;
                grant = Math.min(available, Math.max(needed, target - free));
                if (grant < 0) {
                    grant = 0;
                }
            }
        } else if (returning) {
            returned = Math.max(0, base - reservedNow);
        }
        long newSlice = base + grant - returned;
        long headroom = Math.max(4 * maxHold, (long) (rate * markAheadNanos));
        long mark = returning ? Math.min(newSlice, reservedNow)
                : Math.min(newSlice, reservedNow + Math.max(need, 0) + headroom);
        synchronized (s) {
            s.tighten(flushed, mark);
            s.lowWater = lowWater;
        }
        if (account != null) {
            LeaseStore.move(c, s.account, spentDelta, grant - consumed - returned);
        }
        LeaseSlice.Plan p = new LeaseSlice.Plan(row.seq() + 1, flushed, flushedOld, used, newSlice, mark, grant,
                returned, refused);
        LeaseStore.writeLease(c, s.account, instanceId, s.limit, newSlice, mark, reservedNow + oldReservedNow, credit,
                p.seq(), expiresAt);
        return p;
    }

    /**
     * Memory and rows stay flat over time: a slice whose budget window ended and that holds nothing (its money given
     * back, as an idle slice's is) is forgotten, with its empty lease row. A late hold on that window starts afresh.
     */
    private void forgetEndedWindows(Instant now) {
        boolean forgot = false;
        for (Map.Entry<String, LeaseSlice> e : slices.entrySet()) {
            LeaseSlice s = e.getValue();
            if (s.windowEnd != null && s.windowEnd.isBefore(now) && s.retireIfEmpty()) {
                slices.remove(e.getKey(), s);
                byAccount.remove(s.account, s);
                views.remove(s.account);
                forgot = true;
            }
        }
        if (forgot) {
            try {
                tx.inTransaction("forget(" + instanceId + ")", (c, d) -> LeaseStore.deleteEmpty(c, instanceId));
            } catch (RuntimeException e) {
                // Empty rows only: deleted next time, or at close.
            }
        }
    }

    /** Expires other instances' leases past their expiry: marks counted as spent, the rest of their slices returned. */
    private void reap(Instant now) {
        try {
            tx.inTransaction("reap(" + instanceId + ")", (c, d) -> {
                for (LeaseStore.Expired e : LeaseStore.findExpired(c, now, instanceId)) {
                    LeaseStore.expire(c, e, now);
                }
                return null;
            });
        } catch (RuntimeException e) {
            // Another instance's flush will reap them; this one retries next time.
        }
    }

    /**
     * A restarted instance with the same id: what its predecessor held is expired at once (its marks counted as
     * spent, its slices returned) and its rows forgotten, before it leases anything.
     */
    private void takeOver() {
        tx.inTransaction("takeOver(" + instanceId + ")", (c, d) -> {
            for (LeaseStore.Expired e : LeaseStore.findOwn(c, instanceId)) {
                LeaseStore.expire(c, e, null);
                LeaseStore.forget(c, e);
            }
            return null;
        });
        tookOver = true;
    }

    private void outage(RuntimeException e) {
        flushFailures.incrementAndGet();
        if (!unreachable) {
            unreachable = true;
            alert(BudgetAlert.Type.LEDGER_UNREACHABLE, "leasing budget ledger '" + instanceId + "' cannot reach the"
                    + " budget database (" + e.getClass().getSimpleName() + "); it keeps spending what it leased and"
                    + " retries every " + Duration.ofNanos(flushIntervalNanos).toMillis() + " ms");
        }
    }

    private void alert(BudgetAlert.Type type, String message) {
        if (events.enabled()) {
            events.fire(CascadeListener::onBudgetAlert, new BudgetAlert(type, "ledger:" + instanceId,
                    Money.ofMicros(0), Money.ofMicros(heldMicros()), message));
        }
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

    @Override
    public String toString() {
        return "LeasingBudgetLedger[" + instanceId + ", " + tx + "]";
    }

    /**
     * Configures a {@link LeasingBudgetLedger}. Mutable, not thread-safe; {@link #build()} copies it and starts the
     * ledger's flusher thread.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String instanceId;
        private Clock clock = Clock.systemUTC();
        private Duration flushInterval = Duration.ofMillis(250);
        private int flushBatch = 1_000;
        private Duration leaseExpiry = Duration.ofSeconds(30);
        private double sliceFraction = 0.05;
        private Duration sliceTarget = Duration.ofSeconds(10);
        private long maxSliceMicros;
        private Duration markAhead = Duration.ofSeconds(1);
        private Duration idleReturn = Duration.ofSeconds(2);
        private OutagePolicy outagePolicy = OutagePolicy.failClosed();
        private Meter meter;
        private final List<CascadeListener> listeners = new ArrayList<>();

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * This instance's id on its lease rows: 1 to 255 characters, unique among running instances. Default: the
         * JVM's {@code pid@host} plus a random suffix. Give a stable id (e.g. the pod name) so a restarted instance takes
         * over its predecessor's leases at once instead of waiting for them to expire.
         */
        public Builder instanceId(String instanceId) {
            Objects.requireNonNull(instanceId, "instanceId");
            if (instanceId.isEmpty() || instanceId.length() > JdbcBudgetLedger.MAX_ID_LENGTH) {
                throw new IllegalArgumentException("instanceId must have 1 to " + JdbcBudgetLedger.MAX_ID_LENGTH
                        + " characters, had " + instanceId.length());
            }
            this.instanceId = instanceId;
            return this;
        }

        /** The clock lease expiry is stamped and compared on. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How often settled spend is written and leases renewed. Default 250 ms. Must be in [1 ms, 10 s]. */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = range("flushInterval", interval, Duration.ofMillis(1), Duration.ofSeconds(10));
            return this;
        }

        /** Settles after which a flush starts before its interval. Default 1,000. Must be >= 1. */
        public Builder flushBatch(int settles) {
            if (settles < 1) {
                throw new IllegalArgumentException("flushBatch must be >= 1, was " + settles);
            }
            this.flushBatch = settles;
            return this;
        }

        /**
         * How long a lease lives without a flush renewing it; an instance stops using it after two thirds of that.
         * After a crash its unused money returns to the account this long after the last flush. Default 30 s. Must be
         * at least 4 flush intervals and at most 1 hour (checked by {@link #build()}).
         */
        public Builder leaseExpiry(Duration expiry) {
            this.leaseExpiry = range("leaseExpiry", expiry, Duration.ofMillis(10), Duration.ofHours(1));
            return this;
        }

        /** The share of what an account still has that one lease asks for at most. Default 0.05. In (0, 1]. */
        public Builder sliceFraction(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("sliceFraction must be in (0, 1], was " + fraction);
            }
            this.sliceFraction = fraction;
            return this;
        }

        /** How many seconds of this instance's spend rate a lease asks for at most. Default 10 s. */
        public Builder sliceTarget(Duration target) {
            this.sliceTarget = range("sliceTarget", target, Duration.ofMillis(1), Duration.ofDays(1));
            return this;
        }

        /** The largest slice one lease takes. Default: no cap beyond the fraction and the rate. Must be > 0. */
        public Builder maxSlice(Money max) {
            Objects.requireNonNull(max, "max");
            if (!max.isPositive()) {
                throw new IllegalArgumentException("maxSlice must be > 0, was " + max);
            }
            this.maxSliceMicros = max.micros();
            return this;
        }

        /**
         * How far ahead of its use the published mark runs, in time at the current spend rate (never less than four
         * times the largest hold seen). Larger: more spending through a database outage, and more counted as spent
         * after a crash. Default 1 s.
         */
        public Builder markAhead(Duration ahead) {
            this.markAhead = range("markAhead", ahead, Duration.ZERO, Duration.ofHours(1));
            return this;
        }

        /** A slice without a reservation for this long gives its unused money back. Default 2 s. */
        public Builder idleReturn(Duration idle) {
            this.idleReturn = range("idleReturn", idle, Duration.ZERO, Duration.ofHours(1));
            return this;
        }

        /** What happens when a slice is used up while the database is unreachable. Default: fail closed. */
        public Builder outagePolicy(OutagePolicy policy) {
            this.outagePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Where the lease metrics go ({@code openTelemetry.getMeter("dev.cascade")}). Default: none. */
        public Builder meter(Meter meter) {
            this.meter = Objects.requireNonNull(meter, "meter");
            return this;
        }

        /** Receives {@link BudgetAlert}s (database unreachable, reconnected). A listener that throws is ignored. */
        public Builder listener(CascadeListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Builds the ledger and starts its flusher thread. Opens no connection yet. */
        public LeasingBudgetLedger build() {
            if (leaseExpiry.compareTo(flushInterval.multipliedBy(4)) < 0) {
                throw new IllegalArgumentException("leaseExpiry must be at least 4 flush intervals ("
                        + flushInterval.multipliedBy(4) + "), was " + leaseExpiry);
            }
            return new LeasingBudgetLedger(this);
        }

        private static Duration range(String name, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + d);
            }
            return d;
        }
    }
}
