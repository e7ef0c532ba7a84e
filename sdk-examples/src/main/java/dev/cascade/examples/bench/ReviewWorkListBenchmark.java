package dev.cascade.examples.bench;

import dev.cascade.api.Money;
import dev.cascade.examples.json.JsonWriter;
import dev.cascade.review.JdbcReviewStore;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewPage;
import dev.cascade.review.ReviewSearch;
import dev.cascade.review.ReviewSort;
import dev.cascade.review.ReviewState;
import dev.cascade.review.ReviewStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static dev.cascade.examples.bench.BenchSupport.intSetting;
import static dev.cascade.examples.bench.BenchSupport.setting;

/**
 * How fast the reviewer console's work list answers on a big queue: {@link JdbcReviewStore#page} (keyset pages),
 * filters, search and {@link JdbcReviewStore#countByState} on PostgreSQL (embedded, io.zonky) with
 * {@code bench.worklist.items} open items (default 100,000) and a fifth as many finished ones. A documented harness
 * (a main method); prints a table and writes {@code worklist.json} to {@code args[0]} (default
 * {@code target/benchmarks/worklist.json}).
 *
 * <p><b>Data.</b> One item is submitted through the store; the rest are copied from it with
 * {@code generate_series} (so loading takes seconds, not a 100,000-transaction run), with chains of very different
 * sizes (half the items in one chain, 0.5% in the smallest), 200 tenants, 20 reviewers holding 5% of the items,
 * 2% escalated, 70% with an SLA (some overdue), and inputs of six words from a 2,000-word vocabulary whose word
 * {@code wN} is about {@code N+1} times rarer than {@code w0}, so searches range from thousands of hits to a handful.
 * The search terms are written as the store writes them (the inputs hold only words of letters and digits). Then
 * {@code VACUUM ANALYZE}, as autovacuum would after a bulk load (without it, counts read every heap page).
 *
 * <p><b>Measure.</b> Each request kind is run {@code bench.worklist.repeats} times (default 200) after 50 warm-up
 * runs, one at a time, each timed on its own (wall clock, through the JDBC driver and the store's reading of rows
 * into items); "deep" pages follow cursors from page 1 to page 100 and start over. Pages are the console's default
 * view (open items, soonest due first) unless the name says otherwise. Reported: median and p99 in
 * milliseconds. Target: both under {@value #TARGET_MS} ms for every page, filter and search; the counts, and
 * {@code api_request_*} (what one {@code GET /api/items} asks of the store: the page, its counts and, when filtered, the open depth),
 * are reported too.
 *
 * <pre>
 *   bench.worklist.items     BENCH_WORKLIST_ITEMS     open items         default 100000
 *   bench.worklist.repeats   BENCH_WORKLIST_REPEATS   timed runs each    default 200
 *   bench.worklist.failOnMiss BENCH_WORKLIST_FAIL_ON_MISS exit 1 on a miss default false
 * </pre>
 */
public final class ReviewWorkListBenchmark {

    static final double TARGET_MS = 100;
    private static final int WARMUP = 50;
    private static final int PAGE = 50;

