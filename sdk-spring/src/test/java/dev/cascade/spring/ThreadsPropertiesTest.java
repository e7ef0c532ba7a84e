package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.internal.CascadeThreads;
import dev.cascade.spi.ModelClient;

/**
 * {@code steps[i].bulkhead.max-concurrent-calls} bounds a model step's calls in flight (a call beyond it is skipped
 * as BULKHEAD_FULL), and {@code virtual-threads: false} keeps a chain on platform threads on every JDK.
 */
class ThreadsPropertiesTest {

    /** A model that holds its call until released, and remembers the thread it ran on. */
    @Configuration(proxyBeanMethods = false)
    static class Models {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<Thread> thread = new AtomicReference<>();

        @Bean
        ModelClient held() {
            return request -> {
                thread.set(Thread.currentThread());
                entered.countDown();
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
                return ModelResponse.of("held answer", Usage.of(1, 1));
            };
        }

        @Bean
        ModelClient spare() {
            return request -> ModelResponse.of("spare answer", Usage.of(1, 1));
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class)
            .withPropertyValues(
                    "cascade.warm-up.enabled=false",
                    "cascade.chains.triage.steps[0].name=advanced",
                    "cascade.chains.triage.steps[0].model=held",
                    "cascade.chains.triage.steps[0].timeout=20s",
                    "cascade.chains.triage.steps[1].name=cheap",
                    "cascade.chains.triage.steps[1].model=spare");

    @Test
    void theBulkheadPropertyBoundsTheStepsCallsInFlight() {
        runner.withPropertyValues("cascade.chains.triage.steps[0].bulkhead.max-concurrent-calls=1")
                .run(context -> {
                    Models models = context.getBean(Models.class);
                    Cascade<String, String> chain = context.getBean(CascadeChains.class).get("triage");
                    assertThat(chain.describe().steps().get(0).policies().get("bulkhead"))
                            .endsWith("bulkhead(1 concurrent calls)");
                    try {
                        var first = chain.executeAsync("one");
                        assertThat(models.entered.await(30, TimeUnit.SECONDS)).isTrue();

                        Outcome<String> second = chain.execute("two");

                        assertThat(second.attempts().get(0).failure()).isEqualTo(FailureKind.BULKHEAD_FULL);
                        assertThat(second.answeredBy()).contains("cheap");
                        models.release.countDown();
                        assertThat(first.get(30, TimeUnit.SECONDS).answeredBy()).contains("advanced");
                    } finally {
                        models.release.countDown();
                    }
                });
    }

    @Test
    void aBulkheadOfZeroFailsStartupNamingTheProperty() {
        runner.withPropertyValues("cascade.chains.triage.steps[0].bulkhead.max-concurrent-calls=0")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("cascade.chains.triage.steps[0].bulkhead.max-concurrent-calls")
                        .hasMessageContaining("must be >= 1, was 0"));
    }

    @Test
    void aBulkheadOnARulesStepIsRefused() {
        runner.withPropertyValues(
                        "cascade.chains.triage.steps[2].name=faq",
                        "cascade.chains.triage.steps[2].rules[0].name=refund",
                        "cascade.chains.triage.steps[2].rules[0].keywords[0]=refund",
                        "cascade.chains.triage.steps[2].rules[0].answer=billing",
                        "cascade.chains.triage.steps[2].bulkhead.max-concurrent-calls=5")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("cascade.chains.triage.steps[2].bulkhead")
                        .hasMessageContaining("applies to model steps only"));
    }

    @Test
    void virtualThreadsFalseKeepsTheChainOnPlatformThreads() {
        runner.withPropertyValues("cascade.chains.triage.virtual-threads=false").run(context -> {
            Models models = context.getBean(Models.class);
            models.release.countDown();
            Cascade<String, String> chain = context.getBean(CascadeChains.class).get("triage");
            assertThat(chain.executeAsync("q").get(30, TimeUnit.SECONDS).answeredBy()).contains("advanced");
            assertThat(CascadeThreads.isVirtual(models.thread.get())).isFalse();
            assertThat(models.thread.get().getName()).startsWith("cascade-call-");
        });
    }

    @Test
    void byDefaultTheChainUsesVirtualThreadsWhenTheJvmHasThem() {
        runner.run(context -> {
            Models models = context.getBean(Models.class);
            models.release.countDown();
            Cascade<String, String> chain = context.getBean(CascadeChains.class).get("triage");
            chain.executeAsync("q").get(30, TimeUnit.SECONDS);
            assertThat(CascadeThreads.isVirtual(models.thread.get()))
                    .isEqualTo(Runtime.version().feature() >= 21);
        });
    }
}
