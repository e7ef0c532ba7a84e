package dev.cascade.internal;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Usage;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.event.LateCompletion;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import dev.cascade.spi.StepAdmission;
import dev.cascade.spi.TimeSource;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reservation of a call the chain gave up on while it was still running: settled once, on what the call reported
 * when it really ends, or on the reserved worst case when the grace runs out first (the provider may still bill it,
 * and a hard limit must hold for real spend). Reports a {@link LateCompletion} either way. Thread-safe: the calling
 * thread and the timer race, the first settles.
 */
final class LateSettlement {
    private final StepAdmission.Ticket ticket;
    private final FailureKind abandonedAs;
    private final Events events;
    private final ExecutionInfo info;
    private final String step;
    private final int attempt;
    private final TimeSource time;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** When the chain gave up on the call, on the chain's ticker. */
    private final long leftAt;
    private volatile ScheduledFuture<?> timer;

    LateSettlement(StepAdmission.Ticket ticket, FailureKind abandonedAs, Events events, ExecutionInfo info,
                   String step, int attempt, TimeSource time, long leftAt) {
        this.leftAt = leftAt;
        this.ticket = ticket;
        this.abandonedAs = abandonedAs;
        this.events = events;
        this.info = info;
        this.step = step;
        this.attempt = attempt;
        this.time = time;
    }

    /** The caller has left a running call: start the grace. */
    void start(long graceNanos) {
        if (graceNanos <= 0) {
            expire();
            return;
        }
        ScheduledFuture<?> t = CascadeThreads.scheduler().schedule(this::expire, graceNanos, TimeUnit.NANOSECONDS);
        timer = t;
        if (settled.get()) {
            t.cancel(false); // the call ended before the timer was set: do not keep it queued for the whole grace
        }
    }

    /** The call really ended, with a response or an error. Never throws (except a VirtualMachineError). */
    void ended(ModelResponse response, Throwable error) {
        Usage usage = InFlightCall.billed(response, error);
        if (settled.compareAndSet(false, true)) {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            Money cost = ModelStepRunner.settle(ticket, usage, abandonedAs);
            report(response != null ? LateCompletion.Result.ANSWERED : LateCompletion.Result.FAILED, usage, cost);
        } else {
            report(LateCompletion.Result.ENDED_AFTER_GRACE, usage, Money.ZERO);
        }
    }

    private void expire() {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        Money cost = Money.ZERO;
        if (ticket != StepAdmission.ADMITTED) {
            try {
                ticket.settleUnreported(abandonedAs);
                Money c = ticket.cost();
                cost = c == null ? Money.ZERO : c;
            } catch (Throwable e) {
                ModelStepRunner.rethrowFatal(e);
                // The admission owns and reports its errors (e.g. Budget's SETTLE_FAILED alert).
            }
        }
        report(LateCompletion.Result.GRACE_EXPIRED, Usage.NONE, cost);
    }

    private void report(LateCompletion.Result result, Usage usage, Money cost) {
        if (events.enabled() && info != null) {
            long after = Math.max(0, time.nanoTime() - leftAt);
            events.fire(CascadeListener::onLateCompletion, new LateCompletion(info, step, attempt, abandonedAs, result,
                    usage, cost, Duration.ofNanos(after)));
        }
    }
}
