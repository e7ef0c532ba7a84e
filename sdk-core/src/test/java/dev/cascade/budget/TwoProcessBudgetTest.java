package dev.cascade.budget;

import dev.cascade.spi.BudgetLedger.Balance;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two service instances sharing one budget: two separate JVMs ({@link LedgerHammer}), each with several threads,
 * reserve and settle against one hard limit in one real PostgreSQL until the budget refuses them. Together they must
 * never pass the limit, and what they settled must be exactly what the database counted.
 */
class TwoProcessBudgetTest {

    private static final String ACCOUNT = "chain:support-triage|DAY|2026-11-28";
    /** $40 against amounts up to 2 cents: a few thousand reserve/settle pairs before it is used up. */
    private static final long LIMIT_MICROS = 40_000_000;
    private static final long MAX_AMOUNT_MICROS = 20_000;
    private static final int THREADS_PER_PROCESS = 4;
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @Test
    void twoProcessesHammeringOneHardLimitNeverPassItAndLoseNothing() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
            JdbcConnectionPool pool = LedgerHammer.pool(url, "postgres", "", 2);
            try {
                JdbcBudgetLedger ledger = new JdbcBudgetLedger(pool);
                ledger.createSchema();

                Path logs = Files.createTempDirectory("ledger-hammer");
                Path go = logs.resolve("go");
                List<Process> children = new ArrayList<>();
                List<Path> outputs = new ArrayList<>();
                for (String name : List.of("instance-a", "instance-b")) {
                    Path out = logs.resolve(name + ".log");
                    outputs.add(out);
                    children.add(child(url, name, out, go));
                }
                // Both connected before either starts: they hammer the limit together, not one after the other.
                for (int i = 0; i < children.size(); i++) {
                    awaitReady(children.get(i), outputs.get(i));
                }
                Files.createFile(go);
                for (int i = 0; i < children.size(); i++) {
                    Process child = children.get(i);
                    if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        children.forEach(Process::destroyForcibly);
                        throw new AssertionError("child " + i + " did not finish in " + CHILD_TIMEOUT_SECONDS
                                + " s; output:\n" + Files.readString(outputs.get(i)));
                    }
                    assertThat(child.exitValue()).as("exit of child %d; output:%n%s", i,
                            Files.readString(outputs.get(i))).isZero();
                }

                List<Map<String, Long>> results = new ArrayList<>();
                for (Path out : outputs) {
                    results.add(result(out));
                }
                Balance balance = ledger.balance(ACCOUNT);
                long settledByChildren = results.stream().mapToLong(r -> r.get("settled_micros")).sum();
                double utilisation = (double) balance.spentMicros() / LIMIT_MICROS;
                String classPath = System.getProperty("java.class.path");
                System.out.printf("two-process budget: limit %d, spent %d, utilisation %.6f, children %s,"
                                + " child class path %s%n", LIMIT_MICROS, balance.spentMicros(), utilisation, results,
                        classPath.length() > 120 ? classPath.substring(0, 120) + "..." : classPath);

                assertThat(balance.spentMicros()).isLessThanOrEqualTo(LIMIT_MICROS);
                assertThat(balance.reservedMicros()).isZero();
                assertThat(ledger.openReservations()).isZero();
                assertThat(balance.spentMicros()).as("settled by the children vs spent in the ledger")
                        .isEqualTo(settledByChildren);
                // The uncapped account, held by about half the reservations, counted exactly their settlements.
                long softSettled = results.stream().mapToLong(r -> r.get("soft_settled_micros")).sum();
                assertThat(ledger.balance(ACCOUNT + LedgerHammer.SOFT_SUFFIX)).isEqualTo(new Balance(softSettled, 0));
                assertThat(softSettled).isPositive().isLessThan(settledByChildren);
                for (Map<String, Long> r : results) {
                    assertThat(r.get("settles")).as("progress of %s", r).isPositive();
                    assertThat(r.get("refused")).as("refusals of %s", r).isPositive();
                }
                assertThat(utilisation).isGreaterThanOrEqualTo(0.9);
            } finally {
                pool.dispose();
            }
        }
    }

    /** A child JVM on this test's classpath (surefire's booter jar carries it in its manifest). */
    private static Process child(String url, String name, Path out, Path go) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                LedgerHammer.class.getName(), url, "postgres", "", ACCOUNT, Long.toString(LIMIT_MICROS),
                Integer.toString(THREADS_PER_PROCESS), Long.toString(MAX_AMOUNT_MICROS), name, go.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static void awaitReady(Process child, Path out) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
        while (!Files.readString(out).contains("READY")) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                child.destroyForcibly();
                throw new AssertionError("child did not get ready; output:\n" + Files.readString(out));
            }
            Thread.sleep(20);
        }
    }

    /** The child's {@code RESULT key=value ...} line. */
    private static Map<String, Long> result(Path out) throws IOException {
        String line = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line in " + out));
        Map<String, Long> values = new HashMap<>();
        for (String pair : line.substring("RESULT ".length()).split(" ")) {
            String[] kv = pair.split("=", 2);
            if (!kv[0].equals("name")) {
                values.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return values;
    }
}
