package dev.cascade;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.event.RetryScheduled;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.StepAdmission;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.cascade.Scenarios.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cancellation and interruption reach the in-flight model call, settle its admission ticket exactly once, and stop
 * the execution; the caller's OpenTelemetry context follows the call onto Cascade's threads. Real time, but every
 * wait is on a latch with a generous bound; nothing asserts how long anything took.
 */
class AsyncCancellationTest {

    private static final long WAIT_SECONDS = 10;

    /** Released after each test so no blocked model outlives it, whatever the engine did. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void releaseBlockedModels() throws InterruptedException {
        release.countDown();
        for (Thread t : threads) {
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
    }

    /** A model that blocks until interrupted (or released), and says whether it saw the interrupt. */
    private final class BlockingModel implements ModelClient {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ModelResponse call(ModelRequest request) throws Exception {
            calls.incrementAndGet();
            started.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return ModelResponse.of("too late", Usage.of(10, 5));
        }
    }

    /** Records every ticket it admits and every settlement, so a leak or a double settle shows. */
    private static final class RecordingAdmission implements StepAdmission {
        final AtomicInteger admitted = new AtomicInteger();
        /** One entry per settle call: "step attempt failureKind". */
        final List<String> settlements = new CopyOnWriteArrayList<>();

        @Override
        public Ticket admit(Request request) {
            admitted.incrementAndGet();
            return new Ticket() {
                @Override
                public boolean admitted() {
                    return true;
                }

                @Override
                public void settle(Usage usage, FailureKind failure) {
                    settlements.add(request.step() + " " + request.attempt() + " " + failure);
                }
            };
        }
    }

    /** Captures the outcome of the execution, also when the caller cancelled and so never sees it. */
    private static final class Finished implements CascadeListener {
        final CountDownLatch done = new CountDownLatch(1);
        final CountDownLatch retryScheduled = new CountDownLatch(1);
        final AtomicReference<Outcome<?>> outcome = new AtomicReference<>();

        @Override
        public void onExecutionFinished(ExecutionFinished event) {
            outcome.set(event.outcome());
            done.countDown();
        }

        @Override
        public void onRetryScheduled(RetryScheduled event) {
            retryScheduled.countDown();
        }

        Outcome<?> await() throws InterruptedException {
            assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("execution finished").isTrue();
            return outcome.get();
        }
    }

    private final ScriptedModel cheap = ScriptedModel.answering("gpt-cheap", "cheap answer");
    private final InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();
    private final RecordingAdmission admission = new RecordingAdmission();
    private final Finished finished = new Finished();

