package dev.cascade.internal;

import dev.cascade.api.Attempt.Status;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;
import dev.cascade.rules.RuleSet;

import java.util.Optional;

/** A rules step: the first matching rule answers; none matching passes on; a rule that throws is the step's failure. */
final class RulesStepRunner<I, O> implements StepRunner<I, O> {
    private final ChainConfig<I, O> chain;
    private final StepDef.Rules<I, O> step;

    RulesStepRunner(ChainConfig<I, O> chain, StepDef.Rules<I, O> step) {
        this.chain = chain;
        this.step = step;
    }

    @Override
    public String name() {
        return step.name();
    }

    @Override
    public Outcome.Status run(Execution<I, O> x) {
        long t0 = PlainAttempts.started(chain, x, step.name(), StepKind.RULES);
        Optional<RuleSet.Match<O>> match;
        try {
            match = step.rules().evaluate(x.input);
        } catch (Throwable e) {
            Failures.rethrowFatal(e);
            PlainAttempts.failed(chain, x, step.name(), StepKind.RULES, FailureKind.UNAVAILABLE, "rule threw "
                    + Failures.describe(e), t0, e);
            return null;
        }
        if (match.isEmpty()) {
            PlainAttempts.finished(chain, x, step.name(), StepKind.RULES, Status.PASSED, "no rule matched", t0);
            return null;
        }
        PlainAttempts.finished(chain, x, step.name(), StepKind.RULES, Status.ANSWERED,
                "rule '" + match.get().rule() + "'", t0);
        x.answer = match.get().answer();
        x.answeredBy = step.name();
        return Outcome.Status.ANSWERED;
    }
}
