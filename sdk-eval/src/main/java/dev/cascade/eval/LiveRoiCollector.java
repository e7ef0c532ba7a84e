package dev.cascade.eval;

import dev.cascade.api.Attempt;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.event.ChainBuilt;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.TimeSource;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A listener that adds up what chains really did in a period, for an {@link RoiReport#fromPeriod live ROI report}:
 * executions, cost, latency, answered and review shares, executions by answering step, and the counterfactual cost of
 * answering every execution with the most expensive model. Add it to chains with
 * {@code .listener(collector)}; read with {@link #snapshot()}, start a new period with {@link #reset()}.
 *
 * <p><b>Counterfactual</b>: each execution's tokens (those of the model call that answered, else of its first model
 * call that reported usage) are priced at the counterfactual model's price, uncached; executions without a model call
 * (rules, cache, review) are priced at the period's mean tokens per execution with a model call. Their saving goes to
 * their {@link Levers lever}. Latency percentiles are computed over the last {@value #RESERVOIR} executions (a ring
 * buffer, so memory stays bounded); counts and costs over the whole period.
 *
 * <p>Thread-safe (one lock, held briefly per execution); events are only observed, never changed.
 */
public final class LiveRoiCollector implements CascadeListener {
    /** How many recent latencies the percentiles use. */
    public static final int RESERVOIR = 10_000;

    private final String model;
    private final Pricing pricing;
    private final TimeSource time;
    private final Map<String, String> firstSteps = new ConcurrentHashMap<>();

    private Instant from;
    private long executions;
    private long cost;
    private long answered;
    private long review;
    private long unanswered;
    private final Map<String, Long> answeredBy = new HashMap<>();
    private final double[] latencies = new double[RESERVOIR];
    private long latencyCount;
    private long cfOwn;
    private long ownIn;
    private long ownOut;
    private long ownCount;
    private final Map<String, Long> leverActual = new HashMap<>();
    private final Map<String, Long> leverCf = new HashMap<>();
    private final Map<String, Long> leverWithoutTokens = new HashMap<>();

    /**
     * A collector pricing the counterfactual at {@code pricing} for {@code model} (the most expensive model; its
     * name is also matched against answering attempts, see {@link Levers}), stamping periods with {@code time}.
     */
    public LiveRoiCollector(String model, Pricing pricing, TimeSource time) {
        this.model = Objects.requireNonNull(model, "model");
        this.pricing = Objects.requireNonNull(pricing, "pricing");
        this.time = Objects.requireNonNull(time, "time");
        this.from = time.now();
    }

    /** As {@link #LiveRoiCollector(String, Pricing, TimeSource)} on the system clock. */
    public LiveRoiCollector(String model, Pricing pricing) {
        this(model, pricing, TimeSource.system());
    }

    @Override
    public void onChainBuilt(ChainBuilt event) {
        if (!event.description().steps().isEmpty()) {
            firstSteps.put(event.chain(), event.description().steps().get(0).name());
        }
    }

    @Override
    public void onExecutionFinished(ExecutionFinished event) {
        Outcome<?> o = event.outcome();
        String lever = Levers.of(o, firstSteps.get(o.chain()), model);
        Usage u = representative(o);
        long micros = o.cost().micros();
        double ms = o.elapsed().toNanos() / 1e6;
        synchronized (this) {
            executions++;
            cost += micros;
            switch (o.status()) {
                case ANSWERED -> {
                    answered++;
                    answeredBy.merge(o.answeredBy().orElse("?"), 1L, Long::sum);
                }
                case PENDING_REVIEW -> review++;
                default -> unanswered++;
            }
            latencies[(int) (latencyCount++ % RESERVOIR)] = ms;
            leverActual.merge(lever, micros, Long::sum);
            if (u != null) {
                long c = pricing.cost(Usage.of(u.inputTokens(), u.outputTokens())).micros();
                cfOwn += c;
                ownIn += u.inputTokens();
                ownOut += u.outputTokens();
                ownCount++;
                leverCf.merge(lever, c, Long::sum);
            } else {
                leverWithoutTokens.merge(lever, 1L, Long::sum);
            }
        }
    }

    /** The figures since the start of the period. */
    public synchronized PeriodFigures snapshot() {
        long meanCost = ownCount == 0 ? 0 : pricing.cost(Usage.of(ceilDiv(ownIn, ownCount),
                ceilDiv(ownOut, ownCount))).micros();
        long withoutTokens = 0;
        Map<String, Money> savings = new TreeMap<>();
        for (String lever : leverActual.keySet()) {
            long n = leverWithoutTokens.getOrDefault(lever, 0L);
            withoutTokens += n;
            long cf = leverCf.getOrDefault(lever, 0L) + n * meanCost;
            savings.put(lever, Money.ofMicros(cf - leverActual.get(lever)));
        }
        int n = (int) Math.min(latencyCount, RESERVOIR);
        double[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        Money total = Money.ofMicros(cost);
        return new PeriodFigures(from, time.now(), executions, total,
                Counterfactuals.perTransaction(total, (int) Math.min(executions, Integer.MAX_VALUE)),
                MetricsCalc.percentile(sorted, 50), MetricsCalc.percentile(sorted, 90),
                MetricsCalc.percentile(sorted, 99), answered, review, unanswered, answeredBy, model,
                Money.ofMicros(cfOwn + withoutTokens * meanCost), savings);
    }

    /** Starts a new period now, forgetting the figures so far. */
    public synchronized void reset() {
        from = time.now();
        executions = cost = answered = review = unanswered = latencyCount = 0;
        cfOwn = ownIn = ownOut = ownCount = 0;
        answeredBy.clear();
        leverActual.clear();
        leverCf.clear();
        leverWithoutTokens.clear();
    }

    private static Usage representative(Outcome<?> o) {
        String by = o.answeredBy().orElse(null);
        for (Attempt a : o.attempts()) {
            if (a.status() == Attempt.Status.ANSWERED && a.calledModel() && a.step().equals(by)
                    && a.usage().totalTokens() > 0) {
                return a.usage();
            }
        }
        for (Attempt a : o.attempts()) {
            if (a.calledModel() && a.usage().totalTokens() > 0) {
                return a.usage();
            }
        }
        return null;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
