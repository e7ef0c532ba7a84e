package dev.cascade.examples.bench;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many threads in-flight model calls cost. Starts {@code calls} (default 1,000) executions through
 * {@code executeAsync} at once, each one model call that takes {@code callMillis} (default 2,000 ms), and samples the
 * JVM's live platform threads ({@link ThreadMXBean#getThreadCount()}, which does not count virtual threads) every
 * 10 ms. Two variants:
 * <ul>
 *   <li>{@code interruptible}: the call sleeps and honours interrupts; the step timeout (10 s) is never reached;</li>
 *   <li>{@code ignores-interrupts}: the call sleeps ignoring interrupts and the step timeout is 200 ms, so every call
 *   is abandoned while it still runs: the caller is freed, the call keeps its thread until it really ends.</li>
 * </ul>
 * For each: peak live platform threads, platform threads started, the distinct threads that ran the executions and the
 * calls (virtual ones counted apart), the outcomes, and how long the run took. Writes JSON to the path given as the
 * first argument (default {@code target/benchmarks/threads.json}). Uses only API that every Cascade version has, so
 * the same file measures an older build (before/after).
 *
 * <p>Run on the JDK to measure (the library targets Java 17 and uses virtual threads on 21+), e.g.:
 * <pre>
 * mvn -B -q -pl sdk-examples -am -DskipTests package -Pbench-threads                     # the JDK Maven runs on
 * mvn -B -q -pl sdk-examples -am -DskipTests package -Pbench-threads \
 *     -Dbench.java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java                          # another JDK
 * </pre>
 * Arguments: {@code [out.json] [label] [calls] [callMillis]}. Not a timed test: it reports figures, it asserts nothing.
 */
public final class ThreadBenchmark {
    private static final long SAMPLE_MILLIS = 10;

