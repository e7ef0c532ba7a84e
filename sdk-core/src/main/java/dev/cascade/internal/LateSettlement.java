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
import dev.cascade.spi.RunningCall;
import dev.cascade.spi.TimeSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A call the chain gave up on while it was still running ({@link RunningCall}): what interceptors held for it is
 * settled once, when the call really ends, or when the grace runs out first (the provider may still bill it, and a
 * hard limit must hold for real spend). Reports a {@link LateCompletion} either way.
 *
 * <p>Settling waits for two things: the call's end (or the grace) and the attempt's interceptors having returned
 * ({@link #arm}), since they register their settlers on the way out and the call may end before that. Thread-safe:
 * the calling thread, the execution's thread and the timer race; the first to see both settles.
 */
final class LateSettlement implements RunningCall {
    private final Execution<?, ?> x;
    private final FailureKind abandonedAs;
    private final Events events;
    private final ExecutionInfo info;
    private final String step;
    private final int attempt;
    private final TimeSource time;
    /** When the chain gave up on the call, on the chain's ticker. */
    private final long leftAt;
    private final List<Settler> settlers = new ArrayList<>(1);
    // Guarded by this.
    private boolean armed;
    private boolean ended;
    private boolean settled;
    private ModelResponse endResponse;
    private Usage endUsage;
    private volatile ScheduledFuture<?> timer;

    LateSettlement(Execution<?, ?> x, FailureKind abandonedAs, Events events, ExecutionInfo info, String step,
                   int attempt, TimeSource time, long leftAt) {
        this.x = x;
        this.abandonedAs = abandonedAs;
        this.events = events;
        this.info = info;
        this.step = step;
        this.attempt = attempt;
        this.time = time;
        this.leftAt = leftAt;
    }

    @Override
    public void settleLater(Money holding, Settler settler) {
        Objects.requireNonNull(settler, "settler");
        synchronized (this) {
            if (armed) {
                throw new IllegalStateException("RunningCall.settleLater must be called before intercept returns");
            }
            settlers.add(settler);
        }
        x.holdUntilSettled(holding); // on the execution's thread, as intercept runs there
    }

    /** The attempt's interceptors have returned: settle now if the call already ended, else start the grace. */
    void arm(long graceNanos) {
        boolean settleNow;
        synchronized (this) {
            armed = true;
            settleNow = ended && !settled;
            if (settleNow) {
                settled = true;
            }
        }
        if (settleNow) {
            settleEnded(endResponse, endUsage);
            return;
        }
        if (graceNanos <= 0) {
            expire();
            return;
        }
        ScheduledFuture<?> t = CascadeThreads.scheduler().schedule(this::expire, graceNanos, TimeUnit.NANOSECONDS);
        timer = t;
        synchronized (this) {
            if (settled) {
                t.cancel(false); // the call ended before the timer was set: do not keep it queued for the whole grace
            }
        }
    }

    /** The call really ended, with a response or an error. Never throws (except a VirtualMachineError). */
    void ended(ModelResponse response, Throwable error) {
        Usage usage = InFlightCall.billed(response, error);
        boolean settleNow;
        boolean afterGrace;
        synchronized (this) {
            afterGrace = settled;
            settleNow = !settled && armed;
            if (!settled) {
                ended = true;
                endResponse = response;
                endUsage = usage;
            }
            if (settleNow) {
                settled = true;
            }
        }
        if (afterGrace) {
            report(LateCompletion.Result.ENDED_AFTER_GRACE, usage, Money.ZERO);
        } else if (settleNow) {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            settleEnded(response, usage);
        }
    }

    private void settleEnded(ModelResponse response, Usage usage) {
        long cost = 0;
        for (Settler s : settlers) {
            cost += micros(() -> s.ended(usage));
        }
        report(response != null ? LateCompletion.Result.ANSWERED : LateCompletion.Result.FAILED, usage,
                Money.ofMicros(cost));
    }

    private void expire() {
        synchronized (this) {
            if (settled) {
                return;
            }
            settled = true;
        }
        long cost = 0;
        for (Settler s : settlers) {
            cost += micros(s::graceExpired);
        }
        report(LateCompletion.Result.GRACE_EXPIRED, Usage.NONE, Money.ofMicros(cost));
    }

    private static long micros(java.util.function.Supplier<Money> settle) {
        try {
            Money m = settle.get();
            return m == null ? 0 : m.micros();
        } catch (Throwable e) {
            Failures.rethrowFatal(e);
            return 0; // a settler owns and reports its errors (e.g. Budget's SETTLE_FAILED alert)
        }
    }

    private void report(LateCompletion.Result result, Usage usage, Money cost) {
        if (events.enabled() && info != null) {
            long after = Math.max(0, time.nanoTime() - leftAt);
            events.fire(CascadeListener::onLateCompletion, new LateCompletion(info, step, attempt, abandonedAs, result,
                    usage, cost, Duration.ofNanos(after)));
        }
    }
}
