package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.config.BulkheadSpec;
import dev.cascade.spi.AttemptResult;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.StepAdmission;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model step's bulkhead: a full one skips the step at once with BULKHEAD_FULL, and a slot comes back on every path
 * the call can end by, but only when the call really ends (an abandoned call that ignores interrupts keeps it).
 * Blocking calls are held on latches; nothing sleeps.
 */
@Timeout(60)
class BulkheadTest {

    private final VirtualTime time = new VirtualTime();
    private final CascadeRegistries registries = CascadeRegistries.create(time);
    private final ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");
    /** Released at the end of every test, so no call stays blocked past it. */
    private final List<CountDownLatch> gates = new CopyOnWriteArrayList<>();

    @AfterEach
    void openGates() {
        gates.forEach(CountDownLatch::countDown);
    }

    /** A call that signals {@code entered}, then waits for {@code release}; with {@code deaf} it ignores interrupts. */
    private ScriptedModel.Step blocking(CountDownLatch entered, CountDownLatch release, boolean deaf) {
        gates.add(release);
        return r -> {
            entered.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    if (!deaf) {
                        throw e;
                    }
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return new ModelResponse("late answer", Usage.of(10, 5), "stop", "gpt-big");
        };
    }

    private CascadeBuilder<String, String> chain(String name, ScriptedModel advanced, Duration timeout, int max) {
        return Cascade.<String, String>builder(name)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .registries(registries)
                .model("advanced", advanced, s -> {
                    s.resourceName("gpt-big-account").bulkhead(b -> b.maxConcurrentCalls(max));
                    if (timeout != null) {
                        s.timeout(timeout);
                    }
                })
                .model("cheap", cheap);
    }

    private Bulkhead bulkhead() {
        return registries.bulkhead("gpt-big-account").orElseThrow();
    }

    private int free() {
        return bulkhead().getMetrics().getAvailableConcurrentCalls();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch").isTrue();
    }

