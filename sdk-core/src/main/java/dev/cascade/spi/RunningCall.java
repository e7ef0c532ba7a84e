package dev.cascade.spi;

import dev.cascade.api.Money;
import dev.cascade.api.Usage;

/**
 * A model call the chain stopped waiting for (its attempt timed out, or the caller cancelled) while it was still
 * running: the provider may still finish and bill it. Found on a failed {@link AttemptResult#stillRunning()}. An
 * interceptor that holds something for the attempt (a budget reservation) keeps it until the call really ends, by
 * registering a {@link Settler} here; the engine reports the end as a {@link dev.cascade.event.LateCompletion} event.
 * Thread-safe.
 */
public interface RunningCall {

    /**
     * Asks to settle when the call really ends, or when the chain's
     * {@link dev.cascade.CascadeBuilder#lateCompletionGrace late-completion grace} runs out first. Call it from
     * {@link AttemptInterceptor#intercept}, before it returns. The settler runs exactly once, on the thread that ran
     * the call or on Cascade's timer thread.
     *
     * @param holding what the attempt holds until then (a reservation's worst case): counted in the execution's
     *                {@link AttemptInterceptor.Invocation#spent() spent} for its later attempts
     * @param settler what to do at the end
     * @throws IllegalStateException when called after {@code intercept} returned
     */
    void settleLater(Money holding, Settler settler);

    /** Settles what an attempt held, once its call's end is known. Implementations must not block. */
    interface Settler {
        /**
         * The call ended and reported {@code usage} ({@link Usage#NONE} when it reported nothing).
         *
         * @return what the attempt cost, for the {@code LateCompletion} event; {@code null} means zero
         */
        Money ended(Usage usage);

        /**
         * The grace ran out before the call ended: what it will be billed is unknown.
         *
         * @return what the attempt was charged; {@code null} means zero
         */
        Money graceExpired();
    }
}
