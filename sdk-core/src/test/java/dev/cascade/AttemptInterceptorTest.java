package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.spi.AttemptInterceptor;
import dev.cascade.spi.AttemptResult;
import dev.cascade.spi.ModelCallException;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** A user-written {@link AttemptInterceptor} on a chain: what it sees, and what it may do to an attempt. */
class AttemptInterceptorTest {

    private final VirtualTime time = new VirtualTime();

    /** What the interceptor saw of one attempt: its facts before the call, the result after. */
    record Seen(String chain, String step, String executionId, int attempt, String model, String circuitState,
                AttemptResult.Kind kind, FailureKind failure) {
    }

    /** Records every attempt and passes it on unchanged. */
    static final class Recording implements AttemptInterceptor {
        final List<Seen> seen = new ArrayList<>();

        @Override
        public synchronized AttemptResult intercept(Invocation inv) {
            AttemptResult r = inv.proceed(inv.request());
            seen.add(new Seen(inv.chain(), inv.step(), inv.executionId(), inv.attempt(), inv.model(),
                    inv.circuitState(), r.kind(), r.failure()));
            return r;
        }
    }

    private static ModelCallException unavailable() {
        return new ModelCallException(FailureKind.UNAVAILABLE, "503 from provider");
    }

    private CascadeBuilder<String, String> chain(String name) {
        return Cascade.<String, String>builder(name)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time);
    }

    @Test
    void seesEveryAttemptRetriesAndFallbacksIncludedWithItsFacts() {
        Recording recording = new Recording();
        ScriptedModel primary = ScriptedModel.failing("gpt-big", unavailable());
        ScriptedModel backup = ScriptedModel.answering("gpt-small", "refund approved");
        Cascade<String, String> chain = chain("support")
                .model("primary", primary, s -> s.retry(r -> r.maxAttempts(2)).circuitBreaker(cb -> cb.minimumCalls(20)))
                .model("backup", backup)
                .intercept(recording)
                .build();

        Outcome<String> outcome = chain.execute("where is my refund?", CallContext.empty());

        assertThat(outcome.answer()).contains("refund approved");
        assertThat(recording.seen).extracting(Seen::chain, Seen::step, Seen::attempt, Seen::model, Seen::circuitState,
                        Seen::kind, Seen::failure)
                .containsExactly(
                        tuple("support", "primary", 1, "gpt-big", "CLOSED", AttemptResult.Kind.FAILED,
                                FailureKind.UNAVAILABLE),
                        tuple("support", "primary", 2, "gpt-big", "CLOSED", AttemptResult.Kind.FAILED,
                                FailureKind.UNAVAILABLE),
                        tuple("support", "backup", 1, "gpt-small", null, AttemptResult.Kind.ANSWERED, null));
        assertThat(recording.seen).extracting(Seen::executionId).containsOnly(outcome.executionId());
        assertThat(primary.calls()).isEqualTo(2);
    }

    @Test
    void aShortCircuitAnswerIsParsedGatedAndRecordedWithoutCallingTheModelOrCountingForTheBreaker() {
        ScriptedModel primary = ScriptedModel.answering("gpt-big", "from the model");
        AttemptInterceptor cache = inv -> inv.step().equals("primary")
                ? AttemptResult.answered(new ModelResponse("from the cache", Usage.of(3, 2), "stop", "cache"))
                : inv.proceed(inv.request());
        Cascade<String, String> chain = chain("cached")
                .model("primary", primary, s -> s.circuitBreaker(cb -> cb.minimumCalls(20)))
                .intercept(cache)
                .build();

        Outcome<String> outcome = chain.execute("hello", CallContext.empty());

        assertThat(outcome.answer()).contains("from the cache");
        assertThat(outcome.attempts()).extracting(Attempt::step, Attempt::status, Attempt::model)
                .containsExactly(tuple("primary", Status.ANSWERED, "cache"));
        assertThat(primary.calls()).isZero();
        CircuitBreaker breaker = chain.circuitBreaker("primary").orElseThrow();
        assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
    }

    @Test
    void aShortCircuitAnswerTheGateRefusesFallsThroughToTheNextStep() {
        AttemptInterceptor cache = inv -> inv.step().equals("primary")
                ? AttemptResult.answered(new ModelResponse("stale", Usage.NONE, "stop", "cache"))
                : inv.proceed(inv.request());
        Cascade<String, String> chain = chain("gated")
                .accept(answer -> !answer.equals("stale"))
                .model("primary", ScriptedModel.answering("gpt-big", "unused"))
                .model("backup", ScriptedModel.answering("gpt-small", "fresh"))
                .intercept(cache)
                .build();

        Outcome<String> outcome = chain.execute("hello", CallContext.empty());

        assertThat(outcome.answer()).contains("fresh");
        assertThat(outcome.attempts()).extracting(Attempt::step, Attempt::status, Attempt::failure)
                .containsExactly(tuple("primary", Status.REJECTED, FailureKind.REJECTED),
                        tuple("backup", Status.ANSWERED, null));
    }

    @Test
    void aRefusalSkipsTheStepAtOnceWithItsKindAndReasonAndGivesTheBreakerPermissionBack() {
        ScriptedModel primary = ScriptedModel.answering("gpt-big", "never");
        AttemptInterceptor quota = inv -> inv.step().equals("primary")
                ? AttemptResult.refused(FailureKind.NO_PERMIT, "tenant quota used up")
                : inv.proceed(inv.request());
        Cascade<String, String> chain = chain("quota")
                .model("primary", primary, s -> s.retry(r -> r.maxAttempts(3))
                        .circuitBreaker(cb -> cb.minimumCalls(1).halfOpenCalls(1)))
                .model("backup", ScriptedModel.answering("gpt-small", "from backup"))
                .intercept(quota)
                .build();
        CircuitBreaker breaker = chain.circuitBreaker("primary").orElseThrow();
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState(); // one trial permission: a leaked one would refuse the next execution

        for (int i = 0; i < 3; i++) {
            Outcome<String> outcome = chain.execute("hello", CallContext.empty());

            assertThat(outcome.answer()).contains("from backup");
            assertThat(outcome.attempts()).extracting(Attempt::step, Attempt::status, Attempt::failure,
                            Attempt::reason)
                    .containsExactly(tuple("primary", Status.SKIPPED, FailureKind.NO_PERMIT, "tenant quota used up"),
                            tuple("backup", Status.ANSWERED, null, null));
        }
        assertThat(primary.calls()).isZero();
        assertThat(time.sleeps()).isEmpty(); // no retry, no waiting
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void aWrapMakesItsContextCurrentInsideTheTimedCallOnThePoolThread() throws Exception {
        ContextKey<String> tenant = ContextKey.named("tenant");
        AtomicReference<String> seenTenant = new AtomicReference<>();
        AtomicReference<Thread> callThread = new AtomicReference<>();
        ScriptedModel model = new ScriptedModel("gpt-big").then(r -> {
            seenTenant.set(Context.current().get(tenant));
            callThread.set(Thread.currentThread());
            return new ModelResponse("ok", Usage.of(1, 1), "stop", "gpt-big");
        });
        AttemptInterceptor wrap = inv -> {
            try (Scope ignored = Context.current().with(tenant, "acme").makeCurrent()) {
                return inv.proceed(inv.request());
            }
        };
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Cascade<String, String> chain = Cascade.<String, String>builder("wrapped")
                    .prompt(ModelRequest::of)
                    .parse(ModelResponse::text)
                    .model("primary", model, s -> s.timeout(Duration.ofSeconds(30)))
                    .executor(pool)
                    .intercept(wrap)
                    .build();

            Outcome<String> outcome = chain.execute("hello", CallContext.empty());

            assertThat(outcome.answer()).contains("ok");
            assertThat(callThread.get()).isNotNull().isNotSameAs(Thread.currentThread());
            assertThat(seenTenant.get()).isEqualTo("acme");
            assertThat(Context.current().get(tenant)).isNull(); // the wrap ended with the attempt
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void interceptorsRunInTheOrderAddedInsideTheBudgetAndCanChangeTheRequest() {
        List<String> order = new ArrayList<>();
        AtomicReference<String> userSeen = new AtomicReference<>();
        ScriptedModel model = new ScriptedModel("gpt-big").then(r -> {
            userSeen.set(r.user());
            return new ModelResponse("ok", Usage.of(1, 1), "stop", "gpt-big");
        });
        Cascade<String, String> chain = chain("ordered")
                .model("primary", model)
                .intercept(inv -> {
                    order.add("first");
                    return inv.proceed(ModelRequest.of(inv.request().user() + " [tagged]"));
                })
                .intercept(inv -> {
                    order.add("second sees " + inv.request().user());
                    return inv.proceed(inv.request());
                })
                .build();

        chain.execute("hello", CallContext.empty());

        assertThat(order).containsExactly("first", "second sees hello [tagged]");
        assertThat(userSeen.get()).isEqualTo("hello [tagged]");
    }

    @Test
    void anInterceptorThatThrowsIsTheAttemptsFailureClassifiedAndRetried() {
        ScriptedModel model = ScriptedModel.answering("gpt-big", "ok");
        int[] calls = {0};
        Cascade<String, String> chain = chain("throwing")
                .model("primary", model, s -> s.retry(r -> r.maxAttempts(2)))
                .intercept(inv -> {
                    if (calls[0]++ == 0) {
                        throw new IllegalStateException("injected fault");
                    }
                    return inv.proceed(inv.request());
                })
                .build();

        Outcome<String> outcome = chain.execute("hello", CallContext.empty());

        assertThat(outcome.answer()).contains("ok");
        assertThat(outcome.attempts()).extracting(Attempt::number, Attempt::status, Attempt::failure,
                        Attempt::reason)
                .containsExactly(tuple(1, Status.FAILED, FailureKind.UNAVAILABLE, "IllegalStateException: injected fault"),
                        tuple(2, Status.ANSWERED, null, null));
        assertThat(model.calls()).isEqualTo(1);
    }

    @Test
    void proceedingTwiceOrRefusingAfterProceedingIsRecordedAsAFailureNamingTheContract() {
        Cascade<String, String> twice = chain("twice")
                .model("primary", ScriptedModel.answering("gpt-big", "ok"))
                .intercept(inv -> {
                    inv.proceed(inv.request());
                    return inv.proceed(inv.request());
                })
                .build();
        Cascade<String, String> late = chain("late")
                .model("primary", ScriptedModel.answering("gpt-big", "ok"))
                .intercept(inv -> {
                    inv.proceed(inv.request());
                    return AttemptResult.refused(FailureKind.OVER_BUDGET, "too late");
                })
                .build();

        assertThat(twice.execute("hello", CallContext.empty()).attempts()).singleElement()
                .satisfies(a -> assertThat(a.reason()).contains("called proceed() twice"));
        assertThat(late.execute("hello", CallContext.empty()).attempts()).singleElement()
                .satisfies(a -> assertThat(a.reason()).contains("after calling proceed()"));
    }

    @Test
    void aBudgetSettlesTheShortCircuitAnswerOfAnInnerInterceptor() {
        dev.cascade.budget.Budget budget = dev.cascade.budget.Budget.builder()
                .limit(dev.cascade.budget.Scope.GLOBAL, dev.cascade.budget.Window.DAY, "100.00")
                .price("gpt-big", dev.cascade.api.Pricing.perMillionTokens("1.00", "1.00"))
                .build();
        Cascade<String, String> chain = chain("budgeted")
                .model("primary", ScriptedModel.answering("gpt-big", "unused"))
                .budget(budget)
                .intercept(inv -> AttemptResult.answered(new ModelResponse("cached", Usage.of(1, 1), "stop",
                        "gpt-big")))
                .build();

        Outcome<String> outcome = chain.execute("hello", CallContext.empty());

        assertThat(outcome.answer()).contains("cached");
        assertThat(outcome.cost()).isEqualTo(Money.ofMicros(2)); // 1 input + 1 output token at $1 per 1M
    }
}