    /** Bounded polling for something another thread does after the outcome is returned. */
    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - until).as(what).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aFullBulkheadSkipsTheStepAtOnceWithItsOwnKindAndReason(Scenarios.Entry entry) throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedModel advanced = new ScriptedModel("gpt-big").then(blocking(entered, release, false))
                .thenAnswer("big answer");
        Cascade<String, String> chain = chain("full", advanced, null, 1).build();

        CompletableFuture<Outcome<String>> first = chain.executeAsync("first");
        await(entered);
        assertThat(free()).isZero();

        Outcome<String> second = entry.run(chain, "second");

        assertThat(Scenarios.trace(second)).containsExactly("advanced#0 SKIPPED BULKHEAD_FULL", "cheap#1 ANSWERED");
        Attempt skip = second.attempts().get(0);
        assertThat(skip.reason()).isEqualTo("bulkhead 'gpt-big-account' is full (1 calls in flight)");
        assertThat(skip.calledModel()).isFalse();
        assertThat(skip.latency()).isZero();
        assertThat(second.elapsed()).isZero();
        assertThat(time.sleeps()).isEmpty(); // never waited for room
        assertThat(bulkhead().getBulkheadConfig().getMaxWaitDuration()).isZero();
        assertThat(advanced.calls()).isEqualTo(1);
        assertThat(FailureKind.BULKHEAD_FULL.isAdmission()).isTrue();

        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).answeredBy()).contains("advanced");
        assertThat(free()).isEqualTo(1);
        assertThat(entry.run(chain, "third").answeredBy()).contains("advanced");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void theSlotComesBackWhenTheCallAnswersFailsOrThrowsAnError(Scenarios.Entry entry) {
        for (Duration timeout : new Duration[] {null, Duration.ofSeconds(5)}) {
            ScriptedModel advanced = new ScriptedModel("gpt-big")
                    .thenAnswer("big answer")
                    .thenThrow(new ModelCallException(FailureKind.UNAVAILABLE, "503 from provider"))
                    .then(r -> {
                        throw new AssertionError("a bug in the client");
                    })
                    .thenAnswer("");
            Cascade<String, String> chain = chain("paths-" + (timeout == null), advanced, timeout, 1).build();
            List<String> firsts = new java.util.ArrayList<>();
            // answered, failed, an Error from the client, rejected (empty answer): each leaves the one slot free
            for (String input : List.of("a", "b", "c", "d")) {
                firsts.add(Scenarios.trace(entry.run(chain, input)).get(0));
                assertThat(free()).as("after %s, timeout %s", input, timeout).isEqualTo(1);
            }
            assertThat(firsts).containsExactly("advanced#1 ANSWERED", "advanced#1 FAILED UNAVAILABLE",
                    "advanced#1 FAILED UNAVAILABLE", "advanced#1 REJECTED REJECTED");
            assertThat(advanced.calls()).isEqualTo(4);
        }
    }

    @Test
    void theSlotComesBackWhenAVirtualMachineErrorEscapes() {
        ScriptedModel advanced = new ScriptedModel("gpt-big").then(r -> {
            throw new StackOverflowError("deep");
        });
        for (Duration timeout : new Duration[] {null, Duration.ofSeconds(5)}) {
            Cascade<String, String> chain = chain("fatal-" + (timeout == null), advanced, timeout, 1).build();
            assertThatThrownBy(() -> chain.execute("x")).isInstanceOf(StackOverflowError.class);
            assertThat(free()).isEqualTo(1);
        }
    }

    @Test
    void theSlotComesBackWhenThePromptFailsOrTheBudgetRefuses() {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Cascade<String, String> badPrompt = Cascade.<String, String>builder("prompt")
                .parse(ModelResponse::text).timeSource(time).registries(registries)
                .model("advanced", advanced, s -> s.resourceName("gpt-big-account").bulkhead(b -> b.maxConcurrentCalls(1))
                        .prompt(in -> {
                            throw new IllegalStateException("no template");
                        }))
                .model("cheap", cheap, s -> s.prompt(ModelRequest::of))
                .build();
        assertThat(Scenarios.trace(badPrompt.execute("x"))).containsExactly("advanced#0 FAILED INVALID_REQUEST",
                "cheap#0 SKIPPED BARRED");
        assertThat(free()).isEqualTo(1);

        Cascade<String, String> broke = chain("budget", advanced, null, 1)
                .admission(r -> r.step().equals("advanced")
                        ? StepAdmission.refuse(FailureKind.OVER_BUDGET, "over the daily budget") : StepAdmission.ADMITTED)
                .build();
        Outcome<String> out = broke.execute("x");
        assertThat(Scenarios.trace(out)).containsExactly("advanced#0 SKIPPED OVER_BUDGET", "cheap#1 ANSWERED");
        assertThat(free()).isEqualTo(1);
        assertThat(advanced.calls()).isZero();
    }

    /**
     * The slot passes to the call only when the call is made: an interceptor that answers from elsewhere (a cache), or
     * fails, without calling {@code proceed}, leaves it with the attempt, which gives it back.
     */
    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void theSlotComesBackWhenAnInterceptorAnswersOrFailsWithoutCalling(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Cascade<String, String> cached = chain("cached", advanced, Duration.ofSeconds(5), 1)
                .intercept(call -> AttemptResult.answered(new ModelResponse("cached answer", Usage.NONE, "stop",
                        "gpt-big")))
                .build();
        for (int i = 0; i < 3; i++) {
            Outcome<String> out = entry.run(cached, "x");
            assertThat(out.answer()).contains("cached answer");
            assertThat(free()).as("slot after cached answer " + i).isEqualTo(1);
        }
        Cascade<String, String> failing = chain("failing", advanced, null, 1)
                .intercept(call -> call.step().equals("advanced")
                        ? AttemptResult.failed(new IllegalStateException("tenant lookup failed"))
                        : call.proceed(call.request()))
                .build();
        for (int i = 0; i < 3; i++) {
            assertThat(Scenarios.trace(entry.run(failing, "x"))).containsExactly("advanced#1 FAILED UNAVAILABLE",
                    "cheap#1 ANSWERED");
            assertThat(free()).as("slot after failed interceptor " + i).isEqualTo(1);
        }
        assertThat(advanced.calls()).isZero();
    }

    @Test
    void aCallAbandonedByItsTimeoutThatIgnoresInterruptsKeepsItsSlotUntilItReallyEnds() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedModel advanced = new ScriptedModel("gpt-big").then(blocking(entered, release, true))
                .thenAnswer("big answer");
        // Real time: only a real timeout can leave a call running on another thread.
        CascadeRegistries real = CascadeRegistries.create();
        Cascade<String, String> chain = Cascade.<String, String>builder("deaf")
                .prompt(ModelRequest::of).parse(ModelResponse::text).registries(real)
                .model("advanced", advanced, s -> s.resourceName("deaf-model").timeout(Duration.ofMillis(50))
                        .bulkhead(b -> b.maxConcurrentCalls(1)))
                .model("cheap", cheap)
                .build();
        Bulkhead bulkhead = real.bulkhead("deaf-model").orElseThrow();

        Outcome<String> first = chain.execute("first");
        assertThat(Scenarios.trace(first)).containsExactly("advanced#1 FAILED TIMEOUT", "cheap#1 ANSWERED");
        await(entered);
        // The caller was freed, the call still runs: it still holds the step's only slot.
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
        Outcome<String> second = chain.execute("second");
        assertThat(Scenarios.trace(second)).containsExactly("advanced#0 SKIPPED BULKHEAD_FULL", "cheap#1 ANSWERED");
        assertThat(advanced.calls()).isEqualTo(1);

        release.countDown(); // the client finally returns (timeout after the end): the slot comes back
        eventually("slot back after the abandoned call ended",
                () -> bulkhead.getMetrics().getAvailableConcurrentCalls() == 1);
        assertThat(chain.execute("third").answeredBy()).contains("advanced");
    }

    @Test
    void aCancelledCallGivesItsSlotBackWhenItEnds() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedModel advanced = new ScriptedModel("gpt-big").then(blocking(entered, release, false))
                .thenAnswer("big answer");
        CascadeRegistries real = CascadeRegistries.create();
        Cascade<String, String> chain = Cascade.<String, String>builder("cancel")
                .prompt(ModelRequest::of).parse(ModelResponse::text).registries(real)
                .model("advanced", advanced, s -> s.resourceName("cancel-model").timeout(Duration.ofSeconds(30))
                        .bulkhead(b -> b.maxConcurrentCalls(1)))
                .build();
        Bulkhead bulkhead = real.bulkhead("cancel-model").orElseThrow();

        CompletableFuture<Outcome<String>> running = chain.executeAsync("x");
        await(entered);
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
        assertThat(running.cancel(true)).isTrue();

        // The interrupt reaches the call, which honours it and ends: the slot comes back without the gate opening.
        eventually("slot back after cancel", () -> bulkhead.getMetrics().getAvailableConcurrentCalls() == 1);
        assertThat(chain.execute("y").answeredBy()).contains("advanced");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void twoChainsOnOneResourceShareOneBulkheadAndAnApplicationsOwnBulkheadWorksToo(Scenarios.Entry entry)
            throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedModel advanced = new ScriptedModel("gpt-big").then(blocking(entered, release, false))
                .thenAnswer("big answer");
        Cascade<String, String> support = chain("support", advanced, null, 1).build();
        Cascade<String, String> sales = chain("sales", advanced, null, 1).build();
        CompletableFuture<Outcome<String>> held = support.executeAsync("hold");
        await(entered);
        assertThat(Scenarios.trace(entry.run(sales, "x"))).first().isEqualTo("advanced#0 SKIPPED BULKHEAD_FULL");
        release.countDown();
        held.get(30, TimeUnit.SECONDS);

        Bulkhead own = Bulkhead.of("app-openai", BulkheadConfig.custom().maxConcurrentCalls(1)
                .maxWaitDuration(Duration.ZERO).build());
        assertThat(own.tryAcquirePermission()).isTrue(); // the application's own code holds the only slot
        Cascade<String, String> mine = Cascade.<String, String>builder("mine")
                .prompt(ModelRequest::of).parse(ModelResponse::text).timeSource(time)
                .model("advanced", advanced, s -> s.bulkhead(own))
                .model("cheap", cheap)
                .build();
        Outcome<String> skipped = entry.run(mine, "y");
        assertThat(skipped.attempts().get(0).reason()).isEqualTo("bulkhead 'app-openai' is full (1 calls in flight)");
        own.onComplete();
        assertThat(entry.run(mine, "z").answeredBy()).contains("advanced");
        assertThat(own.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
        assertThat(mine.describe().steps().get(0).policies().get("bulkhead"))
                .isEqualTo("app-openai (application's) 1 concurrent calls");
    }

    @Test
    void theSpecIsAnImmutableValueWithDefaultsAndNamedErrors() {
        BulkheadSpec defaults = BulkheadSpec.ofDefaults();
        assertThat(defaults.maxConcurrentCalls()).isEqualTo(BulkheadSpec.DEFAULT_MAX_CONCURRENT_CALLS).isEqualTo(25);
        BulkheadSpec fifty = BulkheadSpec.custom().maxConcurrentCalls(50).build();
        assertThat(BulkheadSpec.from(fifty).build()).isEqualTo(fifty).isNotSameAs(defaults);
        assertThat(BulkheadSpec.from(fifty).maxConcurrentCalls(25).build()).isEqualTo(defaults);
        assertThat(fifty.maxConcurrentCalls()).isEqualTo(50);
        assertThatThrownBy(() -> BulkheadSpec.custom().maxConcurrentCalls(0))
                .isInstanceOfSatisfying(CascadeConfigurationException.class,
                        e -> assertThat(e.path()).isEqualTo("bulkhead.maxConcurrentCalls"))
                .hasMessageStartingWith("bulkhead.maxConcurrentCalls: must be >= 1, was 0. Fix: ");
        assertThatThrownBy(() -> Cascade.<String, String>builder("bad")
                .model("advanced", cheap, s -> s.bulkhead(b -> b.maxConcurrentCalls(-1))))
                .isInstanceOfSatisfying(CascadeConfigurationException.class,
                        e -> assertThat(e.path()).isEqualTo("steps[0].bulkhead.maxConcurrentCalls"))
                .hasMessageStartingWith("chain 'bad', model step 'advanced': steps[0].bulkhead.maxConcurrentCalls:"
                        + " must be >= 1, was -1");

        // One spec shared by two steps; a different spec on the same resource is refused at build.
        Cascade<String, String> chain = Cascade.<String, String>builder("shared")
                .prompt(ModelRequest::of).parse(ModelResponse::text).registries(registries)
                .model("a", cheap, s -> s.resourceName("r").bulkhead(fifty))
                .model("b", cheap, s -> s.resourceName("r").bulkhead(fifty))
                .build();
        assertThat(chain.describe().steps().get(0).policies()).containsEntry("bulkhead",
                "r bulkhead(50 concurrent calls)");
        assertThat(chain.describe().toString()).contains("bulkhead=r bulkhead(50 concurrent calls)");
        assertThatThrownBy(() -> Cascade.<String, String>builder("other")
                .prompt(ModelRequest::of).parse(ModelResponse::text).registries(registries)
                .model("a", cheap, s -> s.resourceName("r").bulkhead(b -> b.maxConcurrentCalls(10)))
                .build())
                .isInstanceOfSatisfying(CascadeConfigurationException.class,
                        e -> assertThat(e.path()).isEqualTo("steps[0].bulkhead"))
                .hasMessageContaining("bulkhead 'r' is already registered as bulkhead(50 concurrent calls) but this"
                        + " step asks for bulkhead(10 concurrent calls)");
    }
}
