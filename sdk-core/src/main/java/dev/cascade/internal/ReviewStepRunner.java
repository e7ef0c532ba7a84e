package dev.cascade.internal;

import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import dev.cascade.api.ReviewDecision;
import dev.cascade.api.ReviewHandle;
import dev.cascade.api.ReviewRequest;
import dev.cascade.api.StepKind;
import dev.cascade.event.ReviewSubmitted;
import dev.cascade.spi.CascadeListener;
import io.opentelemetry.context.Context;

import java.util.concurrent.CompletableFuture;

/**
 * The human review step, always last: the chain's last resort goes first (a short wait costs less than a reviewer's
 * time), then the input is queued with its whole attempt history. The execution ends here either way.
 */
final class ReviewStepRunner<I, O> implements StepRunner<I, O> {
    private final ChainConfig<I, O> chain;
    private final StepDef.Review<I, O> step;
    private final LastResortRunner<I, O> lastResort;

    ReviewStepRunner(ChainConfig<I, O> chain, StepDef.Review<I, O> step, LastResortRunner<I, O> lastResort) {
        this.chain = chain;
        this.step = step;
        this.lastResort = lastResort;
    }

    @Override
    public String name() {
        return step.name();
    }

    @Override
    public Outcome.Status run(Execution<I, O> x) {
        if (lastResort.run(x)) {
            return Outcome.Status.ANSWERED;
        }
        if (x.cancelled) {
            return Outcome.Status.CANCELLED;
        }
        ReviewHandle<O> handle = submit(x);
        if (handle == null) {
            return Outcome.Status.UNANSWERED;
        }
        x.review(handle);
        return status(x, handle);
    }

    private ReviewHandle<O> submit(Execution<I, O> x) {
        long t0 = PlainAttempts.started(chain, x, step.name(), StepKind.HUMAN_REVIEW);
        // Scoped to the chain: two chains sharing a queue must never collapse each other's inputs into one item.
        String key = chain.name() + ":" + x.context.idempotencyKey().orElse(x.id());
        ReviewHandle<O> handle;
        try {
            handle = step.queue().submit(new ReviewRequest<>(chain.name(), step.name(), x.id(), key, x.input,
                    x.attempts(), x.context, TraceContexts.inject(x.info != null && x.info.executionContext() != null
                    ? x.info.executionContext() : Context.current()), x.unusedAnswers()));
            if (handle == null) {
                throw new IllegalStateException("review queue returned no handle");
            }
        } catch (Throwable e) {
            Failures.rethrowFatal(e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            PlainAttempts.failed(chain, x, step.name(), StepKind.HUMAN_REVIEW, FailureKind.UNAVAILABLE,
                    "review queue failed: " + Failures.describe(e), t0, e);
            return null;
        }
        PlainAttempts.finished(chain, x, step.name(), StepKind.HUMAN_REVIEW, Status.QUEUED, "review item "
                + handle.id(), t0);
        if (x.info != null) {
            chain.events().fire(CascadeListener::onReviewSubmitted, new ReviewSubmitted(x.info, step.name(),
                    handle.id()));
        }
        return handle;
    }

    /**
     * A resubmitted idempotency key may find its item already decided: then the decision is the answer (or, when
     * rejected, there is none) instead of a "pending" that would never change.
     */
    private Outcome.Status status(Execution<I, O> x, ReviewHandle<O> handle) {
        CompletableFuture<ReviewDecision<O>> decision = handle.decision();
        if (!decision.isDone() || decision.isCompletedExceptionally()) {
            return Outcome.Status.PENDING_REVIEW;
        }
        ReviewDecision<O> d = decision.join();
        if (d.answer().isPresent()) {
            x.answer = d.answer().get();
            x.answeredBy = step.name();
            return Outcome.Status.ANSWERED;
        }
        return Outcome.Status.UNANSWERED;
    }
}
