package dev.cascade.shadow;

import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.event.ShadowCompared;
import dev.cascade.event.ShadowCompared.Result;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.StepAdmission;
import dev.cascade.spi.TimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Function;

/**
 * One running shadow candidate of a chain. The chain hands it every finished execution ({@link #offer}) after the
 * outcome is built; the candidate decides on the caller's thread, without blocking, whether to sample it (sampler,
 * answered outcome, rate limit, free room in its queue), and calls the candidate model on its own worker threads:
 * its budget first, then the call, the parser and the comparator. Nothing it does reaches the caller: every
 * exception is contained and counted. Created by {@link dev.cascade.CascadeBuilder#shadow}; read through
 * {@link #report()} or {@link dev.cascade.Cascade#shadows()}. Thread-safe.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class ShadowCandidate<I, O> {
    private final String chain;
    private final String name;
    private final ModelClient client;
    private final ShadowSpec<I, O> spec;
    private final Function<? super I, ModelRequest> prompt;
    private final Function<? super ModelResponse, ? extends O> parse;
    private final Events events;
    private final TimeSource time;
    private final String model;
    private final Pricing pricing;
    private final ThreadPoolExecutor workers;
    /** Where a call with a timeout runs while its worker waits; null without a timeout. */
    private final ThreadPoolExecutor callers;
    private final long ratePeriodNanos;
    /** The chain name the candidate's budget sees: apart from the chain's own accounts, even on a shared ledger. */
    private final String account;

    private final AtomicLong executions = new AtomicLong();
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong agreements = new AtomicLong();
    private final AtomicLong disagreements = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong notComparable = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong overBudget = new AtomicLong();
    private final DoubleAdder scores = new DoubleAdder();
    private final AtomicLong costMicros = new AtomicLong();
    private final AtomicLong inputTokens = new AtomicLong();
    private final AtomicLong outputTokens = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong latencyNanos = new AtomicLong();
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    /** The rate limit's current window: its start and the permits it has given. Guarded by {@code this}. */
    private long windowStart = Long.MIN_VALUE;
    private int windowUsed;

    /**
     * @param prompt the prompt mapper to use (the spec's, else the chain's)
     * @param parse  the parser to use (the spec's, else the chain's)
     * @param events the chain's listeners
     */
    public ShadowCandidate(String chain, String name, ModelClient client, ShadowSpec<I, O> spec,
                           Function<? super I, ModelRequest> prompt,
                           Function<? super ModelResponse, ? extends O> parse, Events events, TimeSource time) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.name = Objects.requireNonNull(name, "name");
        this.client = Objects.requireNonNull(client, "client");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        this.parse = Objects.requireNonNull(parse, "parse");
        this.events = Objects.requireNonNull(events, "events");
        this.time = Objects.requireNonNull(time, "time");
        this.model = spec.modelName() != null ? spec.modelName() : client.model();
        this.pricing = spec.pricing() != null ? spec.pricing()
                : spec.budget() instanceof Budget b && model != null ? b.price(model).orElse(null) : null;
        this.account = chain + "/shadow/" + name;
        this.ratePeriodNanos = spec.ratePeriod() == null ? 0 : spec.ratePeriod().toNanos();
        BlockingQueue<Runnable> queue = spec.queueCapacity() == 0 ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(spec.queueCapacity());
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(spec.concurrency(), spec.concurrency(), 30, TimeUnit.SECONDS, queue,
                r -> {
                    Thread t = new Thread(r, "cascade-shadow-" + chain + "-" + name + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        workers.allowCoreThreadTimeOut(true);
        // A call left behind at its timeout keeps its thread until it ends: at most twice the workers, then refused.
        this.callers = spec.timeout() == null ? null : new ThreadPoolExecutor(0, 2 * spec.concurrency(), 30,
                TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "cascade-shadow-call-" + chain + "-" + name + "-"
                            + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** The candidate's name. */
    public String name() {
        return name;
    }

    /** The candidate's spec. */
    public ShadowSpec<I, O> spec() {
        return spec;
    }

    /**
     * Takes a finished execution: samples it or not, and queues the candidate call. Never blocks and never throws
     * (except a {@link VirtualMachineError}); called by the chain after the outcome is built.
     *
     * @param info the execution as the chain's events saw it, or {@code null}
     */
    public void offer(I input, CallContext context, Outcome<O> outcome, ExecutionInfo info) {
        executions.incrementAndGet();
        try {
            double draw = spec.sampler().getAsDouble();
            if (!(draw < spec.share())) {
                return;
            }
            sampled.incrementAndGet();
            if (!outcome.isAnswered()) {
                notComparable.incrementAndGet();
                report(info, outcome, Result.NOT_COMPARABLE, Double.NaN, Money.ZERO, Usage.NONE, null, 0,
                        "the execution ended " + outcome.status() + ": no answer to compare with");
                return;
            }
            if (!ratePermit()) {
                rateLimited.incrementAndGet();
                report(info, outcome, Result.RATE_LIMITED, Double.NaN, Money.ZERO, Usage.NONE, null, 0,
                        "rate limit of " + spec.ratePermits() + " per " + spec.ratePeriod() + " reached");
                return;
            }
            O answer = outcome.answer().orElseThrow();
            try {
                workers.execute(() -> run(input, context, outcome, answer, info));
            } catch (RejectedExecutionException e) {
                dropped.incrementAndGet();
                report(info, outcome, Result.DROPPED, Double.NaN, Money.ZERO, Usage.NONE, null, 0,
                        "queue full (" + spec.queueCapacity() + " waiting, " + spec.concurrency() + " running)");
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // A sampler that throws: the sample is lost, the caller never notices.
            errors.incrementAndGet();
        }
    }

    /** A live summary: what the candidate sampled, compared, agreed on, spent and took. */
    public ShadowReport report() {
        long compared = agreements.get() + disagreements.get();
        long n = calls.get();
        return new ShadowReport(name, spec.share(), executions.get(), sampled.get(), compared, agreements.get(),
                disagreements.get(), errors.get(), notComparable.get(), rateLimited.get(), dropped.get(),
                overBudget.get(), compared == 0 ? 0.0 : scores.sum() / compared, Money.ofMicros(costMicros.get()),
                inputTokens.get(), outputTokens.get(), Duration.ofNanos(n == 0 ? 0 : latencyNanos.get() / n),
                Duration.ofNanos(maxLatencyNanos.get()));
    }

    private synchronized boolean ratePermit() {
        if (ratePeriodNanos == 0) {
            return true;
        }
        long now = time.nanoTime();
        if (windowStart == Long.MIN_VALUE || now - windowStart >= ratePeriodNanos) {
            windowStart = now;
            windowUsed = 0;
        }
        if (windowUsed >= spec.ratePermits()) {
            return false;
        }
        windowUsed++;
        return true;
    }

    /** On a worker: the candidate's budget, call, parser and comparator; every failure is counted, none escapes. */
    private void run(I input, CallContext context, Outcome<O> outcome, O chainAnswer, ExecutionInfo info) {
        ModelRequest request;
        try {
            request = prompt.apply(input);
            if (request == null) {
                throw new IllegalStateException("prompt mapper returned null");
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            fail(info, outcome, Usage.NONE, Money.ZERO, null, 0, "prompt mapper threw " + describe(e));
            return;
        }
        StepAdmission.Ticket ticket = null;
        if (spec.budget() != null) {
            try {
                ticket = spec.budget().admit(new StepAdmission.Request(account, name,
                        outcome.executionId(), 1, client, request, context, Money.ZERO, model, pricing));
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                fail(info, outcome, Usage.NONE, Money.ZERO, null, 0, "budget threw " + describe(e));
                return;
            }
            if (!ticket.admitted()) {
                overBudget.incrementAndGet();
                report(info, outcome, Result.OVER_BUDGET, Double.NaN, Money.ZERO, Usage.NONE, null, 0,
                        ticket.reason());
                return;
            }
        }
        Instant started = time.now();
        long start = time.nanoTime();
        ModelResponse response;
        try {
            response = callers == null ? client.call(request)
                    : time.callWithTimeout(() -> client.call(request), spec.timeout().toNanos(), callers);
            if (response == null) {
                throw new IllegalStateException("model client returned null");
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            long took = time.nanoTime() - start;
            settle(ticket, Usage.NONE, FailureKind.UNAVAILABLE);
            latency(took);
            fail(info, outcome, Usage.NONE, Money.ZERO, started, took, "call failed: " + describe(e));
            return;
        }
        long took = time.nanoTime() - start;
        latency(took);
        Usage usage = response.usage() == null ? Usage.NONE : response.usage();
        settle(ticket, usage, null);
        Money cost = pricing == null || usage.totalTokens() == 0 ? Money.ZERO : pricing.cost(usage);
        costMicros.addAndGet(cost.micros());
        inputTokens.addAndGet(usage.inputTokens());
        outputTokens.addAndGet(usage.outputTokens());
        double score;
        try {
            O candidateAnswer = parse.apply(response);
            if (candidateAnswer == null) {
                throw new IllegalStateException("parser returned null");
            }
            score = spec.comparator().score(chainAnswer, candidateAnswer);
            if (!(score >= 0 && score <= 1)) {
                throw new IllegalStateException("comparator returned " + score + ", outside [0, 1]");
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            fail(info, outcome, usage, cost, started, took, "parse or compare failed: " + describe(e));
            return;
        }
        scores.add(score);
        boolean agreed = score >= spec.agreementThreshold();
        (agreed ? agreements : disagreements).incrementAndGet();
        report(info, outcome, agreed ? Result.AGREED : Result.DISAGREED, score, cost, usage, started, took, null);
    }

    private void settle(StepAdmission.Ticket ticket, Usage usage, FailureKind failure) {
        if (ticket == null) {
            return;
        }
        try {
            ticket.settle(usage, failure);
        } catch (RuntimeException ignored) {
            // The budget reports its own failures (BudgetAlert); the shadow sample is unaffected.
        }
    }

    private void latency(long nanos) {
        calls.incrementAndGet();
        latencyNanos.addAndGet(nanos);
        maxLatencyNanos.accumulateAndGet(nanos, Math::max);
    }

    private void fail(ExecutionInfo info, Outcome<O> outcome, Usage usage, Money cost, Instant started, long took,
                      String reason) {
        errors.incrementAndGet();
        report(info, outcome, Result.FAILED, Double.NaN, cost, usage, started, took, reason);
    }

    private void report(ExecutionInfo info, Outcome<O> outcome, Result result, double score, Money cost, Usage usage,
                        Instant started, long tookNanos, String reason) {
        if (events.enabled()) {
            events.fire(CascadeListener::onShadowCompared, new ShadowCompared(info, chain, outcome.executionId(), name,
                    result, score, cost, usage, started, Duration.ofNanos(tookNanos), reason));
        }
    }

    /** The exception's type and a short message: never the prompt (the message is the client's, bounded). */
    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (m != null && m.length() > 200) {
            m = m.substring(0, 200) + "...";
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public String toString() {
        return "shadow '" + name + "' " + spec;
    }
}
