package dev.cascade.review;

import dev.cascade.review.ReviewDecision.Verdict;
import dev.cascade.spi.ReviewQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * A review queue held in memory: for tests, demos and single-process tools. Items are lost when the process ends;
 * use a durable store in production. Thread-safe.
 *
 * <p>States: {@code PENDING -claim-> CLAIMED -decide-> APPROVED | EDITED | REJECTED}. A claim is a lease: when it
 * expires the item is claimable again. Only the holder of a live claim may decide, and a decided item never changes.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class InMemoryReviewQueue<I, O> implements ReviewQueue<I, O> {

    /** The life of an item. */
    public enum State { PENDING, CLAIMED, APPROVED, EDITED, REJECTED }

    /** A snapshot of one item. */
    public record Item<I>(String id, ReviewRequest<I> request, State state, String claimedBy, Instant leaseUntil,
                          Instant createdAt) {
    }

    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Entry<I, O>> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByKey = new ConcurrentHashMap<>();
    private final List<BiConsumer<ReviewRequest<I>, ReviewDecision<O>>> decisionListeners = new CopyOnWriteArrayList<>();

    /** A queue on the system clock. */
    public InMemoryReviewQueue() {
        this(Clock.systemUTC());
    }

    /** A queue whose leases run on {@code clock}. */
    public InMemoryReviewQueue(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Calls {@code listener} after every decision, on the deciding thread (e.g.
     * {@code queue.onDecision(telemetry::recordReviewDecision)}). A listener that throws does not undo the decision.
     */
    public InMemoryReviewQueue<I, O> onDecision(BiConsumer<ReviewRequest<I>, ReviewDecision<O>> listener) {
        decisionListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    @Override
    public ReviewHandle<O> submit(ReviewRequest<I> request) {
        Objects.requireNonNull(request, "request");
        String id = idByKey.computeIfAbsent(request.idempotencyKey(), k -> {
            long seq = ids.incrementAndGet();
            String newId = "rv-" + seq;
            byId.put(newId, new Entry<>(newId, seq, request, clock.instant()));
            return newId;
        });
        return byId.get(id);
    }

    /** The number of items not yet decided. */
    public int depth() {
        int n = 0;
        for (Entry<I, O> e : byId.values()) {
            synchronized (e) {
                if (!e.isFinal()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The number of items ever submitted (each idempotency key once). */
    public int size() {
        return byId.size();
    }

    /** A snapshot of the item, if it exists. */
    public Optional<Item<I>> get(String id) {
        Entry<I, O> e = byId.get(id);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            return Optional.of(e.snapshot(clock.instant()));
        }
    }

    /** Snapshots of items that are claimable now (pending, or claimed with an expired lease), oldest first. */
    public List<Item<I>> claimable() {
        Instant now = clock.instant();
        List<Entry<I, O>> entries = new ArrayList<>(byId.values());
        // Submission order: the sequence breaks ties between items created at the same instant.
        entries.sort((a, b) -> Long.compare(a.seq, b.seq));
        List<Item<I>> out = new ArrayList<>();
        for (Entry<I, O> e : entries) {
            synchronized (e) {
                if (e.claimableAt(now)) {
                    out.add(e.snapshot(now));
                }
            }
        }
        return out;
    }

    /**
     * Claims the oldest claimable item for {@code reviewer} for {@code lease}.
     *
     * @return the claimed item, or empty when nothing is claimable
     */
    public Optional<Item<I>> claimNext(String reviewer, Duration lease) {
        requireReviewer(reviewer);
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be > 0, was " + lease);
        }
        for (Item<I> candidate : claimable()) {
            Entry<I, O> e = byId.get(candidate.id());
            synchronized (e) {
                Instant now = clock.instant();
                if (e.claimableAt(now)) {
                    e.state = State.CLAIMED;
                    e.claimedBy = reviewer;
                    e.leaseUntil = now.plus(lease);
                    return Optional.of(e.snapshot(now));
                }
            }
        }
        return Optional.empty();
    }

    /** Approves the answer proposed by {@code answer} as it is. */
    public ReviewDecision<O> approve(String id, String reviewer, O answer) {
        return decide(id, reviewer, Verdict.APPROVED, Objects.requireNonNull(answer, "answer"), null);
    }

    /** Replaces the answer with the reviewer's own. */
    public ReviewDecision<O> edit(String id, String reviewer, O answer, String comment) {
        return decide(id, reviewer, Verdict.EDITED, Objects.requireNonNull(answer, "answer"), comment);
    }

    /** Rejects the item: the caller gets no answer. */
    public ReviewDecision<O> reject(String id, String reviewer, String comment) {
        return decide(id, reviewer, Verdict.REJECTED, null, comment);
    }

    private ReviewDecision<O> decide(String id, String reviewer, Verdict verdict, O answer, String comment) {
        requireReviewer(reviewer);
        Entry<I, O> e = byId.get(id);
        if (e == null) {
            throw new IllegalArgumentException("no review item with id '" + id + "'");
        }
        ReviewDecision<O> decision;
        synchronized (e) {
            Instant now = clock.instant();
            if (e.isFinal()) {
                throw new IllegalStateException("review item '" + id + "' is already " + e.state + "; decisions are final");
            }
            if (e.state != State.CLAIMED || !reviewer.equals(e.claimedBy) || !now.isBefore(e.leaseUntil)) {
                throw new IllegalStateException("reviewer '" + reviewer + "' does not hold a live claim on '" + id
                        + "'; claim it first (claimNext)");
            }
            decision = new ReviewDecision<>(id, verdict, Optional.ofNullable(answer), reviewer, comment, now);
            e.state = State.valueOf(verdict.name());
            e.claimedBy = reviewer;
            e.leaseUntil = null;
        }
        // Completed outside the lock: callbacks on the future run in this thread.
        e.future.complete(decision);
        for (BiConsumer<ReviewRequest<I>, ReviewDecision<O>> l : decisionListeners) {
            try {
                l.accept(e.request, decision);
            } catch (RuntimeException ignored) {
                // The decision is stored and delivered; a failing observer must not make the reviewer retry it.
            }
        }
        return decision;
    }

    private static void requireReviewer(String reviewer) {
        if (reviewer == null || reviewer.isBlank()) {
            throw new IllegalArgumentException("reviewer must not be blank, was "
                    + (reviewer == null ? "null" : "'" + reviewer + "'"));
        }
    }

    private static final class Entry<I, O> implements ReviewHandle<O> {
        final String id;
        final long seq;
        final ReviewRequest<I> request;
        final Instant createdAt;
        final CompletableFuture<ReviewDecision<O>> future = new CompletableFuture<>();
        State state = State.PENDING;
        String claimedBy;
        Instant leaseUntil;

        Entry(String id, long seq, ReviewRequest<I> request, Instant createdAt) {
            this.id = id;
            this.seq = seq;
            this.request = request;
            this.createdAt = createdAt;
        }

        boolean isFinal() {
            return state != State.PENDING && state != State.CLAIMED;
        }

        boolean claimableAt(Instant now) {
            return state == State.PENDING || state == State.CLAIMED && !now.isBefore(leaseUntil);
        }

        Item<I> snapshot(Instant now) {
            State shown = state == State.CLAIMED && !now.isBefore(leaseUntil) ? State.PENDING : state;
            return new Item<>(id, request, shown, shown == State.CLAIMED ? claimedBy : null,
                    shown == State.CLAIMED ? leaseUntil : null, createdAt);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public CompletableFuture<ReviewDecision<O>> decision() {
            // A copy: a caller completing or cancelling it must not change the item.
            return future.thenApply(d -> d);
        }
    }
}
