package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import dev.cascade.Cascade;
import dev.cascade.api.Description;

/**
 * A key under {@code cascade.} that is not a setting used to be ignored: {@code timout: 5s} started a chain with no
 * attempt timeout, {@code failure-treshold} was dropped. Now startup stops, naming the key, the file and line it came
 * from, and the key that was meant; every relaxed form Spring binds, and the user's own names under maps, still start.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownKeysTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class);

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        TestModel gpt() {
            return TestModel.answering("gpt-4o", "ok");
        }
    }

    /** Loads a file from the test classpath the way Boot loads application.yml / .properties: origins tracked. */
    static ApplicationContextInitializer<ConfigurableApplicationContext> file(String path) {
        return ctx -> {
            PropertySourceLoader loader = path.endsWith(".yml") ? new YamlPropertySourceLoader()
                    : new PropertiesPropertySourceLoader();
            try {
                for (PropertySource<?> source : loader.load(path, new ClassPathResource(path))) {
                    ctx.getEnvironment().getPropertySources().addFirst(source);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private FailureAnalysis analysisOf(ApplicationContextRunner r) {
        return StartupFailures.analysisOf(r);
    }

    @Test
    void aMisspelledTimeoutInYamlNamesTheKeyTheLineAndTheKeyMeant() {
        FailureAnalysis a = analysisOf(runner.withInitializer(file("unknown-keys/timeout-typo.yml")));

        assertThat(a.getDescription())
                .startsWith("Cascade is misconfigured. cascade.chains.triage.steps[0].timout: not a Cascade setting"
                        + " (from class path resource [unknown-keys/timeout-typo.yml] - 9:19); did you mean"
                        + " cascade.chains.triage.steps[0].timeout?")
                .contains("Also unknown:\n    cascade.chains.triage.steps[0].circuit-breaker.failure-treshold is not"
                        + " a Cascade setting (from class path resource [unknown-keys/timeout-typo.yml] - 11:31);"
                        + " did you mean cascade.chains.triage.steps[0].circuit-breaker.failure-rate-threshold?");
        assertThat(a.getAction())
                .contains("Rename cascade.chains.triage.steps[0].timout to cascade.chains.triage.steps[0].timeout,"
                        + " or remove it. The settings under cascade.chains.triage.steps[0] are: name, model, rules,")
                .contains("Rename cascade.chains.triage.steps[0].circuit-breaker.failure-treshold to"
                        + " cascade.chains.triage.steps[0].circuit-breaker.failure-rate-threshold")
                .contains("Spring would ignore these keys");
    }

    @Test
    void aMisspelledKeyInAPropertiesFileNamesItsLine() {
        FailureAnalysis a = analysisOf(runner.withInitializer(file("unknown-keys/typo.properties")));
        assertThat(a.getDescription()).isEqualTo("Cascade is misconfigured. cascade.chains.triage.deadlien: not a"
                + " Cascade setting (from class path resource [unknown-keys/typo.properties] - 3:32); did you mean"
                + " cascade.chains.triage.deadline?");
    }

    /** Every level of the settings tree is checked; each misspelling gets the key it was meant to be. */
    @ParameterizedTest
    @CsvSource({
        "cascade.enabeld=true,                                     cascade.enabled",
        "cascade.telemetry.capture-contents=false,                 cascade.telemetry.capture-content",
        "cascade.ledger.typ=memory,                                cascade.ledger.type",
        "cascade.review.pol-interval=1s,                           cascade.review.poll-interval",
        "cascade.review.web.base-pth=/x,                           cascade.review.web.base-path",
        "cascade.chains.triage.deadlin=5s,                         cascade.chains.triage.deadline",
        "cascade.chains.triage.steps[0].retry.max-atempts=2,       cascade.chains.triage.steps[0].retry.max-attempts",
        "cascade.chains.triage.steps[0].retyr.max-attempts=2,      cascade.chains.triage.steps[0].retry.max-attempts",
        "cascade.chains.triage.steps[0].rate-limit.permit=5,       cascade.chains.triage.steps[0].rate-limit.permits",
        "cascade.chains.triage.steps[0].circuit-breaker.open-fro=1s, cascade.chains.triage.steps[0].circuit-breaker.open-for",
        "cascade.chains.triage.budget.per-dya=5,                   cascade.chains.triage.budget.per-day",
        "cascade.chains.triage.budget.prices.gpt-4o.inptu=1,       cascade.chains.triage.budget.prices.gpt-4o.input",
        "cascade.chains.triage.on-failure.timeout.retyr=false,     cascade.chains.triage.on-failure.timeout.retry",
        "cascade.chains.triage.steps[1].review.priorty=5,         cascade.chains.triage.steps[1].review.priority",
        "cascade.chains.triage.steps[2].rules[0].keyword=x,        cascade.chains.triage.steps[2].rules[0].keywords",
    })
    void everyLevelIsChecked(String property, String meant) {
        String key = property.substring(0, property.indexOf('='));
        FailureAnalysis a = analysisOf(runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.steps[1].human-review=true", property));
        assertThat(a.getDescription()).startsWith("Cascade is misconfigured. " + key + ": not a Cascade setting")
                .contains("did you mean " + meant + "?");
        assertThat(a.getAction()).contains("Rename " + key + " to " + meant + ", or remove it.");
    }

    @Test
    void aKeyFarFromAnySettingListsTheSettingsInstead() {
        FailureAnalysis a = analysisOf(runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.steps[0].banana=yellow"));
        assertThat(a.getDescription()).doesNotContain("did you mean");
        assertThat(a.getAction()).contains("Remove cascade.chains.triage.steps[0].banana, or use one of the settings."
                + " The settings under cascade.chains.triage.steps[0] are: name, model, rules, bean, human-review,"
                + " review, timeout, max-output-tokens, accept, resource-name, retry, circuit-breaker, rate-limit,"
                + " bulkhead, model-name, pricing, template.");
    }

    @Test
    void aModelNameWithADotUnderPricesSaysToUseBrackets() {
        FailureAnalysis a = analysisOf(runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.budget.per-day=5",
                "cascade.chains.triage.budget.prices.gpt-4.1.input=2"));
        assertThat(a.getDescription()).contains("cascade.chains.triage.budget.prices.gpt-4.1.input: not a Cascade"
                + " setting");
        assertThat(a.getAction()).contains("write it in brackets: cascade.chains.triage.budget.prices[gpt-4.1].input");
    }

    @Test
    void nestingUnderAValueOrAListWithoutIndexSaysWhatTheKeyIs() {
        assertThat(analysisOf(runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.steps[0].timeout.seconds=5")).getAction())
                .contains("cascade.chains.triage.steps[0].timeout takes a value; nothing goes under it.");
        assertThat(analysisOf(runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.steps.timeout=5s")).getAction())
                .contains("cascade.chains.triage.steps is a list: write its items with an index, e.g."
                        + " cascade.chains.triage.steps[0].timeout");
    }

    /** Relaxed names (camelCase, snake_case) bind as before, and user names under maps are not settings. */
    @Test
    void relaxedFormsAndUserNamesStartAndApply() {
        runner.withInitializer(file("unknown-keys/relaxed.yml")).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Description d = ctx.getBean(CascadeChains.class).get("triage").describe();
            Map<String, String> primary = d.steps().get(0).policies();
            assertThat(primary.get("circuitBreaker")).contains("failureRate>=40.0%").contains("minimumCalls=5");
            assertThat(primary.get("rateLimit")).contains("7");
        });
    }

    /**
     * Environment variables bind in their own form (CASCADE_CHAINS_...) and are not checked, as with Spring's
     * {@code ignoreUnknownFields = false}: the environment holds unrelated names that start with CASCADE_.
     */
    @Test
    void environmentVariablesBindAndAreNotChecked() {
        Map<String, Object> env = Map.of(
                "CASCADE_CHAINS_TRIAGE_STEPS_0_MODEL", "gpt",
                "CASCADE_CHAINS_TRIAGE_STEPS_0_TIMEOUT", "3s",
                "CASCADE_CHAINS_TRIAGE_STEPS_0_CIRCUITBREAKER_FAILURERATETHRESHOLD", "30",
                "CASCADE_HOME", "/opt/cascade");
        runner.withInitializer(ctx -> ctx.getEnvironment().getPropertySources().replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                env)))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Cascade<String, String> chain = ctx.getBean(CascadeChains.class).get("triage");
                    Map<String, String> step = chain.describe().steps().get(0).policies();
                    assertThat(step).containsEntry("timeout", "PT3S");
                    assertThat(step.get("circuitBreaker")).contains("failureRate>=30.0%");
                });
    }

    /** A bad value is still reported as before (the value, the type and the fix), not as an unknown key. */
    @Test
    void aBadValueIsStillReportedAsABadValue() {
        FailureAnalysis a = analysisOf(runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.steps[0].timeout=10 seconds"));
        assertThat(a.getDescription()).contains("cascade.chains.triage.steps[0].timeout")
                .contains("'10 seconds'").contains("Duration").doesNotContain("not a Cascade setting");
    }

    @Test
    void turnedOffCascadeChecksNothing() {
        runner.withPropertyValues("cascade.enabled=false", "cascade.chains.triage.steps[0].timout=5s")
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CascadeAutoConfiguration.class)
    static class App {
        @Bean
        TestModel gpt() {
            return TestModel.answering("gpt-4o", "ok");
        }
    }

    private static Throwable run(String... args) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        try {
            app.run(args).close();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void aRealApplicationWithTheYamlPrintsTheReport(CapturedOutput output) {
        assertThat(run("--spring.config.location=classpath:unknown-keys/timeout-typo.yml"))
                .as("startup must fail").isNotNull();
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Cascade is misconfigured. cascade.chains.triage.steps[0].timout: not a Cascade setting"
                        + " (from class path resource [unknown-keys/timeout-typo.yml] - 9:19); did you mean"
                        + " cascade.chains.triage.steps[0].timeout?")
                .contains("cascade.chains.triage.steps[0].circuit-breaker.failure-treshold is not a Cascade setting")
                .contains("Rename cascade.chains.triage.steps[0].timout to cascade.chains.triage.steps[0].timeout");
    }

    @Test
    void aRealApplicationWithAPropertiesFilePrintsTheReport(CapturedOutput output) {
        assertThat(run("--spring.config.location=classpath:unknown-keys/typo.properties"))
                .as("startup must fail").isNotNull();
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("cascade.chains.triage.deadlien: not a Cascade setting")
                .contains(" - 3:32); did you mean cascade.chains.triage.deadline?");
    }

    @Test
    void aRealApplicationWithAMisspelledCommandLineArgumentPrintsTheReport(CapturedOutput output) {
        assertThat(run("--cascade.chains.triage.steps[0].model=gpt", "--cascade.chains.triage.steps[0].timout=5s"))
                .as("startup must fail").isNotNull();
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("cascade.chains.triage.steps[0].timout: not a Cascade setting (from"
                        + " \"cascade.chains.triage.steps[0].timout\" from property source \"commandLineArgs\")")
                .contains("did you mean cascade.chains.triage.steps[0].timeout?");
    }
}
