package dev.cascade.examples.bench;

import dev.cascade.examples.json.JsonWriter;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Version;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link OverheadBenchmark} through the JMH Runner API with the GC profiler, prints a table and writes
 * {@code overhead.json} (path in {@code args[0]}, default {@code target/benchmarks/overhead.json}).
 *
 * <p>Settings, each a system property or (for runs through Maven's {@code -Pbench}, whose forked {@code java} does
 * not see Maven's {@code -D}s) an environment variable:
 * <pre>
 *   bench.forks       BENCH_FORKS        JMH forks                              default 2
 *   bench.warmup      BENCH_WARMUP       warmup iterations                      default 5
 *   bench.iterations  BENCH_ITERATIONS   measurement iterations                 default 5
 *   bench.time        BENCH_TIME         time per iteration (1, 1s, 500ms)      default 1s
 *   bench.warmupTime  BENCH_WARMUP_TIME  time per warmup iteration              default bench.time
 *   bench.include     BENCH_INCLUDE      benchmark regex                        default OverheadBenchmark
 *   bench.jvmArgs     BENCH_JVM_ARGS     extra JVM args of the forks            default -Xms1g -Xmx1g
 *   bench.prof        BENCH_PROF         extra profilers, ';'-separated, e.g. stack:lines=5;jfr   default none
 *   bench.failOnMiss  BENCH_FAIL_ON_MISS exit 1 when a target is missed         default false
 * </pre>
 * Quick run: {@code BENCH_FORKS=1 BENCH_WARMUP=2 BENCH_ITERATIONS=2 BENCH_TIME=500ms mvn ... -Pbench package}.
 */
public final class OverheadMain {

    static final String DIRECT = "direct";
    static final String DECORATORS = "resilience4jDecorators";
    static final String ONE_STEP = "cascadeOneStep";
    static final String TWO_STEP = "cascadeTwoStepFirstOpen";
    static final String TELEMETRY_ON = "cascadeOneStepTelemetryOn";
    static final String NO_SDK = "cascadeOneStepNoSdk";
    static final String THREE = "cascadeThreeAttempts";
    static final String THREE_ON = "cascadeThreeAttemptsTelemetryOn";
    static final List<String> ORDER = List.of(DIRECT, DECORATORS, ONE_STEP, TWO_STEP, TELEMETRY_ON, NO_SDK, THREE,
            THREE_ON);

    /** Telemetry (SDK, dropping exporters) may add at most this many ns to a one-attempt execution. */
    static final double MAX_TELEMETRY_NS_PER_EXECUTION = 1500;
    /** ... and at most this many ns per further attempt of an execution. */
    static final double MAX_TELEMETRY_NS_PER_ATTEMPT = 1000;
    /** With no SDK installed, the chain's time / telemetry-off time must be at most this. */
    static final double MAX_NO_SDK_VS_OFF = 1.05;

    /** One-step chain time / decorators' time must be at most this. */
    static final double MAX_ONE_STEP_VS_DECORATORS = 1.3;
    /** Bytes allocated per one-step execution (telemetry off) must be at most this. */
    static final double MAX_ONE_STEP_BYTES = 400;
    /** Two-step (first breaker open) time / one-step time must be at most this. */
    static final double MAX_TWO_STEP_VS_ONE_STEP = 1.2;

    static final String ALLOC_NORM = "gc.alloc.rate.norm";

    private OverheadMain() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks/overhead.json").toAbsolutePath();
        Settings s = Settings.read();
        Files.createDirectories(out.getParent());

        ChainedOptionsBuilder ob = new OptionsBuilder()
                .include(s.include)
                .addProfiler(GCProfiler.class)
                .addProfiler(CpuTimeProfiler.class)
                .forks(s.forks)
                .warmupIterations(s.warmup)
                .warmupTime(s.warmupTime)
                .measurementIterations(s.iterations)
                .measurementTime(s.time)
                .threads(1)
                .timeUnit(TimeUnit.NANOSECONDS)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL)
                .resultFormat(ResultFormatType.JSON)
                .result(sibling(out, "-jmh.json").toString());
        if (!s.jvmArgs.isEmpty()) {
            ob.jvmArgsAppend(s.jvmArgs.toArray(new String[0]));
        }
        for (String prof : s.profilers) {
            int colon = prof.indexOf(':');
            if (colon < 0) {
                ob.addProfiler(prof);
            } else {
                ob.addProfiler(prof.substring(0, colon), prof.substring(colon + 1));
            }
        }
        Options options = ob.build();

        System.out.println("Cascade overhead benchmark: " + s);
        Collection<RunResult> results = new Runner(options).run();
        Report report = Report.of(results, s);

        System.out.println();
        System.out.print(report.table());
        Files.writeString(out, report.json(), StandardCharsets.UTF_8);
        System.out.println("Wrote " + out + " (raw JMH results: " + sibling(out, "-jmh.json") + ")");
        if (s.failOnMiss && !report.allPassed()) {
            System.err.println("A target was missed (see above).");
            System.exit(1);
        }
    }

    private static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return file.resolveSibling(base + suffix);
    }

    // ------------------------------------------------------------------------------------------------- settings

    static final class Settings {
        int forks;
        int warmup;
        int iterations;
        TimeValue time;
        TimeValue warmupTime;
        String include;
        List<String> jvmArgs;
        List<String> profilers;
        boolean failOnMiss;

        static Settings read() {
            Settings s = new Settings();
            s.forks = intSetting("bench.forks", 2, 0);
            s.warmup = intSetting("bench.warmup", 5, 0);
            s.iterations = intSetting("bench.iterations", 5, 1);
            s.time = time(setting("bench.time", "1s"));
            String warmupTime = setting("bench.warmupTime", "");
            s.warmupTime = warmupTime.isEmpty() ? s.time : time(warmupTime);
            s.include = setting("bench.include", OverheadBenchmark.class.getSimpleName());
            s.jvmArgs = split(setting("bench.jvmArgs", "-Xms1g -Xmx1g"), "\\s+");
            s.profilers = split(setting("bench.prof", ""), ";");
            s.failOnMiss = Boolean.parseBoolean(setting("bench.failOnMiss", "false"));
            return s;
        }

        /** A system property, else the environment variable BENCH_X_Y for bench.xY, else the default. */
        static String setting(String property, String fallback) {
            String v = System.getProperty(property);
            if (v == null || v.isBlank()) {
                v = System.getenv(envName(property));
            }
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        static String envName(String property) {
            StringBuilder b = new StringBuilder();
            for (char c : property.toCharArray()) {
                if (c == '.') {
                    b.append('_');
                } else if (Character.isUpperCase(c)) {
                    b.append('_').append(c);
                } else {
                    b.append(Character.toUpperCase(c));
                }
            }
            return b.toString();
        }

        static int intSetting(String property, int fallback, int min) {
            String v = setting(property, String.valueOf(fallback));
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(property + " must be an integer, was '" + v + "'");
            }
            if (n < min) {
                throw new IllegalArgumentException(property + " must be >= " + min + ", was " + n);
            }
            return n;
        }

        /** "2" (seconds), "2s", "500ms", "1min", ... as JMH's TimeValue. */
        static TimeValue time(String v) {
            String t = v.trim().toLowerCase(Locale.ROOT);
            try {
                return t.chars().allMatch(Character::isDigit) ? TimeValue.seconds(Long.parseLong(t))
                        : TimeValue.fromString(t);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad time '" + v + "'; use e.g. 1, 1s or 500ms", e);
            }
        }

        static List<String> split(String v, String regex) {
            List<String> parts = new ArrayList<>();
            for (String p : v.trim().split(regex)) {
                if (!p.isBlank()) {
                    parts.add(p.trim());
                }
            }
            return parts;
        }

        @Override
        public String toString() {
            return "forks=" + forks + ", warmup=" + warmup + "x" + warmupTime + ", measurement=" + iterations + "x"
                    + time + ", include=" + include + ", jvmArgs=" + jvmArgs
                    + (profilers.isEmpty() ? "" : ", extra profilers=" + profilers);
        }
    }

    // --------------------------------------------------------------------------------------------------- report

    /**
     * One benchmark's numbers. NaN when JMH had too few samples for an error, or a profiler gave no result.
     * {@code cpu}: CPU ns/op of the benchmark thread ({@link CpuTimeProfiler}), steadier than wall time when the
     * machine is shared.
     */
    record Row(String name, double ns, double nsError, double bytes, double bytesError, long samples, double cpu,
               double cpuError, double processCpu) {
    }

    /** A target: {@code value <= limit}. */
    record Target(String id, String description, String metric, double value, double limit, String unit) {
        boolean passed() {
            return !Double.isNaN(value) && value <= limit;
        }
    }

    record Report(Map<String, Row> rows, List<Target> targets, Settings settings, String jdk, String vm,
                  String vmVersion, List<String> forkJvmArgs, Instant date) {

        static Report of(Collection<RunResult> results, Settings settings) {
            Map<String, Row> rows = new LinkedHashMap<>();
            String jdk = System.getProperty("java.version");
            String vm = System.getProperty("java.vm.name");
            String vmVersion = System.getProperty("java.vm.version");
            List<String> forkArgs = List.of();
            for (RunResult r : results) {
                String full = r.getParams().getBenchmark();
                String name = full.substring(full.lastIndexOf('.') + 1);
                Result<?> primary = r.getPrimaryResult();
                Result<?> alloc = r.getSecondaryResults().get(ALLOC_NORM);
                Result<?> cpu = r.getSecondaryResults().get(CpuTimeProfiler.THREAD);
                Result<?> process = r.getSecondaryResults().get(CpuTimeProfiler.PROCESS);
                rows.put(name, new Row(name, primary.getScore(), primary.getScoreError(),
                        alloc == null ? Double.NaN : alloc.getScore(),
                        alloc == null ? Double.NaN : alloc.getScoreError(),
                        primary.getSampleCount(),
                        cpu == null ? Double.NaN : cpu.getScore(),
                        cpu == null ? Double.NaN : cpu.getScoreError(),
                        process == null ? Double.NaN : process.getScore()));
                jdk = r.getParams().getJdkVersion();
                vm = r.getParams().getVmName();
                vmVersion = r.getParams().getVmVersion();
                forkArgs = List.copyOf(r.getParams().getJvmArgs());
            }
            return of(rows, settings, jdk, vm, vmVersion, forkArgs);
        }

        static Report of(Map<String, Row> rows, Settings settings, String jdk, String vm, String vmVersion,
                         List<String> forkArgs) {
            List<Target> targets = new ArrayList<>();
            targets.add(new Target("one_step_time_vs_decorators",
                    "cascadeOneStep time <= " + MAX_ONE_STEP_VS_DECORATORS + "x resilience4jDecorators time",
                    ONE_STEP + " / " + DECORATORS + " (ns/op)",
                    ratio(rows, ONE_STEP, DECORATORS), MAX_ONE_STEP_VS_DECORATORS, "x"));
            targets.add(new Target("one_step_bytes",
                    "cascadeOneStep allocates <= " + (long) MAX_ONE_STEP_BYTES + " bytes per execution (telemetry off)",
                    ONE_STEP + " " + ALLOC_NORM + " (B/op)",
                    rows.containsKey(ONE_STEP) ? rows.get(ONE_STEP).bytes() : Double.NaN, MAX_ONE_STEP_BYTES, "B/op"));
            targets.add(new Target("two_step_open_vs_one_step",
                    "cascadeTwoStepFirstOpen time <= " + MAX_TWO_STEP_VS_ONE_STEP + "x cascadeOneStep time",
                    TWO_STEP + " / " + ONE_STEP + " (ns/op)",
                    ratio(rows, TWO_STEP, ONE_STEP), MAX_TWO_STEP_VS_ONE_STEP, "x"));
            targets.add(new Target("telemetry_ns_per_execution",
                    "telemetry on (SDK, batch processor, dropping exporters) adds <= "
                            + (long) MAX_TELEMETRY_NS_PER_EXECUTION + " ns to a one-attempt execution",
                    TELEMETRY_ON + " - " + ONE_STEP + " (ns/op; one attempt per execution)",
                    difference(rows, TELEMETRY_ON, ONE_STEP), MAX_TELEMETRY_NS_PER_EXECUTION, "ns"));
            targets.add(new Target("no_sdk_vs_off",
                    "with no SDK installed the chain is within 5% of telemetry off",
                    NO_SDK + " / " + ONE_STEP + " (ns/op)",
                    ratio(rows, NO_SDK, ONE_STEP), MAX_NO_SDK_VS_OFF, "x"));
            targets.add(new Target("telemetry_ns_per_extra_attempt",
                    "telemetry on adds <= " + (long) MAX_TELEMETRY_NS_PER_ATTEMPT + " ns per further attempt",
                    "((" + THREE_ON + " - " + THREE + ") - (" + TELEMETRY_ON + " - " + ONE_STEP + ")) / 2 (ns/op)",
                    perExtraAttempt(rows), MAX_TELEMETRY_NS_PER_ATTEMPT, "ns"));
            return new Report(rows, targets, settings, jdk, vm, vmVersion, forkArgs,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }

        /** What telemetry adds per model attempt beyond the first (the root span and execution metrics excluded). */
        static double perExtraAttempt(Map<String, Row> rows) {
            return (difference(rows, THREE_ON, THREE) - difference(rows, TELEMETRY_ON, ONE_STEP)) / 2;
        }

        static double difference(Map<String, Row> rows, String a, String b) {
            Row ra = rows.get(a);
            Row rb = rows.get(b);
            return ra == null || rb == null ? Double.NaN : ra.ns() - rb.ns();
        }

        /** Bytes {@code a} allocates per op beyond {@code b}. */
        static double bytesDifference(Map<String, Row> rows, String a, String b) {
            Row ra = rows.get(a);
            Row rb = rows.get(b);
            return ra == null || rb == null ? Double.NaN : ra.bytes() - rb.bytes();
        }

        static double ratio(Map<String, Row> rows, String a, String b) {
            Row ra = rows.get(a);
            Row rb = rows.get(b);
            return ra == null || rb == null ? Double.NaN : ra.ns() / rb.ns();
        }

        static double cpuRatio(Map<String, Row> rows, String a, String b) {
            Row ra = rows.get(a);
            Row rb = rows.get(b);
            return ra == null || rb == null ? Double.NaN : ra.cpu() / rb.cpu();
        }

        /** The ratio's range when both scores move to the ends of their 99.9% intervals (NaN if unknown). */
        static double[] ratioRange(Map<String, Row> rows, String a, String b) {
            Row ra = rows.get(a);
            Row rb = rows.get(b);
            if (ra == null || rb == null || Double.isNaN(ra.nsError()) || Double.isNaN(rb.nsError())) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double low = Math.max(0, ra.ns() - ra.nsError()) / (rb.ns() + rb.nsError());
            double denominator = rb.ns() - rb.nsError();
            // An interval reaching zero leaves the ratio unbounded above: unknown (null in JSON).
            double high = denominator <= 0 ? Double.NaN : (ra.ns() + ra.nsError()) / denominator;
            return new double[] {low, high};
        }

        boolean allPassed() {
            return targets.stream().allMatch(Target::passed);
        }

        String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-26s %10s %10s %8s %8s %12s %10s %12s%n", "benchmark", "ns/op",
                    "± (99.9%)", "B/op", "±", "cpu ns/op", "±", "vs direct ns"));
            Row direct = rows.get(DIRECT);
            for (String name : names()) {
                Row r = rows.get(name);
                b.append(String.format(Locale.ROOT, "%-26s %10.1f %10s %8.1f %8s %12s %10s %12s%n", name, r.ns(),
                        fmt(r.nsError(), 1), r.bytes(), fmt(r.bytesError(), 1), fmt(r.cpu(), 1),
                        fmt(r.cpuError(), 1),
                        direct == null || name.equals(DIRECT) ? "" : String.format(Locale.ROOT, "+%.1f",
                                r.ns() - direct.ns())));
            }
            b.append(String.format(Locale.ROOT, "same ratios on CPU time of the benchmark thread: %s / %s = %s, %s / %s"
                    + " = %s%n", ONE_STEP, DECORATORS, fmt(cpuRatio(rows, ONE_STEP, DECORATORS), 3), TWO_STEP, ONE_STEP,
                    fmt(cpuRatio(rows, TWO_STEP, ONE_STEP), 3)));
            b.append(System.lineSeparator());
            for (Target t : targets) {
                b.append(String.format(Locale.ROOT, "%-4s %-75s %10s (limit %s)%n", t.passed() ? "PASS" : "FAIL",
                        t.description(), fmt(t.value(), t.unit().equals("x") ? 3 : 1) + " " + t.unit(),
                        fmt(t.limit(), t.unit().equals("x") ? 2 : 0)));
            }
            b.append(String.format(Locale.ROOT, "JMH %s, %s, forks=%d, warmup=%dx%s, measurement=%dx%s, JDK %s (%s %s)%n",
                    Version.getPlainVersion(), "AverageTime ns/op, 1 thread", settings.forks, settings.warmup,
                    settings.warmupTime, settings.iterations, settings.time, jdk, vm, vmVersion));
            return b.toString();
        }

        private List<String> names() {
            List<String> names = new ArrayList<>();
            for (String n : ORDER) {
                if (rows.containsKey(n)) {
                    names.add(n);
                }
            }
            for (String n : rows.keySet()) {
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
            return names;
        }

        String json() {
            Json j = new Json();
            j.open();
            j.field("benchmark", OverheadBenchmark.class.getName());
            j.field("date", date.toString());
            j.key("jvm").open()
                    .field("version", jdk)
                    .field("vm", vm)
                    .field("vm_version", vmVersion)
                    .field("java_home", System.getProperty("java.home"))
                    .field("fork_jvm_args", forkJvmArgs)
                    .close();
            Map<String, String> git = gitInfo();
            j.key("source").open()
                    .field("git_head", git.get("head"))
                    .field("sdk_core_uncommitted_changes", git.get("dirty"))
                    .close();
            j.key("machine").open()
                    .field("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"))
                    .field("available_processors", Runtime.getRuntime().availableProcessors())
                    .close();
            j.key("jmh").open()
                    .field("version", Version.getPlainVersion())
                    .field("mode", "AverageTime")
                    .field("unit", "ns/op")
                    .field("threads", 1)
                    .field("forks", settings.forks)
                    .field("warmup_iterations", settings.warmup)
                    .field("warmup_time", settings.warmupTime.toString())
                    .field("measurement_iterations", settings.iterations)
                    .field("measurement_time", settings.time.toString())
                    .field("profilers", profilerNames())
                    .field("error", "99.9% confidence interval half-width, as JMH reports it; null with too few samples")
                    .field("targets_judged_on", "ns_per_op (wall time) and bytes_per_op; cpu_ns_per_op is for reference")
                    .close();
            j.key("benchmarks").open();
            Row direct = rows.get(DIRECT);
            for (String name : names()) {
                Row r = rows.get(name);
                j.key(name).open()
                        .field("ns_per_op", r.ns())
                        .field("ns_per_op_error", r.nsError())
                        .field("bytes_per_op", r.bytes())
                        .field("bytes_per_op_error", r.bytesError())
                        .field("samples", r.samples())
                        .field("cpu_ns_per_op", r.cpu())
                        .field("cpu_ns_per_op_error", r.cpuError())
                        .field("process_cpu_ns_per_op", r.processCpu());
                if (direct != null && !name.equals(DIRECT)) {
                    j.field("ns_over_direct", r.ns() - direct.ns());
                }
                j.close();
            }
            j.close();
            j.key("ratios").open();
            ratioJson(j, ONE_STEP + "_vs_" + DECORATORS, ONE_STEP, DECORATORS, targets.get(0));
            ratioJson(j, TWO_STEP + "_vs_" + ONE_STEP, TWO_STEP, ONE_STEP, targets.get(2));
            ratioJson(j, NO_SDK + "_vs_" + ONE_STEP, NO_SDK, ONE_STEP, targets.get(4));
            j.close();
            j.key("telemetry").open()
                    .field("setup", "OpenTelemetrySdk: BatchSpanProcessor + PeriodicMetricReader(10 s), dropping exporters")
                    .field("attempts_per_execution", 1)
                    .field("added_ns_per_execution", difference(rows, TELEMETRY_ON, ONE_STEP))
                    .field("added_bytes_per_execution", bytesDifference(rows, TELEMETRY_ON, ONE_STEP))
                    .field("no_sdk_added_ns_per_execution", difference(rows, NO_SDK, ONE_STEP))
                    .field("added_ns_per_extra_attempt", perExtraAttempt(rows))
                    .field("added_ns_per_extra_attempt_method", "((" + THREE_ON + " - " + THREE + ") - ("
                            + TELEMETRY_ON + " - " + ONE_STEP + ")) / 2: two more attempts per execution");
            j.close();
            j.key("targets").open();
            for (Target t : targets) {
                j.key(t.id()).open()
                        .field("description", t.description())
                        .field("metric", t.metric())
                        .field("value", t.value())
                        .field("limit", t.limit())
                        .field("unit", t.unit())
                        .field("passed", t.passed())
                        .close();
            }
            j.close();
            j.field("all_passed", allPassed());
            j.close();
            return j.toString();
        }

        private void ratioJson(Json j, String key, String a, String b, Target t) {
            double[] range = ratioRange(rows, a, b);
            j.key(key).open()
                    .field("value", ratio(rows, a, b))
                    .field("range_low", range[0])
                    .field("range_high", range[1])
                    .field("cpu_time_value", cpuRatio(rows, a, b))
                    .field("target_max", t.limit())
                    .field("passed", t.passed())
                    .close();
        }

        private List<String> profilerNames() {
            List<String> p = new ArrayList<>();
            p.add("gc");
            p.add(CpuTimeProfiler.class.getName());
            p.addAll(settings.profilers);
            return p;
        }

        private static String fmt(double v, int decimals) {
            return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }

    /** Best effort: the commit measured and whether sdk-core had uncommitted changes (null when git is unavailable). */
    static Map<String, String> gitInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        String top = git("rev-parse", "--show-toplevel");
        info.put("head", top == null ? null : git("-C", top, "rev-parse", "HEAD"));
        String status = top == null ? null : git("-C", top, "status", "--porcelain", "--", "sdk-core/src/main");
        info.put("dirty", status == null ? null : status.isEmpty() ? "no" : "yes: " + status.lines().count()
                + " changed files under sdk-core/src/main");
        return info;
    }

    private static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add("git");
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ----------------------------------------------------------------------------------------------------- json

    /** Just enough of a JSON writer: objects, strings, numbers (NaN and infinities as null), booleans, string lists. */
    static final class Json {
        private final StringBuilder b = new StringBuilder();
        private final List<Boolean> first = new ArrayList<>();
        private boolean afterKey;

        Json open() {
            value("{");
            first.add(Boolean.TRUE);
            return this;
        }

        Json close() {
            first.remove(first.size() - 1);
            b.append('\n').append("  ".repeat(first.size())).append('}');
            return this;
        }

        Json key(String k) {
            int top = first.size() - 1;
            if (!first.get(top)) {
                b.append(',');
            }
            first.set(top, Boolean.FALSE);
            b.append('\n').append("  ".repeat(first.size())).append(quote(k)).append(": ");
            afterKey = true;
            return this;
        }

        Json field(String k, String v) {
            return key(k).value(v == null ? "null" : quote(v));
        }

        Json field(String k, double v) {
            return key(k).value(Double.isFinite(v) ? number(v) : "null");
        }

        Json field(String k, long v) {
            return key(k).value(Long.toString(v));
        }

        Json field(String k, boolean v) {
            return key(k).value(Boolean.toString(v));
        }

        Json field(String k, List<String> v) {
            StringBuilder a = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                a.append(i == 0 ? "" : ", ").append(quote(v.get(i)));
            }
            return key(k).value(a.append(']').toString());
        }

        private Json value(String raw) {
            if (!afterKey && !first.isEmpty()) {
                throw new IllegalStateException("value without key");
            }
            afterKey = false;
            b.append(raw);
            return this;
        }

        private static String number(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                return Long.toString((long) v);
            }
            return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
        }

        static String quote(String s) {
            return JsonWriter.quote(s);
        }

        @Override
        public String toString() {
            return b.append('\n').toString();
        }
    }
}
