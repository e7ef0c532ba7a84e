package dev.cascade.review;

import dev.cascade.review.ReviewDatabases.Kind;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A submitting process killed mid-stream (SIGKILL: {@link Process#destroyForcibly()} on Linux) loses nothing it
 * reported as submitted, and resubmitting the same keys creates no duplicates.
 */
class ReviewCrashTest {

    private static final int TOTAL = 3_000;
    private static final int KILL_AFTER = 300;
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @Test
    void everyItemReportedSubmittedSurvivesAKillAndResubmittingDuplicatesNothing() throws Exception {
        try (ReviewDatabases databases = new ReviewDatabases()) {
            String url = databases.freshUrl(Kind.POSTGRESQL);
            new JdbcReviewStore(databases.pool(url, 2)).createSchema();

            Process child = child(url);
            Map<String, String> printed = new LinkedHashMap<>();
            boolean done = false;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("SUBMITTED ")) {
                        String[] parts = line.split(" ");
                        printed.put(parts[1], parts[2]);
                        if (printed.size() == KILL_AFTER) {
                            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush, mid-transaction maybe
                            break;
                        }
                    } else if (line.equals("DONE")) {
                        done = true;
                    }
                }
            }
            assertThat(child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(done).as("child finished before the kill").isFalse();
            assertThat(child.exitValue()).as("exit of a killed child").isNotZero();

            // A fresh store (another process's view): every printed item is there, under its key, once.
            JdbcReviewStore fresh = new JdbcReviewStore(databases.pool(url, 2), Clock.systemUTC());
            for (Map.Entry<String, String> e : printed.entrySet()) {
                assertThat(fresh.findByIdempotencyKey(e.getKey()).map(ReviewItem::id)).as("item of %s", e.getKey())
                        .contains(e.getValue());
            }
            long stored = fresh.depth();
            assertThat(stored).as("stored after the kill").isBetween((long) KILL_AFTER, (long) TOTAL - 1);
            System.out.printf("review crash: child printed %d, store held %d after SIGKILL%n", printed.size(), stored);

            // The same keys again, to the end: the printed ones keep their ids, nothing is stored twice.
            Process again = child(url);
            Map<String, String> second = new LinkedHashMap<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(again.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("SUBMITTED ")) {
                        String[] parts = line.split(" ");
                        second.put(parts[1], parts[2]);
                    }
                }
            }
            assertThat(again.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(again.exitValue()).isZero();
            assertThat(second).hasSize(TOTAL);
            for (Map.Entry<String, String> e : printed.entrySet()) {
                assertThat(second.get(e.getKey())).as("id of %s after resubmission", e.getKey()).isEqualTo(e.getValue());
            }
            Set<String> ids = new HashSet<>(second.values());
            assertThat(ids).hasSize(TOTAL);
            assertThat(fresh.depth()).isEqualTo(TOTAL);
            assertThat(fresh.list(ReviewQuery.all().page(ReviewQuery.MAX_LIMIT, 0))).hasSize(ReviewQuery.MAX_LIMIT);
            assertThat(fresh.list(ReviewQuery.all().page(ReviewQuery.MAX_LIMIT, TOTAL - 1))).hasSize(1);
        }
    }

    private static Process child(String url) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ReviewSubmitter.class.getName(), url, "crash", Integer.toString(TOTAL));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
