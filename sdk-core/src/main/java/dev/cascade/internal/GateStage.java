package dev.cascade.internal;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.StepKind;
import dev.cascade.event.AttemptFinished;
import dev.cascade.spi.CascadeListener;

/**
 * The last stage of an answered attempt: parse the response, ask the accept gate, record the attempt. A refused answer
 * ({@code REJECTED}) falls through to the next step; its text is kept for the reviewer only. Thread-safe.
 */
final class GateStage<I, O> {
    private final ChainConfig<I, O> chain;
    private final StepDef.Model<I, O> step;
    /** Whether the chain has a review step: only then is the text of a refused answer kept (for the reviewer). */
    private final boolean keepsAnswers;

    GateStage(ChainConfig<I, O> chain, StepDef.Model<I, O> step) {
        this.chain = chain;
        this.step = step;
        this.keepsAnswers = chain.steps().stream().anyMatch(s -> s instanceof StepDef.Review);
    }

    /** Whether the answer passed the parser and the gate (then it is the execution's answer). */
    boolean pass(Execution<I, O> x, int number, ModelResponse response, long start, long end, Money cost) {
        String rejection = null;
        O answer = null;
        if (response.isEmpty()) {
            rejection = "empty answer";
        } else {
            try {
                answer = step.parse().apply(response);
                if (answer == null) {
                    rejection = "parser returned null";
                }
            } catch (Throwable e) {
                Failures.rethrowFatal(e);
                // Only the type: parser messages often quote the model's output, which is not ours to log.
                rejection = "parser threw " + e.getClass().getName();
            }
            if (rejection == null && step.accept() != null) {
                try {
                    if (!step.accept().test(answer)) {
                        rejection = "accept gate refused the answer";
                    }
                } catch (Throwable e) {
                    Failures.rethrowFatal(e);
                    rejection = "accept gate threw " + e.getClass().getName();
                }
            }
        }
        Attempt a = x.record(step.name(), StepKind.MODEL, number, rejection == null ? Status.ANSWERED : Status.REJECTED,
                rejection == null ? null : FailureKind.REJECTED, rejection, start, end, response.usage(),
                response.model(), response.finishReason(), cost);
        if (chain.events().enabled()) {
            chain.events().fire(CascadeListener::onAttemptFinished, new AttemptFinished(x.info, a, response));
        }
        if (rejection != null) {
            if (keepsAnswers && !response.isEmpty()) {
                x.keepUnusedAnswer(response.text()); // for the reviewer only; never in events, spans or logs
            }
            return false;
        }
        x.answer = answer;
        x.answeredBy = step.name();
        return true;
    }
}
