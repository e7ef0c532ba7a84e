package dev.cascade.eval;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.spi.TimeSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Runs a labelled {@link Dataset} through one chain or several named variants of it, side by side, scores the
 * answers and reports per variant, per answering step and per tag: accuracy, cost, latency percentiles, answered and
 * review shares, failures by kind, and the {@link Counterfactual} cost of answering everything with the most expensive
 * model.
 *
 * <pre>{@code
 * Evaluation<Ticket, Reply> eval = Evaluation.<Ticket, Reply>builder()
 *         .input(c -> new Ticket(c.input()))
 *         .scorer(Scorers.jsonField("category", Reply::json))
 *         .variant("always-advanced", advancedOnly)
 *         .variant("cascade", fullChain)
 *         .concurrency(4)
 *         .moneyCap(Money.usd("5.00"))
 *         .counterfactual("gpt-4o", Pricing.perMillionTokens("2.50", "10.00"))
 *         .build();
 * EvaluationResult result = eval.run(Dataset.load(Path.of("tickets.jsonl")));
 * }</pre>
 *
 * <p><b>How it runs.</b> Variants run one after the other, in the order added, so they never compete for a provider's
 * rate limit; within a variant, up to {@link Builder#concurrency} cases run at once (with concurrency 1, on the calling
 * thread, in data set order). A case runs through {@link Cascade#execute(Object, CallContext)}; a pending review is not
 * waited for. The <b>money cap</b> is checked before each case: once the run (all variants) has spent the cap, the
 * remaining cases are not run ({@code NOT_RUN}). Cases already running finish, so the run can overshoot the cap by at
 * most what {@code concurrency} cases cost; a hard limit per call belongs in the chains' own budgets.
 * Latency is each outcome's {@link Outcome#elapsed()}, measured by the chain's own time source (give the chains and
 * the evaluation a {@code VirtualTime} for exact figures in tests, with concurrency 1). The evaluation's
 * {@link Builder#timeSource} stamps the run's start and end.
 *
 * <p>Defaults: concurrency 1, no money cap, no counterfactual, {@link TimeSource#system()}, an empty
 * {@link CallContext} per case. A built evaluation is immutable and thread-safe; each {@link #run} is independent.
 *
 * @param <I> the chains' input type
 * @param <O> the chains' output type
 */
public final class Evaluation<I, O> {
    private final Function<EvalCase, I> input;
    private final Function<EvalCase, CallContext> context;
    private final Scorer<? super O> scorer;
    private final List<Variant<I, O>> variants;
    private final int concurrency;
    private final Money moneyCap;
    private final TimeSource time;
    private final Map<String, Pricing> counterfactuals;

    private Evaluation(Builder<I, O> b) {
        this.input = b.input;
        this.context = b.context;
        this.scorer = b.scorer;
        this.variants = List.copyOf(b.variants);
        this.concurrency = b.concurrency;
        this.moneyCap = b.moneyCap;
        this.time = b.time;
        this.counterfactuals = Map.copyOf(b.counterfactuals);
    }

    /** Starts an evaluation. */
    public static <I, O> Builder<I, O> builder() {
        return new Builder<>();
    }

    /** The variants' names, in order. */
    public List<String> variantNames() {
        return variants.stream().map(Variant::name).toList();
    }

    /** Runs {@code dataset} through every variant with a random run id. */
    public EvaluationResult run(Dataset dataset) {
        return run(dataset, UUID.randomUUID().toString());
    }

    /**
     * Runs {@code dataset} through every variant.
     *
     * @throws IllegalStateException if the calling thread is interrupted (the run stops)
     */
    public EvaluationResult run(Dataset dataset, String runId) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(runId, "runId");
        Instant started = time.now();
        AtomicLong spent = new AtomicLong();
        List<List<CaseRun>> perVariant = new ArrayList<>();
        ExecutorService pool = concurrency > 1 ? Executors.newFixedThreadPool(concurrency, threads()) : null;
        try {
            for (Variant<I, O> v : variants) {
                perVariant.add(runVariant(v, dataset, spent, pool));
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        Counterfactuals cf = Counterfactuals.estimate(counterfactuals, perVariant);
        List<VariantResult> results = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            results.add(MetricsCalc.variant(variants.get(i).name(), variants.get(i).chain().name(),
                    perVariant.get(i), cf));
        }
        return new EvaluationResult(runId, dataset.name(), dataset.size(), scorerName(), started, time.now(),
                moneyCap, Money.ofMicros(spent.get()), results, cf.result());
    }

    private String scorerName() {
        return scorer.name();
    }

    private List<CaseRun> runVariant(Variant<I, O> v, Dataset dataset, AtomicLong spent, ExecutorService pool) {
        List<EvalCase> cases = dataset.cases();
        String firstStep = v.chain().describe().steps().isEmpty() ? null
                : v.chain().describe().steps().get(0).name();
        List<CaseRun> out = new ArrayList<>(cases.size());
        if (pool == null) {
            for (EvalCase c : cases) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("evaluation interrupted in variant '" + v.name() + "'");
                }
                out.add(runCase(v, c, firstStep, spent));
            }
            return out;
        }
        List<Future<CaseRun>> futures = new ArrayList<>(cases.size());
        for (EvalCase c : cases) {
            futures.add(pool.submit(() -> runCase(v, c, firstStep, spent)));
        }
        try {
            for (Future<CaseRun> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted in variant '" + v.name() + "'", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw new IllegalStateException("evaluation of variant '" + v.name() + "' failed: " + e.getCause(),
                    e.getCause());
        }
        return out;
    }

    private CaseRun runCase(Variant<I, O> v, EvalCase c, String firstStep, AtomicLong spent) {
        if (moneyCap != null && spent.get() >= moneyCap.micros()) {
            return CaseRun.notRun(c);
        }
        I in;
        CallContext ctx;
        try {
            in = input.apply(c);
            ctx = context.apply(c);
        } catch (RuntimeException e) {
            return CaseRun.error(c, "INPUT", "input mapping threw " + e.getClass().getSimpleName(), 0);
        }
        long t0 = time.nanoTime();
        Outcome<O> outcome;
        try {
            outcome = v.chain().execute(in, ctx);
        } catch (RuntimeException e) {
            return CaseRun.error(c, "EXCEPTION", "execute threw " + e.getClass().getSimpleName(),
                    (time.nanoTime() - t0) / 1e6);
        }
        spent.addAndGet(outcome.cost().micros());
        Score score = null;
        if (outcome.isAnswered() && c.expected() != null) {
            try {
                score = scorer.score(c, outcome.answer().orElse(null));
            } catch (RuntimeException e) {
                score = Score.wrong("scorer threw " + e.getClass().getSimpleName());
            }
        }
        return CaseRun.of(c, outcome, score, firstStep);
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "cascade-eval-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private record Variant<I, O>(String name, Cascade<I, O> chain) {
    }

    /**
     * Builds an {@link Evaluation}. Not thread-safe; {@link #build()} copies, so a builder can be reused.
     *
     * @param <I> the chains' input type
     * @param <O> the chains' output type
     */
    public static final class Builder<I, O> {
        private Function<EvalCase, I> input;
        private Function<EvalCase, CallContext> context = c -> CallContext.empty();
        private Scorer<? super O> scorer;
        private final List<Variant<I, O>> variants = new ArrayList<>();
        private int concurrency = 1;
        private Money moneyCap;
        private TimeSource time = TimeSource.system();
        private final Map<String, Pricing> counterfactuals = new LinkedHashMap<>();

        private Builder() {
        }

        /** Maps a case to the chains' input (required); e.g. {@code EvalCase::input} for a chain of strings. */
        public Builder<I, O> input(Function<EvalCase, I> input) {
            this.input = Objects.requireNonNull(input, "input");
            return this;
        }

        /** Maps a case to the call context (tenant, attributes such as the template id). Default: empty. */
        public Builder<I, O> context(Function<EvalCase, CallContext> context) {
            this.context = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Scores answered cases that have an expected answer (required). */
        public Builder<I, O> scorer(Scorer<? super O> scorer) {
            this.scorer = Objects.requireNonNull(scorer, "scorer");
            return this;
        }

        /** Adds a variant: a chain run over the whole data set under {@code name} (unique). At least one. */
        public Builder<I, O> variant(String name, Cascade<I, O> chain) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(chain, "chain");
            if (name.isBlank()) {
                throw new IllegalArgumentException("variant name must not be blank");
            }
            for (Variant<I, O> v : variants) {
                if (v.name().equals(name)) {
                    throw new IllegalArgumentException("variant '" + name + "' was already added; give each variant"
                            + " its own name");
                }
            }
            variants.add(new Variant<>(name, chain));
            return this;
        }

        /** How many cases of a variant run at once; default 1 (on the calling thread). */
        public Builder<I, O> concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1024) {
                throw new IllegalArgumentException("concurrency must be in [1, 1024], was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Stops starting cases once the run has spent {@code cap} (see the class notes); default none. */
        public Builder<I, O> moneyCap(Money cap) {
            Objects.requireNonNull(cap, "cap");
            if (!cap.isPositive()) {
                throw new IllegalArgumentException("moneyCap must be > $0, was " + cap);
            }
            this.moneyCap = cap;
            return this;
        }

        /** Where the run's start and end times come from; default {@link TimeSource#system()}. */
        public Builder<I, O> timeSource(TimeSource time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * A candidate for the counterfactual "most expensive model": its name (as the answering attempts report it,
         * or its step name) and price. Call once per candidate; the one with the highest total on the run's tokens is
         * used (see {@link Counterfactual}). Default: none, and no counterfactual is computed.
         */
        public Builder<I, O> counterfactual(String model, Pricing pricing) {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(pricing, "pricing");
            counterfactuals.put(model, pricing);
            return this;
        }

        /**
         * Builds the evaluation.
         *
         * @throws IllegalStateException naming what is missing (input, scorer, variants)
         */
        public Evaluation<I, O> build() {
            if (input == null) {
                throw new IllegalStateException("evaluation input is not set; call input(c -> ...) to map a case to"
                        + " the chain's input, e.g. input(EvalCase::input)");
            }
            if (scorer == null) {
                throw new IllegalStateException("evaluation scorer is not set; call scorer(...), e.g."
                        + " scorer(Scorers.exactLabel())");
            }
            if (variants.isEmpty()) {
                throw new IllegalStateException("evaluation has no variant; call variant(\"name\", chain) at least"
                        + " once");
            }
            return new Evaluation<>(this);
        }
    }
}
