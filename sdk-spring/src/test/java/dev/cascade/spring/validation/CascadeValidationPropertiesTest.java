package dev.cascade.spring.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.cascade.eval.Evaluation;
import dev.cascade.spring.CascadeAutoConfiguration;
import dev.cascade.spring.CascadeFailureAnalyzerAccess;

/**
 * {@code cascade.validation.*}: off by default, each bad value stops startup with the property, the value and the
 * fix; the interval and cron schedules really run; the property metadata is generated.
 */
class CascadeValidationPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class,
                    CascadeValidationAutoConfiguration.class))
            .withUserConfiguration(LabelModels.class)
            .withPropertyValues(LabelModels.CHAINS);

    private final ApplicationContextRunner enabled = runner.withPropertyValues("cascade.validation.enabled=true",
            "cascade.validation.dataset=classpath:validation/tickets.jsonl",
            "cascade.validation.variants=advanced-only,triage");

    @Test
    void offByDefault() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean(CascadeValidation.class)
                    .hasSingleBean(CascadeValidationProperties.class);
            CascadeValidationProperties p = ctx.getBean(CascadeValidationProperties.class);
            assertThat(p.isEnabled()).isFalse();
            assertThat(p.getInterval()).isEqualTo(Duration.ofHours(24));
            assertThat(p.getMaxErrorRate()).isEqualTo(0.05);
            assertThat(p.getMaxCostIncrease()).isEqualTo(0.15);
        });
        // Off, its settings are not checked: an unfinished configuration does not stop the application.
        runner.withPropertyValues("cascade.validation.variants=nope").run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void variantsMustBeChains() {
        assertThat(analysis(runner.withPropertyValues("cascade.validation.enabled=true",
                "cascade.validation.dataset=classpath:validation/tickets.jsonl")).getDescription())
                .contains("cascade.validation.variants", "must name at least one chain");
        FailureAnalysis a = analysis(enabled.withPropertyValues("cascade.validation.variants=advanced-only,triag"));
        assertThat(a.getDescription()).contains("cascade.validation.variants[1]", "triag", "is not a chain");
        assertThat(a.getAction()).contains("[advanced-only, triage]");
    }

    @Test
    void theDataSetMustExistAndParse() {
        assertThat(analysis(enabled.withPropertyValues("cascade.validation.dataset=")).getDescription())
                .contains("cascade.validation.dataset", "is required");
        assertThat(analysis(enabled.withPropertyValues("cascade.validation.dataset=classpath:validation/nope.jsonl"))
                .getDescription()).contains("cascade.validation.dataset", "nope.jsonl", "does not exist");
        FailureAnalysis broken = analysis(enabled.withPropertyValues(
                "cascade.validation.dataset=classpath:validation/broken.jsonl"));
        assertThat(broken.getDescription()).contains("cascade.validation.dataset", "cannot be read", "2")
                .contains("input");
    }

    @Test
    void badValuesNameTheirProperty() {
        assertThat(analysis(enabled.withPropertyValues("cascade.validation.cron=every day")).getDescription())
                .contains("cascade.validation.cron", "every day", "is not a cron expression");
        assertThat(analysis(enabled.withPropertyValues("cascade.validation.scorer=fuzzy")).getAction())
                .contains("exact, normalized or json-field:<path>");
        assertThat(analysis(enabled.withPropertyValues("cascade.validation.max-error-rate=5")).getDescription())
                .contains("cascade.validation.max-error-rate", "must be in [0, 1]");
        assertThat(analysis(enabled.withPropertyValues("cascade.validation.interval=0s")).getDescription())
                .contains("cascade.validation.interval", "must be longer than zero");
        assertThat(analysis(enabled.withPropertyValues("cascade.validation.money-cap=lots")).getDescription())
                .contains("cascade.validation.money-cap", "lots");
        assertThat(analysis(enabled.withPropertyValues("cascade.validation.counterfactual.model=gpt-4o"))
                .getDescription()).contains("cascade.validation.counterfactual.input-per-million", "is required");
    }

    @Test
    void anUnknownKeyIsReported() {
        FailureAnalysis a = analysis(enabled.withPropertyValues("cascade.validation.intervall=1h"));
        assertThat(a.getDescription()).contains("cascade.validation.intervall");
        assertThat(a.getAction()).contains("cascade.validation.interval");
    }

    @Test
    void enabledWithoutCascadeEvalSaysWhatIsMissing() {
        FailureAnalysis a = analysis(enabled.withClassLoader(new FilteredClassLoader(Evaluation.class)));
        assertThat(a.getDescription()).contains("cascade.validation.enabled", "cascade-eval");
        assertThat(a.getAction()).contains("dev.cascade:cascade-eval");
    }

    @Test
    void theIntervalScheduleRuns() {
        enabled.withPropertyValues("cascade.validation.initial-delay=0s", "cascade.validation.interval=1h")
                .run(ctx -> {
                    CascadeValidation v = ctx.getBean(CascadeValidation.class);
                    await(() -> v.latestReport().isPresent());
                    assertThat(v.latestReport().orElseThrow().after().label()).isEqualTo("triage");
                    assertThat(v.nextRunAt()).isPresent();
                });
    }

    @Test
    void theCronScheduleRuns() {
        enabled.withPropertyValues("cascade.validation.cron=* * * * * *").run(ctx -> {
            CascadeValidation v = ctx.getBean(CascadeValidation.class);
            assertThat(v.nextRunAt()).isPresent();
            await(() -> v.lastRun().isPresent());
            assertThat(v.history().all()).isNotEmpty();
        });
    }

    @Test
    void thePropertiesHaveMetadata() throws Exception {
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"cascade.validation.enabled\"", "\"cascade.validation.cron\"",
                    "\"cascade.validation.variants\"", "\"cascade.validation.max-error-rate\"",
                    "\"cascade.validation.counterfactual.model\"", "Whether scheduled validation runs.");
        }
    }

    private static FailureAnalysis analysis(ApplicationContextRunner r) {
        FailureAnalysis[] out = new FailureAnalysis[1];
        r.run(ctx -> {
            assertThat(ctx).hasFailed();
            out[0] = CascadeFailureAnalyzerAccess.analyze(ctx.getStartupFailure());
        });
        assertThat(out[0]).as("Cascade's failure analyzer recognises the failure").isNotNull();
        return out[0];
    }

    /** Bounded polling: up to 30 s, for a schedule running on its own thread. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 30 s").isLessThan(end);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
