package dev.cascade.internal;

import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.event.ExecutionInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The mutable state of one execution. Confined to the thread running the execution; the only cross-thread signal is
 * the interrupt that cancellation sends.
 */
final class Execution<I, O> {
    final I input;
    final CallContext context;
    /**
     * The id's sequence number; 0 until drawn from {@code ids}. Drawn only when something needs the id during the
     * execution (an interceptor, the review step, listeners): most executions leave it to their outcome, which draws
     * it only if asked, so they pay no atomic increment on a counter every thread of the chain shares.
     */
    private long idSeq;
    private final ExecutionIds ids;
    private String id;
    final long startNanos;
    /** Absolute deadline on the chain's ticker; {@link Long#MAX_VALUE} when the chain has none. */
    final long deadlineNanos;
    /** Non-null only when the chain has listeners. */
    final ExecutionInfo info;
    // Most executions record one or two attempts: they live in fields, and a list is made only for a third.
    private Attempt first;
    private Attempt second;
    /** Every attempt, once there are more than two; null until then. */
    private List<Attempt> more;
    /** The ticker reading at the end of the latest recorded attempt; 0 before any. */
    long lastNanos;

    private long spentMicros;
    O answer;
    String answeredBy;
    boolean cancelled;

    /**
     * The running model attempt, written by its stages (see {@code ModelStepRunner}): the clock reading the stages
     * took ({@code -1} when none; the call's start once it started), whether it holds the step's breaker permission
     * (which it must give back on every path), and why a stage refused it (the stage's kind is known to the runner).
     * Fields, not an object per attempt: most executions make one. Flags rather than references to the breaker and
     * the bulkhead, which the step has: fewer bytes per execution (see issue 17's allocation target).
     */
    int attemptNumber;
    long now;
    boolean permitHeld;
    String refusalReason;
    /** The timed call's end (its start is {@code now}); see TimedCallStage. */
    long callEnd;
    /** Whether the timed call was given up before it started (the provider never saw it). */
    boolean neverStarted;
    /** The attempt's result past the interceptors, or a failure of the call alone; null for a plain answer. */
    dev.cascade.spi.AttemptResult result;
    /**
     * Whether the attempt holds a slot of the step's bulkhead (see BulkheadStage) not yet handed to its call. The
     * timed call takes it over; every path on which no call is made gives it back.
     */
    boolean slotHeld;

    /** What only failing or skipping executions need; null until then, so a plain answer does not pay for it. */
    private Rare<I, O> rare;

    /** The state of failures, bars and the last resort. */
    static final class Rare<I, O> {
        /** Set when a failure's policy forbids further model steps. */
        FailureKind barredBy;
        String barredAt;
        /** Last resort candidates (see LastResortSpec): the step whose unretried Retry-After ends first, and when. */
        ModelStepRunner<I, O> retryAfterStep;
        long retryAfterReadyAt;
        /** The first model step skipped because its breaker was open. */
        ModelStepRunner<I, O> probeStep;
        boolean lastResortTried;
        /** Non-null while a last resort attempt runs. */
        dev.cascade.config.LastResortSpec.Mode lastResortMode;
        /** The reserved worst case of abandoned calls still running (see {@link #spent()}). */
        long heldMicros;
        /**
         * Non-null when the chain's executor had no thread for this async execution: it runs on the caller's thread,
         * where model and custom steps are skipped ({@code BULKHEAD_FULL}) with this reason; rules and review run.
         */
        String noThread;
        /** The review step's handle, once it queued the input. */
        dev.cascade.api.ReviewHandle<O> review;
        /** Set by {@code Future.cancel} of an async execution; null for a sync one (the interrupt is its signal). */
        AtomicBoolean cancelFlag;
        /**
         * The text of model answers that were not used, by attempt index; null until the first. Completion text: it
         * goes to the review queue only, never to events, spans or logs.
         */
        Map<Integer, String> unusedAnswers;
        /**
         * The template id of the last model request built (see Outcome.templateId): here, not on the execution, so
         * a chain without templates allocates nothing more per execution.
         */
        String template;
    }

    Rare<I, O> rare() {
        if (rare == null) {
            rare = new Rare<>();
        }
        return rare;
    }

    /** The rare state, or null when nothing needed it yet. */
    Rare<I, O> rareOrNull() {
        return rare;
    }

    /** The failure kind whose policy forbids further model steps, or null. */
    FailureKind barredBy() {
        return rare == null ? null : rare.barredBy;
    }

    String barredAt() {
        return rare == null ? null : rare.barredAt;
    }

    void bar(FailureKind kind, String step) {
        rare().barredBy = kind;
        rare.barredAt = step;
    }

    /** Why model and custom steps are skipped (no thread for this async execution), or null: see Rare#noThread. */
    String noThread() {
        return rare == null ? null : rare.noThread;
    }

