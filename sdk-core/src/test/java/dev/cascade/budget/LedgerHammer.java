package dev.cascade.budget;

import dev.cascade.spi.BudgetLedger;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child process for {@link TwoProcessBudgetTest}: several threads reserve random amounts against one hard limit
 * through a {@link JdbcBudgetLedger} and settle each at a random amount no higher than held (or release it), until
 * the budget refuses them. Prints one line, {@code RESULT key=value ...}, with the sums of what it settled, and exits
 * 0; on any unexpected exception it prints it and exits 1.
 *
 * <pre>
 * java dev.cascade.budget.LedgerHammer JDBC_URL USER PASSWORD ACCOUNT LIMIT_MICROS THREADS MAX_AMOUNT_MICROS NAME [GO_FILE]
 * </pre>
 * With {@code GO_FILE}, it connects, prints {@code READY} and waits for that file to exist before it starts, so two
 * children start hammering together.
 */
public final class LedgerHammer {
    /** A thread stops after this many refusals in a row: the budget is used up for amounts this size. */
    static final int STOP_AFTER_REFUSALS = 200;
    /** The uncapped account about half the reservations also hold on: two accounts, taken in sorted order. */
    static final String SOFT_SUFFIX = "|soft";

    private LedgerHammer() {
    }

    /**
     * A small connection pool: H2's generic pool over PostgreSQL's or H2's own connection source. The ledger needs
     * a pool for any real load; this one needs nothing beyond the drivers.
     */
    static JdbcConnectionPool pool(String url, String user, String password, int maxConnections) {
        JdbcConnectionPool pool;
        if (url.startsWith("jdbc:postgresql:")) {
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            ds.setUrl(url);
            ds.setUser(user);
            ds.setPassword(password);
            pool = JdbcConnectionPool.create(ds);
        } else {
            pool = JdbcConnectionPool.create(url, user, password);
        }
        pool.setMaxConnections(maxConnections);
        return pool;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8 && args.length != 9) {
            System.err.println("usage: LedgerHammer JDBC_URL USER PASSWORD ACCOUNT LIMIT_MICROS THREADS"
                    + " MAX_AMOUNT_MICROS NAME [GO_FILE]");
            System.exit(2);
        }
        String url = args[0];
        String account = args[3];
        long limit = Long.parseLong(args[4]);
        int threads = Integer.parseInt(args[5]);
        long maxAmount = Long.parseLong(args[6]);
        String name = args[7];

        JdbcConnectionPool pool = pool(url, args[1], args[2], threads);
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(pool);
        if (args.length == 9) {
            ledger.openReservations(); // connected, dialect known
            System.out.println("READY");
            System.out.flush();
            Path go = Path.of(args[8]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    System.out.println("FAILED no " + go + " after 60 s");
                    System.exit(1);
                }
                Thread.sleep(5);
            }
        }
        AtomicLong settledMicros = new AtomicLong();
        AtomicLong softSettledMicros = new AtomicLong();
        AtomicLong reserved = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong settles = new AtomicLong();
        AtomicLong releases = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(threads);
        long start = System.currentTimeMillis();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    int refusedInARow = 0;
                    while (refusedInARow < STOP_AFTER_REFUSALS && failure.get() == null) {
                        long amount = random.nextLong(1, maxAmount + 1);
                        String id = name + "-" + sequence.incrementAndGet();
                        // Half hold the capped account alone (PostgreSQL's single-statement path), half hold an
                        // uncapped one too (the transaction path, accounts in sorted order): both on one hot row.
                        boolean alsoSoft = random.nextBoolean();
                        String refusedBy = ledger.reserve(id, alsoSoft
                                ? List.of(new BudgetLedger.Hold(account + SOFT_SUFFIX, Long.MAX_VALUE, amount),
                                        new BudgetLedger.Hold(account, limit, amount))
                                : List.of(new BudgetLedger.Hold(account, limit, amount)));
                        if (refusedBy != null) {
                            if (!refusedBy.equals(account)) {
                                throw new AssertionError("refused by " + refusedBy + ", which has no cap");
                            }
                            refused.incrementAndGet();
                            refusedInARow++;
                            continue;
                        }
                        refusedInARow = 0;
                        reserved.incrementAndGet();
                        int kind = random.nextInt(10);
                        if (kind == 0) {
                            ledger.release(id);
                            releases.incrementAndGet();
                        } else {
                            // Half settle what they held (a full answer), half less (a short one).
                            long actual = kind <= 4 ? amount : random.nextLong(0, amount + 1);
                            ledger.settle(id, actual);
                            settledMicros.addAndGet(actual);
                            if (alsoSoft) {
                                softSettledMicros.addAndGet(actual);
                            }
                            settles.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, name + "-worker-" + t);
            thread.start();
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            failure.compareAndSet(null, new AssertionError("workers still running after 5 minutes"));
        }
        long end = System.currentTimeMillis();
        pool.dispose();
        if (failure.get() != null) {
            System.out.println("FAILED " + failure.get());
            failure.get().printStackTrace(System.out);
            System.exit(1);
        }
        System.out.println("RESULT name=" + name + " settled_micros=" + settledMicros.get()
                + " soft_settled_micros=" + softSettledMicros.get() + " reserved="
                + reserved.get() + " refused=" + refused.get() + " settles=" + settles.get() + " releases="
                + releases.get() + " start_ms=" + start + " end_ms=" + end);
        System.exit(0);
    }
}