    private ReviewWorkListBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks/worklist.json").toAbsolutePath();
        int items = intSetting("bench.worklist.items", 100_000);
        int repeats = intSetting("bench.worklist.repeats", 200);
        boolean failOnMiss = Boolean.parseBoolean(setting("bench.worklist.failOnMiss", "false"));
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("Work-list benchmark: %d open items, %d cores, load average %.2f%n", items,
                Runtime.getRuntime().availableProcessors(), loadBefore);
        Map<String, Object> results = new LinkedHashMap<>();
        List<String> misses = new ArrayList<>();
        try (EmbeddedPostgres pg = BenchSupport.startPostgres("off", "off")) {
            JdbcConnectionPool pool = BenchSupport.pool(BenchSupport.url(pg), 4);
            JdbcReviewStore store = new JdbcReviewStore(pool);
            store.createSchema();
            long t0 = System.nanoTime();
            load(store, pool, items);
            System.out.printf("loaded %d items in %.1f s%n", count(pool, "SELECT COUNT(*) FROM cascade_review_item"),
                    (System.nanoTime() - t0) / 1e9);
            String common = "w0";
            String medium = "w40";
            String rare = "w1900";
            System.out.printf("hits: %s %d, %s %d, %s %d%n", common, hits(pool, common), medium, hits(pool, medium),
                    rare, hits(pool, rare));

            // The console's default view: the open items, soonest due first.
            ReviewSearch open = ReviewSearch.open().withSort(ReviewSort.DUE).withLimit(PAGE);
            Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
            cases.put("page_first_queue", () -> store.page(open.withSort(ReviewSort.QUEUE)));
            cases.put("page_first_due", () -> store.page(open));
            cases.put("page_first_newest", () -> store.page(open.withSort(ReviewSort.NEWEST)));
            cases.put("page_deep_queue", deep(store, open.withSort(ReviewSort.QUEUE)));
            cases.put("page_deep_due", deep(store, open));
            cases.put("filter_chain_large", () -> store.page(open.withChain("chain-0")));
            cases.put("filter_chain_large_by_priority", () -> store.page(open.withChain("chain-0")
                    .withSort(ReviewSort.QUEUE)));
            cases.put("filter_chain_small", () -> store.page(open.withChain("chain-9")));
            cases.put("filter_chain_small_deep", deep(store, open.withChain("chain-9")));
            cases.put("filter_tenant", () -> store.page(open.withTenant("tenant-17")));
            cases.put("filter_claimed_by", () -> store.page(open.withClaimedBy("reviewer-2")));
            cases.put("filter_claimed_by_none_open", () -> store.page(open.withClaimedBy("reviewer-3")));
            cases.put("filter_state_escalated", () -> store.page(open.withStates(Set.of(ReviewState.ESCALATED))));
            cases.put("filter_state_approved", () -> store.page(open.withStates(Set.of(ReviewState.APPROVED))));
            cases.put("page_all_states_due", () -> store.page(open.withStates(Set.of())));
            cases.put("page_all_states_deep_due", deep(store, open.withStates(Set.of())));
            cases.put("search_common_word", () -> store.page(open.withText(common)));
            cases.put("search_medium_word", () -> store.page(open.withText(medium)));
            cases.put("search_rare_word", () -> store.page(open.withText(rare)));
            cases.put("search_two_words", () -> store.page(open.withText(common + " " + medium)));
            cases.put("search_with_chain_filter", () -> store.page(open.withText(medium).withChain("chain-1")));
            cases.put("search_medium_by_priority", () -> store.page(open.withText(medium).withSort(ReviewSort.QUEUE)));
            // What one GET /api/items costs the store: the page, the counts under its filters, the open depth.
            cases.put("api_request_default", () -> apiRequest(store, open));
            cases.put("api_request_chain_small", () -> apiRequest(store, open.withChain("chain-9")));
            cases.put("api_request_search_medium", () -> apiRequest(store, open.withText(medium)));
            cases.put("api_request_search_two_words", () -> apiRequest(store, open.withText(common + " " + medium)));
            cases.put("counts_all", () -> store.countByState(open));
            cases.put("depth", () -> store.depth());
            cases.put("counts_chain_small", () -> store.countByState(open.withChain("chain-9")));
            cases.put("counts_search_medium", () -> store.countByState(open.withText(medium)));
            System.out.printf("%-28s %10s %10s%n", "request", "median ms", "p99 ms");
            for (Map.Entry<String, Supplier<Object>> c : cases.entrySet()) {
                double[] ms = time(c.getValue(), repeats);
                double median = percentile(ms, 50);
                double p99 = percentile(ms, 99);
                System.out.printf(Locale.ROOT, "%-28s %10.2f %10.2f%n", c.getKey(), median, p99);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("median_ms", round(median));
                r.put("p99_ms", round(p99));
                results.put(c.getKey(), r);
                if (!c.getKey().startsWith("counts") && !c.getKey().startsWith("api_request")
                        && (median >= TARGET_MS || p99 >= TARGET_MS)) {
                    misses.add(c.getKey());
                }
            }
            explain(pool, "EXPLAIN SELECT item_seq FROM cascade_review_item WHERE is_open = TRUE"
                    + " AND (sort_priority, due_key, item_seq) > (0, now(), 0)"
                    + " ORDER BY sort_priority, due_key, item_seq LIMIT 51");
            pool.dispose();
        }
        System.out.println(misses.isEmpty() ? "all targets met (< " + TARGET_MS + " ms median and p99)"
                : "MISSED: " + misses);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "review-worklist");
        doc.put("database", "PostgreSQL (embedded, io.zonky), synchronous_commit=off, fsync=off");
        doc.put("open_items", items);
        doc.put("finished_items", items / 5);
        doc.put("page_size", PAGE);
        doc.put("repeats", repeats);
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        doc.put("load_average_before", round(loadBefore));
        doc.put("target_ms", TARGET_MS);
        doc.put("results", results);
        doc.put("misses", misses);
        Files.createDirectories(out.getParent());
        Files.writeString(out, JsonWriter.write(doc) + "\n", StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
        if (failOnMiss && !misses.isEmpty()) {
            System.exit(1);
        }
    }

    private static Object apiRequest(ReviewStore store, ReviewSearch search) {
        boolean unfiltered = search.chain() == null && search.step() == null && search.tenant() == null
                && search.claimedBy() == null && search.text() == null;
        return List.of(store.page(search), store.countByState(search), unfiltered ? 0L : store.depth());
    }

    /** Pages 1 to 100 by cursor, over and over: each call is the next page. */
    private static Supplier<Object> deep(ReviewStore store, ReviewSearch first) {
        String[] cursor = {null};
        int[] page = {0};
        return () -> {
            ReviewPage p = store.page(cursor[0] == null ? first : first.withCursor(cursor[0]));
            page[0]++;
            cursor[0] = page[0] % 100 == 0 ? null : p.nextCursor();
            if (cursor[0] == null) {
                page[0] = 0;
            }
            return p;
        };
    }

    private static double[] time(Supplier<Object> request, int repeats) {
        for (int i = 0; i < WARMUP; i++) {
            request.get();
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            Object result = request.get();
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (result == null) {
                throw new IllegalStateException("no result");
            }
        }
        return ms;
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** One real submission, then copies of its row made by the database; then the search terms of every copy. */
    private static void load(JdbcReviewStore store, JdbcConnectionPool pool, int items) throws Exception {
        ReviewItem template = store.submit(new ReviewStore.Submission("chain-0", "desk", "tenant-0", "exec-0",
                "key-0", "template w0 w1", List.of(), Money.ZERO, Map.of(), 0, null, null, null));
        int finished = items / 5;
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM cascade_review_term");
            s.execute("DELETE FROM cascade_review_audit");
            // Word k of the vocabulary is drawn with probability ~ 1/(k+1): floor(2000^u) - 1 for uniform u.
            String word = "'w' || (floor(power(2000, random())) - 1)::int";
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cascade_review_item (id, idempotency_key,"
                    + " chain, step, tenant, execution_id, input, attempts_text, cost_micros, trace_context, trace_id,"
                    + " priority, created_at, due_at, on_breach, default_answer, payload_hash, version, state, is_open,"
                    + " escalated, claimed_by, lease_until, verdict, answer, decided_by, review_comment, decided_at,"
                    + " sort_priority, due_key)"
                    + " SELECT 'bench-' || g, 'bench-key-' || g,"
                    + " 'chain-' || (CASE WHEN g % 2 = 0 THEN 0 WHEN g % 4 = 1 THEN 1 WHEN g % 8 = 3 THEN 2"
                    + "   WHEN g % 16 = 7 THEN 3 WHEN g % 32 = 15 THEN 4 WHEN g % 64 = 31 THEN 5"
                    + "   WHEN g % 128 = 63 THEN 6 WHEN g % 200 = 127 THEN 9 ELSE 7 + g % 2 END),"
                    + " CASE WHEN g % 3 = 0 THEN 'legal' ELSE 'desk' END, 'tenant-' || (g % 200), 'exec-' || g,"
                    + " 'Ticket ' || g || ' ' || " + word + " || ' ' || " + word + " || ' ' || " + word
                    + "   || ' ' || " + word + " || ' ' || " + word + " || ' ' || " + word + ","
                    + " t.attempts_text, 0, t.trace_context, NULL, p.priority,"
                    + " now() - (g || ' seconds')::interval, d.due_at, 'ESCALATE', NULL, t.payload_hash, 1,"
                    + " st.state, st.state IN ('PENDING', 'CLAIMED', 'ESCALATED'), st.state = 'ESCALATED',"
                    + " CASE WHEN st.state IN ('CLAIMED', 'APPROVED') THEN 'reviewer-' || (g % 20) END,"
                    + " CASE WHEN st.state = 'CLAIMED' THEN now() + interval '15 minutes' END,"
                    + " CASE WHEN st.state = 'APPROVED' THEN 'APPROVED' END, CASE WHEN st.state = 'APPROVED'"
                    + "   THEN 'ok' END, CASE WHEN st.state = 'APPROVED' THEN 'reviewer-' || (g % 20) END, NULL,"
                    + " CASE WHEN st.state = 'APPROVED' THEN now() - (g % 86400 || ' seconds')::interval END,"
                    + " -p.priority, COALESCE(d.due_at, TIMESTAMP WITH TIME ZONE '9999-12-31 00:00:00+00')"
                    + " FROM cascade_review_item t, generate_series(1, ?) g,"
                    + " LATERAL (SELECT CASE WHEN g > ? THEN 'APPROVED' WHEN g % 50 = 1 THEN 'ESCALATED'"
                    + "   WHEN g % 20 = 2 THEN 'CLAIMED' ELSE 'PENDING' END AS state) st,"
                    + " LATERAL (SELECT (g % 4) + CASE WHEN st.state = 'ESCALATED' THEN 1000 ELSE 0 END AS priority) p,"
                    + " LATERAL (SELECT CASE WHEN g % 10 < 7 THEN now() + ((g % 3000) - 120 || ' minutes')::interval"
                    + "   END AS due_at) d"
                    + " WHERE t.id = ?")) {
                ps.setInt(1, items + finished);
                ps.setInt(2, items);
                ps.setString(3, template.id());
                ps.executeUpdate();
            }
            s.execute("DELETE FROM cascade_review_item WHERE id = '" + template.id().replace("'", "''") + "'");
            // The terms ReviewTerms would write: the inputs are words of letters and digits, two or more each.
            s.execute("INSERT INTO cascade_review_term (term, item_seq) SELECT DISTINCT lower(w), i.item_seq"
                    + " FROM cascade_review_item i, regexp_split_to_table(i.input, ' ') w WHERE length(w) >= 2");
            s.execute("VACUUM ANALYZE");
        }
    }

    private static long hits(JdbcConnectionPool pool, String term) throws Exception {
        return count(pool, "SELECT COUNT(*) FROM cascade_review_term t JOIN cascade_review_item i"
                + " ON i.item_seq = t.item_seq WHERE i.is_open AND t.term = '" + term + "'");
    }

    private static long count(JdbcConnectionPool pool, String sql) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void explain(JdbcConnectionPool pool, String sql) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            System.out.println("plan of a deep queue page:");
            while (rs.next()) {
                System.out.println("  " + rs.getString(1));
            }
        }
    }
}
