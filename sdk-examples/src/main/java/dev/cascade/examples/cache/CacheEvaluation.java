package dev.cascade.examples.cache;

import dev.cascade.cache.CacheSpec;
import dev.cascade.cache.LexicalGuards;
import dev.cascade.cache.MatchGuard;
import dev.cascade.examples.json.JsonWriter;
import dev.cascade.langchain4j.MiniLmEmbeddingModel;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The response cache's semantic-matching evaluation: the labelled pairs of {@code cache-eval/pairs.jsonl} scored with
 * the default model (all-MiniLM-L6-v2) over a threshold sweep with and without {@link LexicalGuards}; every pair
 * replayed through the real cache with its tenants and namespaces (cross-scope hits must be 0); lookup latency and
 * memory per entry; and a replayed workload's savings.
 *
 * <pre>
 * mvn -B -ntp -q -pl sdk-examples -am -DskipTests package -Pcache-eval
 * </pre>
 *
 * writes {@code sdk-examples/target/benchmarks/cache-eval.json} (or the path given as the first argument) and a
 * summary on standard output.
 */
public final class CacheEvaluation {
    /** The wrong-hit rate (wrong hits / hits) the default threshold must keep, with the default guards. */
    public static final double TARGET_WRONG_HIT_RATE = 0.01;

    private CacheEvaluation() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks/cache-eval.json");
        Map<String, Object> report = run();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JsonWriter.write(report), StandardCharsets.UTF_8);
        System.out.println("cache evaluation written to " + out.toAbsolutePath());
        System.out.println(JsonWriter.write(report.get("summary")));
    }

    static Map<String, Object> run() {
        Map<String, Object> report = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        MiniLmEmbeddingModel model = MiniLmEmbeddingModel.get().warmUp();
        double loadMillis = (System.nanoTime() - t0) / 1e6;
        List<EvalPair> pairs = EvalPair.load();
        double threshold = CacheSpec.DEFAULT_SIMILARITY_THRESHOLD;
        MatchGuard guards = LexicalGuards.defaults();

        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        machine.put("javaVersion", System.getProperty("java.version"));
        machine.put("vm", ManagementFactory.getRuntimeMXBean().getVmName());
        machine.put("note", "shared 2-core machine, other builds running: latencies are indicative");
        report.put("machine", machine);

        Map<String, Object> set = new LinkedHashMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        pairs.forEach(p -> kinds.merge(p.kind(), 1, Integer::sum));
        set.put("resource", "sdk-examples/src/main/resources" + EvalPair.RESOURCE);
        set.put("pairs", pairs.size());
        set.put("byKind", kinds);
        report.put("evaluationSet", set);

        ThresholdSweep sweep = ThresholdSweep.score(pairs, model, guards);
        List<Object> points = new ArrayList<>();
        for (int t = 70; t <= 99; t++) {
            points.add(sweep.at(t / 100.0, false).json());
            points.add(sweep.at(t / 100.0, true).json());
        }
        double lowestSafe = sweep.lowestSafeThreshold(TARGET_WRONG_HIT_RATE);

        List<PairReplay.Result> guarded = PairReplay.run(pairs, model, threshold, guards);
        List<PairReplay.Result> unguarded = PairReplay.run(pairs, model, threshold, MatchGuard.NONE);
        Map<String, Object> realGuarded = PairReplay.summary(guarded, threshold, true);
        Map<String, Object> realUnguarded = PairReplay.summary(unguarded, threshold, false);

        Map<String, Object> workload = new ReplayedWorkload(pairs, 1_000, 42).run(model, threshold, guards);
        Map<String, Object> workloadUnguarded = new ReplayedWorkload(pairs, 1_000, 42)
                .run(model, threshold, MatchGuard.NONE);

        Map<String, Object> embedding = LookupCost.embedding(pairs, model, 50);
        Map<String, Object> lookups = LookupCost.lookups(pairs, model, threshold, guards);
        Map<String, Object> memory = LookupCost.memory(model.dimensions());
        Map<String, Object> guardCost = LookupCost.guard(pairs, guards);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model.id());
        summary.put("dimensions", model.dimensions());
        summary.put("modelLoadMillis", ThresholdSweep.round(loadMillis, 0));
        summary.put("defaultThreshold", threshold);
        summary.put("defaultThresholdConstant", "dev.cascade.cache.CacheSpec.DEFAULT_SIMILARITY_THRESHOLD");
        summary.put("lowestThresholdMeetingTarget", lowestSafe);
        summary.put("targetWrongHitRate", TARGET_WRONG_HIT_RATE);
        summary.put("atDefaultWithGuards", sweep.at(threshold, true).json());
        summary.put("atDefaultWithoutGuards", sweep.at(threshold, false).json());
        summary.put("realCacheWithGuards", realGuarded);
        summary.put("realCacheWithoutGuards", realUnguarded);
        summary.put("embeddingMedianMicros", embedding.get("medianMicros"));
        summary.put("embeddingCpuMedianMicros", ((Map<?, ?>) embedding.get("cpuTime")).get("medianMicros"));
        summary.put("semanticHitMedianMicros", ((Map<?, ?>) lookups.get("semanticHit")).get("medianMicros"));
        summary.put("semanticMissMedianMicros", ((Map<?, ?>) lookups.get("semanticMiss")).get("medianMicros"));
        summary.put("semanticHitCpuMedianMicros",
                ((Map<?, ?>) lookups.get("semanticHitCpuTime")).get("medianMicros"));
        summary.put("semanticMissCpuMedianMicros",
                ((Map<?, ?>) lookups.get("semanticMissCpuTime")).get("medianMicros"));
        summary.put("bytesPerEntry", memory.get("bytesPerEntryMeasured"));
        summary.put("guardMeanMicrosPerCall", guardCost.get("meanMicrosPerCall"));
        summary.put("guardMeanCpuMicrosPerCall", guardCost.get("meanCpuMicrosPerCall"));
        Map<String, Object> w = new LinkedHashMap<>(workload);
        w.remove("wrongHitList");
        w.remove("unlabelledHitList");
        summary.put("replayedWorkload", w);
        report.put("summary", summary);

        report.put("sweep", points);
        report.put("embeddingLatency", embedding);
        report.put("lookupLatency", lookups);
        report.put("memoryPerEntry", memory);
        report.put("guardCost", guardCost);
        report.put("replayedWorkloadWithGuards", workload);
        Map<String, Object> wu = new LinkedHashMap<>(workloadUnguarded);
        report.put("replayedWorkloadWithoutGuards", wu);
        report.put("pairsAtDefault", pairDetails(sweep, threshold));
        return report;
    }

    /** Per pair at the default threshold: similarity, guard verdict, and whether it would be served. */
    private static List<Object> pairDetails(ThresholdSweep sweep, double threshold) {
        List<Object> out = new ArrayList<>();
        for (ThresholdSweep.Scored s : sweep.scored()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.pair().id());
            m.put("similarity", ThresholdSweep.round(s.similarity(), 4));
            m.put("refusedBy", s.refusal());
            m.put("served", s.similarity() >= threshold && s.refusal() == null);
            m.put("shouldHit", s.pair().shouldHit());
            out.add(m);
        }
        return out;
    }
}
