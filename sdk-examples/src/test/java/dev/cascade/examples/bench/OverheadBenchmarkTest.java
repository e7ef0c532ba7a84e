package dev.cascade.examples.bench;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark measures what it claims (not how fast: that is JMH's job, in {@link OverheadMain}). */
class OverheadBenchmarkTest {

    @Test
    void everyVariantAnswersTheSameWay() throws Exception {
        OverheadBenchmark b = new OverheadBenchmark();
        b.setUp();
        for (int i = 0; i < 1_000; i++) {
            assertThat(b.direct()).isEqualTo(OverheadBenchmark.ANSWER);
            assertThat(b.resilience4jDecorators()).isEqualTo(OverheadBenchmark.ANSWER);

            Outcome<String> one = b.cascadeOneStep();
            assertThat(one.answer()).contains(OverheadBenchmark.ANSWER);
            assertThat(one.attempts()).hasSize(1);
            assertThat(one.modelCalls()).isEqualTo(1);

            Outcome<String> two = b.cascadeTwoStepFirstOpen();
            assertThat(two.answer()).contains(OverheadBenchmark.ANSWER);
            assertThat(two.answeredBy()).contains("secondary");
            assertThat(two.attempts()).extracting(Attempt::status)
                    .containsExactly(Attempt.Status.SKIPPED, Attempt.Status.ANSWERED);
            assertThat(two.attempts().get(0).failure()).isEqualTo(FailureKind.CIRCUIT_OPEN);
            assertThat(two.modelCalls()).isEqualTo(1);
        }
        b.verify();
    }

    @Test
    void reportJudgesTheTargets() {
        Map<String, OverheadMain.Row> rows = new LinkedHashMap<>();
        rows.put("direct", new OverheadMain.Row("direct", 5, 0.1, 0, 0, 10, 5, 0.1, 5));
        rows.put("resilience4jDecorators", new OverheadMain.Row("resilience4jDecorators", 100, 2, 120, 1, 10, 90, 1, 95));
        rows.put("cascadeOneStep", new OverheadMain.Row("cascadeOneStep", 160, 3, 1100, 1, 10, 150, 2, 155));
        rows.put("cascadeTwoStepFirstOpen", new OverheadMain.Row("cascadeTwoStepFirstOpen", 300, Double.NaN, 1500,
                Double.NaN, 1, Double.NaN, Double.NaN, Double.NaN));
        rows.put("cascadeOneStepTelemetryOn", new OverheadMain.Row("cascadeOneStepTelemetryOn", 1260, 20, 2000, 1, 10,
                1200, 10, 1250));
        rows.put("cascadeOneStepNoSdk", new OverheadMain.Row("cascadeOneStepNoSdk", 164, 3, 1100, 1, 10, 150, 2, 155));
        OverheadMain.Settings s = OverheadMain.Settings.read();
        OverheadMain.Report r = OverheadMain.Report.of(rows, s, "17", "vm", "1", List.of());

        // 1.6x decorators: fail; 1100 B: fail; two-step 1.875x: pass; telemetry +1100 ns: fail; no SDK 1.025x: pass
        assertThat(r.targets()).extracting(OverheadMain.Target::passed).containsExactly(false, false, true, false,
                true);
        assertThat(r.allPassed()).isFalse();
        String json = r.json();
        assertThat(json).contains("\"ns_per_op\": 160", "\"bytes_per_op\": 1100", "\"ns_per_op_error\": null",
                "\"cascadeOneStep_vs_resilience4jDecorators\"", "\"value\": 1.6", "\"passed\": false",
                "\"all_passed\": false", "\"forks\": " + s.forks, "\"cpu_ns_per_op\": 150",
                "\"cpu_ns_per_op\": null", "\"added_ns_per_execution\": 1100", "\"added_bytes_per_execution\": 900");
        assertThat(r.table()).contains("FAIL", "PASS", "cascadeTwoStepFirstOpen");
    }

    @Test
    void settingsComeFromPropertiesOrEnvironment() {
        assertThat(OverheadMain.Settings.envName("bench.warmupTime")).isEqualTo("BENCH_WARMUP_TIME");
        assertThat(OverheadMain.Settings.envName("bench.forks")).isEqualTo("BENCH_FORKS");
        assertThat(OverheadMain.Settings.time("2").toString()).isEqualTo("2 s");
        assertThat(OverheadMain.Settings.time("500ms").toString()).isEqualTo("500 ms");
        assertThat(OverheadMain.Json.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
    }
}
