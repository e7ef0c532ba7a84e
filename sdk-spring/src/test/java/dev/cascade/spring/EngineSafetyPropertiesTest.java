package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.event.LateCompletion;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelClient;

/**
 * The engine-safety properties: {@code circuit-breaker.half-open-max-wait} bounds how long a step's breaker stays
 * half-open (60 s by default); {@code late-completion-grace} bounds how long a call abandoned at its timeout keeps its
 * reservation.
 */
class EngineSafetyPropertiesTest {

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

    /** A model that outlives its step timeout (it ignores the interrupt until released), and a listener. */
    @Configuration(proxyBeanMethods = false)
    static class SlowModel {
        final CountDownLatch release = new CountDownLatch(1);
        final List<LateCompletion> late = new CopyOnWriteArrayList<>();

        @Bean
        ModelClient slow() {
            return request -> {
                boolean interrupted = false;
                while (true) {
                    try {
                        if (release.await(30, TimeUnit.SECONDS)) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return ModelResponse.of("late", Usage.of(1, 1));
            };
        }

        @Bean
        CascadeListener lateListener() {
            return new CascadeListener() {
                @Override
                public void onLateCompletion(LateCompletion event) {
                    late.add(event);
                }
            };
        }
    }

    @Test
    void lateCompletionGraceIsReadFromTheChainsProperties() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
                .withUserConfiguration(SlowModel.class)
                .withPropertyValues(
                        "cascade.warm-up.enabled=false",
                        "cascade.chains.slow.late-completion-grace=0s",
                        "cascade.chains.slow.steps[0].name=advanced",
                        "cascade.chains.slow.steps[0].model=slow",
                        "cascade.chains.slow.steps[0].timeout=50ms")
                .run(context -> {
                    SlowModel models = context.getBean(SlowModel.class);
                    try {
                        context.getBean(CascadeChains.class).get("slow").execute("hello");
                        // A zero grace settles the abandoned call's worst case before execute returns.
                        assertThat(models.late).singleElement().satisfies(e ->
                                assertThat(e.result()).isEqualTo(LateCompletion.Result.GRACE_EXPIRED));
                    } finally {
                        models.release.countDown();
                    }
                });
    }

    @Test
    void aNegativeLateCompletionGraceFailsStartupNamingTheProperty() {
        runner.withPropertyValues("cascade.chains.triage.late-completion-grace=-1s")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("cascade.chains.triage.late-completion-grace"));
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
