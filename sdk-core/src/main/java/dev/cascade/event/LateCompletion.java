package dev.cascade.event;

import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.Usage;

import java.time.Duration;

/**
 * A model call the chain had given up on (its attempt timed out, or the caller cancelled) while it was still running
 * has really ended, or its grace ran out. Providers bill completions they finish, so the chain keeps the attempt's
 * budget reservation open until then and settles it on what the call reported: this event says what that was.
 *
 * <p>It arrives after the attempt was recorded as failed, usually after the execution finished, on the thread that ran
 * the call (or Cascade's timer thread for {@link Result#GRACE_EXPIRED}). The grace is
 * {@link dev.cascade.CascadeBuilder#lateCompletionGrace}.
 *
 * @param execution   the execution the attempt belonged to
 * @param step        the model step
 * @param attempt     the attempt's number
 * @param abandonedAs the kind the attempt was recorded with ({@code TIMEOUT} or {@code CANCELLED})
 * @param result      how the call ended
 * @param usage       what the provider reported: the late response's usage, or a {@code ModelCallException}'s
 *                    billed usage; {@link Usage#NONE} when it reported nothing or the grace ran out
 * @param settled     what the budget settled for the call: the reported usage's cost, or the reserved worst case when
 *                    the grace ran out; zero for {@link Result#ENDED_AFTER_GRACE} (already settled) or with no budget
 * @param after       how long after the chain gave up the call ended (or the grace ran out)
 */
public record LateCompletion(ExecutionInfo execution, String step, int attempt, FailureKind abandonedAs,
                             Result result, Usage usage, Money settled, Duration after) {

    /** How an abandoned call ended. */
    public enum Result {
        /** It returned a response after all; its usage was settled. */
        ANSWERED,
        /** It ended with an error; what that error said was billed (usually nothing) was settled. */
        FAILED,
        /** It had not ended when the grace ran out: the reserved worst case was settled, as it may still be billed. */
        GRACE_EXPIRED,
        /** It ended after the grace had run out; nothing more is settled, {@code usage} is for information. */
        ENDED_AFTER_GRACE
    }
}
