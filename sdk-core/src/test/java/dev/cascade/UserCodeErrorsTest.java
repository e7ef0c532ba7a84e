package dev.cascade;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.ReviewHandle;
import dev.cascade.api.ReviewRequest;
import dev.cascade.api.Usage;
import dev.cascade.event.AttemptStarted;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.ReviewQueue;
import dev.cascade.spi.StepAdmission;
import dev.cascade.testing.VirtualTime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An {@link Error} thrown by user code (a mapper, the admission hook, a parser, the accept gate, the router, rules, a
 * custom step, a classifier, a listener, the review queue, the client) never wedges a breaker or leaks an admission
 * ticket. The regression: a half-open breaker with one trial call, a prompt mapper throwing {@link AssertionError},
 * and the breaker stayed HALF_OPEN refusing every call forever.
 *
 * <p>What the engine does with the error: a {@link VirtualMachineError} (out of memory, stack overflow) is rethrown
 * from {@code execute} (the future fails, for {@code executeAsync}) after the permission is released and the ticket
 * settled; any other {@code Error} is that hook's failure, recorded like a {@code RuntimeException}, and the chain
 * goes on, so the input still reaches the steps after it.
 */
class UserCodeErrorsTest {

    /** Where the error is thrown. */
    enum Path {
        ROUTER, CUSTOM_STEP, RULES, PROMPT, ADMISSION, LISTENER_ATTEMPT_STARTED, CLIENT, CLASSIFIER, PARSER, ACCEPT,
        REVIEW_QUEUE
    }

    /** The two kinds of Error a hook can throw. */
    enum Kind {
        ASSERTION(() -> new AssertionError("broken hook")),
        OUT_OF_MEMORY(() -> new OutOfMemoryError("simulated"));

        final Supplier<Error> error;

        Kind(Supplier<Error> error) {
            this.error = error;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Path p : Path.values()) {
            for (Kind k : Kind.values()) {
                for (Scenarios.Entry e : Scenarios.Entry.values()) {
                    all.add(Arguments.of(p, k, e));
                }
            }
        }
        return all.stream();
    }

    private final VirtualTime time = new VirtualTime();
    private final CascadeRegistries registries = CascadeRegistries.create(time);
    /** The path that throws next; cleared when it has thrown once. */
    private volatile Path armed;
    private volatile Kind kind;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger settled = new AtomicInteger();
    private final InMemoryReviewQueue<String, String> queue = new InMemoryReviewQueue<>();

    private void maybeThrow(Path here) {
        if (armed == here) {
            armed = null;
            throw kind.error.get();
        }
    }

    private Cascade<String, String> chain() {
        ReviewQueue<String, String> review = request -> {
            maybeThrow(Path.REVIEW_QUEUE);
            return queue.submit(request);
        };
        return Cascade.<String, String>builder("errors")
                .timeSource(time)
                .registries(registries)
                .router(in -> {
                    maybeThrow(Path.ROUTER);
                    return "pre";
                })
                .prompt(in -> {
                    maybeThrow(Path.PROMPT);
                    return ModelRequest.of(in);
                })
                .parse(r -> {
                    maybeThrow(Path.PARSER);
                    return r.text();
                })
                .accept(answer -> {
                    maybeThrow(Path.ACCEPT);
                    return armed != Path.REVIEW_QUEUE; // refused, so the review queue is reached
                })
                .step("pre", in -> {
                    maybeThrow(Path.CUSTOM_STEP);
                    return Optional.empty();
                })
                .rules("rules", RuleSet.<String, String>firstMatch().rule("never", in -> {
                    maybeThrow(Path.RULES);
                    return false;
                }, in -> "rule").build())
                .model("advanced", request -> {
                    maybeThrow(Path.CLIENT);
                    if (armed == Path.CLASSIFIER) {
                        throw new IllegalStateException("a failure for the classifier to look at");
                    }
                    return ModelResponse.of("advanced answer", Usage.of(10, 5));
                }, s -> s
                        .timeout(Duration.ofSeconds(5))
                        .circuitBreaker(cb -> cb.slidingWindowSize(1).minimumCalls(1).halfOpenCalls(1)
                                .openFor(Duration.ofSeconds(30))))
                .humanReview("desk", review)
                .classifier(error -> {
                    maybeThrow(Path.CLASSIFIER);
                    return null;
                })
                .admission(request -> {
                    maybeThrow(Path.ADMISSION);
                    admitted.incrementAndGet();
                    return new StepAdmission.Ticket() {
                        @Override
                        public boolean admitted() {
                            return true;
                        }

                        @Override
                        public void settle(Usage usage, FailureKind failure) {
                            settled.incrementAndGet();
                        }
                    };
                })
                .listener(new CascadeListener() {
                    @Override
                    public void onAttemptStarted(AttemptStarted event) {
                        if (event.step().equals("advanced")) {
                            maybeThrow(Path.LISTENER_ATTEMPT_STARTED);
                        }
                    }
                })
                .build();
    }

