package dev.cascade.review;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link ReviewStore} in memory: for tests, demos and single-process tools. Items are lost when the process ends;
 * use {@link JdbcReviewStore} when they must outlive it. Ids are {@code rv-} and 32 random hex digits (128 bits from
 * a {@link SecureRandom}), so an id handed to a caller cannot be guessed from another one.
 *
 * <p>Thread-safe: every method runs under the store's monitor, which is its transaction; listeners are called after
 * it is released. Times come from the clock given at construction (default: the system's, UTC).
 *
 * <p>Keeps every item until {@link #purgeFinishedOlderThan} (or {@link #purgeFinishedBefore}) deletes the finished
 * ones: call it on a schedule in a long-running process.
 */
public final class InMemoryReviewStore implements ReviewStore {

    private static final SecureRandom IDS = new SecureRandom();

    /** Queue order: priority desc, due time asc (none last), created asc, then submission. */
    private static final Comparator<Node> ORDER = Comparator
            .comparing((Node n) -> -(long) n.item.priority())
            .thenComparing(n -> n.item.dueAt(), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(n -> n.item.createdAt())
            .thenComparingLong(n -> n.seq);

    private final Clock clock;
    private final Map<String, Node> byId = new HashMap<>();
    private final Map<String, Node> byKey = new HashMap<>();
    private final TreeSet<Node> all = new TreeSet<>(ORDER);
    /** The items not yet final, in queue order: what claims and sweeps look at. */
    private final TreeSet<Node> open = new TreeSet<>(ORDER);
    /** The audit log by sequence number (kept sparse: a purge removes its items' entries). */
    private final NavigableMap<Long, AuditEntry> log = new TreeMap<>();
    private long auditSeq;
    private final List<Consumer<ReviewItem>> listeners = new CopyOnWriteArrayList<>();
    private long seq;

    private static final class Node {
        final long seq;
        ReviewItem item;
        final List<AuditEntry> audit = new ArrayList<>(4);

        Node(long seq, ReviewItem item) {
            this.seq = seq;
            this.item = item;
        }
    }

    /** A store on the system clock (UTC). */
    public InMemoryReviewStore() {
        this(Clock.systemUTC());
    }

    /** A store whose transitions are stamped, and whose leases run, on {@code clock}. */
    public InMemoryReviewStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Unguessable: ids reach callers (a 202's review id), who may look an item up by it. */
    private static String newId() {
        byte[] b = new byte[16];
        IDS.nextBytes(b);
        return "rv-" + HexFormat.of().formatHex(b);
    }

    @Override
    public ReviewItem submit(Submission submission) {
        Objects.requireNonNull(submission, "submission");
        synchronized (this) {
            Node existing = byKey.get(submission.idempotencyKey());
            if (existing != null) {
                return existing.item;
            }
            long n = ++seq;
            ReviewTransitions.Result r = ReviewTransitions.submitted(newId(), submission, now());
            Node node = new Node(n, r.item());
            byId.put(r.item().id(), node);
            byKey.put(submission.idempotencyKey(), node);
            all.add(node);
            open.add(node);
            append(node, r);
            return r.item();
        }
    }

    @Override
    public synchronized Optional<ReviewItem> find(String id) {
        Node n = byId.get(id);
        return n == null ? Optional.empty() : Optional.of(n.item);
    }

    @Override
    public synchronized Optional<ReviewItem> findByIdempotencyKey(String idempotencyKey) {
        Node n = byKey.get(idempotencyKey);
        return n == null ? Optional.empty() : Optional.of(n.item);
    }

    @Override
    public synchronized List<ReviewItem> list(ReviewQuery query) {
        Objects.requireNonNull(query, "query");
        List<ReviewItem> out = new ArrayList<>(Math.min(query.limit(), 64));
        int skip = query.offset();
        for (Node n : all) {
            if (query.matches(n.item)) {
                if (skip > 0) {
                    skip--;
                } else {
                    out.add(n.item);
                    if (out.size() == query.limit()) {
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** Filters and sorts every item on each call: fine for the tests and demos this store is for. */
    @Override
    public synchronized ReviewPage page(ReviewSearch search) {
        Objects.requireNonNull(search, "search");
        Comparator<ReviewCursor.Key> order = ReviewCursor.order(search.sort());
        ReviewCursor.Key after = search.cursor() == null ? null : ReviewCursor.decode(search.sort(), search.cursor());
        List<Map.Entry<ReviewCursor.Key, ReviewItem>> hits = new ArrayList<>();
        for (Node n : all) {
            ReviewCursor.Key k = ReviewCursor.Key.of(n.item, n.seq);
            if ((after == null || order.compare(k, after) > 0) && search.matches(n.item)) {
                hits.add(Map.entry(k, n.item));
            }
        }
        hits.sort(Map.Entry.comparingByKey(order));
        List<ReviewItem> items = new ArrayList<>(Math.min(hits.size(), search.limit()));
        for (int i = 0; i < hits.size() && i < search.limit(); i++) {
            items.add(hits.get(i).getValue());
        }
        String next = hits.size() > search.limit()
                ? ReviewCursor.encode(search.sort(), hits.get(search.limit() - 1).getKey()) : null;
        return new ReviewPage(items, next);
    }

    @Override
    public synchronized Map<ReviewState, Long> countByState(ReviewSearch search) {
        Objects.requireNonNull(search, "search");
        Map<ReviewState, Long> counts = new EnumMap<>(ReviewState.class);
        for (Node n : all) {
            if (search.matchesIgnoringStates(n.item)) {
                counts.merge(n.item.state(), 1L, Long::sum);
            }
        }
        return counts;
    }

    @Override
    public synchronized ReviewStats stats(Instant from, Instant to) {
        ReviewStats.checkWindow(from, to);
        ReviewStats.Tally tally = new ReviewStats.Tally(from, to);
        for (Node n : all) {
            ReviewItem i = n.item;
            if (i.state().isFinal()) {
                if (i.decidedAt() != null && !i.decidedAt().isBefore(from) && i.decidedAt().isBefore(to)) {
                    tally.decided(i.chain(), i.decidedBy(), i.verdict(), i.createdAt(), i.decidedAt(), i.dueAt());
                }
            } else if (i.dueAt() != null && i.dueAt().isBefore(to)) {
                tally.overdueInChain(i.chain(), 1);
                if (i.state() == ReviewState.CLAIMED) {
                    tally.overdueWithReviewer(i.claimedBy(), 1);
                }
            }
        }
        return tally.build();
    }

    @Override
    public ReviewItem renew(String id, String reviewer, Duration lease) {
        ReviewChecks.reviewer(reviewer);
        ReviewChecks.lease(lease);
        synchronized (this) {
            Node n = node(id);
            return apply(n, ReviewTransitions.renew(n.item, reviewer, lease, now())).item();
        }
    }

    @Override
    public Optional<ReviewItem> claimNext(String reviewer, Duration lease, ReviewQuery query) {
        ReviewChecks.reviewer(reviewer);
        ReviewChecks.lease(lease);
        ReviewQuery filter = Objects.requireNonNull(query, "query").withStates(null);
        synchronized (this) {
            Instant now = now();
            for (Node n : open) {
                if (n.item.claimableAt(now) && filter.matches(n.item)) {
                    return Optional.of(apply(n, ReviewTransitions.claim(n.item, reviewer, lease, now)).item());
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public ReviewItem claim(String id, String reviewer, Duration lease) {
        ReviewChecks.reviewer(reviewer);
        ReviewChecks.lease(lease);
        synchronized (this) {
            Node n = node(id);
            return apply(n, ReviewTransitions.claim(n.item, reviewer, lease, now())).item();
        }
    }

    @Override
    public ReviewItem release(String id, String reviewer) {
        ReviewChecks.reviewer(reviewer);
        synchronized (this) {
            Node n = node(id);
            return apply(n, ReviewTransitions.release(n.item, reviewer, now())).item();
        }
    }

    @Override
    public ReviewItem decide(Decide command) {
        Objects.requireNonNull(command, "command");
        ReviewItem decided;
        synchronized (this) {
            Node n = node(command.id());
            ReviewTransitions.Result r = ReviewTransitions.decide(n.item, command, now());
            if (!r.changed()) {
                return r.item();
            }
            decided = apply(n, r).item();
        }
        notifyFinal(List.of(decided));
        return decided;
    }

    @Override
    public synchronized int expireLeases(Instant now) {
        Objects.requireNonNull(now, "now");
        int ended = 0;
        for (Node n : new ArrayList<>(open)) {
            ReviewTransitions.Result r = ReviewTransitions.expireLease(n.item, now);
            if (r != null) {
                apply(n, r);
                ended++;
            }
        }
        return ended;
    }

    @Override
    public int applySla(Instant now) {
        Objects.requireNonNull(now, "now");
        List<ReviewItem> expired = new ArrayList<>();
        int changed = 0;
        synchronized (this) {
            for (Node n : new ArrayList<>(open)) {
                ReviewTransitions.Result r = ReviewTransitions.sla(n.item, now);
                if (r != null) {
                    ReviewItem after = apply(n, r).item();
                    changed++;
                    if (after.state().isFinal()) {
                        expired.add(after);
                    }
                }
            }
        }
        notifyFinal(expired);
        return changed;
    }

    @Override
    public synchronized List<AuditEntry> audit(String id) {
        Node n = byId.get(id);
        return n == null ? List.of() : List.copyOf(n.audit);
    }

    @Override
    public synchronized long depth() {
        return open.size();
    }

    @Override
    public synchronized List<AuditEntry> decisionsSince(long cursor, int limit) {
        ReviewChecks.limit(limit);
        List<AuditEntry> out = new ArrayList<>();
        for (AuditEntry e : log.tailMap(cursor, false).values()) {
            if (out.size() == limit) {
                break;
            }
            if (e.to().isFinal()) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized long lastAuditSeq() {
        return auditSeq;
    }

    @Override
    public synchronized int purgeFinishedBefore(Instant decidedBefore) {
        Objects.requireNonNull(decidedBefore, "decidedBefore");
        int purged = 0;
        for (Iterator<Node> it = all.iterator(); it.hasNext(); ) {
            Node n = it.next();
            if (n.item.state().isFinal() && n.item.decidedAt() != null && n.item.decidedAt().isBefore(decidedBefore)) {
                it.remove();
                byId.remove(n.item.id());
                byKey.remove(n.item.idempotencyKey());
                n.audit.forEach(e -> log.remove(e.seq()));
                purged++;
            }
        }
        return purged;
    }

    /** {@link #purgeFinishedBefore} the store's clock minus {@code age}. */
    public int purgeFinishedOlderThan(Duration age) {
        return purgeFinishedBefore(now().minus(ReviewChecks.positive("age", age)));
    }

    @Override
    public Subscription subscribe(Consumer<ReviewItem> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The number of items held: every item submitted (each idempotency key once) and not purged. */
    public synchronized int size() {
        return byId.size();
    }

    private Node node(String id) {
        Node n = byId.get(Objects.requireNonNull(id, "id"));
        if (n == null) {
            throw ReviewTransitions.notFound(id);
        }
        return n;
    }

    /** Stores a transition's result: the item in its new place in the order, and its numbered audit entries. */
    private ReviewTransitions.Result apply(Node n, ReviewTransitions.Result r) {
        all.remove(n);
        open.remove(n);
        n.item = r.item();
        all.add(n);
        if (!n.item.state().isFinal()) {
            open.add(n);
        }
        append(n, r);
        return r;
    }

    private void append(Node n, ReviewTransitions.Result r) {
        for (AuditEntry draft : r.entries()) {
            AuditEntry e = new AuditEntry(++auditSeq, draft.itemId(), draft.from(), draft.to(), draft.actor(),
                    draft.at(), draft.version(), draft.detail());
            log.put(e.seq(), e);
            n.audit.add(e);
        }
    }

    private void notifyFinal(List<ReviewItem> items) {
        for (ReviewItem item : items) {
            for (Consumer<ReviewItem> l : listeners) {
                try {
                    l.accept(item);
                } catch (RuntimeException ignored) {
                    // The transition is committed; an observer's failure must not make the reviewer retry it.
                }
            }
        }
    }

    private Instant now() {
        return clock.instant();
    }

    @Override
    public String toString() {
        return "InMemoryReviewStore[" + size() + " items]";
    }
}
