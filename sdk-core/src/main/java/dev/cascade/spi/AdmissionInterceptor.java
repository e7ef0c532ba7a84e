package dev.cascade.spi;

import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.Usage;

import java.util.Objects;

/**
 * Puts a {@link StepAdmission} (a {@link dev.cascade.budget.Budget}, or a hook of your own) on the attempt seam: the
 * budget is reserved here, before the call, and settled here after it. A chain's
 * {@link dev.cascade.CascadeBuilder#admission admission} is wrapped in one of these and runs as its outermost
 * interceptor; it uses only the public seam, as any user interceptor could.
 *
 * <p>Per attempt: {@code admit}; a refusal (or an admission that throws or returns {@code null}) refuses the attempt
 * with an admission kind ({@code OVER_BUDGET} unless the ticket names another); an admitted ticket is settled exactly
 * once on every path: on the result's billed usage and failure kind, on {@code Usage.NONE} when an inner interceptor
 * refused or an error escaped, or, when the call is still running after the chain stopped waiting, when it really ends
 * (or the late-completion grace runs out: {@link StepAdmission.Ticket#settleUnreported}). Thread-safe when the
 * admission is.
 */
public final class AdmissionInterceptor implements AttemptInterceptor {
    private static final int MAX_REASON = 200;

    private final StepAdmission admission;

    private AdmissionInterceptor(StepAdmission admission) {
        this.admission = admission;
    }

    /** The seam's view of {@code admission}. */
    public static AdmissionInterceptor of(StepAdmission admission) {
        return new AdmissionInterceptor(Objects.requireNonNull(admission, "admission"));
    }

    /** The admission this interceptor asks. */
    public StepAdmission admission() {
        return admission;
    }

    @Override
    public AttemptResult intercept(Invocation invocation) {
        StepAdmission.Ticket ticket;
        try {
            ticket = admission.admit(new StepAdmission.Request(invocation.chain(), invocation.step(),
                    invocation.executionId(), invocation.attempt(), invocation.client(), invocation.request(),
                    invocation.context(), invocation.spent(), invocation.model(), invocation.pricing()));
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            ticket = StepAdmission.refuse(FailureKind.OVER_BUDGET, "admission threw " + describe(e));
        }
        if (ticket == null || !ticket.admitted()) {
            FailureKind kind = ticket == null ? null : ticket.refusal();
            if (kind == null || !kind.isAdmission()) {
                kind = FailureKind.OVER_BUDGET; // a refusal is an admission outcome whatever the hook said
            }
            String reason = ticket == null ? "admission returned null" : ticket.reason();
            return AttemptResult.refused(kind, reason == null ? "refused by admission" : reason);
        }
        if (ticket == StepAdmission.ADMITTED) {
            return invocation.proceed(invocation.request());
        }
        AttemptResult result;
        try {
            result = invocation.proceed(invocation.request());
        } catch (Throwable escaping) {
            // Only a VirtualMachineError gets here: still, no reservation may stay open.
            settle(ticket, Usage.NONE, FailureKind.UNAVAILABLE);
            throw escaping;
        }
        RunningCall running = result.stillRunning();
        if (running != null) {
            StepAdmission.Ticket held = ticket;
            FailureKind kind = result.failure();
            running.settleLater(reserved(ticket), new RunningCall.Settler() {
                @Override
                public Money ended(Usage usage) {
                    return settle(held, usage, kind);
                }

                @Override
                public Money graceExpired() {
                    try {
                        held.settleUnreported(kind);
                        return cost(held);
                    } catch (VirtualMachineError fatal) {
                        throw fatal;
                    } catch (Throwable e) {
                        return Money.ZERO; // the admission owns and reports its errors (e.g. SETTLE_FAILED)
                    }
                }
            });
            return result;
        }
        FailureKind failure = result.kind() == AttemptResult.Kind.ANSWERED ? null : result.failure();
        return result.plusCost(settle(ticket, result.billed(), failure));
    }

    /** Settles once; a failing settle never turns an answer into a failure (the admission reports its errors). */
    private static Money settle(StepAdmission.Ticket ticket, Usage usage, FailureKind failure) {
        try {
            ticket.settle(usage, failure);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            // As above.
        }
        return cost(ticket);
    }

    private static Money cost(StepAdmission.Ticket ticket) {
        try {
            Money cost = ticket.cost();
            return cost == null ? Money.ZERO : cost;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            return Money.ZERO;
        }
    }

    private static Money reserved(StepAdmission.Ticket ticket) {
        try {
            Money reserved = ticket.reserved();
            return reserved == null ? Money.ZERO : reserved;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            return Money.ZERO; // an admission that cannot say what it holds holds nothing we can count
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        String s = e instanceof ModelCallException && msg != null ? msg
                : e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "..." : s;
    }

    @Override
    public String toString() {
        return "AdmissionInterceptor[" + admission + "]";
    }
}
