package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code circuit-breaker.half-open-max-wait} bounds how long a step's breaker stays half-open; 60 s by default. */
class HalfOpenMaxWaitPropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class)
            .withPropertyValues(
                    "cascade.chains.triage.steps[0].name=advanced",
                    "cascade.chains.triage.steps[0].model=primary",
                    "cascade.chains.triage.steps[0].circuit-breaker.open-for=30s");

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        TestModel primary() {
            return TestModel.answering("gpt-4o", "bug");
        }
    }

    private static Duration maxWait(org.springframework.context.ApplicationContext context) {
        return context.getBean(CascadeChains.class).get("triage").circuitBreaker("advanced").orElseThrow()
                .getCircuitBreakerConfig().getMaxWaitDurationInHalfOpenState();
    }

    @Test
    void theDefaultIsSixtySeconds() {
        runner.run(context -> assertThat(maxWait(context)).isEqualTo(Duration.ofSeconds(60)));
    }

    @Test
    void thePropertySetsIt() {
        runner.withPropertyValues("cascade.chains.triage.steps[0].circuit-breaker.half-open-max-wait=5s")
                .run(context -> assertThat(maxWait(context)).isEqualTo(Duration.ofSeconds(5)));
    }

    @Test
    void zeroIsRefusedNamingTheOption() {
        runner.withPropertyValues("cascade.chains.triage.steps[0].circuit-breaker.half-open-max-wait=0s")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("circuitBreaker.halfOpenMaxWait"));
    }
}
