package dev.cascade;

import dev.cascade.api.CallContext;
import dev.cascade.api.Description;
import dev.cascade.api.Outcome;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * A built fallback chain: the front door of Cascade. Start with {@link #builder(String)}.
 *
 * <pre>{@code
 * Cascade<Ticket, Reply> triage = Cascade.<Ticket, Reply>builder("support-triage")
 *     .prompt(t -> ModelRequest.of(SYSTEM_PROMPT, t.text()))
 *     .parse(r -> Reply.fromJson(r.text()))
 *     .model("advanced", advancedClient, s -> s
 *         .timeout(Duration.ofSeconds(8))
 *         .retry(r -> r.maxAttempts(2))
 *         .circuitBreaker(cb -> cb.failureRateThreshold(50).openFor(Duration.ofSeconds(30))))
 *     .model("cheap", cheapClient, s -> s.timeout(Duration.ofSeconds(4)))
 *     .rules("faq", faqRules)
 *     .humanReview("support-desk", reviewQueue)
 *     .accept(reply -> reply.confidence() >= 0.7)
 *     .deadline(Duration.ofSeconds(10))
 *     .build();
 *
 * Outcome<Reply> out = triage.execute(ticket);
 * }</pre>
 *
 * <p>Steps run in the order they were added, from the step the router picks (the first by default). A step that does
 * not answer passes the input on with its reason recorded; the human review step, when present, takes whatever is
 * left, so no input is lost. A built chain is immutable and thread-safe.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface Cascade<I, O> {

    /** Starts a chain named {@code name} (used in events, spans, metrics and breaker names). */
    static <I, O> CascadeBuilder<I, O> builder(String name) {
        return new CascadeBuilder<>(name);
    }

    /** The chain's name. */
    String name();

    /**
     * Runs the chain on the calling thread and returns when a step answered, the review step took the input, or no
     * step is left. Never throws for a failing step: the outcome says what happened.
     *
     * @throws NullPointerException if {@code input} is null (nothing is recorded)
     */
    default Outcome<O> execute(I input) {
        return execute(input, CallContext.empty());
    }

    /** As {@link #execute(Object)}, with the caller's tenant, idempotency key and attributes. */
    Outcome<O> execute(I input, CallContext context);

    /**
     * Runs the chain on the chain's executor. Cancelling the returned future interrupts the in-flight model call and
     * stops the execution; admission reservations are settled on that path too. The caller's OpenTelemetry context
     * is carried to the executor's threads.
     */
    default CompletableFuture<Outcome<O>> executeAsync(I input) {
        return executeAsync(input, CallContext.empty());
    }

    /** As {@link #executeAsync(Object)}, with the caller's context. */
    CompletableFuture<Outcome<O>> executeAsync(I input, CallContext context);

    /**
     * Warms up every model step's client ({@link dev.cascade.spi.ModelClient#warmUp()}) on the chain's executor, in
     * parallel, so the first real call in a cold JVM does not spend its step timeout loading classes or opening a
     * connection (a timeout that the breaker would count). Best effort: a client whose warm-up fails is reported as an
     * {@link dev.cascade.event.Anomaly} ({@code warm-up}) to the chain's listeners and named in the result; the chain
     * works either way. Call it once at startup (the Spring Boot starter does, unless {@code cascade.warm-up.enabled}
     * is false); calls made meanwhile are fine.
     *
     * @return completes when every warm-up ended, with one line per failed warm-up ({@code "step: reason"}); never
     *         completes exceptionally
     */
    default CompletableFuture<java.util.List<String>> warmUp() {
        return CompletableFuture.completedFuture(java.util.List.of());
    }

    /** What the chain is made of: steps in order, each with its policies. Stable, for tests and the actuator. */
    Description describe();

    /**
     * The circuit breaker guarding model step {@code step}, if that step has one: for health checks and operations
     * (read its state, or {@code reset()} it after a fix). Steps sharing a resource share the breaker.
     */
    /**
     * The chain's response cache (to read its counters or invalidate entries), or empty when it has none.
     */
    default Optional<dev.cascade.cache.ResponseCache<I, O>> cache() {
        return Optional.empty();
    }

    default Optional<CircuitBreaker> circuitBreaker(String step) {
        return Optional.empty();
    }

    /**
     * A live summary of each {@link CascadeBuilder#shadow shadow candidate}, in the order they were added: samples,
     * agreements, agreement rate, candidate cost and latency, errors, drops. Empty when the chain has none.
     */
    default java.util.List<dev.cascade.shadow.ShadowReport> shadows() {
        return java.util.List.of();
    }

    /**
     * Records a quality score in [0, 1] for an execution of this chain after the fact (an evaluation scorer, a user's
     * feedback, a judge): the chain's listeners get a {@link dev.cascade.event.ScoreRecorded}, and telemetry reports it
     * as {@code cascade.quality.score} under the execution's prompt template ({@link Outcome#templateId()}) with
     * {@code cascade.score.source = source}. The accept gate's verdicts are recorded the same way by telemetry, as
     * source {@code accept_gate} (pass 1, reject 0). Default: checks the arguments and records nothing.
     *
     * @throws IllegalArgumentException if {@code score} is outside [0, 1], {@code source} is blank, or
     *                                  {@code outcome} is of another chain
     */
    default void recordScore(Outcome<O> outcome, double score, String source) {
        ScoreEvents.of(this, outcome, score, source);
    }
}