    private Cascade<String, String> chain(ModelClient advanced, Consumer<ModelStepSpec<String, String>> advancedSpec) {
        return Cascade.<String, String>builder("cancellation")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advanced, advancedSpec)
                .model("cheap", cheap)
                .humanReview("desk", queue)
                .admission(admission)
                .listener(finished)
                .build();
    }

    /** Where the model call runs: on the execution's own thread (no timeout), or on a pool thread (a step timeout). */
    enum CallThread {
        EXECUTION_THREAD(s -> { }),
        POOL_THREAD_WITH_TIMEOUT(s -> s.timeout(Duration.ofMinutes(5)));

        final Consumer<ModelStepSpec<String, String>> spec;

        CallThread(Consumer<ModelStepSpec<String, String>> spec) {
            this.spec = spec;
        }
    }

    /** The execution stopped at the cancelled call: no fallback model, no review item, one CANCELLED settlement. */
    private void assertStoppedAtTheCancelledCall(Outcome<?> out, BlockingModel advanced) {
        assertThat(out.status()).isEqualTo(Outcome.Status.CANCELLED);
        assertThat(trace(out)).containsExactly("advanced#1 FAILED CANCELLED");
        assertThat(advanced.calls).hasValue(1);
        assertThat(admission.admitted).hasValue(1);
        awaitSettlement();
        assertThat(admission.settlements).containsExactly("advanced 1 CANCELLED");
        assertThat(cheap.calls()).as("a cancelled execution must not fall back").isZero();
        assertThat(queue.size()).as("a cancelled execution must not create review work").isZero();
    }

    @ParameterizedTest
    @EnumSource(CallThread.class)
    void cancellingTheFutureInterruptsTheModelCallAndSettlesItsTicketOnceAsCancelled(CallThread where)
            throws Exception {
        BlockingModel advanced = new BlockingModel();
        Cascade<String, String> chain = chain(advanced, where.spec);

        CompletableFuture<Outcome<String>> future = chain.executeAsync("hello");
        assertThat(advanced.started.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("model call started").isTrue();
        assertThat(future.cancel(true)).isTrue();

        assertThat(advanced.interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("model saw the interrupt").isTrue();
        assertStoppedAtTheCancelledCall(finished.await(), advanced);
        assertThat(future).isCancelled();
        assertThatThrownBy(() -> future.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    }

    /** Runs {@code execute} on a thread of its own and reports what it returned and its interrupt flag after. */
    private final class Caller {
        final AtomicReference<Outcome<String>> outcome = new AtomicReference<>();
        final AtomicReference<Throwable> escaped = new AtomicReference<>();
        final AtomicBoolean interruptFlagAfter = new AtomicBoolean();
        final CountDownLatch returned = new CountDownLatch(1);
        final Thread thread;

        Caller(Cascade<String, String> chain) {
            thread = new Thread(() -> {
                try {
                    outcome.set(chain.execute("hello"));
                } catch (Throwable t) {
                    escaped.set(t);
                } finally {
                    interruptFlagAfter.set(Thread.currentThread().isInterrupted());
                    returned.countDown();
                }
            }, "sync-caller");
            threads.add(thread);
            thread.start();
        }

        Outcome<String> awaitReturn() throws InterruptedException {
            assertThat(returned.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("execute returned").isTrue();
            assertThat(escaped.get()).as("exception escaping execute").isNull();
            return outcome.get();
        }
    }

    @ParameterizedTest
    @EnumSource(CallThread.class)
    void interruptingASyncCallerMidCallReturnsCancelledAndKeepsTheInterruptFlag(CallThread where) throws Exception {
        BlockingModel advanced = new BlockingModel();
        Caller caller = new Caller(chain(advanced, where.spec));
        assertThat(advanced.started.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("model call started").isTrue();

        caller.thread.interrupt();

        Outcome<String> out = caller.awaitReturn();
        assertThat(advanced.interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("model saw the interrupt").isTrue();
        assertStoppedAtTheCancelledCall(out, advanced);
        assertThat(caller.interruptFlagAfter).as("interrupt flag still set for the caller").isTrue();
    }

    /**
     * A client that turns the interrupt into its own exception and clears the flag (the common
     * {@code catch (InterruptedException e) { throw new RuntimeException(e); }}); after that first call it would answer.
     */
    private final class InterruptSwallowingModel implements ModelClient {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ModelResponse call(ModelRequest request) {
            if (calls.incrementAndGet() > 1) {
                return ModelResponse.of("advanced answer", Usage.of(10, 5));
            }
            started.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new IllegalStateException("request aborted", e);
            }
            return ModelResponse.of("too late", Usage.of(10, 5));
        }
    }

    @ParameterizedTest
    @EnumSource(CallThread.class)
    void cancelledExecutionMakesNoFurtherCallsEvenWhenTheClientSwallowsTheInterrupt(CallThread where)
            throws Exception {
        InterruptSwallowingModel advanced = new InterruptSwallowingModel();
        Cascade<String, String> chain = chain(advanced, s -> {
            where.spec.accept(s);
            s.retry(r -> r.maxAttempts(3).initialBackoff(Duration.ZERO));
        });

        CompletableFuture<Outcome<String>> future = chain.executeAsync("hello");
        assertThat(advanced.started.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("model call started").isTrue();
        assertThat(future.cancel(true)).isTrue();
        assertThat(advanced.interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("model saw the interrupt").isTrue();
        Outcome<?> out = finished.await();

        // The caller has cancelled: whatever the client did with the interrupt, nothing more may be called, queued or
        // reserved on its behalf.
        assertThat(out.status()).as("outcome %s", trace(out)).isEqualTo(Outcome.Status.CANCELLED);
        assertThat(advanced.calls).as("advanced calls").hasValue(1);
        assertThat(cheap.calls()).as("cheap calls").isZero();
        assertThat(queue.size()).isZero();
        assertThat(admission.admitted).hasValue(1);
        awaitSettlement();
        assertThat(admission.settlements).containsExactly("advanced 1 CANCELLED");
    }

    /**
     * A call on a pool thread that the caller left still running is settled when it really ends (it may still be
     * billed), on that thread: possibly just after the execution finished. Bounded poll.
     */
    private void awaitSettlement() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (admission.settlements.isEmpty() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interrupt sync caller", "cancel async future"})
    void cancellingDuringARetryBackoffStopsTheExecutionWithoutAnotherCall(String how) throws Exception {
        ScriptedModel advanced = ScriptedModel.failing("gpt-advanced",
                new ModelCallException(FailureKind.UNAVAILABLE, "503"));
        // A backoff far longer than any test: only cancellation can end it.
        Cascade<String, String> chain = chain(advanced, s -> s.retry(r -> r.maxAttempts(3)
                .initialBackoff(Duration.ofHours(1)).maxBackoff(Duration.ofHours(1))));

        Outcome<?> out;
        if (how.equals("interrupt sync caller")) {
            Caller caller = new Caller(chain);
            assertThat(finished.retryScheduled.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            caller.thread.interrupt();
            out = caller.awaitReturn();
            assertThat(caller.interruptFlagAfter).as("interrupt flag still set for the caller").isTrue();
        } else {
            CompletableFuture<Outcome<String>> future = chain.executeAsync("hello");
            assertThat(finished.retryScheduled.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(future.cancel(true)).isTrue();
            out = finished.await();
        }

        assertThat(out.status()).isEqualTo(Outcome.Status.CANCELLED);
        assertThat(advanced.calls()).as("no retry after the cancellation").isEqualTo(1);
        assertThat(trace(out)).first().isEqualTo("advanced#1 FAILED UNAVAILABLE");
        assertThat(trace(out)).noneMatch(line -> line.startsWith("cheap") || line.startsWith("desk"));
        assertThat(admission.settlements).containsExactly("advanced 1 UNAVAILABLE");
        assertThat(cheap.calls()).isZero();
        assertThat(queue.size()).isZero();
    }

    // ------------------------------------------------------------------------------------------------------------
    // The caller's OpenTelemetry context reaches the model client on whichever thread the call runs.

    private static final ContextKey<String> TENANT = ContextKey.named("cascade-test-tenant");

    /** A model that records the OpenTelemetry value it sees and the thread it runs on. */
    private static final class ContextSpy implements ModelClient {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        @Override
        public ModelResponse call(ModelRequest request) {
            seen.add(String.valueOf(Context.current().get(TENANT)));
            threads.add(Thread.currentThread());
            return ModelResponse.of("answer", Usage.of(10, 5));
        }
    }

    static Stream<Arguments> contextCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Scenarios.Entry entry : Scenarios.Entry.values()) {
            for (boolean timeout : new boolean[] {false, true}) {
                for (boolean listener : new boolean[] {false, true}) {
                    cases.add(Arguments.of(entry, timeout, listener));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, step timeout {1}, listener {2}")
    @MethodSource("contextCases")
    void callersOpenTelemetryContextIsVisibleInsideTheModelClient(Scenarios.Entry entry, boolean timeout,
                                                                  boolean listener) throws Exception {
        ContextSpy spy = new ContextSpy();
        CascadeBuilder<String, String> b = Cascade.<String, String>builder("otel-context")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", spy, s -> {
                    if (timeout) {
                        s.timeout(Duration.ofMinutes(1));
                    }
                });
        if (listener) {
            b.listener(new CascadeListener() { });
        }
        Cascade<String, String> chain = b.build();

        Outcome<String> out;
        try (Scope ignored = Context.current().with(TENANT, "acme").makeCurrent()) {
            out = entry.run(chain, "hello");
        }

        assertThat(out.answer()).contains("answer");
        assertThat(spy.seen).containsExactly("acme");
        if (timeout || entry == Scenarios.Entry.EXECUTE_ASYNC) {
            // The call really ran on one of Cascade's threads, so the value crossed a thread boundary.
            assertThat(spy.threads.get(0)).isNotSameAs(Thread.currentThread());
        }

        // And it does not stay behind on those pooled threads for the next caller, who has no such context.
        Outcome<String> next = entry.run(chain, "hello again");
        assertThat(next.answer()).contains("answer");
        assertThat(spy.seen).containsExactly("acme", "null");
    }
}
