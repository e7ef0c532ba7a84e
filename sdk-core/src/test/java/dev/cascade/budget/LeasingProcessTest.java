package dev.cascade.budget;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service instances as separate JVMs ({@link LeaseHammer}) sharing one budget through {@link LeasingBudgetLedger} on a
 * real PostgreSQL: two that run to exhaustion, and two of which one is killed with SIGKILL mid-run and restarted with
 * the same instance id. No mocks, no sleeps standing in for synchronisation (bounded polls on the database and the
 * children's output).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeasingProcessTest {
    private static final long MAX_AMOUNT = 20_000;
    private static final int THREADS = 4;
    private static final long TIMEOUT_SECONDS = 180;

    private EmbeddedPostgres postgres;
    private int schemas;

    @BeforeAll
    void start() throws IOException {
        postgres = EmbeddedPostgres.start();
    }

    @AfterAll
    void stop() throws IOException {
        postgres.close();
    }

    private String freshSchema() throws SQLException {
        String schema = "lease_process_" + (++schemas);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?currentSchema=" + schema;
        var pool = LedgerHammer.pool(url, "postgres", "", 1);
        try (LeasingBudgetLedger ledger = LeasingBudgetLedger.builder(pool).build()) {
            ledger.createSchema();
        } finally {
            pool.dispose();
        }
        return url;
    }

    @Test
    void twoProcessesLeasingOneLimitNeverPassItUseItAllAndRecordExactlyWhatTheySettled() throws Exception {
        String url = freshSchema();
        String account = "chain:support-triage|DAY|2026-12-08";
        long limit = 100_000_000; // $100: ~10,000 calls of up to 2 cents
        Path dir = Files.createTempDirectory("lease-two");
        Path go = dir.resolve("go");
        Child a = Child.start(url, account, limit, "instance-a", go, dir, 200, 2_000);
        Child b = Child.start(url, account, limit, "instance-b", go, dir, 200, 2_000);
        a.awaitReady();
        b.awaitReady();
        Files.createFile(go);
        Map<String, Long> ra = a.awaitResult();
        Map<String, Long> rb = b.awaitResult();

        long[] row = accountRow(url, account);
        long settled = ra.get("settled_micros") + rb.get("settled_micros");
        double utilisation = (double) row[0] / limit;
        System.out.printf("leased two-process: limit %d, spent %d, utilisation %.6f, a %s, b %s%n", limit, row[0],
                utilisation, ra, rb);
        assertThat(row[0]).as("spent").isLessThanOrEqualTo(limit).isEqualTo(settled);
        assertThat(row[1]).as("reserved or leased after both closed").isZero();
        assertThat(sliceSum(url, account)).isZero();
        assertThat(utilisation).isGreaterThanOrEqualTo(0.99);
        assertThat(ra.get("settles")).isPositive();
        assertThat(rb.get("settles")).isPositive();
        assertThat(ra.get("refused")).isPositive();
        assertThat(rb.get("refused")).isPositive();
    }

    @Test
    void aKilledInstancesSliceReturnsAfterItsLeaseExpiresAndTheRecordCountsWhatItHadInFlight() throws Exception {
        String url = freshSchema();
        String account = "chain:support-triage|DAY|2026-12-09";
        long limit = 400_000_000; // $400: long enough to kill one instance mid-run
        Path dir = Files.createTempDirectory("lease-kill");
        Path go = dir.resolve("go");
        Child a = Child.start(url, account, limit, "instance-a", go, dir, 1_000, 1_500);
        Child b = Child.start(url, account, limit, "instance-b", go, dir, 1_000, 1_500);
        a.awaitReady();
        b.awaitReady();
        Files.createFile(go);

        poll("a quarter of the budget spent", () -> accountRow(url, account)[0] > limit / 4);
        a.process.destroyForcibly();
        assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Journal killed = Journal.read(a.journal);
        long[] leaseAtKill = lease(url, account, "instance-a");
        assertThat(leaseAtKill).as("the killed instance held a lease").isNotNull();
        assertThat(b.process.isAlive()).as("b still running when a was killed: make the budget larger").isTrue();

        // The survivor's flushes reap the expired lease: the unused slice goes back, the mark is counted as spent.
        poll("a's lease expired and reaped", () -> lease(url, account, "instance-a")[2] == 1);
        long[] reaped = lease(url, account, "instance-a");
        assertThat(reaped[0]).as("slice left with the killed instance").isZero();
        long charged = reaped[1];

        Child a2 = Child.start(url, account, limit, "instance-a", go, dir.resolve("restart"), 1_000, 1_500);
        Map<String, Long> rb = b.awaitResult();
        Map<String, Long> ra2 = a2.awaitResult();

        long[] row = accountRow(url, account);
        long settled = killed.settled + rb.get("settled_micros") + ra2.get("settled_micros");
        long overCount = row[0] - settled - killed.inFlight;
        System.out.printf("leased SIGKILL: limit %d, spent %d (utilisation %.6f), settled %d, in flight at the kill"
                        + " %d (%d calls), charged at expiry %d, over-counted %d; b %s, a restarted %s%n", limit,
                row[0], (double) row[0] / limit, settled, killed.inFlight, killed.inFlightCalls, charged, overCount,
                rb, ra2);
        assertThat(row[0]).as("spent").isLessThanOrEqualTo(limit);
        assertThat(row[1]).as("reserved or leased after all closed").isZero();
        assertThat(sliceSum(url, account)).isZero();
        assertThat(killed.inFlightCalls).as("calls in flight at the kill").isPositive();
        // Exact for everything settled and flushed; what the kill left is counted by the published mark, which
        // covers every call in flight and every settle not yet written, and over-counts by at most its headroom.
        assertThat(overCount).as("record - (settled + in flight at the kill)").isNotNegative()
                .isLessThanOrEqualTo(charged);
    }

    // ---- children and the database

    private record Child(Process process, Path out, Path journal) {
        static Child start(String url, String account, long limit, String name, Path go, Path dir, long callMicros,
                           long expiryMillis) throws IOException {
            Files.createDirectories(dir);
            Path out = dir.resolve(name + ".log");
            Path journal = dir.resolve(name + ".journal");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    LeaseHammer.class.getName(), url, account, Long.toString(limit), Integer.toString(THREADS),
                    Long.toString(MAX_AMOUNT), name, go.toString(), journal.toString(), Long.toString(callMicros),
                    Long.toString(expiryMillis));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            return new Child(p, out, journal);
        }

        void awaitReady() throws Exception {
            poll("child ready", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("child died; output:\n" + Files.readString(out));
                }
                return Files.readString(out).contains("READY");
            });
        }

        Map<String, Long> awaitResult() throws Exception {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child did not finish; output:\n" + Files.readString(out));
            }
            String text = Files.readString(out);
            assertThat(process.exitValue()).as("exit; output:%n%s", text).isZero();
            String line = text.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no RESULT in " + text));
            Map<String, Long> values = new HashMap<>();
            for (String pair : line.substring(7).split(" ")) {
                String[] kv = pair.split("=", 2);
                if (!kv[0].equals("name")) {
                    values.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            return values;
        }
    }

    /** A killed child's journal: what it settled, and what it held for calls that had not settled. */
    private record Journal(long settled, long inFlight, long inFlightCalls) {
        static Journal read(Path file) throws IOException {
            Map<String, Long> held = new HashMap<>();
            long settled = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length != 3) {
                    continue; // the last line, cut by the kill
                }
                if (f[0].equals("R")) {
                    held.put(f[1], Long.parseLong(f[2]));
                } else if (held.remove(f[1]) != null) {
                    settled += Long.parseLong(f[2]);
                }
            }
            return new Journal(settled, held.values().stream().mapToLong(Long::longValue).sum(), held.size());
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void poll(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private long[] accountRow(String url, String account) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
             var ps = c.prepareStatement("SELECT spent_micros, reserved_micros FROM cascade_budget_account"
                     + " WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, 0};
            }
        }
    }

    /** {slice, credit, expired} of an instance's lease on the account, or null. */
    private long[] lease(String url, String account, String instance) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
             var ps = c.prepareStatement("SELECT slice_micros, credit_micros, expired FROM cascade_budget_lease"
                     + " WHERE account = ? AND instance_id = ?")) {
            ps.setString(1, account);
            ps.setString(2, instance);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : null;
            }
        }
    }

    private long sliceSum(String url, String account) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
             var ps = c.prepareStatement("SELECT COALESCE(SUM(slice_micros), 0) FROM cascade_budget_lease"
                     + " WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
