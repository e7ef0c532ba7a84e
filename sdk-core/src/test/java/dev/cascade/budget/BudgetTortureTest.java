package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.BudgetLedger.Balance;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads against one hard budget with random failures and cancellations, on the in-memory ledger: the limit is
 * never passed, no reservation stays open, and every micro-dollar the ledger counts is one some attempt recorded.
 * Each test is bounded; none asserts how long anything took.
 */
class BudgetTortureTest {

    private static final int THREADS = 64;
    private static final long WAIT_SECONDS = 60;

    /** Runs {@code body(thread)} on {@link #THREADS} threads started together; rethrows the first failure. */
    private static void onManyThreads(ThreadBody body) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(THREADS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    body.run(thread);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "torture-" + t);
            th.setDaemon(true);
            th.start();
        }
        start.countDown();
        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("all threads finished").isTrue();
        if (failure.get() != null) {
            throw new AssertionError("a torture thread failed", failure.get());
        }
    }

    @FunctionalInterface
    private interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /**
     * 64 threads, 102,400 reservations of random size on a hard and an uncapped account; each ends as a full settle
     * (an answer), a partial one, a zero one (a failure that billed nothing), a release (a cancellation) or a release
     * from a finally block after the work threw; some try to settle twice.
     */
    @Test
    void sixtyFourThreadsNeverPassTheLimitLeakNothingAndCountEveryMicroDollarOnce() throws Exception {
        BudgetLedger ledger = new InMemoryBudgetLedger();
        long limit = 100_000_000; // $100, against ~$250 of demand
        int perThread = 1_600;
        AtomicLong recorded = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong doubleSettlesRefused = new AtomicLong();

        onManyThreads(thread -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < perThread; i++) {
                String id = thread + "-" + i;
                long amount = random.nextLong(1, 10_000);
                attempts.incrementAndGet();
                String refusedBy = ledger.reserve(id, List.of(new BudgetLedger.Hold("hard", limit, amount),
                        new BudgetLedger.Hold("soft", Long.MAX_VALUE, amount)));
                if (refusedBy != null) {
                    assertThat(refusedBy).isEqualTo("hard");
                    refused.incrementAndGet();
                    continue;
                }
                int kind = random.nextInt(100);
                long actual = -1;
                try {
                    if (kind < 10) {
                        throw new IllegalStateException("the call blew up"); // settled by the finally below
                    } else if (kind < 20) {
                        ledger.release(id); // cancelled
                        actual = 0;
                    } else {
                        actual = kind < 35 ? 0 : kind < 60 ? random.nextLong(0, amount + 1) : amount;
                        ledger.settle(id, actual);
                    }
                } catch (IllegalStateException blewUp) {
                    // the exception path: nothing was billed
                } finally {
                    if (actual < 0) {
                        ledger.release(id);
                        actual = 0;
                    }
                }
                recorded.addAndGet(actual);
                if (kind % 50 == 1) {
                    try {
                        ledger.settle(id, amount);
                        throw new AssertionError("a second settle of " + id + " was accepted");
                    } catch (IllegalStateException expected) {
                        doubleSettlesRefused.incrementAndGet();
                    }
                }
            }
        });

        Balance hard = ledger.balance("hard");
        System.out.printf("ledger torture: %d attempts, %d refused, %d double settles refused, spent %d of %d"
                        + " (utilisation %.6f)%n", attempts.get(), refused.get(), doubleSettlesRefused.get(),
                hard.spentMicros(), limit, (double) hard.spentMicros() / limit);
        assertThat(attempts.get()).isGreaterThanOrEqualTo(100_000);
        assertThat(hard.spentMicros()).isLessThanOrEqualTo(limit).isEqualTo(recorded.get());
        assertThat(hard.reservedMicros()).isZero();
        assertThat(ledger.balance("soft")).isEqualTo(hard);
        assertThat(ledger.openReservations()).isZero();
        assertThat(refused.get()).as("demand exceeded the limit").isPositive();
        assertThat(doubleSettlesRefused.get()).isPositive();
    }

    /** A priced model that answers with random usage within the reserved worst case, fails, or blocks briefly. */
    private record RandomModel(String model) implements ModelClient {
        @Override
        public ModelResponse call(ModelRequest request) throws Exception {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int k = random.nextInt(100);
            if (k < 15) {
                throw new ModelCallException(FailureKind.UNAVAILABLE, "503 from the torture");
            }
            if (k < 25) {
                Thread.sleep(random.nextInt(1, 3)); // a slow call: a cancellation may interrupt it
            }
            long input = random.nextLong(1, ESTIMATED_INPUT_TOKENS + 1);
            long output = random.nextLong(0, MAX_OUTPUT_TOKENS + 1);
            return new ModelResponse(model + " answer", Usage.of(input, output), "stop", model);
        }

        @Override
        public String provider() {
            return "openai";
        }
    }

    private static final long ESTIMATED_INPUT_TOKENS = 1_000;
    private static final int MAX_OUTPUT_TOKENS = 500;

    /**
     * 64 threads run 100,000 executions through a budgeted chain (advanced model, cheap model, rules) with executeAsync,
     * cancelling about one in ten at a random moment. The models fail or block at random but never report more than
     * the worst case reserved, so the hard limit holds exactly. Every execution's Outcome.cost(), also of a
     * cancelled one (seen through ExecutionFinished), adds up to the ledger's spent.
     */
    @Test
    void budgetedChainsUnderCancellationsAndFailuresSpendExactlyWhatTheirOutcomesSay() throws Exception {
        Budget budget = Budget.builder()
                .limit(Scope.CHAIN, Window.DAY, "150.00")
                .softLimit(Scope.GLOBAL, Window.DAY, "1.00")
                .estimator(request -> ESTIMATED_INPUT_TOKENS)
                .clock(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC))
                .build();
        AtomicLong outcomeCosts = new AtomicLong();
        AtomicLong finished = new AtomicLong();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "torture-chain");
            t.setDaemon(true);
            return t;
        });
        Cascade<String, String> chain = Cascade.<String, String>builder("torture")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(MAX_OUTPUT_TOKENS))
                .parse(ModelResponse::text)
                .model("advanced", new RandomModel("gpt-4o"))
                .model("cheap", new RandomModel("gpt-4o-mini"))
                .rules("canned", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .budget(budget)
                .executor(executor)
                .listener(new CascadeListener() {
                    @Override
                    public void onExecutionFinished(ExecutionFinished event) {
                        outcomeCosts.addAndGet(event.outcome().cost().micros());
                        finished.incrementAndGet();
                    }
                })
                .build();
        int perThread = 100_000 / THREADS + 1;
        AtomicLong joinedCosts = new AtomicLong();
        AtomicLong cancelled = new AtomicLong();
        AtomicLong overBudgetSkips = new AtomicLong();

        onManyThreads(thread -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            List<CompletableFuture<Outcome<String>>> window = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                CompletableFuture<Outcome<String>> f = chain.executeAsync("ticket " + thread + "-" + i);
                int k = random.nextInt(100);
                if (k < 10) {
                    if (k < 5) {
                        LockSupport.parkNanos(random.nextLong(0, 300_000)); // maybe mid-call, maybe done
                    }
                    if (f.cancel(true)) {
                        cancelled.incrementAndGet();
                    }
                }
                window.add(f);
                if (window.size() == 4) { // a few in flight per thread
                    drain(window, joinedCosts, overBudgetSkips);
                }
            }
            drain(window, joinedCosts, overBudgetSkips);
        });
        executor.shutdown();
        assertThat(executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).as("every execution ended").isTrue();

        BudgetLedger ledger = budget.ledger();
        Instant at = Instant.parse("2026-11-28T10:00:00Z");
        Balance chainSpend = ledger.balance(budget.account(Scope.CHAIN, "torture", Window.DAY, at));
        long limit = Money.usd("150.00").micros();
        System.out.printf("chain torture: %d executions, %d finished, %d cancelled, %d over-budget skips, spent %d"
                        + " of %d (utilisation %.6f)%n", (long) perThread * THREADS, finished.get(), cancelled.get(),
                overBudgetSkips.get(), chainSpend.spentMicros(), limit, (double) chainSpend.spentMicros() / limit);
        assertThat(chainSpend.spentMicros()).isLessThanOrEqualTo(limit);
        assertThat(chainSpend.reservedMicros()).isZero();
        assertThat(ledger.openReservations()).isZero();
        assertThat(chainSpend.spentMicros()).as("sum of every execution's Outcome.cost()").isEqualTo(outcomeCosts.get());
        assertThat(ledger.balance(budget.account(Scope.GLOBAL, "", Window.DAY, at))).isEqualTo(chainSpend);
        assertThat(joinedCosts.get()).isLessThanOrEqualTo(outcomeCosts.get());
        assertThat(cancelled.get()).isPositive();
        assertThat(overBudgetSkips.get()).as("demand exceeded the limit").isPositive();
    }

    private static void drain(List<CompletableFuture<Outcome<String>>> window, AtomicLong joinedCosts,
                              AtomicLong overBudgetSkips) {
        for (CompletableFuture<Outcome<String>> f : window) {
            try {
                Outcome<String> out = f.get(WAIT_SECONDS, TimeUnit.SECONDS);
                joinedCosts.addAndGet(out.cost().micros());
                out.attempts().stream().filter(a -> a.failure() == FailureKind.OVER_BUDGET).findAny()
                        .ifPresent(a -> overBudgetSkips.incrementAndGet());
            } catch (CancellationException expected) {
                // its cost arrives through ExecutionFinished, if it ran at all
            } catch (Exception e) {
                throw new AssertionError("execution failed", e);
            }
        }
        window.clear();
    }
}