    private CircuitBreaker breaker() {
        return registries.circuitBreaker("errors/advanced").orElseThrow();
    }

    /** Puts the breaker in HALF_OPEN with exactly one trial permission, the state that used to wedge. */
    private void halfOpenWithOneTrial() {
        breaker().transitionToOpenState();
        time.advance(Duration.ofSeconds(31));
    }

    @ParameterizedTest(name = "{0} throws {1} via {2}")
    @MethodSource("cases")
    void anErrorFromUserCodeNeverWedgesTheHalfOpenBreakerNorLeaksATicket(Path path, Kind k, Scenarios.Entry entry) {
        Cascade<String, String> chain = chain();
        halfOpenWithOneTrial();
        armed = path;
        kind = k;

        Throwable escaped = null;
        Outcome<String> first = null;
        try {
            first = run(entry, chain, "first");
        } catch (Throwable t) {
            escaped = t;
        }
        assertThat(armed).as("the %s hook ran and threw", path).isNull();

        if (k == Kind.OUT_OF_MEMORY) {
            // Fatal JVM errors go on to the caller, after the engine cleaned up.
            assertThat(escaped).as("a VirtualMachineError reaches the caller").isInstanceOf(OutOfMemoryError.class);
        } else {
            // Any other Error is the hook's failure: recorded, and the input goes on through the chain.
            assertThat(escaped).as("a non-fatal Error must not escape execute").isNull();
            assertThat(first.status()).isIn(Outcome.Status.ANSWERED, Outcome.Status.PENDING_REVIEW,
                    path == Path.REVIEW_QUEUE ? Outcome.Status.UNANSWERED : Outcome.Status.ANSWERED);
            if (path != Path.LISTENER_ATTEMPT_STARTED && path != Path.ROUTER && path != Path.CLASSIFIER) {
                assertThat(first.attempts()).as("the failure is recorded: %s", Scenarios.trace(first))
                        .anyMatch(a -> a.reason() != null && a.reason().contains("AssertionError"));
            }
            if (path == Path.ROUTER) {
                assertThat(first.route().reason()).contains("AssertionError");
            }
        }

        assertThat(settled.get()).as("every admitted ticket settled").isEqualTo(admitted.get());
        CircuitBreaker.State state = breaker().getState();
        if (state == CircuitBreaker.State.HALF_OPEN) {
            // Still half-open only with its trial permission returned.
            assertThat(breaker().tryAcquirePermission()).as("the trial permission was returned").isTrue();
            breaker().releasePermission();
        }
        boolean failureCounted = (path == Path.CLIENT || path == Path.CLASSIFIER) && k == Kind.ASSERTION;
        if (failureCounted) {
            // The client failed (an Error from the client, or a failure the broken classifier left UNAVAILABLE):
            // a real trial failure, recorded, so the breaker opens again rather than hanging half-open.
            assertThat(state).isEqualTo(CircuitBreaker.State.OPEN);
            return;
        }
        Outcome<String> next = run(entry, chain, "next");
        assertThat(next.answeredBy()).as("breaker not wedged: %s", Scenarios.trace(next)).contains("advanced");
        assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(settled.get()).isEqualTo(admitted.get());
    }

    private static Outcome<String> run(Scenarios.Entry entry, Cascade<String, String> chain, String input) {
        if (entry == Scenarios.Entry.EXECUTE) {
            return chain.execute(input);
        }
        try {
            return chain.executeAsync(input).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            return fail("executeAsync did not complete", e);
        }
    }
}