    private ThreadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks/threads.json");
        String label = args.length > 1 ? args[1] : "run";
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        long callMillis = args.length > 3 ? Long.parseLong(args[3]) : 2000;
        if (args.length > 4) {
            // Child JVM: one variant, its JSON object on stdout.
            System.out.print(run(args[4], calls, callMillis));
            return;
        }
        // Each variant in a fresh JVM of the same java: threads a pool keeps from one run must not count in the next.
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> results = new ArrayList<>();
        for (String variant : VARIANTS) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ThreadBenchmark.class.getName(), out.toString(), label, String.valueOf(calls),
                    String.valueOf(callMillis), variant)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("variant " + variant + " failed, exit " + p.exitValue());
            }
            results.add(json);
        }

        String json = "{\n  \"benchmark\": \"threads\",\n  \"label\": " + quote(label)
                + ",\n  \"java\": " + quote(System.getProperty("java.version"))
                + ",\n  \"vendor\": " + quote(System.getProperty("java.vendor"))
                + ",\n  \"processors\": " + Runtime.getRuntime().availableProcessors()
                + ",\n  \"calls\": " + calls + ",\n  \"callMillis\": " + callMillis
                + ",\n  \"results\": [\n" + String.join(",\n", results) + "\n  ]\n}\n";
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.print(json);
    }

    private static final List<String> VARIANTS = List.of("interruptible", "ignores-interrupts",
            "ignores-interrupts-bulkhead-50");

    /** A model that takes {@code millis} of real time; {@code deaf} ignores interrupts while it waits. */
    private static final class SlowModel implements ModelClient {
        final long millis;
        final boolean deaf;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peakInFlight = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final Set<Thread> threads = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

        SlowModel(long millis, boolean deaf) {
            this.millis = millis;
            this.deaf = deaf;
        }

        @Override
        public ModelResponse call(ModelRequest request) throws Exception {
            started.incrementAndGet();
            threads.add(Thread.currentThread());
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                boolean interrupted = false;
                for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(left);
                    } catch (InterruptedException e) {
                        if (!deaf) {
                            throw e;
                        }
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return new ModelResponse("ok", Usage.of(10, 2), "stop", "slow-model");
            } finally {
                inFlight.decrementAndGet();
                ended.incrementAndGet();
            }
        }

        @Override
        public String provider() {
            return "bench";
        }

        @Override
        public String model() {
            return "slow-model";
        }
    }

    private static String run(String variant, int calls, long callMillis) throws Exception {
        boolean deaf = !variant.equals("interruptible");
        Duration timeout = deaf ? Duration.ofMillis(200) : Duration.ofSeconds(10);
        boolean bulkhead = variant.endsWith("-bulkhead-50");
        if (bulkhead && !hasBulkhead()) {
            return "    {\n      \"variant\": " + quote(variant) + ",\n      \"unsupported\": \"this build has no"
                    + " ModelStepSpec.Builder.bulkhead\"\n    }";
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SlowModel model = new SlowModel(callMillis, deaf);
        Set<Thread> executionThreads = Collections.synchronizedSet(
                Collections.newSetFromMap(new IdentityHashMap<>()));
        Cascade<String, String> chain = Cascade.<String, String>builder("threads-" + variant)
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .step("where", in -> {
                    executionThreads.add(Thread.currentThread());
                    return java.util.Optional.empty();
                })
                .model("slow", model, s -> {
                    s.timeout(timeout);
                    if (bulkhead) {
                        bulkhead(s, 50);
                    }
                })
                .rules("fallback", dev.cascade.rules.RuleSet.<String, String>firstMatch()
                        .rule("always", in -> true, in -> "rules answer").build())
                .build();

        int threadsBefore = mx.getThreadCount();
        long startedBefore = mx.getTotalStartedThreadCount();
        mx.resetPeakThreadCount();
        int[] peak = {threadsBefore};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], mx.getThreadCount());
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-sampler");
        sampler.setDaemon(true);
        sampler.start();

        long t0 = System.nanoTime();
        List<CompletableFuture<Outcome<String>>> futures = new ArrayList<>(calls);
        int refused = 0;
        for (int i = 0; i < calls; i++) {
            futures.add(chain.executeAsync("request " + i));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        for (CompletableFuture<Outcome<String>> f : futures) {
            String key;
            try {
                Outcome<String> o = f.get(5, TimeUnit.MINUTES);
                Attempt modelAttempt = o.attempts().stream().filter(a -> a.step().equals("slow")).findFirst()
                        .orElse(null);
                key = o.status() + " by " + o.answeredBy().orElse("-")
                        + (modelAttempt == null || modelAttempt.failure() == null ? ""
                        : " (slow: " + modelAttempt.failure() + ")");
            } catch (java.util.concurrent.ExecutionException e) {
                refused++;
                key = "executeAsync failed: " + e.getCause().getClass().getSimpleName();
            }
            outcomes.merge(key, 1, Integer::sum);
        }
        long allOutcomesMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        int platformWhenOutcomesDone = mx.getThreadCount();
        int callsStillRunning = model.inFlight.get();
        // Abandoned calls end on their own: wait for them, so the next variant starts clean.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(callMillis * 3 + 30_000);
        while (model.ended.get() < model.started.get() && System.nanoTime() < until) {
            Thread.sleep(SAMPLE_MILLIS);
        }
        long allCallsEndedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        sampler.interrupt();
        sampler.join();
        int peakPlatform = Math.max(peak[0], mx.getPeakThreadCount());

        StringBuilder sb = new StringBuilder("    {\n");
        field(sb, "variant", quote(variant));
        field(sb, "stepTimeoutMillis", timeout.toMillis());
        field(sb, "platformThreadsBefore", threadsBefore);
        field(sb, "peakLivePlatformThreads", peakPlatform);
        field(sb, "peakAddedPlatformThreads", peakPlatform - threadsBefore);
        field(sb, "platformThreadsStarted", mx.getTotalStartedThreadCount() - startedBefore);
        field(sb, "livePlatformThreadsWhenAllOutcomesReturned", platformWhenOutcomesDone);
        field(sb, "callsStillRunningWhenAllOutcomesReturned", callsStillRunning);
        field(sb, "peakCallsInFlight", model.peakInFlight.get());
        field(sb, "distinctExecutionThreads", executionThreads.size());
        field(sb, "virtualExecutionThreads", countVirtual(executionThreads));
        field(sb, "distinctCallThreads", model.threads.size());
        field(sb, "virtualCallThreads", countVirtual(model.threads));
        field(sb, "executeAsyncFailed", refused);
        field(sb, "allOutcomesMillis", allOutcomesMillis);
        field(sb, "allCallsEndedMillis", allCallsEndedMillis);
        sb.append("      \"outcomes\": {");
        int n = 0;
        for (Map.Entry<String, Integer> e : outcomes.entrySet()) {
            sb.append(n++ == 0 ? "" : ", ").append(quote(e.getKey())).append(": ").append(e.getValue());
        }
        sb.append("}\n    }");
        System.err.println(variant + " on " + System.getProperty("java.version") + ": peak live platform threads " + peakPlatform + " (before " + threadsBefore
                + "), outcomes " + outcomes);
        return sb.toString();
    }

    /**
     * Whether this build has ModelStepSpec.Builder.bulkhead (called by reflection, so the file compiles on older
     * builds).
     */
    private static boolean hasBulkhead() {
        try {
            dev.cascade.config.ModelStepSpec.Builder.class.getMethod("bulkhead", java.util.function.Consumer.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** {@code spec.bulkhead(b -> b.maxConcurrentCalls(max))}, by reflection. */
    private static void bulkhead(Object spec, int max) {
        try {
            java.util.function.Consumer<Object> configure = b -> {
                try {
                    b.getClass().getMethod("maxConcurrentCalls", int.class).invoke(b, max);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            spec.getClass().getMethod("bulkhead", java.util.function.Consumer.class).invoke(spec, configure);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Virtual threads among {@code threads}; Thread.isVirtual() exists from JDK 21 (this code compiles for 17). */
    private static int countVirtual(Set<Thread> threads) throws ReflectiveOperationException {
        Method isVirtual;
        try {
            isVirtual = Thread.class.getMethod("isVirtual");
        } catch (NoSuchMethodException e) {
            return 0;
        }
        int n = 0;
        synchronized (threads) {
            for (Thread t : threads) {
                if ((boolean) isVirtual.invoke(t)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void field(StringBuilder sb, String name, Object value) {
        sb.append("      ").append(quote(name)).append(": ").append(value).append(",\n");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
