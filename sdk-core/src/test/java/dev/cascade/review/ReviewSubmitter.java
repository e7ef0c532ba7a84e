package dev.cascade.review;

import dev.cascade.api.Money;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A child JVM for {@link ReviewCrashTest}: submits items {@code <prefix>-0 .. <prefix>-(count-1)} to a PostgreSQL
 * review store, one at a time, and prints {@code SUBMITTED <key> <id>} only after each submit has returned (so every
 * printed item must be durable), then {@code DONE}. Arguments: url, prefix, count.
 */
public final class ReviewSubmitter {
    private ReviewSubmitter() {
    }

    public static void main(String[] args) {
        String url = args[0];
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        JdbcConnectionPool pool = ReviewDatabases.poolOf(url, 2);
        JdbcReviewStore store = new JdbcReviewStore(pool);
        out.println("READY");
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + i;
            ReviewItem item = store.submit(new ReviewStore.Submission("crash", "desk", null, "exec-" + i, key,
                    "input " + i, List.of(), Money.ZERO, Map.of(), 0, null, null, null));
            out.println("SUBMITTED " + key + " " + item.id());
        }
        out.println("DONE");
        pool.dispose();
    }
}
