package dev.cascade.budget;

import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.event.BudgetAlert;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.spi.StepAdmission;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cost budgets for chains: reserve the worst case before every model call, settle to what the provider reported
 * after it, and skip the step ({@code OVER_BUDGET}) when a hard limit cannot cover it, so a cheaper step answers.
 * Add it with {@link dev.cascade.CascadeBuilder#budget(Budget)}; one budget may serve many chains (its chain limits
 * apply to each chain by name, its tenant limits to each tenant, its global limits to all).
 *
 * <pre>{@code
 * Budget budget = Budget.builder()
 *     .perRequest("0.05")                              // one execution never commits more
 *     .limit(Scope.CHAIN, Window.DAY, "200.00")        // hard: never exceeded
 *     .limit(Scope.TENANT, Window.MONTH, "1000.00")
 *     .softLimit(Scope.GLOBAL, Window.DAY, "500.00")   // soft: an event, nothing refused
 *     .zone(ZoneId.of("Europe/Berlin"))
 *     .ledger(new JdbcBudgetLedger(dataSource))        // shared by every instance
 *     .build();
 * }</pre>
 *
 * <p><b>Reserve.</b> The worst case is the estimated input tokens ({@link TokenEstimator}) at the input price plus the
 * request's max output tokens (or {@link Builder#defaultMaxOutputTokens}) at the output price. It is held on every
 * hard limit that applies, all or nothing, by the {@link BudgetLedger}; the ledger guarantees a hard limit is never
 * passed by reservations, also under concurrency and across processes sharing a ledger.
 * <b>Settle.</b> The actual cost replaces the hold: the reported usage for an answer; for a failure, the usage the
 * provider reported (usually none, so the hold is released). A call the chain gave up on (timeout, cancel) keeps its
 * hold until it really ends and is settled on what it then reported; if it has not ended within the chain's
 * late-completion grace, the worst case is settled, since it may still be billed. Every admitted attempt is settled exactly once by the
 * engine, on every path. A provider that reports more than the worst case is counted in full and raises
 * {@link BudgetAlert.Type#RESERVATION_EXCEEDED}: make the estimator err high.
 * <b>Fail closed.</b> A call with no known price is skipped with a reason naming the model. Its price is the step's
 * own ({@code ModelStepSpec.pricing}), else the catalogue's for the step's model ({@code ModelStepSpec.modelName}, else
 * {@link dev.cascade.spi.ModelClient#model()}). A chain whose budgeted step can never be priced is refused by
 * {@code CascadeBuilder.build()}, so this is only met when a client's model name changes after the build.
 *
 * <b>History.</b> Accounts are per window; an {@link InMemoryBudgetLedger} forgets the accounts of windows that ended
 * more than {@link Builder#history} ago (default 2 days), so memory stays flat however long the service runs. With a
 * {@link JdbcBudgetLedger}, schedule {@link JdbcBudgetLedger#purgeWindowsOlderThan}.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class Budget implements StepAdmission {

    /** A limit on one scope over one window. */
    public record Limit(Scope scope, Window window, Money amount) {
    }

    /** What an account has spent and may still spend. {@code limit} and {@code remaining} are empty without a hard limit. */
    public record Spend(String account, Money spent, Money reserved, Optional<Money> limit, Optional<Money> remaining) {
    }

    /** {@link Builder#history}'s default. */
    public static final Duration DEFAULT_HISTORY = Duration.ofDays(2);

    private final Money perRequest;
    private final List<Limit> hard;
    private final List<Limit> soft;
    private final ZoneId zone;
    private final PriceCatalog prices;
    private final TokenEstimator estimator;
    private final int defaultMaxOutputTokens;
    private final BudgetLedger ledger;
    private final Clock clock;
    private final Events events;
    private final String instance = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final AtomicLong sequence = new AtomicLong();
    /**
     * Soft limits already reported, per account series ({@code who|WINDOW|amount}) to the window label last crossed:
     * one entry per series, not per window, so it does not grow with time.
     */
    private final Map<String, String> softCrossed = new ConcurrentHashMap<>();
    private final Duration history;
    /** Epoch millis of the next purge of ended windows from an in-memory ledger. */
    private final AtomicLong nextPurge = new AtomicLong(Long.MIN_VALUE);
    private final Map<String, Money> headroom;

    private Budget(Builder b) {
        this.perRequest = b.perRequest;
        this.hard = List.copyOf(b.hard);
        this.soft = List.copyOf(b.soft);
        this.zone = b.zone;
        this.prices = b.prices;
        this.estimator = b.estimator;
        this.defaultMaxOutputTokens = b.defaultMaxOutputTokens;
        this.ledger = b.ledger != null ? b.ledger : new InMemoryBudgetLedger();
        this.history = b.history;
        this.clock = b.clock;
        this.events = new Events(b.listeners);
        this.headroom = Map.copyOf(b.headroom);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ledger this budget holds and spends in. */
    public BudgetLedger ledger() {
        return ledger;
    }

    public List<Limit> hardLimits() {
        return hard;
    }

    public List<Limit> softLimits() {
        return soft;
    }

    /**
     * What {@code subject} (a chain name, a tenant, or ignored for GLOBAL) has spent in the current {@code window},
     * and what its hard limit leaves.
     */
    public Spend spend(Scope scope, String subject, Window window) {
        return spend(scope, subject, window, clock.instant());
    }

    /** As {@link #spend(Scope, String, Window)}, for the window containing {@code at}. */
    public Spend spend(Scope scope, String subject, Window window, Instant at) {
        String account = account(scope, subject, window, at);
        BudgetLedger.Balance b = ledger.balance(account);
        Optional<Money> limit = hard.stream().filter(l -> l.scope() == scope && l.window() == window)
                .map(Limit::amount).findFirst();
        Money spent = Money.ofMicros(b.spentMicros());
        Money reserved = Money.ofMicros(b.reservedMicros());
        return new Spend(account, spent, reserved, limit,
                limit.map(l -> Money.ofMicros(Math.max(0, l.micros() - b.spentMicros() - b.reservedMicros()))));
    }

    /**
     * Records money spent outside any chain (another system, a batch job, yesterday's import) on the current window of
     * {@code scope}'s account, so limits account for it. It is counted even if it passes a limit: it was spent.
     */
    public void recordSpend(Scope scope, String subject, Window window, Money amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount must be >= 0, was " + amount);
        }
        String id = instance + "-x" + sequence.incrementAndGet();
        Instant now = clock.instant();
        housekeeping(now);
        String account = account(scope, subject, window, now);
        String refused = ledger.reserve(id, List.of(new BudgetLedger.Hold(account, Long.MAX_VALUE, 0,
                window.end(now, zone))));
        if (refused != null) {
            throw new IllegalStateException("could not open a zero hold on '" + account + "'");
        }
        ledger.settle(id, amount.micros());
    }

    /**
     * The worst case this budget would reserve for one call of {@code model} with {@code request}: estimated input
     * tokens at the input price plus the request's max output tokens (or the default) at the output price.
     */
    public Optional<Money> worstCase(String model, dev.cascade.api.ModelRequest request) {
        return prices.price(model, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))
                .map(p -> p.worstCase(estimator.estimateInputTokens(request),
                        request.maxOutputTokens().orElse(defaultMaxOutputTokens)));
    }

    /** The account key of a scope's window, e.g. {@code chain:support-triage|DAY|2026-11-28}. */
    public String account(Scope scope, String subject, Window window, Instant at) {
        String who = switch (scope) {
            case CHAIN -> "chain:" + subject;
            case TENANT -> "tenant:" + subject;
            case GLOBAL -> "global";
        };
        return who + "|" + window + "|" + window.label(at, zone);
    }

    /**
     * The price this budget charges for {@code model} today (the day of its clock, UTC), from its catalogue; empty when
     * the catalogue does not know the model (or {@code model} is null). A model step with no price of its own
     * ({@code ModelStepSpec.pricing}) and a model this returns empty for can never be admitted: the chain's
     * {@code build()} refuses it.
     */
    public Optional<Pricing> price(String model) {
        return prices.price(model, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }

    /**
     * How long an ended window's account is kept for {@link #spend} queries (and looked-back baselines) before an
     * in-memory ledger forgets it: {@link Builder#history}.
     */
    public Duration history() {
        return history;
    }

    /**
     * Forgets, in an {@link InMemoryBudgetLedger}, the accounts of windows that ended more than {@link #history}
     * before {@code now}; runs at most once per hour of this budget's clock, on the thread
     * that admits. A {@link JdbcBudgetLedger} is left alone: schedule its
     * {@link JdbcBudgetLedger#purgeWindowsOlderThan} instead.
     */
    private void housekeeping(Instant now) {
        if (!(ledger instanceof InMemoryBudgetLedger memory)) {
            return;
        }
        long t = now.toEpochMilli();
        long next = nextPurge.get();
        if (t >= next && nextPurge.compareAndSet(next, t + HOUSEKEEPING_EVERY_MILLIS)) {
            memory.purgeWindowsEndedBefore(now.minus(history));
        }
    }

    /** How many soft-limit series this budget remembers a crossing for (one per series, not per window). */
    int softAlertSeries() {
        return softCrossed.size();
    }

    private static final long HOUSEKEEPING_EVERY_MILLIS = Duration.ofHours(1).toMillis();

    @Override
    public Ticket admit(Request r) {
        Instant now = clock.instant();
        housekeeping(now);
        String model = r.model();
        Optional<Pricing> found = r.pricing() != null ? Optional.of(r.pricing())
                : prices.price(model, LocalDate.ofInstant(now, ZoneOffset.UTC));
        if (found.isEmpty()) {
            // Normally refused by CascadeBuilder.build(); reached by hand-made requests and clients whose model changes.
            return StepAdmission.refuse(FailureKind.OVER_BUDGET, model == null
                    ? "step '" + r.step() + "' has no model name to price (its client's model() is null and the step"
                    + " sets neither modelName(...) nor pricing(...)); a budgeted chain fails closed: name the model"
                    + " with .model(\"" + r.step() + "\", client, s -> s.modelName(\"<model>\")) or price the step"
                    + " with s.pricing(Pricing.perMillionTokens(...))"
                    : "no price for model '" + model + "' (provider " + r.client().provider() + "); a budgeted chain"
                    + " fails closed: add one with Budget.builder().price(\"" + model + "\", Pricing.perMillionTokens(...)),"
                    + " or price the step with s.pricing(Pricing.perMillionTokens(...))");
        }
        Pricing pricing = found.get();
        long input = estimator.estimateInputTokens(r.request());
        long output = r.request().maxOutputTokens().orElse(defaultMaxOutputTokens);
        Money worst = pricing.worstCase(input, output);
        if (perRequest != null && r.spent().plus(worst).compareTo(perRequest) > 0) {
            return StepAdmission.refuse(FailureKind.OVER_BUDGET, "per-request ceiling " + perRequest
                    + " cannot cover this call's worst case " + worst + " (already spent " + r.spent() + ")");
        }
        List<BudgetLedger.Hold> holds = new ArrayList<>(hard.size() + soft.size());
        Money keep = headroom.getOrDefault(r.step(), Money.ZERO);
        for (Limit l : hard) {
            String subject = subject(l.scope(), r);
            if (subject != null) {
                // A step with headroom may only use the limit minus what it leaves to the steps after it; the ledger
                // enforces that cap as atomically as the limit itself.
                long cap = l.amount().micros() - keep.micros();
                if (cap <= 0) {
                    return StepAdmission.refuse(FailureKind.OVER_BUDGET, "step '" + r.step() + "' leaves " + keep
                            + " of " + l.amount() + " to later steps: nothing is left for it");
                }
                holds.add(new BudgetLedger.Hold(account(l.scope(), subject, l.window(), now), cap, worst.micros(),
                        l.window().end(now, zone)));
            }
        }
        for (Limit l : soft) {
            // Soft accounts are tracked in the ledger too (so spend is known), with no cap.
            String subject = subject(l.scope(), r);
            String account = subject == null ? null : account(l.scope(), subject, l.window(), now);
            if (account != null && holds.stream().noneMatch(h -> h.account().equals(account))) {
                holds.add(new BudgetLedger.Hold(account, Long.MAX_VALUE, worst.micros(), l.window().end(now, zone)));
            }
        }
        String id = instance + "-" + sequence.incrementAndGet();
        String refusedBy = holds.isEmpty() ? null : ledger.reserve(id, holds);
        if (refusedBy != null) {
            BudgetLedger.Balance b = ledger.balance(refusedBy);
            long limit = holds.stream().filter(h -> h.account().equals(refusedBy)).findFirst()
                    .map(BudgetLedger.Hold::limitMicros).orElse(0L);
            return StepAdmission.refuse(FailureKind.OVER_BUDGET, "budget '" + refusedBy + "' (limit "
                    + Money.ofMicros(limit + keep.micros()) + (keep.isPositive() ? ", of which " + keep
                    + " is left to later steps" : "") + ") cannot cover this call's worst case " + worst + " (spent "
                    + Money.ofMicros(b.spentMicros()) + ", held " + Money.ofMicros(b.reservedMicros()) + ")");
        }
        return new BudgetTicket(id, holds.isEmpty() ? null : holds, pricing, worst, r, now);
    }

    private static String subject(Scope scope, Request r) {
        return switch (scope) {
            case CHAIN -> r.chain();
            case TENANT -> r.context().tenant().orElse(null);
            case GLOBAL -> "";
        };
    }

    private void afterSettle(Request r, Instant at, Money worst, Money actual) {
        if (!events.enabled()) {
            return;
        }
        if (actual.compareTo(worst) > 0) {
            fire(new BudgetAlert(BudgetAlert.Type.RESERVATION_EXCEEDED, r.chain() + "/" + r.step(), actual, worst,
                    "model '" + r.model() + "' cost " + actual + ", more than the reserved worst case "
                            + worst + "; the token estimator is too low for this traffic"));
        }
        for (Limit l : soft) {
            String subject = subject(l.scope(), r);
            if (subject == null) {
                continue;
            }
            String account = account(l.scope(), subject, l.window(), at);
            BudgetLedger.Balance b = ledger.balance(account);
            String label = l.window().label(at, zone);
            String series = account.substring(0, account.length() - label.length()) + l.amount().micros();
            if (b.spentMicros() >= l.amount().micros() && firstCrossing(series, label)) {
                fire(new BudgetAlert(BudgetAlert.Type.SOFT_LIMIT_CROSSED, account, Money.ofMicros(b.spentMicros()),
                        l.amount(), "soft limit " + l.amount() + " of '" + account + "' crossed"));
            }
        }
    }

    /**
     * Whether this is the first report of the window {@code label} for {@code series}. Labels of one window kind sort
     * in time order, so a late settle of an earlier window never reports that window again.
     */
    private boolean firstCrossing(String series, String label) {
        boolean[] first = {false};
        softCrossed.compute(series, (k, previous) -> {
            if (previous == null || previous.compareTo(label) < 0) {
                first[0] = true;
                return label;
            }
            return previous;
        });
        return first[0];
    }

    private void fire(BudgetAlert alert) {
        events.fire(CascadeListener::onBudgetAlert, alert);
    }

    /** One admitted attempt's reservation; settled exactly once. */
    private final class BudgetTicket implements Ticket {
        private final String id;
        private final List<BudgetLedger.Hold> holds;
        private final Pricing pricing;
        private final Money worst;
        private final Request request;
        private final Instant at;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile Money cost = Money.ZERO;

        BudgetTicket(String id, List<BudgetLedger.Hold> holds, Pricing pricing, Money worst, Request request,
                     Instant at) {
            this.id = id;
            this.holds = holds;
            this.pricing = pricing;
            this.worst = worst;
            this.request = request;
            this.at = at;
        }

        @Override
        public boolean admitted() {
            return true;
        }

        @Override
        public void settle(Usage usage, FailureKind failure) {
            // What was really billed: the reported usage (a failed call usually reports none: a release).
            settleAt(usage.totalTokens() == 0 ? Money.ZERO : pricing.cost(usage));
        }

        /**
         * An abandoned call that never reported within the grace may still be billed up to the worst case: settle
         * that, so the ledger never under-counts real spend and a hard limit holds for it too.
         */
        @Override
        public void settleUnreported(FailureKind failure) {
            settleAt(worst);
        }

        @Override
        public Money reserved() {
            return worst;
        }

        private void settleAt(Money actual) {
            if (!settled.compareAndSet(false, true)) {
                throw new IllegalStateException("reservation '" + id + "' is already settled; settle exactly once");
            }
            cost = actual; // spent whatever the ledger says next
            if (holds != null) {
                try {
                    ledger.settle(id, actual.micros());
                } catch (RuntimeException e) {
                    // The hold stays open until the ledger can be reached again (see
                    // JdbcBudgetLedger.releaseOpenOlderThan); say so rather than fail the answer.
                    fire(new BudgetAlert(BudgetAlert.Type.SETTLE_FAILED, id, actual, worst, "settling reservation '"
                            + id + "' of " + actual + " failed (" + e.getClass().getSimpleName() + "): the hold of "
                            + worst + " stays open until released"));
                    throw e;
                }
            }
            afterSettle(request, at, worst, actual);
        }

        @Override
        public Money cost() {
            return cost;
        }
    }

    /** Configures a {@link Budget}. Not thread-safe; {@code build()} copies. */
    public static final class Builder {
        private Money perRequest;
        private final List<Limit> hard = new ArrayList<>();
        private final List<Limit> soft = new ArrayList<>();
        private ZoneId zone = ZoneOffset.UTC;
        private PriceCatalog prices = PriceCatalog.builtIn();
        private TokenEstimator estimator = TokenEstimator.charsPerToken();
        private int defaultMaxOutputTokens = 4096;
        private BudgetLedger ledger;
        private Clock clock = Clock.systemUTC();
        private final List<CascadeListener> listeners = new ArrayList<>();
        private final Map<String, Money> headroom = new java.util.HashMap<>();
        private Duration history = DEFAULT_HISTORY;

        private Builder() {
        }

        /**
         * How long the spend of an ended window stays queryable ({@link Budget#spend(Scope, String, Window, Instant)})
         * in an {@link InMemoryBudgetLedger}: past that, the ledger forgets the window's account, so memory holds the
         * current windows plus this much history instead of every window ever seen. The current window of every limit
         * is never forgotten, whatever this is. Default: 2 days (yesterday's daily spend and the last 48 hourly
         * windows stay readable). Must be > 0. A {@link JdbcBudgetLedger} keeps what its own
         * {@link JdbcBudgetLedger#purgeWindowsOlderThan} leaves.
         */
        public Builder history(Duration history) {
            Objects.requireNonNull(history, "history");
            if (history.isNegative() || history.isZero()) {
                throw new IllegalArgumentException("history must be > 0, was " + history
                        + "; it is how long ended budget windows stay queryable (default " + DEFAULT_HISTORY + ")");
            }
            this.history = history;
            return this;
        }

        /**
         * Makes model step {@code step} leave {@code usd} of every hard limit to the steps after it: it is skipped
         * ({@code OVER_BUDGET}) once its worst case would take spending closer than that to the limit. So when money
         * runs low, the expensive first step stops before it has spent the day, and the cheaper steps still have
         * budget to answer. Enforced by the ledger, atomically, like the limit. Default: none. Must be > 0.
         */
        public Builder headroom(String step, String usd) {
            if (step == null || step.isBlank()) {
                throw new IllegalArgumentException("headroom step must not be blank");
            }
            headroom.put(step, positive("headroom(" + step + ")", Money.usd(usd)));
            return this;
        }

        /** The most one execution may commit, in USD (e.g. {@code "0.05"}). Default: no ceiling. Must be > 0. */
        public Builder perRequest(String usd) {
            this.perRequest = positive("perRequest", Money.usd(usd));
            return this;
        }

        /** A hard limit in USD: reservations never take {@code scope}'s spending in a {@code window} past it. */
        public Builder limit(Scope scope, Window window, String usd) {
            Limit l = new Limit(Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(window, "window"),
                    positive("limit(" + scope + ", " + window + ")", Money.usd(usd)));
            if (hard.stream().anyMatch(h -> h.scope() == scope && h.window() == window)) {
                throw new IllegalArgumentException("limit(" + scope + ", " + window + ") is set twice");
            }
            hard.add(l);
            return this;
        }

        /** A hard daily limit on each chain: {@code limit(Scope.CHAIN, Window.DAY, usd)}. */
        public Builder perDay(String usd) {
            return limit(Scope.CHAIN, Window.DAY, usd);
        }

        /** A soft limit in USD: crossing it raises {@link BudgetAlert.Type#SOFT_LIMIT_CROSSED}; nothing is refused. */
        public Builder softLimit(Scope scope, Window window, String usd) {
            soft.add(new Limit(Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(window, "window"),
                    positive("softLimit(" + scope + ", " + window + ")", Money.usd(usd))));
            return this;
        }

        /** The time zone windows align to. Default: UTC. */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /** The price catalogue. Default: {@link PriceCatalog#builtIn()}. */
        public Builder prices(PriceCatalog prices) {
            this.prices = Objects.requireNonNull(prices, "prices");
            return this;
        }

        /** Adds or overrides one model's price (on top of the catalogue set so far). */
        public Builder price(String model, Pricing pricing) {
            this.prices = prices.with(model, pricing);
            return this;
        }

        /** How input tokens are estimated for the reservation. Default: {@link TokenEstimator#charsPerToken()}. */
        public Builder estimator(TokenEstimator estimator) {
            this.estimator = Objects.requireNonNull(estimator, "estimator");
            return this;
        }

        /** Output tokens reserved for a request that sets no cap. Default: 4096. Must be > 0. */
        public Builder defaultMaxOutputTokens(int tokens) {
            if (tokens <= 0) {
                throw new IllegalArgumentException("defaultMaxOutputTokens must be > 0, was " + tokens);
            }
            this.defaultMaxOutputTokens = tokens;
            return this;
        }

        /** Where money is held. Default: a new {@link InMemoryBudgetLedger} (one process only). */
        public Builder ledger(BudgetLedger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            return this;
        }

        /** The clock windows are read from. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Receives {@link BudgetAlert}s. A listener that throws is ignored. */
        public Builder listener(CascadeListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @throws IllegalStateException if no limit at all is set */
        public Budget build() {
            if (perRequest == null && hard.isEmpty() && soft.isEmpty()) {
                throw new IllegalStateException("a budget needs at least one limit: perRequest(...), limit(...) or"
                        + " softLimit(...)");
            }
            return new Budget(this);
        }

        private static Money positive(String field, Money m) {
            if (!m.isPositive()) {
                throw new IllegalArgumentException(field + " must be > 0, was " + m);
            }
            return m;
        }
    }

    @Override
    public String toString() {
        return "Budget[perRequest=" + perRequest + ", hard=" + hard + ", soft=" + soft + ", zone=" + zone + "]";
    }
}
