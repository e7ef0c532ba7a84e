package dev.cascade.spi;

import dev.cascade.event.Alert;
import dev.cascade.event.Anomaly;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.AttemptStarted;
import dev.cascade.event.BudgetAlert;
import dev.cascade.event.ChainBuilt;
import dev.cascade.event.CircuitStateChanged;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.event.ExecutionStarted;
import dev.cascade.event.LastResort;
import dev.cascade.event.LateCompletion;
import dev.cascade.event.RetryScheduled;
import dev.cascade.event.ReviewSubmitted;
import dev.cascade.event.StepSkipped;

/**
 * Everything a chain reports, as events. Every method does nothing by default, so new events never break old
 * listeners. Telemetry, budgets' watchers and users' own logging are listeners. Listeners only observe: to act on an
 * attempt (answer, refuse, wrap the call), write an {@link AttemptInterceptor}. A listener that is also an
 * interceptor is registered as both by {@link dev.cascade.CascadeBuilder#listener}.
 *
 * <p>Guarantees: a listener that throws is ignored (the call goes on); when a chain has no listener, no event object
 * is built. Events of one execution arrive in order, from whichever thread runs that part of the execution, so
 * implementations must be thread-safe and should be quick.
 */
public interface CascadeListener {

    /** A chain was built with this listener (once per chain, before its first execution). */
    default void onChainBuilt(ChainBuilt event) {
    }

    default void onExecutionStarted(ExecutionStarted event) {
    }

    default void onExecutionFinished(ExecutionFinished event) {
    }

    default void onAttemptStarted(AttemptStarted event) {
    }

    default void onAttemptFinished(AttemptFinished event) {
    }

    default void onAttemptFailed(AttemptFailed event) {
    }

    default void onRetryScheduled(RetryScheduled event) {
    }

    default void onStepSkipped(StepSkipped event) {
    }

    /** The chain's last resort is about to try a step once more (see {@link dev.cascade.config.LastResortSpec}). */
    default void onLastResort(LastResort event) {
    }

    default void onCircuitStateChanged(CircuitStateChanged event) {
    }

    default void onReviewSubmitted(ReviewSubmitted event) {
    }

    default void onAlert(Alert event) {
    }

    /** From a {@link dev.cascade.budget.Budget}: a soft limit crossed, a reservation exceeded. */
    default void onBudgetAlert(BudgetAlert event) {
    }

    /** From a watcher: a spend spike, an error-rate breach, acceptance drift. */
    default void onAnomaly(Anomaly event) {
    }

    /**
     * A model call the chain gave up on (timeout, cancel) really ended, or its grace ran out, and its reservation was
     * settled. Arrives after the attempt's own events, usually after the execution finished, on another thread.
     */
    default void onLateCompletion(LateCompletion event) {
    }

    /**
     * A shadow candidate compared (or could not compare) its answer for a sampled execution with the chain's answer.
     * Called from the candidate's worker thread, after the caller's outcome was complete.
     */
    default void onShadowCompared(dev.cascade.event.ShadowCompared event) {
    }

    /** A quality score was recorded for an execution ({@link dev.cascade.Cascade#recordScore}). */
    default void onScoreRecorded(dev.cascade.event.ScoreRecorded event) {
    }
}
