package dev.cascade.budget;

import dev.cascade.api.Money;
import dev.cascade.event.Anomaly;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.watch.Ewma;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches what model calls cost, per scope (each chain, each tenant, everything) and calendar window (hour, day,
 * month), and raises an {@link Anomaly} (watcher {@value #WATCHER}) when a period costs far more than the periods
 * before it: a prompt that grew, a retry storm, a client stuck in a loop. Add it to chains as a listener, next to their
 * {@link Budget}; it reads what each attempt cost ({@link dev.cascade.api.Attempt#cost()}, settled by the budget) from
 * {@link AttemptFinished} and {@link AttemptFailed}, so a chain without a budget costs nothing and is never judged.
 *
 * <p><b>Periods.</b> Spend is summed per account and period, named as the budget names it, e.g.
 * {@code chain:triage|HOUR|2026-11-28T10}, {@code tenant:acme|DAY|2026-11-28} or {@code global|MONTH|2026-11}
 * (the event's subject); periods align to the calendar in {@link Builder#zone}, and an attempt belongs to the period
 * in which the detector hears of it (read from {@link Builder#clock}). Executions without a tenant are not counted
 * for tenants. A period closes at the first spend of a later period, or when {@link #evaluate} sees that it ended:
 * call it on a schedule (e.g. every minute) so a period with no traffic after it is still judged.
 *
 * <p><b>Verdict.</b> The baseline of an account is the EWMA of the totals of its earlier periods, with its EWMA
 * variance (weight {@link Builder#alpha}); only periods with spend are points, so a chain idle at night is judged
 * against its busy hours, not against a string of zeros. With at least 3 earlier periods, a total {@code t} is an
 * anomaly when all hold: {@code t > baseline + sigmas × stdDev}, {@code t > baseline × (1 + margin)} (so a flat
 * baseline, whose deviation is 0, does not alert on a small rise), and {@code t >= minimumSpend}. The event carries
 * {@code t} and the baseline in dollars; money is summed exactly ({@link Money}), only the statistics are doubles.
 * With {@link Builder#earlyWarning} the running total of the open period is judged at every spend too, so a runaway
 * is reported before its period ends. Each account raises at most one event per period (the early one, if any).
 * Every period joins the baseline, anomalous or not: a lasting change becomes the new normal.
 *
 * <p>Defaults: every scope over {@code HOUR} and {@code DAY}, zone UTC, alpha 0.3, sigmas 3, margin 0.5 (50%), minimum
 * spend $1.00, early warning on, the system UTC clock, no listener. Thread-safe: one lock per account, and listeners
 * are called outside it, on the thread that closed the period. A listener that throws is ignored. Keeps a few dozen
 * bytes per account it has seen (accounts are not forgotten).
 */
public final class SpendAnomalyDetector implements CascadeListener {
    /** The {@link Anomaly#watcher()} of this detector's events. */
    public static final String WATCHER = "spend";
    private static final int MIN_PERIODS = 3;

    /** One account's scope subject ({@code chain:triage}, {@code tenant:acme}, {@code global}) over one window. */
    private record Account(String who, Window window) {
    }

    private record Watch(Scope scope, Window window) {
    }

    private final List<Watch> watches;
    private final ZoneId zone;
    private final double alpha;
    private final double sigmas;
    private final double margin;
    private final Money minimumSpend;
    private final boolean earlyWarning;
    private final Clock clock;
    private final Events events;
    private final Map<Account, Series> accounts = new ConcurrentHashMap<>();

    private SpendAnomalyDetector(Builder b) {
        this.watches = b.watches.isEmpty() ? everyScope() : List.copyOf(b.watches);
        this.zone = b.zone;
        this.alpha = b.alpha;
        this.sigmas = b.sigmas;
        this.margin = b.margin;
        this.minimumSpend = b.minimumSpend;
        this.earlyWarning = b.earlyWarning;
        this.clock = b.clock;
        this.events = new Events(b.listeners);
    }

    /** How many (subject, window kind) series this detector keeps: one per subject and window, not per period. */
    int seriesCount() {
        return accounts.size();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onAttemptFinished(AttemptFinished event) {
        observe(event.execution(), event.attempt().cost());
    }

    @Override
    public void onAttemptFailed(AttemptFailed event) {
        observe(event.execution(), event.attempt().cost());
    }

    /** Judges every period that ended by now on {@link Builder#clock} (see {@link #evaluate(Instant)}). */
    public void evaluate() {
        evaluate(clock.instant());
    }

    /** Judges every account's open period that ended by {@code now} and raises what it finds. */
    public void evaluate(Instant now) {
        Objects.requireNonNull(now, "now");
        List<Anomaly> raised = new ArrayList<>();
        for (Series s : accounts.values()) {
            s.evaluate(now, raised);
        }
        fire(raised);
    }

    private void observe(ExecutionInfo execution, Money cost) {
        if (!cost.isPositive()) {
            return;
        }
        List<Anomaly> raised = new ArrayList<>(0);
        for (Watch w : watches) {
            String who = switch (w.scope()) {
                case CHAIN -> "chain:" + execution.chain();
                case TENANT -> execution.context().tenant().map(t -> "tenant:" + t).orElse(null);
                case GLOBAL -> "global";
            };
            if (who != null) {
                accounts.computeIfAbsent(new Account(who, w.window()), Series::new).add(cost, raised);
            }
        }
        fire(raised);
    }

    private void fire(List<Anomaly> anomalies) {
        for (Anomaly anomaly : anomalies) {
            events.fire(CascadeListener::onAnomaly, anomaly);
        }
    }

    /** One account's open period and the baseline of its closed ones. Guarded by its own lock. */
    private final class Series {
        private final Account account;
        private final Ewma history = new Ewma(alpha);
        private ZonedDateTime start; // the open period's start, or null when none is open
        private Money total = Money.ZERO;
        private boolean raised;

        Series(Account account) {
            this.account = account;
        }

        synchronized void add(Money cost, List<Anomaly> out) {
            // Read under the lock, so one account's periods are seen in clock order even across threads; a clock
            // that steps back adds to the open period.
            ZonedDateTime period = account.window().start(clock.instant(), zone);
            if (start == null || period.isAfter(start)) {
                close(out);
                start = period;
            }
            total = total.plus(cost);
            if (earlyWarning && !raised && exceeds(total)) {
                raised = true;
                out.add(anomaly(true));
            }
        }

        synchronized void evaluate(Instant now, List<Anomaly> out) {
            if (start != null && account.window().start(now, zone).isAfter(start)) {
                close(out);
                start = null;
            }
        }

        private void close(List<Anomaly> out) {
            if (start == null) {
                return;
            }
            if (!raised && exceeds(total)) {
                out.add(anomaly(false));
            }
            history.add(total.micros());
            total = Money.ZERO;
            raised = false;
        }

        private boolean exceeds(Money amount) {
            return history.count() >= MIN_PERIODS && amount.compareTo(minimumSpend) >= 0
                    && amount.micros() > threshold();
        }

        /** In micro-dollars: the larger of the deviation and the margin rule (both must be passed). */
        private double threshold() {
            double mean = history.mean();
            return Math.max(mean + sigmas * history.stdDev(), mean * (1 + margin));
        }

        private Anomaly anomaly(boolean early) {
            Window w = account.window();
            String subject = account.who() + "|" + w + "|" + w.label(start.toInstant(), zone);
            double mean = history.mean();
            String message = (early ? "spend so far " : "spend ") + total + " in " + subject
                    + (early ? " already exceeds" : " exceeded") + " its threshold "
                    + Money.ofMicros((long) Math.ceil(threshold())) + (early ? " before the period ended" : "")
                    + ": baseline " + Money.ofMicros(Math.round(mean)) + ", std dev "
                    + Money.ofMicros(Math.round(history.stdDev())) + " over " + history.count() + " periods";
            return new Anomaly(WATCHER, subject, dollars(total.micros()), dollars(mean), message);
        }
    }

    private static double dollars(double micros) {
        return micros / 1_000_000d;
    }

    private static List<Watch> everyScope() {
        List<Watch> all = new ArrayList<>();
        for (Scope s : Scope.values()) {
            all.add(new Watch(s, Window.HOUR));
            all.add(new Watch(s, Window.DAY));
        }
        return List.copyOf(all);
    }

    /** Configures a {@link SpendAnomalyDetector}. Not thread-safe; {@code build()} copies, so it can be reused. */
    public static final class Builder {
        private final Set<Watch> watches = new LinkedHashSet<>();
        private ZoneId zone = ZoneOffset.UTC;
        private double alpha = 0.3;
        private double sigmas = 3;
        private double margin = 0.5;
        private Money minimumSpend = Money.usd("1.00");
        private boolean earlyWarning = true;
        private Clock clock = Clock.systemUTC();
        private final List<CascadeListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Watches {@code scope}'s spend over {@code window} (a pair given twice counts once). Default, when none is
         * given: every scope over HOUR and DAY.
         */
        public Builder watch(Scope scope, Window window) {
            watches.add(new Watch(Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(window, "window")));
            return this;
        }

        /** The time zone windows align to; use the budget's. Default: UTC. */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /** The weight of the newest period in the baseline. Default: 0.3. Must be in (0, 1]. */
        public Builder alpha(double alpha) {
            this.alpha = Ewma.requireAlpha(alpha);
            return this;
        }

        /** How many standard deviations above its baseline a total must be. Default: 3. Must be > 0. */
        public Builder sigmas(double sigmas) {
            if (!(sigmas > 0) || Double.isInfinite(sigmas)) {
                throw new IllegalArgumentException("sigmas must be > 0 and finite, was " + sigmas);
            }
            this.sigmas = sigmas;
            return this;
        }

        /** By how much, relatively, a total must also exceed its baseline (0.5 = 50%). Default: 0.5. Must be >= 0. */
        public Builder margin(double margin) {
            if (!(margin >= 0) || Double.isInfinite(margin)) {
                throw new IllegalArgumentException("margin must be >= 0 and finite, was " + margin);
            }
            this.margin = margin;
            return this;
        }

        /** The least total, in USD, that is ever an anomaly (small change is not worth an alert). Default: "1.00". */
        public Builder minimumSpend(String usd) {
            Money m;
            try {
                m = Money.usd(usd);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("minimumSpend: " + e.getMessage(), e);
            }
            if (m.isNegative()) {
                throw new IllegalArgumentException("minimumSpend must be >= 0, was " + m);
            }
            this.minimumSpend = m;
            return this;
        }

        /** Whether a running total is judged before its period ends. Default: true. */
        public Builder earlyWarning(boolean on) {
            this.earlyWarning = on;
            return this;
        }

        /** The clock that places spend in periods. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Receives the {@link Anomaly} events ({@link CascadeListener#onAnomaly}). Add as many as needed. */
        public Builder listener(CascadeListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public SpendAnomalyDetector build() {
            return new SpendAnomalyDetector(this);
        }
    }

    @Override
    public String toString() {
        return "SpendAnomalyDetector[watches=" + watches + ", zone=" + zone + ", alpha=" + alpha + ", sigmas="
                + sigmas + ", margin=" + margin + ", minimumSpend=" + minimumSpend + ", earlyWarning=" + earlyWarning
                + "]";
    }
}
