package dev.cascade.examples.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time per operation, next to JMH's wall-clock score. On a shared machine a benchmark thread waits for a core
 * now and then; that waiting inflates ns/op but not CPU time, so these numbers are steadier when other processes
 * compete for the cores (they still carry cache and frequency effects). Two results per iteration:
 * <ul>
 *   <li>{@code cpu.thread.norm}: CPU nanoseconds of the benchmark's worker threads ({@code *-jmh-worker-*}) per op;</li>
 *   <li>{@code cpu.process.norm}: CPU nanoseconds of the whole forked JVM (GC and JIT threads included) per op.</li>
 * </ul>
 * Ops are all of the iteration's ops, as JMH's GC profiler counts them for {@code gc.alloc.rate.norm}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    static final String THREAD = "cpu.thread.norm";
    static final String PROCESS = "cpu.process.norm";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    private final Map<Long, Long> threadStart = new HashMap<>();
    private long processStart;

    public CpuTimeProfiler() {
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    @Override
    public String getDescription() {
        return "CPU time per op of the benchmark threads and of the process";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        threadStart.clear();
        for (long id : workers()) {
            threadStart.put(id, threads.getThreadCpuTime(id));
        }
        processStart = os.getProcessCpuTime();
    }

    @Override
    public List<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                    IterationResult result) {
        long processNanos = os.getProcessCpuTime() - processStart;
        long threadNanos = 0;
        for (long id : workers()) {
            long now = threads.getThreadCpuTime(id);
            if (now >= 0) {
                // A worker created during this iteration spent all its CPU time in it.
                threadNanos += now - threadStart.getOrDefault(id, 0L);
            }
        }
        long ops = result.getMetadata().getAllOps();
        if (ops <= 0) {
            return List.of();
        }
        return List.of(
                new ScalarResult(THREAD, (double) threadNanos / ops, "ns/op", AggregationPolicy.AVG),
                new ScalarResult(PROCESS, (double) processNanos / ops, "ns/op", AggregationPolicy.AVG));
    }

    private long[] workers() {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        int n = 0;
        long[] out = new long[ids.length];
        for (ThreadInfo info : infos) {
            if (info != null && info.getThreadName().contains("-jmh-worker-")) {
                out[n++] = info.getThreadId();
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
