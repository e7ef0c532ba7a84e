package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.event.ExecutionStarted;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls that finish after the chain gave up on them (attempt timeout, cancel) are billed: the ledger's spend equals
 * what the provider reported for every call that returned, under timeouts and cancel storms, and a hard limit holds
 * for that real spend. Real threads; every wait is a latch or a bounded poll; nothing asserts how long anything took.
 */
class LateCompletionBillingTest {

    private static final Pricing PRICE = Pricing.perMillionTokens("2.50", "10.00");
    private static final int MAX_OUTPUT = 100;
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
    private final ScheduledExecutorService cancels = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        cancels.shutdownNow();
    }

    /** What a simulated provider does when the client gives up on a call (the interrupt). */
    enum OnAbort {
        /** Finishes the completion anyway and returns it, fully billed. */
        FINISH,
        /** Stops, and reports what it billed so far in a ModelCallException. */
        STOP_BILLED,
        /** Stops, and reports nothing. */
        STOP_UNBILLED
    }

    /** A provider that takes a random time, reports its usage on completion, and adds up what it reported. */
    private static final class BillingModel implements ModelClient {
        final AtomicLong reportedMicros = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        private final long seed;
        private final AtomicLong sequence = new AtomicLong();

        BillingModel(long seed) {
            this.seed = seed;
        }

        @Override
        public ModelResponse call(ModelRequest request) throws Exception {
            inFlight.incrementAndGet();
            calls.incrementAndGet();
            try {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003 + sequence.incrementAndGet());
                long latency = TimeUnit.MICROSECONDS.toNanos(r.nextInt(0, 6_000));
                OnAbort onAbort = OnAbort.values()[r.nextInt(OnAbort.values().length)];
                Usage usage = Usage.of(r.nextInt(1, 100), r.nextInt(1, MAX_OUTPUT + 1));
                boolean interrupted = work(latency, onAbort == OnAbort.FINISH);
                if (interrupted && onAbort == OnAbort.STOP_UNBILLED) {
                    throw new InterruptedException("client went away");
                }
                if (interrupted && onAbort == OnAbort.STOP_BILLED) {
                    Usage partial = Usage.of(usage.inputTokens(), usage.outputTokens() / 2);
                    reportedMicros.addAndGet(PRICE.cost(partial).micros());
                    throw new ModelCallException(FailureKind.UNAVAILABLE, "stream aborted", null, null, partial);
                }
                reportedMicros.addAndGet(PRICE.cost(usage).micros());
                if (interrupted) {
                    Thread.currentThread().interrupt(); // finished anyway; leave the flag as we found it
                }
                return new ModelResponse("answer", usage, "stop", "fake");
            } finally {
                inFlight.decrementAndGet();
            }
        }

        /** Spends {@code nanos}; returns whether an interrupt arrived. {@code ignore}: keep working through it. */
        private static boolean work(long nanos, boolean ignore) {
            long end = System.nanoTime() + nanos;
            boolean interrupted = false;
            for (long left = nanos; left > 0; left = end - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (!ignore) {
                        return true;
                    }
                }
            }
            return interrupted;
        }

        @Override
        public String provider() {
            return "fake";
        }

        @Override
        public String model() {
            return "fake";
        }
    }

    private Budget budget(String globalLimit) {
        return Budget.builder()
                .limit(Scope.GLOBAL, Window.DAY, globalLimit)
                .price("fake", PRICE)
                .estimator(request -> 100) // >= any input the fake reports: the worst case covers every call
                .clock(clock)
                .build();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within 60 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(2); // bounded poll: the calls end on threads we do not own
        }
    }

    // ---- the regression: one call, abandoned at its timeout, finishes and is billed

    /** A provider that finishes the completion whatever the client does, once released. */
    private final class SlowFinisher implements ModelClient {
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicInteger ended = new AtomicInteger();
        final boolean failBilled;

        SlowFinisher(boolean failBilled) {
            this.failBilled = failBilled;
        }

        @Override
        public ModelResponse call(ModelRequest request) throws Exception {
            started.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    if (release.await(60, TimeUnit.SECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the provider does not care that the client left
                }
            }
            ended.incrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failBilled) {
                throw new ModelCallException(FailureKind.CONTENT_FILTERED, "filtered after generation", null, null,
                        Usage.of(40, 60));
            }
            return new ModelResponse("late answer", Usage.of(40, 60), "stop", "fake");
        }

        @Override
        public String model() {
            return "fake";
        }
    }

    @ParameterizedTest(name = "timed out call that then {0}")
    @ValueSource(strings = {"returns", "throws with billed usage"})
    void aCallThatFinishesAfterItsAttemptTimedOutIsBilled(String how) throws Exception {
        SlowFinisher advanced = new SlowFinisher(how.startsWith("throws"));
        Budget budget = budget("100.00");
        Cascade<String, String> chain = Cascade.<String, String>builder("late")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(MAX_OUTPUT))
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.timeout(Duration.ofMillis(50)))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .budget(budget)
                .build();

        Outcome<String> out = chain.execute("hello");
        assertThat(out.answeredBy()).contains("faq");
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.TIMEOUT);
        // Still running: its worst case stays held, nothing is spent yet.
        assertThat(budget.spend(Scope.GLOBAL, "", Window.DAY).reserved()).isEqualTo(PRICE.worstCase(100, MAX_OUTPUT));

        release.countDown();
        await(() -> budget.spend(Scope.GLOBAL, "", Window.DAY).reserved().micros() == 0
                && advanced.ended.get() == 1, "the late call ended and its hold was settled");
        assertThat(budget.spend(Scope.GLOBAL, "", Window.DAY).spent())
                .as("what the provider reported for the call that finished late")
                .isEqualTo(PRICE.cost(Usage.of(40, 60)));
    }

    // ---- the invariant under a storm of timeouts and cancels

    @Test
    void ledgerSpendEqualsWhatTheProviderReportedUnderTimeoutsAndCancelStorms() throws Exception {
        BillingModel advanced = new BillingModel(1);
        BillingModel cheap = new BillingModel(2);
        Budget budget = budget("1000.00");
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Cascade<String, String> chain = Cascade.<String, String>builder("storm")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(MAX_OUTPUT))
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.timeout(Duration.ofMillis(2))
                        .retry(r -> r.maxAttempts(2).initialBackoff(Duration.ZERO)))
                .model("cheap", cheap, s -> s.timeout(Duration.ofMillis(4)))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .budget(budget)
                .listener(new CascadeListener() {
                    @Override
                    public void onExecutionStarted(ExecutionStarted event) {
                        started.incrementAndGet();
                    }

                    @Override
                    public void onExecutionFinished(ExecutionFinished event) {
                        finished.incrementAndGet();
                    }
                })
                .build();

        int executions = 500;
        SplittableRandom random = new SplittableRandom(42);
        int cancelled = 0;
        for (int wave = 0; wave < executions / 25; wave++) {
            List<CompletableFuture<Outcome<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                CompletableFuture<Outcome<String>> f = chain.executeAsync("ticket " + wave + "/" + i);
                futures.add(f);
                if (random.nextInt(3) == 0) {
                    cancelled++;
                    cancels.schedule(() -> f.cancel(true), random.nextInt(0, 6_000), TimeUnit.MICROSECONDS);
                }
            }
            for (CompletableFuture<Outcome<String>> f : futures) {
                f.handle((o, e) -> null).get(60, TimeUnit.SECONDS);
            }
        }

        // A future cancelled before its execution started never runs; every execution that started must finish.
        await(() -> finished.get() == started.get(), "every started execution finished");
        await(() -> advanced.inFlight.get() == 0 && cheap.inFlight.get() == 0, "every model call ended");
        await(() -> budget.spend(Scope.GLOBAL, "", Window.DAY).reserved().micros() == 0, "every hold settled");
        assertThat(finished.get()).isEqualTo(started.get());

        long reported = advanced.reportedMicros.get() + cheap.reportedMicros.get();
        Money spent = budget.spend(Scope.GLOBAL, "", Window.DAY).spent();
        System.out.printf("storm: %d executions (%d cancel requests, %d ran), %d + %d model calls, provider"
                        + " reported %s, ledger spent %s%n", executions, cancelled, started.get(), advanced.calls.get(),
                cheap.calls.get(), Money.ofMicros(reported), spent);
        assertThat(reported).as("the storm made billed calls").isPositive();
        assertThat(spent.micros()).as("ledger spend == what the provider reported for every call that returned")
                .isEqualTo(reported);
    }

    @Test
    void aHardLimitHoldsForRealSpendWhenCallsFinishAfterTheChainGaveUp() throws Exception {
        BillingModel advanced = new BillingModel(3);
        // Room for a handful of worst cases only: abandoned calls must keep holding theirs until they end.
        Money worst = PRICE.worstCase(100, MAX_OUTPUT);
        Budget budget = budget(Money.ofMicros(worst.micros() * 5).toUsd().toPlainString());
        AtomicInteger finished = new AtomicInteger();
        Cascade<String, String> chain = Cascade.<String, String>builder("tight")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(MAX_OUTPUT))
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.timeout(Duration.ofMillis(1)))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .budget(budget)
                .listener(new CascadeListener() {
                    @Override
                    public void onExecutionFinished(ExecutionFinished event) {
                        finished.incrementAndGet();
                    }
                })
                .build();
        List<CompletableFuture<Outcome<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(chain.executeAsync("t" + i));
        }
        for (CompletableFuture<Outcome<String>> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        await(() -> finished.get() == 200 && advanced.inFlight.get() == 0
                && budget.spend(Scope.GLOBAL, "", Window.DAY).reserved().micros() == 0, "all calls ended, settled");

        Money spent = budget.spend(Scope.GLOBAL, "", Window.DAY).spent();
        assertThat(spent.micros()).isEqualTo(advanced.reportedMicros.get());
        assertThat(advanced.reportedMicros.get()).as("real spend (what the provider billed) within the hard limit")
                .isLessThanOrEqualTo(worst.micros() * 5);
    }
}
