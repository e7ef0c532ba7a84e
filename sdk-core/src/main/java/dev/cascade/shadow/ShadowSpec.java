package dev.cascade.shadow;

import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import dev.cascade.spi.StepAdmission;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * How a shadow candidate runs: which share of live executions it samples, how its answer is compared, and what bounds
 * it (its own budget, rate limit, queue and threads). Built by {@link Builder}; immutable and thread-safe.
 *
 * <p>Defaults: share 5% ({@link #DEFAULT_SHARE}), a random sampler, equality as the comparator, agreement at a score
 * of 0.5 or more, the chain's prompt mapper and parser, no budget, no price, no rate limit, one worker thread and a
 * queue of 100 ({@link #DEFAULT_QUEUE_CAPACITY}), no call timeout.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class ShadowSpec<I, O> {
    /** The default share of executions sampled: 5%. */
    public static final double DEFAULT_SHARE = 0.05;
    /** The default queue capacity: 100 samples waiting for a worker. */
    public static final int DEFAULT_QUEUE_CAPACITY = 100;
    /** The default agreement threshold: a score of 0.5 or more is agreement. */
    public static final double DEFAULT_AGREEMENT_THRESHOLD = 0.5;

    private final double share;
    private final DoubleSupplier sampler;
    private final ShadowComparator<? super O> comparator;
    private final double agreementThreshold;
    private final Function<? super I, ModelRequest> prompt;
    private final Function<? super ModelResponse, ? extends O> parse;
    private final StepAdmission budget;
    private final Pricing pricing;
    private final String modelName;
    private final int ratePermits;
    private final Duration ratePeriod;
    private final int queueCapacity;
    private final int concurrency;
    private final Duration timeout;

    private ShadowSpec(Builder<I, O> b) {
        this.share = b.share;
        this.sampler = b.sampler;
        this.comparator = b.comparator;
        this.agreementThreshold = b.agreementThreshold;
        this.prompt = b.prompt;
        this.parse = b.parse;
        this.budget = b.budget;
        this.pricing = b.pricing;
        this.modelName = b.modelName;
        this.ratePermits = b.ratePermits;
        this.ratePeriod = b.ratePeriod;
        this.queueCapacity = b.queueCapacity;
        this.concurrency = b.concurrency;
        this.timeout = b.timeout;
    }

    public static <I, O> Builder<I, O> builder() {
        return new Builder<>();
    }

    /** The share of executions sampled, in [0, 1]. */
    public double share() {
        return share;
    }

    /** Draws a number in [0, 1) per execution; the execution is sampled when it is below {@link #share()}. */
    public DoubleSupplier sampler() {
        return sampler;
    }

    public ShadowComparator<? super O> comparator() {
        return comparator;
    }

    /** A comparison scoring at least this is an agreement. */
    public double agreementThreshold() {
        return agreementThreshold;
    }

    /** The candidate's own prompt mapper, or {@code null} for the chain's. */
    public Function<? super I, ModelRequest> prompt() {
        return prompt;
    }

    /** The candidate's own parser, or {@code null} for the chain's. */
    public Function<? super ModelResponse, ? extends O> parse() {
        return parse;
    }

    /** The candidate's own budget (any admission, e.g. a {@link dev.cascade.budget.Budget}), or {@code null}. */
    public StepAdmission budget() {
        return budget;
    }

    /** The candidate's price, or {@code null}. */
    public Pricing pricing() {
        return pricing;
    }

    /** The candidate's model name, or {@code null} for the client's. */
    public String modelName() {
        return modelName;
    }

    /** Calls allowed per {@link #ratePeriod()}, or 0 for no rate limit. */
    public int ratePermits() {
        return ratePermits;
    }

    /** The rate limit's period, or {@code null} for none. */
    public Duration ratePeriod() {
        return ratePeriod;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /** Worker threads calling the candidate at once. */
    public int concurrency() {
        return concurrency;
    }

    /** How long one candidate call may take, or {@code null} for no limit. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "shadow(share=" + share + ", agreementThreshold=" + agreementThreshold
                + (budget == null ? "" : ", budget") + (pricing == null ? "" : ", pricing=" + pricing)
                + (ratePermits == 0 ? "" : ", rateLimit=" + ratePermits + "/" + ratePeriod)
                + (timeout == null ? "" : ", timeout=" + timeout)
                + ", queueCapacity=" + queueCapacity + ", concurrency=" + concurrency + ")";
    }

    /**
     * Builds a {@link ShadowSpec}. Each setter checks its value at once, throwing
     * {@link CascadeConfigurationException} naming the option. Not thread-safe.
     */
    public static final class Builder<I, O> {
        private double share = DEFAULT_SHARE;
        private DoubleSupplier sampler = () -> ThreadLocalRandom.current().nextDouble();
        private ShadowComparator<? super O> comparator = ShadowComparator.equality();
        private double agreementThreshold = DEFAULT_AGREEMENT_THRESHOLD;
        private Function<? super I, ModelRequest> prompt;
        private Function<? super ModelResponse, ? extends O> parse;
        private StepAdmission budget;
        private Pricing pricing;
        private String modelName;
        private int ratePermits;
        private Duration ratePeriod;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int concurrency = 1;
        private Duration timeout;

        private Builder() {
        }

        /** The share of live executions sent to the candidate, in [0, 1]. Default 0.05. */
        public Builder<I, O> share(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new CascadeConfigurationException("share", share, "must be in [0, 1], was " + share,
                        "use a fraction, e.g. 0.05 for 5% of executions");
            }
            this.share = share;
            return this;
        }

        /**
         * The sampler: called once per finished execution, returns a number in [0, 1); the execution is sampled when
         * it is below the share. Inject a fixed one in tests (e.g. {@code () -> 0.0} samples every execution).
         * Default: {@link ThreadLocalRandom}.
         */
        public Builder<I, O> sampler(DoubleSupplier sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /** How the candidate's answer is scored against the chain's. Default: {@link ShadowComparator#equality()}. */
        public Builder<I, O> comparator(ShadowComparator<? super O> comparator) {
            this.comparator = Objects.requireNonNull(comparator, "comparator");
            return this;
        }

        /** A comparison scoring at least this counts as agreement, in (0, 1]. Default 0.5. */
        public Builder<I, O> agreementThreshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new CascadeConfigurationException("agreementThreshold", threshold, "must be in (0, 1], was "
                        + threshold, "use e.g. 0.5, or 1.0 to count only full agreement");
            }
            this.agreementThreshold = threshold;
            return this;
        }

        /** The candidate's own prompt mapper. Default: the chain's (the same request the chain's steps get). */
        public Builder<I, O> prompt(Function<? super I, ModelRequest> mapper) {
            this.prompt = Objects.requireNonNull(mapper, "prompt");
            return this;
        }

        /** The candidate's own parser. Default: the chain's. */
        public Builder<I, O> parse(Function<? super ModelResponse, ? extends O> parser) {
            this.parse = Objects.requireNonNull(parser, "parse");
            return this;
        }

        /**
         * The candidate's own budget, separate from the chain's: every candidate call reserves its worst case on it
         * first and is not made when refused (counted as over budget). A {@link dev.cascade.budget.Budget} is one,
         * e.g. {@code Budget.builder().perDay("5.00").build()}; it sees the candidate's calls as chain
         * {@code <chain>/shadow/<candidate>} and step {@code <candidate>}, so its accounts stay apart from the chain's
         * even on a shared ledger. Default: none.
         */
        public Builder<I, O> budget(StepAdmission budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** The candidate's price: its calls' cost in the report, and what its budget reserves at. Default: none. */
        public Builder<I, O> pricing(Pricing pricing) {
            this.pricing = Objects.requireNonNull(pricing, "pricing");
            return this;
        }

        /** The model the candidate calls, for its budget's price catalogue and telemetry. Default: the client's. */
        public Builder<I, O> modelName(String name) {
            Objects.requireNonNull(name, "modelName");
            if (name.isBlank()) {
                throw new CascadeConfigurationException("modelName", name, "must not be blank",
                        "name the model, e.g. \"gpt-4o-mini\", or leave it unset for the client's");
            }
            this.modelName = name;
            return this;
        }

        /**
         * At most {@code permits} candidate calls per {@code period}, on the chain's time source; a sample over it is
         * not called (counted as rate limited), never waited for. Default: no limit.
         */
        public Builder<I, O> rateLimit(int permits, Duration period) {
            if (permits <= 0) {
                throw new CascadeConfigurationException("rateLimit.permits", permits, "must be > 0, was " + permits,
                        "allow at least one call per period, e.g. rateLimit(10, Duration.ofSeconds(1))");
            }
            Objects.requireNonNull(period, "rateLimit.period");
            if (period.isNegative() || period.isZero()) {
                throw new CascadeConfigurationException("rateLimit.period", period, "must be > 0, was " + period,
                        "use a positive period, e.g. Duration.ofSeconds(1)");
            }
            this.ratePermits = permits;
            this.ratePeriod = period;
            return this;
        }

        /** Samples that may wait for a worker; one more is dropped (counted), never blocking the caller. Default 100. */
        public Builder<I, O> queueCapacity(int capacity) {
            if (capacity < 0) {
                throw new CascadeConfigurationException("queueCapacity", capacity, "must be >= 0, was " + capacity,
                        "use e.g. 100; 0 drops every sample that finds all workers busy");
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** Worker threads (daemon, stopped when idle) calling the candidate at once. Default 1. */
        public Builder<I, O> concurrency(int threads) {
            if (threads <= 0 || threads > 256) {
                throw new CascadeConfigurationException("concurrency", threads, "must be in [1, 256], was " + threads,
                        "use a small number, e.g. 1 or 4: shadow traffic is a sample");
            }
            this.concurrency = threads;
            return this;
        }

        /**
         * Bounds each candidate call, on the chain's time source: a call still running then is interrupted, left
         * behind and counted as an error, and the worker takes the next sample. Without it, a candidate that never
         * returns holds its worker, and once every worker is held the queue fills and further samples are dropped
         * (the caller is never affected either way). Default: none. Must be > 0.
         */
        public Builder<I, O> timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new CascadeConfigurationException("timeout", timeout, "must be > 0, was " + timeout,
                        "use a positive duration, e.g. Duration.ofSeconds(30), or leave it unset for none");
            }
            this.timeout = timeout;
            return this;
        }

        public ShadowSpec<I, O> build() {
            return new ShadowSpec<>(this);
        }
    }
}
