package dev.cascade.spi;

import dev.cascade.api.CallContext;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.event.ExecutionInfo;

/**
 * The one seam around every model attempt: the first call of a step, each retry, each fallback step's calls and the
 * chain's last resort. An interceptor sees the request before the call and the {@link AttemptResult} after it, and
 * may answer instead of the model, refuse the attempt, or wrap the call in a context. Budgets and OpenTelemetry
 * tracing are interceptors too. Register one with {@link dev.cascade.CascadeBuilder#intercept}; it then applies to
 * every model step of that chain.
 *
 * <p><b>Where it sits.</b> An attempt passes the deadline, the circuit breaker, the rate limiter and the bulkhead
 * first, then the step's prompt mapper builds the request; then the interceptors run, outermost first (a chain's
 * budget, then the interceptors in the order they were added), and the innermost {@link Invocation#proceed proceed}
 * makes the timed call and classifies a failure. What the outermost interceptor returns is the attempt's result: an
 * answer is parsed, gated and recorded; a failure is recorded, then retried (through every stage again) or the chain
 * falls back to the next step; a refusal skips the step at once, recorded with the refusal's admission kind and
 * reason.
 *
 * <p><b>What an interceptor may do</b>, from {@link #intercept}:
 * <ul>
 *   <li>call {@link Invocation#proceed} once, with the request or a changed one, and return its result or another;</li>
 *   <li>answer without calling: {@link AttemptResult#answered} (a cache hit; it is settled by outer interceptors,
 *       parsed, gated and recorded like a model's answer, and the circuit breaker does not count it);</li>
 *   <li>fail without calling: {@link AttemptResult#failed} (classified like a client's exception);</li>
 *   <li>refuse: {@link AttemptResult#refused} with an admission {@link dev.cascade.api.FailureKind} (no exception is
 *       built; the step is skipped, and the retry loop ends);</li>
 *   <li>wrap the call in a context: make an OpenTelemetry {@code Context} current around {@code proceed}. A timed
 *       call runs on a pool thread, in the context that was current when {@code proceed} was called.</li>
 * </ul>
 *
 * <p><b>Exceptions.</b> {@code proceed} never throws (except a {@link VirtualMachineError}): failures come back as
 * results. An exception thrown by an interceptor is that attempt's failure, classified like a client's exception;
 * when the call had already been made, what it reported (billed usage, a call still running) is kept. Returning
 * {@code null} is recorded as an {@code UNAVAILABLE} failure.
 *
 * <p><b>Threads.</b> {@code intercept} runs on the thread running the execution, once per attempt; one interceptor
 * serves many executions at once, so it must be thread-safe. It should be quick: it is on every model call.
 */
@FunctionalInterface
public interface AttemptInterceptor {

    /**
     * Handles one attempt.
     *
     * @param invocation the attempt's facts and the rest of the chain of interceptors
     * @return the attempt's result: usually what {@code invocation.proceed(...)} returned
     */
    AttemptResult intercept(Invocation invocation);

    /**
     * One model attempt as the interceptors see it: its facts, and {@link #proceed} to go on. Used only on the thread
     * that called {@code intercept}, and only during that call.
     */
    interface Invocation {
        /** The chain's name. */
        String chain();

        /** The model step's name. */
        String step();

        /** The execution's id, as in {@link dev.cascade.api.Outcome#executionId()}. */
        String executionId();

        /** The attempt's number within the step: 1 for the first call, 2 for the first retry, and so on. */
        int attempt();

        /** The step's client. */
        ModelClient client();

        /** The model this call is for: the step's own model name, else the client's; {@code null} when unknown. */
        String model();

        /** The step's own price, or {@code null} when the step sets none. */
        Pricing pricing();

        /** The caller's context, as passed to {@code execute}. */
        CallContext context();

        /**
         * What the execution's earlier attempts cost, plus what its abandoned calls still running hold (see
         * {@link RunningCall#settleLater}).
         */
        Money spent();

        /** The request as the step's prompt mapper built it (with the step's output-token cap applied). */
        ModelRequest request();

        /** The step's circuit breaker state name ({@code CLOSED}, {@code HALF_OPEN}, ...), or {@code null}. */
        String circuitState();

        /**
         * The execution as the chain's events see it (for per-execution state of an interceptor that is also a
         * listener); {@code null} when the chain has no listener.
         */
        ExecutionInfo execution();

        /**
         * Runs the rest of the chain with {@code request}: the next interceptor, or the timed call itself. Call it at
         * most once.
         *
         * @throws IllegalStateException if called a second time
         */
        AttemptResult proceed(ModelRequest request);
    }
}