    /** Non-null while a last resort attempt runs. */
    dev.cascade.config.LastResortSpec.Mode lastResortMode() {
        return rare == null ? null : rare.lastResortMode;
    }


    Execution(I input, CallContext context, ExecutionIds ids, long idSeq, long startNanos, long deadlineNanos,
              ExecutionInfo info, AtomicBoolean cancelFlag) {
        this.ids = ids;
        if (cancelFlag != null) {
            rare().cancelFlag = cancelFlag;
        }
        this.input = input;
        this.context = context;
        this.idSeq = idSeq;
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
        this.info = info;
    }

    Attempt record(String step, StepKind kind, int number, Attempt.Status status, FailureKind failure, String reason,
                   long startedAt, long endedAt, Usage usage, String model, String finishReason) {
        return record(step, kind, number, status, failure, reason, startedAt, endedAt, usage, model, finishReason,
                Money.ZERO);
    }

    Attempt record(String step, StepKind kind, int number, Attempt.Status status, FailureKind failure, String reason,
                   long startedAt, long endedAt, Usage usage, String model, String finishReason, Money cost) {
        Attempt a = new Attempt(step, kind, number, status, failure, reason, Duration.ofNanos(startedAt - startNanos),
                Duration.ofNanos(endedAt - startedAt), usage, model, finishReason, cost);
        if (first == null) {
            first = a;
        } else if (second == null) {
            second = a;
        } else {
            if (more == null) {
                more = new ArrayList<>(6);
                more.add(first);
                more.add(second);
            }
            more.add(a);
        }
        spentMicros += cost.micros();
        lastNanos = endedAt;
        return a;
    }

    /** Keeps the text of the answer of the attempt recorded last, which was not used. */
    void keepUnusedAnswer(String text) {
        Rare<I, O> r = rare();
        if (r.unusedAnswers == null) {
            r.unusedAnswers = new HashMap<>(4);
        }
        r.unusedAnswers.put(recordedCount() - 1, text);
    }

    /** The unused model answers by attempt index; empty when none (or the chain has no review step). */
    Map<Integer, String> unusedAnswers() {
        return rare == null || rare.unusedAnswers == null ? Map.of() : Map.copyOf(rare.unusedAnswers);
    }

    /** How many attempts were recorded. */
    private int recordedCount() {
        return more != null ? more.size() : second != null ? 2 : first != null ? 1 : 0;
    }

    /** Whether no attempt was recorded yet. */
    boolean nothingRecorded() {
        return first == null;
    }

    /** The attempts so far, as an immutable list. */
    List<Attempt> attempts() {
        return more != null ? List.copyOf(more) : second != null ? List.of(first, second)
                : first != null ? List.of(first) : List.of();
    }

    /** The execution's id, built on first use (most executions never need it as text). */
    String id() {
        if (id == null) {
            id = info != null ? info.executionId() : ids.id(idSeq());
        }
        return id;
    }

    /** The id's sequence number, drawn on first use; see {@link #idSeqOrZero()}. */
    long idSeq() {
        if (idSeq == 0) {
            idSeq = ids.getAsLong();
        }
        return idSeq;
    }

    /** The id's sequence number, or 0 when nothing needed it yet (the outcome then draws it if asked). */
    long idSeqOrZero() {
        return idSeq;
    }

    /** The review step's handle, once it queued the input; null before (and without one). */
    dev.cascade.api.ReviewHandle<O> review() {
        return rare == null ? null : rare.review;
    }

    void review(dev.cascade.api.ReviewHandle<O> handle) {
        rare().review = handle;
    }

    /** The number the next call of {@code step} gets: one more than its calls so far. */
    int nextNumber(String step) {
        int n = 0;
        for (Attempt a : attempts()) {
            if (a.step().equals(step)) {
                n = Math.max(n, a.number());
            }
        }
        return n + 1;
    }

    /**
     * What this execution has committed so far: the cost of its settled attempts, plus the reserved worst case of its
     * abandoned calls still running (they may yet be billed; see {@code LateSettlement}). For per-request ceilings.
     */
    Money spent() {
        return Money.ofMicros(spentMicros + (rare == null ? 0 : rare.heldMicros));
    }

    /** Counts what an abandoned call holds in {@link #spent()} for the rest of this execution. */
    void holdUntilSettled(Money holding) {
        if (holding != null && holding.micros() != 0) {
            rare().heldMicros += holding.micros();
        }
    }

    /** Whether the caller cancelled, even if a client swallowed the interrupt that told us. */
    boolean cancelRequested() {
        return rare != null && rare.cancelFlag != null && rare.cancelFlag.get();
    }

    long remainingNanos(long now) {
        return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - now;
    }
}
