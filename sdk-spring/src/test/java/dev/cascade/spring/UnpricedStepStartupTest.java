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

import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;

/**
 * Stub models plus {@code budget.per-day} used to start cleanly and then send every request to human review
 * ({@code OVER_BUDGET no price for model 'null'}). Now startup stops, naming the step's property and the two ways to
 * price it ({@code model-name}, {@code pricing}); either one makes the same chain start and spend what it should.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnpricedStepStartupTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class)
            .withPropertyValues("cascade.chains.triage.steps[0].model=stub",
                    "cascade.chains.triage.steps[1].human-review=true");

    @Configuration(proxyBeanMethods = false)
    static class Models {
        /** A stub as a user writes one: a lambda, so model() is null. */
        @Bean
        ModelClient stub() {
            return request -> ModelResponse.of("billing", Usage.of(100, 10));
        }

        @Bean
        TestModel homegrown() {
            return TestModel.answering("my-llm", "billing");
        }
    }

    private FailureAnalysis analysisOf(String... properties) {
        return StartupFailures.analysisOf(runner.withPropertyValues(properties));
    }

    private Outcome<String> executeWith(String... properties) {
        Object[] out = new Object[1];
        runner.withPropertyValues(properties).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            out[0] = ctx.getBean(CascadeChains.class).get("triage").execute("I was charged twice");
        });
        @SuppressWarnings("unchecked")
        Outcome<String> outcome = (Outcome<String>) out[0];
        return outcome;
    }

    @Test
    void aStubModelOnABudgetedChainStopsStartupNamingThePropertyAndTheFix() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.budget.per-day=10");
        assertThat(a.getDescription()).isEqualTo("Cascade is misconfigured. cascade.chains.triage.steps[0].model-name:"
                + " the chain has a budget (cascade.chains.triage.budget), but model bean 'stub' of step 'stub' does"
                + " not report which model it calls, so its calls cannot be priced. A budget fails closed: every call"
                + " of this step would be skipped as OVER_BUDGET and the input sent on to the next step.");
        assertThat(a.getAction()).isEqualTo("Set cascade.chains.triage.steps[0].model-name to the model the bean"
                + " calls (e.g. gpt-4o-mini; priced by Cascade's built-in catalogue or"
                + " cascade.chains.triage.budget.prices.<model-name>), or set"
                + " cascade.chains.triage.steps[0].pricing.input and cascade.chains.triage.steps[0].pricing.output"
                + " (US dollars per million tokens), or remove cascade.chains.triage.budget.");
    }

    @Test
    void withoutABudgetTheStubStarts() {
        assertThat(executeWith().answeredBy()).contains("stub");
    }

    @Test
    void aModelNameOnTheStepIsPricedFromTheCatalogue() {
        Outcome<String> out = executeWith("cascade.chains.triage.budget.per-day=10",
                "cascade.chains.triage.steps[0].model-name=gpt-4o-mini");
        assertThat(out.answeredBy()).contains("stub");
        // gpt-4o-mini: $0.15 / $0.60 per 1M tokens; 100 in + 10 out
        assertThat(out.cost()).isEqualTo(Money.usd("0.000021"));
    }

    @Test
    void aModelNameWithSurroundingSpacesIsPricedAsTheTrimmedName() {
        Object[] out = new Object[1];
        spacedModelName(" gpt-4o-mini ").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            out[0] = ctx.getBean(CascadeChains.class).get("triage").execute("I was charged twice");
        });
        @SuppressWarnings("unchecked")
        Outcome<String> outcome = (Outcome<String>) out[0];
        assertThat(outcome.answeredBy()).contains("stub");
        assertThat(outcome.cost()).isEqualTo(Money.usd("0.000021"));
    }

    @Test
    void anUnpricedModelNameWithSurroundingSpacesIsNamedTrimmedInTheReport() {
        FailureAnalysis[] out = new FailureAnalysis[1];
        spacedModelName(" my-llm ").run(ctx -> {
            assertThat(ctx).hasFailed();
            out[0] = new CascadeFailureAnalyzer().analyze(ctx.getStartupFailure());
        });
        assertThat(out[0].getDescription()).contains("it has no price for model 'my-llm' (named by");
        assertThat(out[0].getAction()).startsWith("Set cascade.chains.triage.budget.prices.my-llm.input and"
                + " cascade.chains.triage.budget.prices.my-llm.output");
    }

    /**
     * The chain with {@code model-name} as given, spaces and all, from a property source of its own (inline
     * "key=value" pairs trim the value before Cascade sees it; a list binds from one source, so it has all steps).
     */
    private ApplicationContextRunner spacedModelName(String modelName) {
        return runner.withPropertyValues("cascade.chains.triage.budget.per-day=10")
                .withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                        new org.springframework.core.env.MapPropertySource("spaced", java.util.Map.of(
                                "cascade.chains.triage.steps[0].model", "stub",
                                "cascade.chains.triage.steps[0].model-name", modelName,
                                "cascade.chains.triage.steps[1].human-review", "true"))));
    }

    @Test
    void aPriceOnTheStepIsUsed() {
        Outcome<String> out = executeWith("cascade.chains.triage.budget.per-day=10",
                "cascade.chains.triage.steps[0].pricing.input=1", "cascade.chains.triage.steps[0].pricing.output=2");
        assertThat(out.answeredBy()).contains("stub");
        assertThat(out.cost()).isEqualTo(Money.usd("0.00012"));
    }

    @Test
    void aModelNameTheBudgetCannotPriceNamesThePriceToAdd() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.budget.per-day=10",
                "cascade.chains.triage.steps[0].model-name=my-llm");
        assertThat(a.getDescription()).isEqualTo("Cascade is misconfigured. cascade.chains.triage.steps[0].model-name:"
                + " the chain has a budget (cascade.chains.triage.budget), but it has no price for model 'my-llm'"
                + " (named by cascade.chains.triage.steps[0].model-name), and neither has step 'stub'. A budget fails"
                + " closed: every call of this step would be skipped as OVER_BUDGET and the input sent on to the next"
                + " step.");
        assertThat(a.getAction()).isEqualTo("Set cascade.chains.triage.budget.prices.my-llm.input and"
                + " cascade.chains.triage.budget.prices.my-llm.output (US dollars per million tokens), or set"
                + " cascade.chains.triage.steps[0].pricing.input and cascade.chains.triage.steps[0].pricing.output"
                + " (US dollars per million tokens), or correct cascade.chains.triage.steps[0].model-name.");
        // Doing what it says starts the chain.
        assertThat(executeWith("cascade.chains.triage.budget.per-day=10",
                "cascade.chains.triage.steps[0].model-name=my-llm",
                "cascade.chains.triage.budget.prices.my-llm.input=1",
                "cascade.chains.triage.budget.prices.my-llm.output=1").cost()).isEqualTo(Money.usd("0.00011"));
    }

    @Test
    void aBeanReportingAModelTheBudgetCannotPriceIsNamedByItsModelProperty() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.steps[0].model=homegrown",
                "cascade.chains.triage.budget.per-day=10");
        assertThat(a.getDescription()).startsWith("Cascade is misconfigured. cascade.chains.triage.steps[0].model:")
                .contains("no price for model 'my-llm' (reported by model bean 'homegrown')");
        assertThat(a.getAction()).contains("cascade.chains.triage.budget.prices.my-llm.input");
    }

    @Test
    void aModelNameWithADotIsWrittenInBracketsInTheAdvice() {
        FailureAnalysis a = analysisOf("cascade.chains.triage.budget.per-day=10",
                "cascade.chains.triage.steps[0].model-name=acme-4.5");
        assertThat(a.getAction()).startsWith("Set cascade.chains.triage.budget.prices[acme-4.5].input and"
                + " cascade.chains.triage.budget.prices[acme-4.5].output");
    }

    @Test
    void aStepPriceNeedsInputAndOutputAndModelStepsOnly() {
        assertThat(analysisOf("cascade.chains.triage.steps[0].pricing.input=1").getDescription())
                .contains("cascade.chains.triage.steps[0].pricing: a price needs input and output");
        FailureAnalysis rules = analysisOf("cascade.chains.faq.steps[0].rules[0].keywords=x",
                "cascade.chains.faq.steps[0].rules[0].answer=y", "cascade.chains.faq.steps[0].model-name=gpt-4o");
        assertThat(rules.getDescription()).contains("cascade.chains.faq.steps[0].model-name: model-name applies to"
                + " model steps only");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CascadeAutoConfiguration.class)
    static class App {
        @Bean
        ModelClient stub() {
            return request -> ModelResponse.of("billing", Usage.of(100, 10));
        }
    }

    @Test
    void aRealApplicationPrintsTheReportAndDoesNotStart(CapturedOutput output) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        Throwable failure = null;
        try {
            app.run("--cascade.chains.triage.steps[0].model=stub", "--cascade.chains.triage.steps[1].human-review=true",
                    "--cascade.chains.triage.budget.per-day=10").close();
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(failure).as("startup must fail").isNotNull();
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Cascade is misconfigured. cascade.chains.triage.steps[0].model-name: the chain has a budget")
                .contains("Set cascade.chains.triage.steps[0].model-name to the model the bean calls");
    }
}
