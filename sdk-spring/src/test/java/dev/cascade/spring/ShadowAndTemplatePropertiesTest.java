package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.Cascade;
import dev.cascade.api.Outcome;
import dev.cascade.shadow.ShadowComparator;
import dev.cascade.shadow.ShadowReport;
import dev.cascade.spring.actuate.CascadeEndpoint;

/**
 * {@code cascade.chains.<name>.shadow.*} adds a shadow candidate, {@code steps[n].template} names the step's prompt
 * template, and the Actuator {@code cascade} endpoint shows the shadow summary (issue 14).
 */
class ShadowAndTemplatePropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class);

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        TestModel gpt() {
            return TestModel.answering("gpt-4o", "billing");
        }

        @Bean
        TestModel mini() {
            return TestModel.answering("gpt-4o-mini", "BILLING");
        }

        @Bean
        ShadowComparator<String> caseBlind() {
            return (a, b) -> a.equalsIgnoreCase(b) ? 1.0 : 0.0;
        }
    }

    private static void await(BooleanSupplier condition) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met within 20 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void shadowAndTemplatePropertiesReachTheChainAndTheEndpoint() {
        runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt",
                "cascade.chains.triage.steps[0].template=triage-v3",
                "cascade.chains.triage.shadow.model=mini",
                "cascade.chains.triage.shadow.name=mini-candidate",
                "cascade.chains.triage.shadow.share=1",
                "cascade.chains.triage.shadow.comparator=caseBlind",
                "cascade.chains.triage.shadow.agreement-threshold=1",
                "cascade.chains.triage.shadow.pricing.input=0.15",
                "cascade.chains.triage.shadow.pricing.output=0.60",
                "cascade.chains.triage.shadow.per-day=2.00",
                "cascade.chains.triage.shadow.rate-limit.permits=100",
                "cascade.chains.triage.shadow.rate-limit.period=1s",
                "cascade.chains.triage.shadow.queue-capacity=10",
                "cascade.chains.triage.shadow.concurrency=2",
                "cascade.chains.triage.shadow.timeout=30s").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Cascade<String, String> chain = ctx.getBean(CascadeChains.class).get("triage");
                    assertThat(chain.describe().steps().get(0).policies()).containsEntry("template", "triage-v3");
                    Outcome<String> out = chain.execute("my invoice is wrong");
                    assertThat(out.answer()).contains("billing");
                    assertThat(out.templateId()).contains("triage-v3");
                    assertThat(ctx.getBean("gpt", TestModel.class).lastRequest.templateId()).isEqualTo("triage-v3");

                    await(() -> chain.shadows().get(0).compared() == 1);
                    ShadowReport r = chain.shadows().get(0);
                    assertThat(r.candidate()).isEqualTo("mini-candidate");
                    assertThat(r.share()).isEqualTo(1.0);
                    assertThat(r.agreements()).as("the comparator bean ignores case").isEqualTo(1);
                    // 100 input and 20 output tokens at $0.15 / $0.60 per 1M.
                    assertThat(r.cost().toUsd()).isEqualByComparingTo(new BigDecimal("0.000027"));

                    Map<String, Object> described = new CascadeEndpoint(ctx.getBean(CascadeChains.class))
                            .chain("triage");
                    assertThat(described).containsKey("shadows");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> mini = (Map<String, Object>) ((Map<String, Object>) described.get("shadows"))
                            .get("mini-candidate");
                    assertThat(mini).containsEntry("compared", 1L).containsEntry("agreementRate", 1.0)
                            .containsEntry("dropped", 0L).containsKey("costUsd").containsKey("meanLatencyMs");
                });
    }

    @Test
    void aChainWithoutShadowShowsNone() {
        runner.withPropertyValues("cascade.chains.triage.steps[0].model=gpt").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(CascadeChains.class).get("triage").shadows()).isEmpty();
            assertThat(new CascadeEndpoint(ctx.getBean(CascadeChains.class)).chain("triage"))
                    .doesNotContainKey("shadows");
        });
    }

    private void failsNaming(String property, String expected, String... properties) {
        runner.withPropertyValues(properties).run(ctx -> {
            assertThat(ctx).hasFailed();
            FailureAnalysis a = new CascadeFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(a).as("failure analysis").isNotNull();
            assertThat(a.getDescription()).contains(property).contains(expected);
        });
    }

    @Test
    void badShadowAndTemplatePropertiesNameTheProperty() {
        failsNaming("cascade.chains.triage.shadow.share", "1.5",
                "cascade.chains.triage.steps[0].model=gpt", "cascade.chains.triage.shadow.model=mini",
                "cascade.chains.triage.shadow.share=1.5");
        failsNaming("cascade.chains.triage.shadow.model", "no ChatModel or ModelClient bean named 'nope'",
                "cascade.chains.triage.steps[0].model=gpt", "cascade.chains.triage.shadow.model=nope");
        failsNaming("cascade.chains.triage.shadow.comparator", "gpt",
                "cascade.chains.triage.steps[0].model=gpt", "cascade.chains.triage.shadow.model=mini",
                "cascade.chains.triage.shadow.comparator=gpt");
        failsNaming("cascade.chains.triage.shadow.queue-capacity", "-1",
                "cascade.chains.triage.steps[0].model=gpt", "cascade.chains.triage.shadow.model=mini",
                "cascade.chains.triage.shadow.queue-capacity=-1");
        failsNaming("cascade.chains.triage.shadow.timeout", "PT0S",
                "cascade.chains.triage.steps[0].model=gpt", "cascade.chains.triage.shadow.model=mini",
                "cascade.chains.triage.shadow.timeout=0s");
        failsNaming("cascade.chains.triage.shadow.per-day", "more than zero",
                "cascade.chains.triage.steps[0].model=gpt", "cascade.chains.triage.shadow.model=mini",
                "cascade.chains.triage.shadow.per-day=0");
        failsNaming("cascade.chains.triage.steps[0].template", "model steps only",
                "cascade.chains.triage.steps[0].rules[0].keywords=refund",
                "cascade.chains.triage.steps[0].rules[0].answer=billing",
                "cascade.chains.triage.steps[0].template=faq-v1");
        failsNaming("cascade.chains.triage.steps[0].template", "non-blank",
                "cascade.chains.triage.steps[0].model=gpt", "cascade.chains.triage.steps[0].template= ");
    }
}
