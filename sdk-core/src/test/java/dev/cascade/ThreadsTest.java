package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.internal.CascadeThreads;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.StepAdmission;
import dev.cascade.testing.ScriptedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which threads a chain runs on: the default executor uses virtual threads on JDK 21+ and bounded platform threads
 * before (this test runs on either and asserts the path of the JVM it runs on; see the report's JDK 25 command), a
 * user's executor is used as given, and an executor that refuses work gives a recorded outcome, never a lost input.
 */
@Timeout(60)
class ThreadsTest {

    private static final boolean JDK21 = Runtime.version().feature() >= 21;

    private final ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");

    /** Records the thread of the execution (a custom step) and of the timed call (the model). */
    private static final class Seen {
        final AtomicReference<Thread> execution = new AtomicReference<>();
        final AtomicReference<Thread> call = new AtomicReference<>();

        CascadeBuilder<String, String> chain(String name) {
            return Cascade.<String, String>builder(name)
                    .prompt(ModelRequest::of).parse(ModelResponse::text)
                    .step("where", in -> {
                        execution.set(Thread.currentThread());
                        return Optional.empty();
                    })
                    .model("advanced", new ScriptedModel("gpt-big").then(r -> {
                        call.set(Thread.currentThread());
                        return new ModelResponse("big answer", Usage.of(1, 1), "stop", "gpt-big");
                    }), s -> s.timeout(Duration.ofSeconds(20)));
        }
    }

    @Test
    void theDefaultExecutorRunsExecutionsAndTimedCallsOnVirtualThreadsFromJdk21AndOnPlatformThreadsBefore()
            throws Exception {
        assertThat(CascadeThreads.virtualThreadsAvailable()).isEqualTo(JDK21);
        Seen seen = new Seen();
        Cascade<String, String> chain = seen.chain("default").build();

        assertThat(chain.executeAsync("q").get(30, TimeUnit.SECONDS).answeredBy()).contains("advanced");

        Thread execution = seen.execution.get();
        Thread call = seen.call.get();
        assertThat(CascadeThreads.isVirtual(execution)).isEqualTo(JDK21);
        assertThat(CascadeThreads.isVirtual(call)).isEqualTo(JDK21);
        if (JDK21) {
            assertThat(execution.getName()).startsWith("cascade-v-");
            assertThat(call.getName()).startsWith("cascade-v-");
        } else {
            // Two bounded pools: executions can never take the threads their own timed calls need.
            assertThat(execution.getName()).matches("cascade-\\d+");
            assertThat(call.getName()).matches("cascade-call-\\d+");
            assertThat(execution.isDaemon()).isTrue();
            assertThat(call.isDaemon()).isTrue();
        }
        assertThat(call).isNotSameAs(execution);

        // A sync execution runs on the caller's thread; only its timed call is handed off.
        Thread caller = Thread.currentThread();
        chain.execute("q");
        assertThat(seen.execution.get()).isSameAs(caller);
        assertThat(CascadeThreads.isVirtual(seen.call.get())).isEqualTo(JDK21);
    }

    @Test
    void virtualThreadsCanBeTurnedOffAndThenPlatformThreadsRunOnEveryJdk() throws Exception {
        Seen seen = new Seen();
        Cascade<String, String> chain = seen.chain("platform").virtualThreads(false).build();

        chain.executeAsync("q").get(30, TimeUnit.SECONDS);

        assertThat(CascadeThreads.isVirtual(seen.execution.get())).isFalse();
        assertThat(seen.execution.get().getName()).matches("cascade-\\d+");
        assertThat(CascadeThreads.isVirtual(seen.call.get())).isFalse();
        assertThat(seen.call.get().getName()).matches("cascade-call-\\d+");
    }

    @Test
    void aUsersExecutorRunsBothTheExecutionsAndTheTimedCalls() throws Exception {
        AtomicInteger n = new AtomicInteger();
        ExecutorService mine = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mine-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Seen seen = new Seen();
            Cascade<String, String> chain = seen.chain("mine").executor(mine).virtualThreads(true).build();
            chain.executeAsync("q").get(30, TimeUnit.SECONDS);
            assertThat(seen.execution.get().getName()).startsWith("mine-");
            assertThat(seen.call.get().getName()).startsWith("mine-");
        } finally {
            mine.shutdownNow();
        }
    }

    /** An executor with no thread to give: refuses every task, as a full bounded pool does. */
    private static final class Full extends AbstractExecutorService {
        final AtomicInteger refused = new AtomicInteger();

        @Override
        public void execute(Runnable command) {
            refused.incrementAndGet();
            throw new RejectedExecutionException("pool full (test)");
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

    @Test
    void aRefusedHandOffIsTheAttemptsBulkheadFullFailureAndTheChainFallsThrough() {
        Full full = new Full();
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        List<String> settled = new ArrayList<>();
        // Real time: its callWithTimeout hands the call to the executor, which refuses it.
        CascadeRegistries registries = CascadeRegistries.create();
        Cascade<String, String> chain = Cascade.<String, String>builder("no-thread")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .registries(registries).executor(full)
                .admission(r -> new StepAdmission.Ticket() {
                    @Override
                    public boolean admitted() {
                        return true;
                    }

                    @Override
                    public void settle(Usage usage, FailureKind failure) {
                        settled.add(r.step() + " " + usage.inputTokens() + " " + failure);
                    }
                })
                .model("advanced", advanced, s -> s.timeout(Duration.ofSeconds(5))
                        .circuitBreaker(cb -> cb.minimumCalls(1).slidingWindowSize(1))
                        .bulkhead(b -> b.maxConcurrentCalls(1)))
                .model("cheap", cheap) // no timeout: called on the caller's thread, needs no executor
                .build();

        Outcome<String> out = chain.execute("q");

        assertThat(Scenarios.trace(out)).containsExactly("advanced#0 FAILED BULKHEAD_FULL", "cheap#1 ANSWERED");
        Attempt refused = out.attempts().get(0);
        assertThat(refused.reason()).isEqualTo("not called: the chain's executor has no thread free for the timed call"
                + " (RejectedExecutionException: pool full (test))");
        assertThat(refused.calledModel()).isFalse();
        assertThat(full.refused.get()).isEqualTo(1);
        assertThat(advanced.calls()).isZero();
        // Not the provider's failure: the breaker did not count it; the slot and the reservation came back.
        var breaker = chain.circuitBreaker("advanced").orElseThrow();
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(breaker.getState()).isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
        assertThat(registries.bulkheads()).singleElement()
                .satisfies(b -> assertThat(b.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1));
        assertThat(settled).containsExactly("advanced 0 BULKHEAD_FULL", "cheap 10 null");
    }

    @Test
    void aRefusedExecuteAsyncRunsRulesAndReviewOnTheCallersThreadAndNeverLosesTheInput() throws Exception {
        Full full = new Full();
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
        AtomicInteger customCalls = new AtomicInteger();
        Cascade<String, String> chain = Cascade.<String, String>builder("refused")
                .prompt(ModelRequest::of).parse(ModelResponse::text).executor(full)
                .model("advanced", advanced, s -> s.timeout(Duration.ofSeconds(5)))
                .step("custom", in -> {
                    customCalls.incrementAndGet();
                    return Optional.of("custom answer");
                })
                .rules("faq", RuleSet.<String, String>firstMatch().rule("refund", in -> in.contains("refund"),
                        in -> "refund policy").build())
                .humanReview("desk", queue)
                .build();

        CompletableFuture<Outcome<String>> future = chain.executeAsync("where is my parcel");
        assertThat(future).isDone(); // decided on the caller's thread: no hang
        Outcome<String> out = future.get();

        assertThat(Scenarios.trace(out)).containsExactly("advanced#0 SKIPPED BULKHEAD_FULL",
                "custom#0 SKIPPED BULKHEAD_FULL", "faq#1 PASSED", "desk#1 QUEUED");
        assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        assertThat(out.attempts().get(0).reason()).isEqualTo("not run: the chain's executor has no thread free for"
                + " executeAsync (RejectedExecutionException: pool full (test)); rules and review ran on the caller's"
                + " thread");
        assertThat(queue.depth()).isEqualTo(1);
        assertThat(advanced.calls()).isZero();
        assertThat(customCalls.get()).isZero();

        Outcome<String> refund = chain.executeAsync("I want a refund").get();
        assertThat(refund.answeredBy()).contains("faq");
        assertThat(refund.answer()).contains("refund policy");
    }
}
