package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.api.FailureKind;

/**
 * Every kind of bad configuration stops startup, and the failure analysis names the property and says how to fix it.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class);

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        TestModel gpt() {
            return TestModel.answering("gpt-4o", "ok");
        }

        @Bean
        String notAModel() {
            return "I am a string";
        }

        @Bean
        java.util.function.Function<String, String> byLength() {
            return in -> in.length() > 20 ? "gpt" : "rules";
        }
    }

    private FailureAnalysis analysisOf(String... properties) {
        return StartupFailures.analysisOf(runner.withPropertyValues(properties));
    }

    @Test
    void unknownModelBean() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].model=gtp4");
        assertThat(a.getDescription()).contains("cascade.chains.triage.steps[0].model")
                .contains("no ChatModel or ModelClient bean named 'gtp4'");
        assertThat(a.getAction()).contains("[gpt]").contains("define a ChatModel or ModelClient bean named 'gtp4'");
    }

    @Test
    void aBeanThatIsNotAModel() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].model=notAModel");
        assertThat(a.getDescription()).contains("cascade.chains.triage.steps[0].model");
        assertThat(a.getAction()).contains("[gpt]");
    }

    @Test
    void humanStepNotLast() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].human-review=true",
                "cascade.chains.triage.steps[1].model=gpt");
        assertThat(a.getDescription()).contains("cascade.chains.triage.steps[0].human-review")
                .contains("must be the last step");
        assertThat(a.getAction()).isEqualTo("For cascade.chains.triage.steps[0].human-review: move the human review"
                + " step to the end of the chain's steps.");
    }

    @Test
    void negativeBudget() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.budget.per-day=-5");
        assertThat(a.getDescription()).contains("cascade.chains.triage.budget.per-day")
                .contains("must be more than zero US dollars, was -5");
        assertThat(a.getAction()).contains("positive amount");
    }

    @Test
    void tooManyDecimals() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.budget.per-request=0.0000001");
        assertThat(a.getDescription()).contains("cascade.chains.triage.budget.per-request")
                .contains("more than 6 decimals");
    }

    @Test
    void unknownDurationFormat() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.steps[0].timeout=10 seconds");
        assertThat(a.getDescription()).contains("cascade.chains.triage.steps[0].timeout")
                .contains("'10 seconds'").contains("Duration");
        assertThat(a.getAction()).contains("500ms, 10s, 2m").contains("PT10S");
    }

    @Test
    void aStepThatIsTwoThings() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.steps[0].human-review=true");
        assertThat(a.getDescription()).contains("cascade.chains.triage.steps[0]").contains("model and human-review");
        assertThat(a.getAction()).contains("Set exactly one of");
    }

    @Test
    void aChainWithoutSteps() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.deadline=5s");
        assertThat(a.getDescription()).contains("cascade.chains.triage.steps").contains("has no steps");
    }

    @Test
    void modelOptionsOnARulesStep() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].rules[0].keywords=x",
                "cascade.chains.triage.steps[0].rules[0].answer=y",
                "cascade.chains.triage.steps[0].timeout=1s");
        assertThat(a.getDescription()).contains("cascade.chains.triage.steps[0].timeout")
                .contains("applies to model steps only");
    }

    @Test
    void badRegexAndRuleWithoutAnswer() {
        assertThat(analysisOf("cascade.chains.t.steps[0].rules[0].regex=(unclosed",
                "cascade.chains.t.steps[0].rules[0].answer=y").getDescription())
                .contains("cascade.chains.t.steps[0].rules[0].regex").contains("not a valid regular expression");
        assertThat(analysisOf("cascade.chains.t.steps[0].rules[0].keywords=x").getDescription())
                .contains("cascade.chains.t.steps[0].rules[0].answer");
    }

    @Test
    void unknownFailureKind() {
        FailureAnalysis a = analysisOf("cascade.chains.t.steps[0].model=gpt",
                "cascade.chains.t.on-failure.flaky.retry=false");
        assertThat(a.getDescription()).contains("cascade.chains.t.on-failure.flaky");
        assertThat(a.getAction()).contains(FailureKind.RATE_LIMITED.name().toLowerCase().replace('_', '-'));
    }

    @Test
    void invalidEngineValueIsReportedAtTheStep() {
        FailureAnalysis a = analysisOf("cascade.chains.t.steps[0].model=gpt",
                "cascade.chains.t.steps[0].retry.max-attempts=0");
        assertThat(a.getDescription()).isEqualTo("Cascade is misconfigured. cascade.chains.t.steps[0].retry.max-attempts:"
                + " chain 't', model step 'gpt': must be in [1, 100], was 0");
        assertThat(a.getAction()).isEqualTo("For cascade.chains.t.steps[0].retry.max-attempts: use 1 to 100 attempts"
                + " (1 = no retries).");
    }

    /** The core checks the rule; the starter only names the property: duplicate names are one of them. */
    @Test
    void duplicateStepNamesNameTheProperty() {
        FailureAnalysis a = analysisOf("cascade.chains.t.steps[0].model=gpt", "cascade.chains.t.steps[1].model=gpt");
        assertThat(a.getDescription()).isEqualTo("Cascade is misconfigured. cascade.chains.t.steps[1].name: chain 't':"
                + " duplicate step name 'gpt'; step names must be unique");
        assertThat(a.getAction()).isEqualTo("For cascade.chains.t.steps[1].name: give each step of the chain a"
                + " distinct name.");
    }

    @Test
    void coreRulesComeOutAtTheirProperty() {
        FailureAnalysis cb = analysisOf("cascade.chains.t.steps[0].model=gpt",
                "cascade.chains.t.steps[0].circuit-breaker.sliding-window-size=4",
                "cascade.chains.t.steps[0].circuit-breaker.minimum-calls=5");
        assertThat(cb.getDescription()).startsWith("Cascade is misconfigured."
                + " cascade.chains.t.steps[0].circuit-breaker.minimum-calls: ").contains("was 5");
        assertThat(cb.getAction()).contains("at most 4");
        assertThat(analysisOf("cascade.chains.t.steps[0].model=gpt", "cascade.chains.t.deadline=0s").getDescription())
                .startsWith("Cascade is misconfigured. cascade.chains.t.deadline: ").contains("was PT0S");
        assertThat(analysisOf("cascade.chains.t.steps[0].model=gpt", "cascade.chains.t.late-completion-grace=-1s")
                .getDescription()).startsWith("Cascade is misconfigured. cascade.chains.t.late-completion-grace: ");
        assertThat(analysisOf("cascade.chains.t.steps[0].model=gpt", "cascade.chains.t.steps[0].timeout=0s")
                .getDescription()).startsWith("Cascade is misconfigured. cascade.chains.t.steps[0].timeout: ");
        assertThat(analysisOf("cascade.chains.t.steps[0].model=gpt", "cascade.chains.t.steps[0].retry.jitter=2")
                .getDescription()).startsWith("Cascade is misconfigured. cascade.chains.t.steps[0].retry.jitter: ");
        assertThat(analysisOf("cascade.chains.t.steps[0].model=gpt", "cascade.chains.t.on-failure.no-time.retry=true")
                .getDescription()).startsWith("Cascade is misconfigured. cascade.chains.t.on-failure.no-time: ");
    }

    @Test
    void unknownRouterBeanAndWrongType() {
        assertThat(analysisOf("cascade.chains.t.steps[0].model=gpt", "cascade.chains.t.router=nope")
                .getDescription()).contains("cascade.chains.t.router").contains("no bean named 'nope'");
        assertThat(analysisOf("cascade.chains.t.steps[0].model=gpt", "cascade.chains.t.accept=notAModel")
                .getDescription()).contains("cascade.chains.t.accept").contains("not a Predicate<String>");
    }

    @Test
    void aRouterNamedWhereACustomStepBelongsIsRefusedByItsGenerics() {
        FailureAnalysis a = analysisOf("cascade.chains.t.steps[0].bean=byLength");
        assertThat(a.getDescription()).contains("cascade.chains.t.steps[0].bean")
                .contains("not a Function<String, Optional<String>>");
        // The same bean is a fine router.
        runner.withPropertyValues("cascade.chains.t.router=byLength", "cascade.chains.t.steps[0].model=gpt")
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void unknownLedgerType() {
        FailureAnalysis a = analysisOf("cascade.ledger.type=redis");
        assertThat(a.getDescription()).contains("cascade.ledger.type").contains("'redis'");
        assertThat(a.getAction()).isEqualTo("Set cascade.ledger.type to one of [memory, jdbc, jdbc-leased].");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CascadeAutoConfiguration.class)
    static class App {
        @Bean
        TestModel gpt() {
            return TestModel.answering("gpt-4o", "ok");
        }
    }

    @Test
    /** Also proves the analyzer is registered (META-INF/spring.factories): Boot's report carries its text. */
    void aRealApplicationPrintsTheReportAndDoesNotStart(CapturedOutput output) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        Throwable failure = null;
        try {
            app.run("--cascade.chains.triage.steps[0].model=gtp4");
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(failure).as("startup must fail").isNotNull();
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Cascade is misconfigured. cascade.chains.triage.steps[0].model")
                .contains("define a ChatModel or ModelClient bean named 'gtp4'");
    }
}
