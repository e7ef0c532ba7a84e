package dev.cascade.eval;

import dev.cascade.api.Attempt;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;

import java.util.ArrayList;
import java.util.List;

/**
 * One case's run in one variant, before the counterfactual is known. Immutable; package-private.
 *
 * @param testCase  the case
 * @param status    see {@link CaseResult#status()}
 * @param outcome   the chain's outcome, or {@code null} for {@code ERROR}/{@code NOT_RUN}
 * @param score     the scorer's verdict, or {@code null} when not scored
 * @param firstStep the chain's first step
 * @param errorKind {@code INPUT} or {@code EXCEPTION} for {@code ERROR}, else {@code null}
 * @param detail    the error's reason, or {@code null}
 * @param latencyMs the latency
 */
record CaseRun(EvalCase testCase, String status, Outcome<?> outcome, Score score, String firstStep, String errorKind,
               String detail, double latencyMs) {

    static CaseRun notRun(EvalCase c) {
        return new CaseRun(c, "NOT_RUN", null, null, null, null, "money cap reached", 0);
    }

    static CaseRun error(EvalCase c, String kind, String detail, double latencyMs) {
        return new CaseRun(c, "ERROR", null, null, null, kind, detail, latencyMs);
    }

    static CaseRun of(EvalCase c, Outcome<?> o, Score score, String firstStep) {
        return new CaseRun(c, o.status().name(), o, score, firstStep, null, null, o.elapsed().toNanos() / 1e6);
    }

    boolean ran() {
        return !"NOT_RUN".equals(status);
    }

    boolean answered() {
        return outcome != null && outcome.isAnswered();
    }

    Money cost() {
        return outcome == null ? Money.ZERO : outcome.cost();
    }

    Usage usage() {
        return outcome == null ? Usage.NONE : outcome.usage();
    }

    /** The usage of the model call that answered, or {@code null}. */
    Usage answeringUsage() {
        if (!answered()) {
            return null;
        }
        String by = outcome.answeredBy().orElse("");
        for (Attempt a : outcome.attempts()) {
            if (a.status() == Attempt.Status.ANSWERED && a.calledModel() && a.step().equals(by)
                    && a.usage().totalTokens() > 0) {
                return a.usage();
            }
        }
        return null;
    }

    /** The usage of the first model call that reported any, or {@code null}. */
    Usage firstCallUsage() {
        if (outcome == null) {
            return null;
        }
        for (Attempt a : outcome.attempts()) {
            if (a.calledModel() && a.usage().totalTokens() > 0) {
                return a.usage();
            }
        }
        return null;
    }

    /** Failure kinds of failed, rejected and skipped attempts, plus the error kind. */
    List<String> failures() {
        List<String> f = new ArrayList<>();
        if (outcome != null) {
            for (Attempt a : outcome.attempts()) {
                if (a.failure() != null) {
                    f.add(a.failure().name());
                }
            }
        }
        if (errorKind != null) {
            f.add(errorKind);
        }
        return f;
    }
}
