package dev.cascade.review;

import dev.cascade.api.Attempt;
import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.api.ReviewHandle;
import dev.cascade.api.ReviewRequest;
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
import java.util.function.BiConsumer;

/**
 * A review queue held in memory, typed: for tests, demos and single-process tools. Items are lost when the process
 * ends; use a {@link DurableReviewQueue} over a {@link JdbcReviewStore} in production. Thread-safe.
 *
 * <p>It is a typed front on an {@link InMemoryReviewStore} (one state machine for every store): the store keeps the
 * text form and the audit log, this queue keeps the typed requests and answers, which never leave the process.
 * States: {@code PENDING -claim-> CLAIMED -decide-> APPROVED | EDITED | REJECTED}. A claim is a lease: when it
 * expires the item is claimable again. Only the holder of a live claim may decide, and a decided item never changes.
 * There is no SLA here; use a {@link DurableReviewQueue} (over an {@link InMemoryReviewStore} if need be) for one.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class InMemoryReviewQueue<I, O> implements ReviewQueue<I, O> {

    /** The life of an item, as this queue shows it. */
    public enum State { PENDING, CLAIMED, APPROVED, EDITED, REJECTED }

    /** A snapshot of one item. */
    public record Item<I>(String id, ReviewRequest<I> request, State state, String claimedBy, Instant leaseUntil,
                          Instant createdAt) {
    }

    private final Clock clock;
    private final InMemoryReviewStore store;
    private final Map<String, Entry<I, O>> entries = new ConcurrentHashMap<>();
    private final List<BiConsumer<ReviewRequest<I>, ReviewDecision<O>>> decisionListeners = new CopyOnWriteArrayList<>();

    /** A queue on the system clock. */
    public InMemoryReviewQueue() {
        this(Clock.systemUTC());
    }

    /** A queue whose leases run on {@code clock}. */
    public InMemoryReviewQueue(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = new InMemoryReviewStore(clock);
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
        List<ReviewAttempt> attempts = new ArrayList<>(request.attempts().size());
        Money cost = Money.ZERO;
        for (int i = 0; i < request.attempts().size(); i++) {
            Attempt a = request.attempts().get(i);
            attempts.add(ReviewAttempt.of(a, request.answers().get(i)));
            cost = cost.plus(a.cost());
        }
        ReviewItem item = store.submit(new ReviewStore.Submission(request.chain(), request.step(),
                request.context().tenant().orElse(null), request.executionId(), request.idempotencyKey(),
                String.valueOf(request.input()), attempts, cost, request.traceContext(), 0, null, null, null));
        // The first request for a key is the item's; a resubmission gets a handle on it.
        return entries.computeIfAbsent(item.id(), id -> new Entry<>(id, request));
    }

    /** The number of items not yet decided. */
    public int depth() {
        return (int) store.depth();
    }

    /** The number of items held: submitted (each idempotency key once) and not purged. */
    public int size() {
        return store.size();
    }

    /**
     * Housekeeping for a long-running process: forgets the items decided more than {@code age} ago on the queue's
     * clock, with their audit entries and handles ({@link InMemoryReviewStore#purgeFinishedOlderThan}). Items not yet
     * decided are kept. Without it, the queue keeps every item it was ever given.
     *
     * @return how many items were forgotten
     */
    public int purgeFinishedOlderThan(Duration age) {
        int purged = store.purgeFinishedOlderThan(age);
        // Every purge prunes every handle whose item is gone, whoever removed it: a resubmission racing an earlier
        // purge can leave a handle on an item that purge removed, and it must not outlive the next one.
        entries.keySet().removeIf(id -> store.find(id).isEmpty());
        return purged;
    }

    /** A snapshot of the item, if it exists. */
    public Optional<Item<I>> get(String id) {
        return store.find(id).map(this::snapshot);
    }

    /** Snapshots of items that are claimable now (pending, or claimed with an expired lease), oldest first. */
    public List<Item<I>> claimable() {
        Instant now = clock.instant();
        List<Item<I>> out = new ArrayList<>();
        ReviewQuery query = ReviewQuery.open().page(ReviewQuery.MAX_LIMIT, 0);
        for (int offset = 0; ; offset += ReviewQuery.MAX_LIMIT) {
            List<ReviewItem> page = store.list(query.page(ReviewQuery.MAX_LIMIT, offset));
            for (ReviewItem item : page) {
                if (item.claimableAt(now)) {
                    out.add(snapshot(item, now));
                }
            }
            if (page.size() < ReviewQuery.MAX_LIMIT) {
                return out;
            }
        }
    }

    /**
     * Claims the oldest claimable item for {@code reviewer} for {@code lease}.
     *
     * @return the claimed item, or empty when nothing is claimable
     */
    public Optional<Item<I>> claimNext(String reviewer, Duration lease) {
        ReviewChecks.reviewer(reviewer);
        ReviewChecks.lease(lease);
        return store.claimNext(reviewer, lease, ReviewQuery.all()).map(this::snapshot);
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

    /** The item's transitions, in order (see {@link ReviewStore#audit}). */
    public List<AuditEntry> audit(String id) {
        return store.audit(id);
    }

    private ReviewDecision<O> decide(String id, String reviewer, Verdict verdict, O answer, String comment) {
        ReviewChecks.reviewer(reviewer);
        Entry<I, O> e = entries.get(id);
        ReviewItem current = e == null ? null : store.find(id).orElse(null);
        if (current == null) {
            throw new IllegalArgumentException("no review item with id '" + id + "'");
        }
        ReviewItem decided;
        try {
            decided = store.decide(new ReviewStore.Decide(id, reviewer, current.version(), current.payloadHash(),
                    verdict, answer == null ? null : String.valueOf(answer), comment));
        } catch (ReviewConflictException c) {
            // This queue's callers know it by its own messages; the reason stays for programs.
            String message = c.reason() == ReviewConflictException.Reason.ALREADY_DECIDED
                    ? "review item '" + id + "' is already " + store.find(id).map(ReviewItem::state).orElse(null)
                    + "; decisions are final"
                    : "reviewer '" + reviewer + "' does not hold a live claim on '" + id + "'; claim it first (claimNext)";
            ReviewConflictException translated = new ReviewConflictException(c.reason(), id, message);
            translated.initCause(c);
            throw translated;
        }
        ReviewDecision<O> decision = new ReviewDecision<>(id, verdict, Optional.ofNullable(answer), reviewer, comment,
                decided.decidedAt());
        // Completed after the store's transaction: callbacks on the future run in this thread.
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

    private Item<I> snapshot(ReviewItem item) {
        return snapshot(item, clock.instant());
    }

    private Item<I> snapshot(ReviewItem item, Instant now) {
        State shown = switch (item.state()) {
            case CLAIMED -> now.isBefore(item.leaseUntil()) ? State.CLAIMED : State.PENDING;
            case APPROVED -> State.APPROVED;
            case EDITED -> State.EDITED;
            case REJECTED, EXPIRED -> State.REJECTED; // this queue sets no SLA, so nothing expires
            case PENDING, ESCALATED -> State.PENDING;
        };
        Entry<I, O> e = entries.get(item.id());
        return new Item<>(item.id(), e == null ? null : e.request, shown,
                shown == State.CLAIMED ? item.claimedBy() : null, shown == State.CLAIMED ? item.leaseUntil() : null,
                item.createdAt());
    }

    private static final class Entry<I, O> implements ReviewHandle<O> {
        final String id;
        final ReviewRequest<I> request;
        final CompletableFuture<ReviewDecision<O>> future = new CompletableFuture<>();

        Entry(String id, ReviewRequest<I> request) {
            this.id = id;
            this.request = request;
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
