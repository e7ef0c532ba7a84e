package dev.cascade.review;

import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.review.ReviewDatabases.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 items, 8 reviewers claiming and deciding at once. Proven from the audit log, not from the reviewers' own
 * word: every item was claimed exactly once and decided by the reviewer who claimed it, none lost, none decided twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewConcurrencyTest {

    static final int ITEMS = 10_000;
    static final int REVIEWERS = 8;
    private static final Duration LEASE = Duration.ofMinutes(10);

    private final ReviewDatabases databases = new ReviewDatabases();

    @AfterAll
    void close() throws Exception {
        databases.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class) // H2 too: its claims are optimistic (version-checked), not SKIP LOCKED
    void eightReviewersDecideTenThousandItemsEachExactlyOnce(Kind kind) throws Exception {
        ReviewStore store = databases.store(kind, Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(REVIEWERS);
        try {
            submitAll(store, pool);
            assertThat(store.depth()).isEqualTo(ITEMS);

            CountDownLatch go = new CountDownLatch(1);
            Map<String, String> claimedBy = new ConcurrentHashMap<>();
            Set<String> doubleClaims = ConcurrentHashMap.newKeySet();
            List<Future<Integer>> reviewers = new ArrayList<>();
            for (int r = 0; r < REVIEWERS; r++) {
                String reviewer = "reviewer-" + r;
                reviewers.add(pool.submit(() -> {
                    go.await();
                    int decided = 0;
                    for (var next = store.claimNext(reviewer, LEASE, ReviewQuery.all()); next.isPresent();
                         next = store.claimNext(reviewer, LEASE, ReviewQuery.all())) {
                        ReviewItem item = next.get();
                        if (claimedBy.putIfAbsent(item.id(), reviewer) != null) {
                            doubleClaims.add(item.id());
                        }
                        store.decide(new ReviewStore.Decide(item.id(), reviewer, item.version(), item.payloadHash(),
                                Verdict.APPROVED, "ok " + item.input(), null));
                        decided++;
                    }
                    return decided;
                }));
            }
            go.countDown();
            int decided = 0;
            List<Integer> perReviewer = new ArrayList<>();
            for (Future<Integer> f : reviewers) {
                int n = f.get(10, TimeUnit.MINUTES);
                perReviewer.add(n);
                decided += n;
            }
            System.out.printf("review concurrency (%s): %d items, decisions per reviewer %s%n", kind, ITEMS,
                    perReviewer);

            assertThat(doubleClaims).as("items handed to two reviewers").isEmpty();
            assertThat(decided).as("decisions made").isEqualTo(ITEMS);
            assertThat(claimedBy).hasSize(ITEMS);
            assertThat(store.depth()).as("items left undecided (lost)").isZero();
            assertThat(perReviewer).as("every reviewer took part").allSatisfy(n -> assertThat(n).isPositive());

            // The log is the proof: for each item exactly submit, one claim, one decision by the same reviewer.
            Map<String, Integer> decisionsPerItem = new HashMap<>();
            long cursor = 0;
            for (List<AuditEntry> page = store.decisionsSince(cursor, ReviewQuery.MAX_LIMIT); !page.isEmpty();
                 page = store.decisionsSince(cursor, ReviewQuery.MAX_LIMIT)) {
                for (AuditEntry e : page) {
                    decisionsPerItem.merge(e.itemId(), 1, Integer::sum);
                    cursor = e.seq();
                }
            }
            assertThat(decisionsPerItem).hasSize(ITEMS);
            assertThat(decisionsPerItem.values()).as("items decided twice").allMatch(n -> n == 1);
            for (Map.Entry<String, String> e : claimedBy.entrySet()) {
                List<AuditEntry> log = store.audit(e.getKey());
                assertThat(log).as("log of %s", e.getKey()).hasSize(3);
                assertThat(log.get(0).to()).isEqualTo(ReviewState.PENDING);
                assertThat(log.get(1).to()).isEqualTo(ReviewState.CLAIMED);
                assertThat(log.get(1).actor()).isEqualTo(e.getValue());
                assertThat(log.get(2).from()).isEqualTo(ReviewState.CLAIMED);
                assertThat(log.get(2).to()).isEqualTo(ReviewState.APPROVED);
                assertThat(log.get(2).actor()).isEqualTo(e.getValue());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void submitAll(ReviewStore store, ExecutorService pool) throws Exception {
        List<Future<?>> submits = new ArrayList<>();
        int perThread = ITEMS / REVIEWERS;
        for (int t = 0; t < REVIEWERS; t++) {
            int from = t * perThread;
            submits.add(pool.submit(() -> {
                for (int i = from; i < from + perThread; i++) {
                    store.submit(new ReviewStore.Submission("load", "desk", null, "exec-" + i, "load-" + i,
                            "ticket " + i, List.of(), Money.ZERO, Map.of(), 0, null, null, null));
                }
                return null;
            }));
        }
        for (Future<?> f : submits) {
            f.get(10, TimeUnit.MINUTES);
        }
    }
}
