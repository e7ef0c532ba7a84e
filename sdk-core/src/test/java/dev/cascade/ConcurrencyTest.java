package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.StepAdmission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ten thousand executions on 32 threads through a four-step chain whose every model misbehaves at random: nothing is
 * lost, nothing is counted twice, and the outcomes add up. Real time (tiny sleeps), no timing assertions.
 */
class ConcurrencyTest {

    private static final int EXECUTIONS = 10_000;
    private static final int THREADS = 32;
    /** Every n-th execution goes through executeAsync. */
    private static final int ASYNC_EVERY = 4;
    private static final Duration STEP_TIMEOUT = Duration.ofMillis(20);
    private static final long HANG_MILLIS = 60;

    /**
     * A model that rolls one fault per call from a seeded random stream (seed x call number, so thread-safe without
     * shared mutable randomness): answers, 429 with a small Retry-After, 503, unknown exceptions, socket timeouts,
     * hangs longer than the step timeout, empty answers and answers the accept gate refuses.
     */
    private static ScriptedModel faultyModel(String name, long seed, Map<String, AtomicInteger> callsByInput) {
        AtomicLong sequence = new AtomicLong();
        return new ScriptedModel(name).then(request -> {
            callsByInput.computeIfAbsent(request.user(), k -> new AtomicInteger()).incrementAndGet();
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + sequence.incrementAndGet());
            int roll = rnd.nextInt(100);
            if (roll < 30) {
                return new ModelResponse(name + ":" + request.user(), Usage.of(10, 5), "stop", name);
            } else if (roll < 42) {
                throw ModelCallException.rateLimited("429", Duration.ofMillis(1 + rnd.nextInt(2)));
            } else if (roll < 54) {
                throw new ModelCallException(FailureKind.UNAVAILABLE, "503");
            } else if (roll < 62) {
                throw new IllegalStateException("connection reset");
            } else if (roll < 68) {
                throw new SocketTimeoutException("Read timed out");
            } else if (roll < 78) {
                // A hang: the step timeout cuts it and interrupts this thread.
                Thread.sleep(HANG_MILLIS);
                return new ModelResponse(name + ":" + request.user(), Usage.of(10, 5), "stop", name);
            } else if (roll < 90) {
                return new ModelResponse("", Usage.of(10, 0), "stop", name);
            } else {
                return new ModelResponse("unsure " + request.user(), Usage.of(10, 5), "stop", name);
            }
        });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void tenThousandFaultyExecutionsAreEachAnsweredOrQueuedOnceAndTheCountsReconcile() throws Exception {
        Map<String, AtomicInteger> advancedByInput = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> cheapByInput = new ConcurrentHashMap<>();
        ScriptedModel advanced = faultyModel("advanced", 1, advancedByInput);
        ScriptedModel cheap = faultyModel("cheap", 2, cheapByInput);
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        Scenarios.Recorder recorder = new Scenarios.Recorder();
        CountingAdmission admission = new CountingAdmission();
        Cascade<String, String> chain = Cascade.<String, String>builder("load")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .accept(answer -> !answer.startsWith("unsure"))
                .model("advanced", advanced, s -> s
                        .timeout(STEP_TIMEOUT)
                        .retry(r -> r.maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2))
                                .maxRetryAfter(Duration.ofMillis(5)))
                        .circuitBreaker(cb -> cb.slidingWindowSize(20).minimumCalls(10).failureRateThreshold(50)
                                .openFor(Duration.ofMillis(20)).halfOpenCalls(3)))
                .model("cheap", cheap, s -> s
                        .timeout(STEP_TIMEOUT)
                        .retry(r -> r.maxAttempts(2).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2))
                                .maxRetryAfter(Duration.ofMillis(5))))
                .rules("faq", RuleSet.<String, String>firstMatch()
                        .rule("every-tenth", t -> t.endsWith("0"), t -> "faq:" + t)
                        .build())
                .humanReview("desk", queue)
                .admission(admission)
                .listener(recorder)
                .build();

        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        List<Outcome<String>> outcomes = new ArrayList<>(EXECUTIONS);
        List<String> inputs = new ArrayList<>(EXECUTIONS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome<String>>> futures = new ArrayList<>(EXECUTIONS);
            for (int i = 0; i < EXECUTIONS; i++) {
                String input = "q-" + i;
                inputs.add(input);
                boolean async = i % ASYNC_EVERY == 0;
                Callable<Outcome<String>> task = () -> {
                    go.await();
                    return async ? chain.executeAsync(input).get(60, TimeUnit.SECONDS) : chain.execute(input);
                };
                futures.add(callers.submit(task));
            }
            go.countDown();
            for (Future<Outcome<String>> f : futures) {
                // get() rethrows anything that escaped execute/executeAsync: none may.
                outcomes.add(f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }

        // ---- every execution ends answered or with a human, and answers belong to their own input
        Map<Outcome.Status, Integer> byStatus = new HashMap<>();
        Map<String, Integer> answeredBy = new HashMap<>();
        for (int i = 0; i < EXECUTIONS; i++) {
            Outcome<String> out = outcomes.get(i);
            String input = inputs.get(i);
            byStatus.merge(out.status(), 1, Integer::sum);
            assertThat(out.status()).as("execution %d: %s", i, Scenarios.trace(out))
                    .isIn(Outcome.Status.ANSWERED, Outcome.Status.PENDING_REVIEW);
            if (out.status() == Outcome.Status.ANSWERED) {
                String step = out.answeredBy().orElseThrow();
                answeredBy.merge(step, 1, Integer::sum);
                assertThat(out.answer()).as("answer of execution %d", i).contains(step + ":" + input);
                Attempt last = out.attempts().get(out.attempts().size() - 1);
                assertThat(Scenarios.line(last)).startsWith(step + "#").endsWith(" ANSWERED");
            } else {
                assertThat(out.answeredBy()).isEmpty();
                assertThat(Scenarios.line(out.attempts().get(out.attempts().size() - 1))).isEqualTo("desk#1 QUEUED");
            }
            assertThat(out.attempts()).as("attempts of execution %d", i).allSatisfy(a -> {
                assertThat(a.latency().isNegative()).as("latency of %s", a).isFalse();
                assertThat(a.offset().isNegative()).as("offset of %s", a).isFalse();
            });
        }

        // ---- the counts reconcile exactly
        int pending = byStatus.getOrDefault(Outcome.Status.PENDING_REVIEW, 0);
        int answered = answeredBy.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(answered + pending).as("answered by some step + queued for review, by step: %s", answeredBy)
                .isEqualTo(EXECUTIONS);
        assertThat(answeredBy.keySet()).isSubsetOf("advanced", "cheap", "faq");

        Set<String> executionIds = new HashSet<>();
        Set<String> reviewIds = new HashSet<>();
        for (int i = 0; i < EXECUTIONS; i++) {
            Outcome<String> out = outcomes.get(i);
            executionIds.add(out.executionId());
            if (out.pendingReview().isPresent()) {
                String id = out.pendingReview().get().id();
                reviewIds.add(id);
                InMemoryReviewQueue.Item<String> item = queue.get(id).orElseThrow();
                assertThat(item.request().input()).isEqualTo(inputs.get(i));
                assertThat(item.request().executionId()).isEqualTo(out.executionId());
            }
        }
        assertThat(executionIds).hasSize(EXECUTIONS);
        assertThat(reviewIds).as("each pending execution has its own review item").hasSize(pending);
        assertThat(queue.size()).as("review queue size").isEqualTo(pending);
        assertThat(recorder.finished).as("ExecutionFinished events").hasSize(EXECUTIONS);

        // ---- every admitted ticket belongs to one attempt past admission and was settled exactly once: no leak
        long pastAdmission = outcomes.stream().flatMap(o -> o.attempts().stream())
                .filter(a -> a.stepKind() == StepKind.MODEL && a.status() != Attempt.Status.SKIPPED)
                .count();
        assertThat(admission.tickets).as("admitted tickets").hasSize((int) pastAdmission);
        assertThat(admission.tickets).as("tickets not settled exactly once")
                .filteredOn(t -> t.settles.get() != 1).isEmpty();

        // The faults really happened: the run exercised retries, timeouts, the breaker, rules and review.
        Set<String> seen = new HashSet<>();
        for (Outcome<String> out : outcomes) {
            for (Attempt a : out.attempts()) {
                seen.add(a.step() + " " + a.status() + (a.failure() == null ? "" : " " + a.failure()));
            }
        }
        assertThat(seen).contains("advanced FAILED RATE_LIMITED", "advanced FAILED UNAVAILABLE",
                "advanced FAILED TIMEOUT", "advanced REJECTED REJECTED", "advanced SKIPPED CIRCUIT_OPEN",
                "cheap FAILED TIMEOUT", "faq ANSWERED", "desk QUEUED");
        assertThat(answeredBy).containsKeys("advanced", "cheap", "faq");

        // ---- every model call the fakes saw is one recorded attempt that called the model, and vice versa:
        // first execution by execution (for a readable failure), then in total
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < EXECUTIONS; i++) {
            Outcome<String> out = outcomes.get(i);
            for (Map.Entry<String, Map<String, AtomicInteger>> step : Map.of("advanced", advancedByInput,
                    "cheap", cheapByInput).entrySet()) {
                AtomicInteger seenByModel = step.getValue().get(inputs.get(i));
                int saw = seenByModel == null ? 0 : seenByModel.get();
                int recorded = recordedCalls(List.of(out), step.getKey());
                if (saw != recorded) {
                    mismatches.add("execution " + i + ": " + step.getKey() + " saw " + saw + " calls, outcome records "
                            + recorded + ": " + out.attempts());
                }
            }
        }
        assertThat(mismatches).as("executions whose recorded model calls differ from the calls the model saw"
                        + " (a TIMEOUT whose call never started: see"
                        + " attemptGivenUpBeforeItsCallStartedIsNeitherMadeNorRecordedAsAModelCall)")
                .isEmpty();
        assertThat(advanced.calls()).as("advanced calls").isEqualTo(recordedCalls(outcomes, "advanced"));
        assertThat(cheap.calls()).as("cheap calls").isEqualTo(recordedCalls(outcomes, "cheap"));
    }

    /** Admits everything and remembers each ticket, to check that each is settled exactly once. */
    private static final class CountingAdmission implements StepAdmission {
        final Queue<CountingTicket> tickets = new ConcurrentLinkedQueue<>();

        @Override
        public Ticket admit(Request request) {
            CountingTicket t = new CountingTicket(request.step() + "/" + request.executionId() + "/" + request.attempt());
            tickets.add(t);
            return t;
        }
    }

    private static final class CountingTicket implements StepAdmission.Ticket {
        final String name;
        final AtomicInteger settles = new AtomicInteger();

        CountingTicket(String name) {
            this.name = name;
        }

        @Override
        public boolean admitted() {
            return true;
        }

        @Override
        public void settle(Usage usage, FailureKind failure) {
            settles.incrementAndGet();
        }

        @Override
        public String toString() {
            return name + " settled " + settles.get() + "x";
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Regressions: what the load test above caught now and then, made deterministic.

    /** How a thread of the chain's executor is late for a model call that an attempt timeout bounds. */
    enum LateStart {
        /** The pool thread picks the call up only after the caller has given up on it. */
        THREAD_STARTS_AFTER_THE_TIMEOUT,
        /** The pool thread picks the call up in time, but is descheduled before the call itself begins. */
        THREAD_STALLS_BEFORE_THE_CALL
    }

    /**
     * An executor whose threads are late, as a cached pool's are on a busy machine: tasks handed to {@code submit}
     * (how an attempt timeout runs a call) are held at {@link #go}, either before the task runs or after it has begun
     * but before the engine's callable does; plain {@code execute} (how executeAsync runs an execution) starts at once.
     */
    private static final class LateExecutor extends AbstractExecutorService {
        final LateStart how;
        final CountDownLatch go = new CountDownLatch(1);
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        LateExecutor(LateStart how) {
            this.how = how;
        }

        @Override
        public <T> Future<T> submit(Callable<T> task) {
            if (how == LateStart.THREAD_STARTS_AFTER_THE_TIMEOUT) {
                FutureTask<T> f = new FutureTask<>(task);
                spawn(() -> {
                    awaitGo();
                    f.run(); // cancelled by now: a no-op
                });
                return f;
            }
            FutureTask<T> f = new FutureTask<>(() -> {
                awaitGo();
                return task.call();
            });
            spawn(f);
            return f;
        }

        /** Waits for {@link #go} like a descheduled thread: an interrupt meanwhile stays pending, it ends nothing. */
        private void awaitGo() {
            boolean interrupted = false;
            while (true) {
                try {
                    if (!go.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("test never released the late executor");
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void execute(Runnable command) {
            spawn(command);
        }

        private void spawn(Runnable r) {
            Thread t = new Thread(r, "late-" + how);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }

        void releaseAndJoin() throws InterruptedException {
            go.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(t.isAlive()).as("late executor thread finished").isFalse();
            }
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }

    static Stream<Arguments> lateStartsThroughBothEntries() {
        return Stream.of(LateStart.values())
                .flatMap(l -> Stream.of(Scenarios.Entry.values()).map(e -> Arguments.of(l, e)));
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("lateStartsThroughBothEntries")
    void attemptGivenUpBeforeItsCallStartedIsNeitherMadeNorRecordedAsAModelCall(LateStart how, Scenarios.Entry entry)
            throws Exception {
        ScriptedModel advanced = ScriptedModel.answering("gpt-advanced", "advanced answer");
        ScriptedModel cheap = ScriptedModel.answering("gpt-cheap", "cheap answer");
        CountingAdmission admission = new CountingAdmission();
        LateExecutor late = new LateExecutor(how);
        Cascade<String, String> chain = Cascade.<String, String>builder("late-start")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.timeout(Duration.ofMillis(50)))
                .model("cheap", cheap)
                .admission(admission)
                .executor(late)
                .build();

        Outcome<String> out = entry.run(chain, "hello");
        late.releaseAndJoin();

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.TIMEOUT);
        // Once the engine has given up on the attempt, the client must not be called for it, not even late...
        assertThat(advanced.calls()).as("advanced calls after the attempt was given up").isZero();
        // ...and the record must not claim a model call that never happened: outcomes, metrics and budgets use it.
        assertThat(out.attempts().get(0).calledModel()).as("attempt %s", out.attempts().get(0)).isFalse();
        assertThat(out.modelCalls()).as("model calls recorded in %s", out.attempts())
                .isEqualTo(advanced.calls() + cheap.calls());
        assertThat(admission.tickets).as("tickets not settled exactly once")
                .hasSize(2).filteredOn(t -> t.settles.get() != 1).isEmpty();
    }

    private static int recordedCalls(List<Outcome<String>> outcomes, String step) {
        return (int) outcomes.stream().flatMap(o -> o.attempts().stream())
                .filter(a -> a.step().equals(step) && a.calledModel())
                .count();
    }
}
