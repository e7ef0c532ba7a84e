package dev.cascade.spi;

import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;

/**
 * The last admission check before a model call, after the deadline, the circuit breaker and the rate limiter. Budgets
 * plug in here: reserve the worst case in {@link #admit}, settle to what was really used in
 * {@link Ticket#settle}. Implementations must be thread-safe.
 *
 * <p>Contract: for every ticket that {@link Ticket#admitted() admitted}, the engine calls {@code settle} (or
 * {@code settleUnreported}) exactly once, on every path (answer, failure, timeout, cancellation, an error thrown by
 * user code), so no reservation leaks. When an attempt times out or is cancelled while its call is still running, the
 * ticket stays open until that call really ends, bounded by the chain's
 * {@link dev.cascade.CascadeBuilder#lateCompletionGrace late-completion grace}, and is then settled on what the call
 * reported (or with {@link Ticket#settleUnreported} when the grace ran out), from the thread that ran the call or
 * Cascade's timer thread.
 */
@FunctionalInterface
public interface StepAdmission {

    /**
     * What is about to be called.
     *
     * @param spent   what the execution's earlier attempts cost, plus the {@link Ticket#reserved() reservations} of its
     *                abandoned calls still running (for per-request ceilings: such a call may still be billed)
     * @param model   the step's model name: {@code ModelStepSpec.modelName(...)} when set, else the client's
     *                {@link ModelClient#model()}; {@code null} when neither knows it
     * @param pricing the step's own price ({@code ModelStepSpec.pricing(...)}), or {@code null} to price {@code model}
     *                from the budget's catalogue
     */
    record Request(String chain, String step, String executionId, int attempt, ModelClient client,
                   ModelRequest request, CallContext context, Money spent, String model, Pricing pricing) {

        /** A request for a step that names no model and no price of its own: the model is the client's. */
        public Request(String chain, String step, String executionId, int attempt, ModelClient client,
                       ModelRequest request, CallContext context, Money spent) {
            this(chain, step, executionId, attempt, client, request, context, spent,
                    client == null ? null : client.model(), null);
        }
    }

    /** The admission's answer for one attempt. */
    interface Ticket {
        /** Whether the call may go ahead. */
        boolean admitted();

        /** The kind recorded when refused (usually {@link FailureKind#OVER_BUDGET}). */
        default FailureKind refusal() {
            return FailureKind.OVER_BUDGET;
        }

        /** Why it was refused; shown in the attempt's reason. */
        default String reason() {
            return "refused by admission";
        }

        /**
         * Called once after an admitted call ends.
         *
         * @param usage   what the provider reported; {@link Usage#NONE} when the call failed before any report
         * @param failure the attempt's failure kind, or {@code null} if the call returned in time (an abandoned call
         *                that returned late is settled with its usage and the kind its attempt was recorded with)
         */
        default void settle(Usage usage, FailureKind failure) {
        }

        /**
         * Called once instead of {@link #settle} when an abandoned call had not ended when the chain's late-completion
         * grace ran out, so what the provider will bill is unknown. Default: {@code settle(Usage.NONE, failure)}.
         * {@link dev.cascade.budget.Budget} settles the {@link #reserved() reserved} worst case instead, so real spend
         * never passes a hard limit.
         */
        default void settleUnreported(FailureKind failure) {
            settle(Usage.NONE, failure);
        }

        /** The worst case this ticket holds until it is settled. Default: zero. */
        default Money reserved() {
            return Money.ZERO;
        }

        /** What the settled attempt cost; read once, after {@link #settle}. Default: zero. */
        default Money cost() {
            return Money.ZERO;
        }
    }

    /** A ticket that lets the call go ahead and settles nothing. */
    Ticket ADMITTED = () -> true;

    Ticket admit(Request request);

    /** A refusal with an admission kind (usually {@link FailureKind#OVER_BUDGET}) and a reason. */
    static Ticket refuse(FailureKind kind, String reason) {
        if (kind == null || !kind.isAdmission()) {
            throw new IllegalArgumentException("a refusal needs an admission kind (OVER_BUDGET, NO_PERMIT, ...), was "
                    + kind);
        }
        return new Ticket() {
            @Override
            public boolean admitted() {
                return false;
            }

            @Override
            public FailureKind refusal() {
                return kind;
            }

            @Override
            public String reason() {
                return reason;
            }
        };
    }
}
