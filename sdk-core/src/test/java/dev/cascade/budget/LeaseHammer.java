package dev.cascade.budget;

import dev.cascade.spi.BudgetLedger;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A child process for {@link LeasingProcessTest}: one service instance with a {@link LeasingBudgetLedger} and several
 * threads that reserve random amounts against one hard limit and settle each (at most what was held, or release),
 * each "call" taking {@code CALL_MICROS} of simulated model time, until the budget refuses them. It journals to
 * {@code JOURNAL}, one unbuffered write per line so a SIGKILL loses nothing written: {@code R id amount} after a
 * reservation was held, {@code S id actual} before it is settled. At the end it closes the ledger and prints
 * {@code RESULT key=value ...}; exit 0, or 1 on any unexpected exception.
 *
 * <pre>
 * java dev.cascade.budget.LeaseHammer JDBC_URL ACCOUNT LIMIT_MICROS THREADS MAX_AMOUNT INSTANCE_ID GO_FILE JOURNAL
 *      CALL_MICROS EXPIRY_MILLIS
 * </pre>
 */
public final class LeaseHammer {
    static final int STOP_AFTER_REFUSALS = 200;

    private LeaseHammer() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String account = args[1];
        long limit = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        long maxAmount = Long.parseLong(args[4]);
        String name = args[5];
        Path go = Path.of(args[6]);
        Path journalFile = Path.of(args[7]);
        long callMicros = Long.parseLong(args[8]);
        long expiryMillis = Long.parseLong(args[9]);

        JdbcConnectionPool pool = LedgerHammer.pool(url, "postgres", "", 4);
        LeasingBudgetLedger ledger = LeasingBudgetLedger.builder(pool).instanceId(name)
                .flushInterval(Duration.ofMillis(100)).leaseExpiry(Duration.ofMillis(expiryMillis))
                .markAhead(Duration.ofMillis(500)).build();
        ledger.balance(account); // connected
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                System.out.println("FAILED no " + go + " after 60 s");
                System.exit(1);
            }
            Thread.sleep(5);
        }
        FileOutputStream journal = new FileOutputStream(journalFile.toFile(), true);
        AtomicLong settledMicros = new AtomicLong();
        AtomicLong settles = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    int refusedInARow = 0;
                    while (refusedInARow < STOP_AFTER_REFUSALS && failure.get() == null) {
                        long amount = random.nextLong(1, maxAmount + 1);
                        String id = name + "-" + sequence.incrementAndGet();
                        String refusedBy = ledger.reserve(id, List.of(new BudgetLedger.Hold(account, limit, amount)));
                        if (refusedBy != null) {
                            refused.incrementAndGet();
                            refusedInARow++;
                            continue;
                        }
                        refusedInARow = 0;
                        write(journal, "R " + id + " " + amount + "\n");
                        LockSupport.parkNanos(callMicros * 1_000); // the model call
                        long actual = random.nextInt(10) == 0 ? 0 : random.nextInt(2) == 0 ? amount
                                : random.nextLong(0, amount + 1);
                        write(journal, "S " + id + " " + actual + "\n");
                        ledger.settle(id, actual);
                        settledMicros.addAndGet(actual);
                        settles.incrementAndGet();
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
        ledger.close();
        pool.dispose();
        if (failure.get() != null) {
            System.out.println("FAILED " + failure.get());
            failure.get().printStackTrace(System.out);
            System.exit(1);
        }
        System.out.println("RESULT name=" + name + " settled_micros=" + settledMicros.get() + " settles="
                + settles.get() + " refused=" + refused.get() + " leases=" + ledger.leasesTaken());
        System.exit(0);
    }

    private static void write(FileOutputStream out, String line) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes);
        }
    }
}
