package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;

import dev.cascade.Cascade;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;
import dev.cascade.budget.InMemoryBudgetLedger;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.telemetry.CascadeTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

class CascadeAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        TestModel primary() {
            return TestModel.failing("gpt-4o", FailureKind.UNAVAILABLE);
        }

        @Bean
        TestModel cheap() {
            return TestModel.answering("gpt-4o-mini", "bug");
        }

        @Bean
        Predicate<String> knownLabel() {
            return s -> s.equals("billing") || s.equals("bug") || s.equals("other");
        }

        @Bean
        Function<String, String> byLength() {
            return in -> in.length() > 20 ? "cheap" : "greeting";
        }

        @Bean
        Function<String, Optional<String>> greeting() {
            return in -> in.startsWith("hello") ? Optional.of("other") : Optional.empty();
        }
    }

    /** Injects one chain by qualifier, the way an application would. */
    static class Triage {
        final Cascade<String, String> chain;

        Triage(@Qualifier("triage") Cascade<String, String> chain) {
            this.chain = chain;
        }
    }

    private static String[] triage(String... extra) {
        String[] base = {
            "cascade.chains.triage.system-prompt=Classify the ticket",
            "cascade.chains.triage.deadline=10s",
            "cascade.chains.triage.accept=knownLabel",
            "cascade.chains.triage.steps[0].name=primary",
            "cascade.chains.triage.steps[0].model=primary",
            "cascade.chains.triage.steps[0].timeout=2s",
            "cascade.chains.triage.steps[0].retry.max-attempts=2",
            "cascade.chains.triage.steps[0].retry.initial-backoff=1ms",
            "cascade.chains.triage.steps[0].circuit-breaker.failure-rate-threshold=50",
            "cascade.chains.triage.steps[0].circuit-breaker.sliding-window-size=4",
            "cascade.chains.triage.steps[0].circuit-breaker.minimum-calls=2",
            "cascade.chains.triage.steps[0].circuit-breaker.open-for=30s",
            "cascade.chains.triage.steps[0].rate-limit.permits=100",
            "cascade.chains.triage.steps[0].rate-limit.period=1s",
            "cascade.chains.triage.steps[1].name=cheap",
            "cascade.chains.triage.steps[1].model=cheap",
            "cascade.chains.triage.steps[2].name=rules",
            "cascade.chains.triage.steps[2].rules[0].name=refund",
            "cascade.chains.triage.steps[2].rules[0].keywords=refund,money back",
            "cascade.chains.triage.steps[2].rules[0].answer=billing",
            "cascade.chains.triage.steps[2].rules[1].name=crash",
            "cascade.chains.triage.steps[2].rules[1].regex=(?i)\\\\bcrash(ed|es)?\\\\b",
            "cascade.chains.triage.steps[2].rules[1].answer=bug",
            "cascade.chains.triage.steps[3].name=human",
            "cascade.chains.triage.steps[3].human-review=true",
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void withoutChainsTheCoreBeansExistAndTheRegistryIsEmpty() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).hasSingleBean(CascadeRegistries.class);
            assertThat(ctx).hasSingleBean(BudgetLedger.class);
            assertThat(ctx).hasSingleBean(CascadeTelemetry.class);
            assertThat(ctx.getBean(CascadeChains.class).names()).isEmpty();
            assertThat(ctx.getBeanNamesForType(Cascade.class)).isEmpty();
        });
    }

    @Test
    void cascadeEnabledFalseCreatesNothing() {
        runner.withUserConfiguration(Models.class).withPropertyValues(triage("cascade.enabled=false")).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(CascadeChains.class);
            assertThat(ctx).doesNotHaveBean(CascadeRegistries.class);
            assertThat(ctx.getBeanNamesForType(Cascade.class)).isEmpty();
        });
    }

    @Test
    void aYamlChainIsInjectableByQualifierAndFromTheRegistryAndRunsItsSteps() {
        runner.withUserConfiguration(Models.class).withBean(Triage.class).withPropertyValues(triage()).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Cascade<String, String> chain = ctx.getBean(Triage.class).chain;
            assertThat(chain).isSameAs(ctx.getBean(CascadeChains.class).get("triage"));
            assertThat(ctx.getBeanProvider(ResolvableType.forClassWithGenerics(Cascade.class, String.class,
                    String.class)).getObject()).isSameAs(chain);

            Outcome<String> out = chain.execute("The app crashed when I saved");
            assertThat(out.answer()).contains("bug");
            assertThat(out.answeredBy()).contains("cheap");
            // primary failed twice (retry.max-attempts=2), then the cheaper model answered.
            assertThat(out.attempts()).extracting(Attempt::step, Attempt::status).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("primary", Attempt.Status.FAILED),
                    org.assertj.core.groups.Tuple.tuple("primary", Attempt.Status.FAILED),
                    org.assertj.core.groups.Tuple.tuple("cheap", Attempt.Status.ANSWERED));
            TestModel cheap = ctx.getBean("cheap", TestModel.class);
            assertThat(cheap.lastRequest.system()).isEqualTo("Classify the ticket");
            assertThat(cheap.lastRequest.user()).isEqualTo("The app crashed when I saved");

            // The accept gate (a bean named in YAML) rejects an unknown label; the rules then answer.
            cheap.answer = "no idea";
            Outcome<String> refund = chain.execute("I want my money back");
            assertThat(refund.answer()).contains("billing");
            assertThat(refund.answeredBy()).contains("rules");
            assertThat(refund.attempts()).anySatisfy(a -> {
                assertThat(a.step()).isEqualTo("cheap");
                assertThat(a.status()).isEqualTo(Attempt.Status.REJECTED);
            });

            // Neither model nor rules: the human-review step takes it.
            Outcome<String> none = chain.execute("Something odd");
            assertThat(none.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
            assertThat(none.pendingReview()).isPresent();

            var d = chain.describe();
            assertThat(d.deadline()).hasSeconds(10);
            assertThat(d.steps()).extracting(s -> s.kind()).containsExactly(StepKind.MODEL, StepKind.MODEL,
                    StepKind.RULES, StepKind.HUMAN_REVIEW);
            assertThat(d.steps().get(0).policies()).containsEntry("timeout", "PT2S").containsKey("circuitBreaker")
                    .containsKey("rateLimit");
            assertThat(d.steps().get(0).policies().get("retry")).contains("maxAttempts=2");
            assertThat(chain.circuitBreaker("primary")).isPresent();
        });
    }

    @Test
    void routerAndCustomStepBeansAreReferencedByName() {
        runner.withUserConfiguration(Models.class).withPropertyValues(
                "cascade.chains.routed.router=byLength",
                "cascade.chains.routed.steps[0].bean=greeting",
                "cascade.chains.routed.steps[1].model=primary",
                "cascade.chains.routed.steps[2].model=cheap").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Cascade<String, String> chain = ctx.getBean(CascadeChains.class).get("routed");
                    assertThat(chain.execute("hello there").answeredBy()).contains("greeting");
                    Outcome<String> longOne = chain.execute("a long ticket text that goes past twenty");
                    assertThat(longOne.answeredBy()).contains("cheap");
                    assertThat(longOne.route().firstStep()).isEqualTo("cheap");
                    assertThat(longOne.attempts()).noneMatch(a -> a.step().equals("greeting"));
                });
    }

    @Test
    void onFailureOverridesAKindsPolicy() {
        runner.withUserConfiguration(Models.class).withPropertyValues(
                "cascade.chains.strict.steps[0].model=primary",
                "cascade.chains.strict.steps[1].model=cheap",
                "cascade.chains.strict.on-failure.unavailable.fall-to-models=false",
                "cascade.chains.strict.on-failure.unavailable.retry=false").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Outcome<String> out = ctx.getBean(CascadeChains.class).get("strict").execute("x");
                    assertThat(out.isAnswered()).isFalse();
                    assertThat(out.attempts()).hasSize(2);
                    assertThat(out.attempts().get(1).failure()).isEqualTo(FailureKind.BARRED);
                    assertThat(ctx.getBean("cheap", TestModel.class).calls).hasValue(0);
                });
    }

    @Test
    void aBudgetFromPropertiesReservesAndBooksOnTheLedgerBean() {
        runner.withUserConfiguration(Models.class).withPropertyValues(
                "cascade.chains.paid.steps[0].model=cheap",
                "cascade.chains.paid.budget.per-request=0.05",
                "cascade.chains.paid.budget.per-day=20",
                "cascade.chains.paid.budget.prices.gpt-4o-mini.input=0.15",
                "cascade.chains.paid.budget.prices.gpt-4o-mini.output=0.60").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    CascadeChains chains = ctx.getBean(CascadeChains.class);
                    Outcome<String> out = chains.get("paid").execute("hello");
                    assertThat(out.isAnswered()).isTrue();
                    // 100 input tokens at $0.15/M + 20 output at $0.60/M = $0.000027
                    assertThat(out.cost().toUsd()).isEqualByComparingTo("0.000027");
                    var budget = chains.entry("paid").budget().orElseThrow();
                    assertThat(budget.ledger()).isSameAs(ctx.getBean(BudgetLedger.class));
                    var spend = budget.spend(Scope.CHAIN, "paid", Window.DAY);
                    assertThat(spend.spent().toUsd()).isEqualByComparingTo("0.000027");
                    assertThat(spend.remaining().orElseThrow().toUsd()).isEqualByComparingTo("19.999973");
                });
    }

    @Test
    void customizersChangeEveryChainBeforeItIsBuilt() {
        runner.withUserConfiguration(Models.class)
                .withBean(CascadeChainCustomizer.class, () -> (name, b) -> b.step("shout-" + name,
                        in -> Optional.of(in.toUpperCase())))
                .withPropertyValues("cascade.chains.c1.steps[0].model=primary",
                        "cascade.chains.c1.on-failure.unavailable.retry=false").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Outcome<String> out = ctx.getBean(CascadeChains.class).get("c1").execute("quiet");
                    assertThat(out.answer()).contains("QUIET");
                    assertThat(out.answeredBy()).contains("shout-c1");
                });
    }

    @Test
    void userBeansReplaceTheDefaults() {
        CascadeRegistries registries = CascadeRegistries.create();
        InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
        runner.withBean(CascadeRegistries.class, () -> registries).withBean(BudgetLedger.class, () -> ledger)
                .withUserConfiguration(Models.class)
                .withPropertyValues("cascade.chains.c.steps[0].model=cheap",
                        "cascade.chains.c.steps[0].circuit-breaker.open-for=5s").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(CascadeRegistries.class)).isSameAs(registries);
                    assertThat(ctx.getBean(BudgetLedger.class)).isSameAs(ledger);
                    assertThat(registries.circuitBreakers()).hasSize(1);
                });
        CascadeChains mine = new CascadeChains(java.util.Map.of());
        runner.withBean(CascadeChains.class, () -> mine).run(ctx -> assertThat(ctx.getBean(CascadeChains.class))
                .isSameAs(mine));
    }

    @Test
    void aUserReviewStoreAndTelemetryReplaceTheDefaults() {
        dev.cascade.review.InMemoryReviewStore store = new dev.cascade.review.InMemoryReviewStore();
        CascadeTelemetry telemetry = CascadeTelemetry.create(OpenTelemetry.noop());
        runner.withUserConfiguration(Models.class)
                .withBean(dev.cascade.review.ReviewStore.class, () -> store)
                .withBean(CascadeTelemetry.class, () -> telemetry)
                .withPropertyValues("cascade.chains.c.steps[0].model=primary",
                        "cascade.chains.c.on-failure.unavailable.retry=false",
                        "cascade.chains.c.steps[1].human-review=true").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(dev.cascade.review.ReviewStore.class)).isSameAs(store);
                    assertThat(ctx.getBean(CascadeTelemetry.class)).isSameAs(telemetry);
                    String id = ctx.getBean(CascadeChains.class).get("c").execute("help").pendingReview()
                            .orElseThrow().id();
                    assertThat(store.find(id)).isPresent();
                });
    }

    @Test
    void withoutActuatorOnTheClasspathThereIsNoHealthContributor() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class,
                        dev.cascade.spring.actuate.CascadeActuatorAutoConfiguration.class))
                .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
                        org.springframework.boot.health.contributor.HealthIndicator.class,
                        org.springframework.boot.actuate.endpoint.annotation.Endpoint.class))
                .withUserConfiguration(Models.class)
                .withPropertyValues("cascade.chains.c.steps[0].model=cheap",
                        "management.endpoints.web.exposure.include=cascade").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).hasSingleBean(CascadeChains.class);
                    assertThat(ctx).doesNotHaveBean("cascadeHealthContributor");
                    assertThat(ctx).doesNotHaveBean(dev.cascade.spring.actuate.CascadeEndpoint.class);
                });
    }

    @Test
    void telemetryGoesToTheApplicationsOpenTelemetryBean() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        runner.withUserConfiguration(Models.class).withBean(OpenTelemetry.class, () -> otel)
                .withPropertyValues("cascade.chains.traced.steps[0].model=cheap").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    ctx.getBean(CascadeChains.class).get("traced").execute("hello");
                    assertThat(spans.getFinishedSpanItems()).extracting(s -> s.getName())
                            .contains("cascade traced", "chat gpt-4o-mini");
                });

    }

    @Test
    void withoutABeanTheGlobalOpenTelemetryIsUsedAndNeverLockedToANoop() {
        io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        try {
            // Nothing set yet: the context starts with a no-op and leaves the global free for the application.
            runner.withUserConfiguration(Models.class).withPropertyValues("cascade.chains.g.steps[0].model=cheap")
                    .run(ctx -> assertThat(ctx).hasNotFailed());
            io.opentelemetry.api.GlobalOpenTelemetry.set(otel);
            // Set before the context starts (as the Java agent does): the chains record through it.
            runner.withUserConfiguration(Models.class).withPropertyValues("cascade.chains.g.steps[0].model=cheap")
                    .run(ctx -> {
                        ctx.getBean(CascadeChains.class).get("g").execute("hello");
                        assertThat(spans.getFinishedSpanItems()).extracting(s -> s.getName()).contains("cascade g");
                    });
        } finally {
            io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
            otel.close();
        }
    }

    @Test
    void telemetryCanBeSwitchedOff() {
        runner.withPropertyValues("cascade.telemetry.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(CascadeTelemetry.class));
    }

    @Test
    void configurationMetadataDescribesTheKeys() throws Exception {
        try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json).contains("\"name\": \"cascade.chains\"")
                    .contains("\"name\": \"cascade.telemetry.capture-content\"")
                    .contains("Whether prompt and completion text go into spans")
                    .contains("\"name\": \"cascade.ledger.type\"").contains("\"defaultValue\": \"memory\"");
        }
    }
}
