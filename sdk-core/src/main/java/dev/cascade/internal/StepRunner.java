package dev.cascade.internal;

import dev.cascade.api.Outcome;

/**
 * Runs one step of a chain, chosen once per step kind when the chain is built: {@link ModelStepRunner},
 * {@link RulesStepRunner}, {@link CustomStepRunner}, {@link ReviewStepRunner}. Thread-safe: one serves every execution.
 */
interface StepRunner<I, O> {

    /** The step's name. */
    String name();

    /**
     * Runs the step for {@code x}. Returns how the execution ends here ({@code ANSWERED}, {@code PENDING_REVIEW},
     * {@code CANCELLED}, ...), or {@code null} when the step did not answer and the chain falls back to the next one.
     */
    Outcome.Status run(Execution<I, O> x);
}
