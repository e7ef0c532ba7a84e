package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter warms up every chain's model clients at startup (cascade.warm-up.enabled, on by default), once per
 * client, and can be told not to.
 */
class WarmUpTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class)
            .withPropertyValues(
                    "cascade.chains.triage.steps[0].name=advanced",
                    "cascade.chains.triage.steps[0].model=primary",
                    "cascade.chains.triage.steps[1].name=cheap",
                    "cascade.chains.triage.steps[1].model=cheap",
                    "cascade.chains.faq.steps[0].name=cheap",
                    "cascade.chains.faq.steps[0].model=cheap");

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        TestModel primary() {
            return TestModel.answering("gpt-4o", "bug");
        }

        @Bean
        TestModel cheap() {
            return TestModel.answering("gpt-4o-mini", "bug");
        }
    }

    @Test
    void everyChainsClientsAreWarmedUpAtStartupByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CascadeWarmUp.class);
            CascadeWarmUp warmUp = context.getBean(CascadeWarmUp.class);
            assertThat(warmUp.completed()).isTrue();
            assertThat(warmUp.problems()).isEmpty();
            assertThat(context.getBean("primary", TestModel.class).warmUps).hasValue(1);
            // Once per chain that uses it: two chains share the cheap bean.
            assertThat(context.getBean("cheap", TestModel.class).warmUps).hasValue(2);
            assertThat(context.getBean("primary", TestModel.class).calls).as("no call at warm-up").hasValue(0);
        });
    }

    @Test
    void warmUpCanBeTurnedOff() {
        runner.withPropertyValues("cascade.warm-up.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(CascadeWarmUp.class);
            assertThat(context.getBean("primary", TestModel.class).warmUps).hasValue(0);
        });
    }

    @Test
    void aNegativeTimeoutFailsStartupNamingTheProperty() {
        runner.withPropertyValues("cascade.warm-up.timeout=-1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("cascade.warm-up.timeout");
        });
    }
}
