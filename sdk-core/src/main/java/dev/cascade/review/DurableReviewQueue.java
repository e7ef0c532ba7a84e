package dev.cascade.review;

import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision;
import dev.cascade.api.ReviewHandle;
import dev.cascade.api.ReviewRequest;
import dev.cascade.api.Usage;
import dev.cascade.spi.ReviewQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The chain's {@link ReviewQueue} over any {@link ReviewStore}: the review step's submit stores the item (durable
 * when it returns, as durable as the store), and the caller's {@link ReviewHandle#decision()} completes when a
 * reviewer decides, in this process or any other sharing the store.
 *
 * <pre>{@code
 * DurableReviewQueue<Ticket, Reply> queue = DurableReviewQueue.builder(store, ticketCodec, replyCodec)
 *     .policy(ReviewPolicy.builder().sla(Duration.ofHours(4)).build())
 *     .build()
 *     .onDecision(telemetry::recordReviewDecision)
 *     .start();                                   // the poller: other processes' decisions, leases, SLAs
 * Cascade<Ticket, Reply> chain = Cascade.<Ticket, Reply>builder("triage")...humanReview("desk", queue).build();
 * }</pre>
 *
 * <p><b>How decisions arrive.</b> A decision committed through the same {@code ReviewStore} object reaches the handles
 * and listeners at once, on the deciding thread. Others (another process, another store object) are found by the
 * poller, which every {@link Builder#pollInterval poll interval} reads {@link ReviewStore#decisionsSince} from its
 * cursor. A database hands out audit sequence numbers when a transaction writes and shows them when it commits, so
 * a decision may become visible after one with a higher number; the poller therefore moves its cursor only past
 * entries older than {@link Builder#deliveryGrace the delivery grace} and re-reads the younger ones each time.
 * Deliveries are at least once; each carries {@code itemId@version} ({@link ReviewDelivery#deliveryId()}), and this
 * queue drops the repeats it has seen (the last {@value #DEDUP_CAPACITY} ids).
 *
 * <p><b>Callers that restarted or live elsewhere</b> look an item up with {@link #handle(String)}: its future
 * completes at once if the item is decided, else when the decision arrives.
 *
 * <p><b>Sweeping.</b> Unless turned off, each poll also ends expired leases ({@link ReviewStore#expireLeases}) and
 * applies SLAs ({@link ReviewStore#applySla}); several processes may sweep the same store (each transition happens
 * once). The poller runs on one daemon thread between {@link #start()} and {@link #close()}; {@link #pollOnce()} runs
 * one round on the caller's thread (tests, or an application's own scheduler).
 *
 * <p>Thread-safe. Listeners run on the thread that delivered (the decider's, or the poller's); one that throws is
 * ignored.
 *
 * @param <I> the chain's input type
 * @param <O> the chain's output type
 */
public final class DurableReviewQueue<I, O> implements ReviewQueue<I, O>, AutoCloseable {

    /** How many delivered decision ids the queue remembers to drop repeats. */
    public static final int DEDUP_CAPACITY = 100_000;
    private static final int PAGE = 500;

    private final ReviewStore store;
    private final ReviewCodec<I> inputCodec;
    private final ReviewCodec<O> outputCodec;
    private final Function<? super ReviewRequest<I>, ReviewPolicy> policy;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration grace;
    private final boolean sweep;
    private final Consumer<? super Exception> onError;

    private final Map<String, CompletableFuture<ReviewDecision<O>>> waiting = new ConcurrentHashMap<>();
    /** Decisions delivered lately, so a handle registered just after its delivery still completes. */
    private final Map<String, ReviewDecision<O>> recent = Collections.synchronizedMap(lru(10_000));
    private final Set<String> delivered = Collections.newSetFromMap(Collections.synchronizedMap(lru(DEDUP_CAPACITY)));
    private final List<BiConsumer<? super ReviewRequest<I>, ? super ReviewDecision<O>>> decisionListeners =
            new CopyOnWriteArrayList<>();
    private final List<Consumer<? super ReviewDelivery<O>>> deliveryListeners = new CopyOnWriteArrayList<>();
    /** Only this chain's decisions reach the listeners; {@code null}: every chain's. */
    private final String chain;
    private final ReviewStore.Subscription subscription;
    private final Object pollLock = new Object();
    /** Every decision with a sequence number at or below this was delivered (or predates the queue). */
    private volatile long cursor;
    private volatile ScheduledExecutorService poller;

    private DurableReviewQueue(Builder<I, O> b) {
        this.store = b.store;
        this.inputCodec = b.inputCodec;
        this.outputCodec = b.outputCodec;
        this.policy = b.policy;
        this.clock = b.clock;
        this.pollInterval = b.pollInterval;
        this.grace = b.grace;
        this.sweep = b.sweep;
        this.onError = b.onError;
        this.chain = b.chain;
        this.cursor = b.deliverFrom >= 0 ? b.deliverFrom : store.lastAuditSeq();
        this.subscription = store.subscribe(this::deliver);
    }

    /** A builder for a queue over {@code store}, with codecs for the chain's input and output types. */
    public static <I, O> Builder<I, O> builder(ReviewStore store, ReviewCodec<I> inputCodec,
                                               ReviewCodec<O> outputCodec) {
        return new Builder<>(store, inputCodec, outputCodec);
    }

    /**
     * Stores the request as a review item, with the attempts and the unused model answers, filed by the policy.
     * Idempotent on the request's key: the same key returns the first item (and, if it was decided already, a handle
     * whose future is complete).
     */
    @Override
    public ReviewHandle<O> submit(ReviewRequest<I> request) {
        Objects.requireNonNull(request, "request");
        ReviewPolicy p = Objects.requireNonNull(policy.apply(request), "policy returned null");
        List<ReviewAttempt> attempts = new ArrayList<>(request.attempts().size());
        Money cost = Money.ZERO;
        for (int i = 0; i < request.attempts().size(); i++) {
            Attempt a = request.attempts().get(i);
            attempts.add(ReviewAttempt.of(a, request.answers().get(i)));
            cost = cost.plus(a.cost());
        }
        Instant now = clock.instant();
        ReviewItem item = store.submit(new ReviewStore.Submission(request.chain(), request.step(),
                request.context().tenant().orElse(null), request.executionId(), request.idempotencyKey(),
                inputCodec.encode(request.input()), attempts, cost, request.traceContext(), p.priority(),
                p.sla() == null ? null : now.plus(p.sla()), p.onBreach(), p.defaultAnswer()));
        return register(item);
    }

    /**
     * A handle on an item by id, for a caller that restarted or lives in another process: its future completes at once
     * when the item is decided, else when the decision arrives (this queue must be polling, or the decision be made
     * through its store).
     *
     * @return empty when the store has no such item
     */
    public Optional<ReviewHandle<O>> handle(String id) {
        return store.find(Objects.requireNonNull(id, "id")).map(this::register);
    }

    /**
     * Calls {@code listener} once per decision this queue learns of (in process or from the poller), with the request
     * rebuilt from the stored item (attempts carry what the store keeps: no token usage, offsets or finish reasons)
     * and the decoded decision: e.g. {@code queue.onDecision(telemetry::recordReviewDecision)}.
     */
    public DurableReviewQueue<I, O> onDecision(BiConsumer<? super ReviewRequest<I>, ? super ReviewDecision<O>> listener) {
        decisionListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Calls {@code listener} once per decision this queue learns of, with its delivery id and the stored item. */
    public DurableReviewQueue<I, O> onDelivery(Consumer<? super ReviewDelivery<O>> listener) {
        deliveryListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** The store this queue files items in. */
    public ReviewStore store() {
        return store;
    }

    /** The decision a final item carries, its answer decoded. */
    public ReviewDecision<O> decision(ReviewItem item) {
        if (!item.state().isFinal()) {
            throw new IllegalArgumentException("review item '" + item.id() + "' is " + item.state()
                    + ", not decided");
        }
        O answer = item.answer() == null ? null : outputCodec.decode(item.answer());
        return new ReviewDecision<>(item.id(), item.verdict(), Optional.ofNullable(answer), item.decidedBy(),
                item.comment(), item.decidedAt());
    }

    /** The request an item was made from, rebuilt from what the store keeps (input decoded). */
    public ReviewRequest<I> request(ReviewItem item) {
        List<Attempt> attempts = new ArrayList<>(item.attempts().size());
        Map<Integer, String> answers = new LinkedHashMap<>();
        for (ReviewAttempt a : item.attempts()) {
            if (a.answer() != null) {
                answers.put(attempts.size(), a.answer());
            }
            attempts.add(new Attempt(a.step(), a.kind(), a.number(), a.status(), a.failure(), a.reason(),
                    Duration.ZERO, a.latency(), Usage.NONE, a.model(), null, a.cost()));
        }
        CallContext context = item.tenant() == null ? CallContext.empty() : CallContext.empty().withTenant(item.tenant());
        return new ReviewRequest<>(item.chain(), item.step(), item.executionId(), item.idempotencyKey(),
                inputCodec.decode(item.input()), attempts, context, item.traceContext(), answers);
    }

    /** Starts the poller (one daemon thread). Idempotent. */
    public synchronized DurableReviewQueue<I, O> start() {
        if (poller == null) {
            ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cascade-review-poller");
                t.setDaemon(true);
                return t;
            });
            s.scheduleWithFixedDelay(this::pollQuietly, 0, pollInterval.toNanos(), TimeUnit.NANOSECONDS);
            poller = s;
        }
        return this;
    }

    /**
     * One round on the caller's thread: end expired leases and apply SLAs (unless sweeping is off), then deliver the
     * decisions committed since the cursor.
     *
     * @return how many decisions were delivered
     */
    public int pollOnce() {
        synchronized (pollLock) {
            Instant now = clock.instant();
            if (sweep) {
                store.expireLeases(now);
                store.applySla(now);
            }
            Instant settled = now.minus(grace);
            boolean advancing = true;
            long readFrom = cursor;
            int count = 0;
            while (true) {
                List<AuditEntry> page = store.decisionsSince(readFrom, PAGE);
                for (AuditEntry e : page) {
                    readFrom = e.seq();
                    if (!delivered.contains(e.transitionId()) && wanted(e.itemId())) {
                        Optional<ReviewItem> item = store.find(e.itemId());
                        if (item.isPresent() && deliver(item.get())) {
                            count++;
                        }
                    }
                    if (advancing && e.at().isBefore(settled)) {
                        cursor = e.seq();
                    } else {
                        advancing = false;
                    }
                }
                if (page.size() < PAGE) {
                    return count;
                }
            }
        }
    }

    /** Every decision with a sequence number at or below this was delivered; a restart may resume from it. */
    public long cursor() {
        return cursor;
    }

    /** Stops the poller and the in-process deliveries. Pending handles stay pending. */
    @Override
    public synchronized void close() {
        subscription.close();
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    private boolean wanted(String itemId) {
        return waiting.containsKey(itemId) || !decisionListeners.isEmpty() || !deliveryListeners.isEmpty();
    }

    private void pollQuietly() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            // The next round tries again; the application hears of it through onError.
            report(e);
        }
    }

    private ReviewHandle<O> register(ReviewItem item) {
        String id = item.id();
        CompletableFuture<ReviewDecision<O>> future = waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
        if (item.state().isFinal()) {
            complete(id, item);
        } else {
            // Delivered between the store's answer and our registration: deliver() wrote recent before reading waiting.
            ReviewDecision<O> d = recent.get(id);
            if (d != null && waiting.remove(id, future)) {
                future.complete(d);
            }
        }
        return new Handle<>(id, future);
    }

    /** Delivers a final item once: completes its handle, calls the listeners. Returns false for a repeat. */
    private boolean deliver(ReviewItem item) {
        if (chain != null && !chain.equals(item.chain()) && !waiting.containsKey(item.id())) {
            return false; // another chain's item on a shared store: its own queue delivers it
        }
        if (!delivered.add(item.id() + "@" + item.version())) {
            return false;
        }
        ReviewDecision<O> d = complete(item.id(), item);
        if (d == null) {
            return true;
        }
        if (!decisionListeners.isEmpty()) {
            ReviewRequest<I> request;
            try {
                request = request(item);
            } catch (RuntimeException e) {
                report(e);
                request = null;
            }
            if (request != null) {
                for (BiConsumer<? super ReviewRequest<I>, ? super ReviewDecision<O>> l : decisionListeners) {
                    try {
                        l.accept(request, d);
                    } catch (RuntimeException ignored) {
                        // A failing observer must not stop the others or the delivery.
                    }
                }
            }
        }
        ReviewDelivery<O> delivery = new ReviewDelivery<>(item.id() + "@" + item.version(), item, d);
        for (Consumer<? super ReviewDelivery<O>> l : deliveryListeners) {
            try {
                l.accept(delivery);
            } catch (RuntimeException ignored) {
                // A failing observer must not stop the others or the delivery.
            }
        }
        return true;
    }

    /** Completes the item's handle, if any; returns the decision, or null when its answer could not be decoded. */
    private ReviewDecision<O> complete(String id, ReviewItem item) {
        ReviewDecision<O> d;
        try {
            d = decision(item);
        } catch (RuntimeException e) {
            CompletableFuture<ReviewDecision<O>> f = waiting.remove(id);
            IllegalStateException failure = new IllegalStateException("review item '" + id + "' was decided "
                    + item.verdict() + ", but its answer could not be decoded by the output codec", e);
            if (f != null) {
                f.completeExceptionally(failure);
            }
            report(failure);
            return null;
        }
        recent.put(id, d);
        CompletableFuture<ReviewDecision<O>> f = waiting.remove(id);
        if (f != null) {
            f.complete(d);
        }
        return d;
    }

    private void report(Exception e) {
        try {
            onError.accept(e);
        } catch (RuntimeException ignored) {
            // The error hook is an observer too.
        }
    }

    private static <K, V> LinkedHashMap<K, V> lru(int capacity) {
        return new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public String toString() {
        return "DurableReviewQueue[" + store + "]";
    }

    private record Handle<O>(String id, CompletableFuture<ReviewDecision<O>> future) implements ReviewHandle<O> {
        @Override
        public CompletableFuture<ReviewDecision<O>> decision() {
            // A copy: a caller completing or cancelling it must not change what other callers see.
            return future.thenApply(d -> d);
        }
    }

    /**
     * Builds a {@link DurableReviewQueue}. Not thread-safe; {@link #build()} may be called more than once (each queue
     * is independent).
     */
    public static final class Builder<I, O> {
        private final ReviewStore store;
        private final ReviewCodec<I> inputCodec;
        private final ReviewCodec<O> outputCodec;
        private Function<? super ReviewRequest<I>, ReviewPolicy> policy = r -> ReviewPolicy.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration grace = Duration.ofSeconds(10);
        private boolean sweep = true;
        private long deliverFrom = -1;
        private Consumer<? super Exception> onError = e -> { };
        private String chain;

        private Builder(ReviewStore store, ReviewCodec<I> inputCodec, ReviewCodec<O> outputCodec) {
            this.store = Objects.requireNonNull(store, "store");
            this.inputCodec = Objects.requireNonNull(inputCodec, "inputCodec");
            this.outputCodec = Objects.requireNonNull(outputCodec, "outputCodec");
        }

        /** How every item is filed. Default {@link ReviewPolicy#DEFAULT} (priority 0, no SLA). */
        public Builder<I, O> policy(ReviewPolicy policy) {
            Objects.requireNonNull(policy, "policy");
            this.policy = r -> policy;
            return this;
        }

        /** How each request is filed (e.g. a higher priority for a tenant). Must not return null. */
        public Builder<I, O> policy(Function<? super ReviewRequest<I>, ReviewPolicy> policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The clock for SLA due times and the poller's "now". Default: the system's, UTC. */
        public Builder<I, O> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The pause between two poller rounds, > 0. Default 1 s. */
        public Builder<I, O> pollInterval(Duration interval) {
            this.pollInterval = positive("pollInterval", interval);
            return this;
        }

        /**
         * How long a decision may take from its audit stamp to its commit (plus clock skew between instances) and
         * still be delivered by the poller: entries younger than this are re-read every round. Default 10 s.
         */
        public Builder<I, O> deliveryGrace(Duration grace) {
            this.grace = positive("deliveryGrace", grace);
            return this;
        }

        /** Whether the poller ends expired leases and applies SLAs. Default true. */
        public Builder<I, O> sweep(boolean sweep) {
            this.sweep = sweep;
            return this;
        }

        /**
         * Deliver decisions with an audit sequence number above {@code cursor} (e.g. the {@link #cursor()} a previous
         * run saved; 0 for the whole history). Default: only decisions made after the queue is built.
         */
        public Builder<I, O> deliverFrom(long cursor) {
            if (cursor < 0) {
                throw new IllegalArgumentException("deliverFrom must be >= 0, was " + cursor);
            }
            this.deliverFrom = cursor;
            return this;
        }

        /**
         * Delivers to the listeners only decisions on items of chain {@code chain}: for chains that share one store,
         * so each decision is heard once, by its own chain's queue. Handles complete either way. Default: every item
         * in the store.
         */
        public Builder<I, O> chain(String chain) {
            this.chain = Objects.requireNonNull(chain, "chain");
            return this;
        }

        /** Hears the poller's errors (a database outage) and undecodable answers. Default: ignored. */
        public Builder<I, O> onError(Consumer<? super Exception> onError) {
            this.onError = Objects.requireNonNull(onError, "onError");
            return this;
        }

        /** A new queue; it subscribes to the store's in-process decisions. Call {@link #start()} to poll. */
        public DurableReviewQueue<I, O> build() {
            return new DurableReviewQueue<>(this);
        }

        private static Duration positive(String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + " must be > 0, was " + d);
            }
            return d;
        }
    }
}
