package dev.cascade.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;
import dev.cascade.spring.CascadeAutoConfiguration;
import dev.cascade.spring.CascadeChains;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

class CascadeActuatorTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class,
                    CascadeActuatorAutoConfiguration.class))
            .withUserConfiguration(Models.class)
            .withPropertyValues(
                    "cascade.chains.triage.steps[0].name=primary",
                    "cascade.chains.triage.steps[0].model=primary",
                    "cascade.chains.triage.steps[0].circuit-breaker.open-for=60s",
                    "cascade.chains.triage.steps[1].name=cheap",
                    "cascade.chains.triage.steps[1].model=cheap",
                    "cascade.chains.triage.steps[1].circuit-breaker.open-for=60s",
                    "cascade.chains.triage.steps[2].name=human",
                    "cascade.chains.triage.steps[2].human-review=true",
                    "cascade.chains.triage.budget.per-day=10",
                    "cascade.chains.triage.budget.prices.m1.input=1",
                    "cascade.chains.triage.budget.prices.m1.output=1",
                    "cascade.chains.triage.budget.prices.m2.input=1",
                    "cascade.chains.triage.budget.prices.m2.output=1",
                    "cascade.chains.withrules.steps[0].name=primary",
                    "cascade.chains.withrules.steps[0].model=primary",
                    "cascade.chains.withrules.steps[0].resource-name=shared-primary",
                    "cascade.chains.withrules.steps[0].circuit-breaker.open-for=60s",
                    "cascade.chains.withrules.steps[1].rules[0].keywords=refund",
                    "cascade.chains.withrules.steps[1].rules[0].answer=billing");

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        ModelClient primary() {
            return named("m1", null);
        }

        @Bean
        ModelClient cheap() {
            return named("m2", "ok");
        }

        static ModelClient named(String model, String answer) {
            return new ModelClient() {
                @Override
                public ModelResponse call(dev.cascade.api.ModelRequest request) throws Exception {
                    if (answer == null) {
                        throw new dev.cascade.spi.ModelCallException(FailureKind.UNAVAILABLE, "down");
                    }
                    return new ModelResponse(answer, Usage.of(1000, 1000), "stop", model);
                }

                @Override
                public String provider() {
                    return "test";
                }

                @Override
                public String model() {
                    return model;
                }
            };
        }
    }

    private static Health health(HealthContributor contributor, String chain) {
        return ((HealthIndicator) ((CompositeHealthContributor) contributor).getContributor(chain)).health();
    }

    private static CircuitBreaker breaker(CascadeChains chains, String chain, String step) {
        return chains.get(chain).circuitBreaker(step).orElseThrow();
    }

    @Test
    void healthIsUpThenDegradedWhenTheFirstModelIsOpenThenDownWhenOnlyPeopleRemain() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            HealthContributor health = ctx.getBean("cascadeHealthContributor", HealthContributor.class);
            CascadeChains chains = ctx.getBean(CascadeChains.class);
            assertThat(health(health, "triage").getStatus()).isEqualTo(Status.UP);

            breaker(chains, "triage", "primary").transitionToForcedOpenState();
            Health degraded = health(health, "triage");
            assertThat(degraded.getStatus()).isEqualTo(ChainHealthIndicator.DEGRADED);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> steps = (List<Map<String, Object>>) degraded.getDetails().get("steps");
            assertThat(steps).extracting(s -> s.get("name"), s -> s.get("circuitState")).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("primary", "FORCED_OPEN"),
                    org.assertj.core.groups.Tuple.tuple("cheap", "CLOSED"),
                    org.assertj.core.groups.Tuple.tuple("human", null));

            breaker(chains, "triage", "cheap").transitionToOpenState();
            assertThat(health(health, "triage").getStatus()).isEqualTo(Status.DOWN);

            // The other chain has its own breaker (resource-name) and a rules step after it: degraded, not down.
            assertThat(health(health, "withrules").getStatus()).isEqualTo(Status.UP);
            breaker(chains, "withrules", "primary").transitionToOpenState();
            assertThat(health(health, "withrules").getStatus()).isEqualTo(ChainHealthIndicator.DEGRADED);
        });
    }

    @Test
    void healthTurnsOffWithTheUsualProperty() {
        runner.withPropertyValues("management.health.cascade.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean("cascadeHealthContributor"));
    }

    @Test
    void theEndpointExistsOnlyWhenExposed() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(CascadeEndpoint.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=cascade")
                .run(ctx -> assertThat(ctx).hasSingleBean(CascadeEndpoint.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=cascade",
                // NONE in capitals: this runner has no lenient enum conversion; a Boot application accepts "none".
                "management.endpoint.cascade.access=NONE")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(CascadeEndpoint.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointListsChainsBreakersSpendAndReviewDepth() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=cascade").run(ctx -> {
            CascadeEndpoint endpoint = ctx.getBean(CascadeEndpoint.class);
            Cascade<String, String> triage = ctx.getBean(CascadeChains.class).get("triage");
            assertThat(triage.execute("x").answeredBy()).contains("cheap");
            CascadeChains chains = ctx.getBean(CascadeChains.class);
            breaker(chains, "triage", "cheap").transitionToForcedOpenState();
            assertThat(triage.execute("y").pendingReview()).isPresent();

            Map<String, Object> all = endpoint.chains();
            assertThat((Map<String, Object>) all.get("chains")).containsOnlyKeys("triage", "withrules");
            Map<String, Object> t = endpoint.chain("triage");
            // primary's breaker is still closed (one failure is below its minimum calls), so the chain is UP.
            assertThat(t.get("status")).isEqualTo("UP");
            assertThat((String) t.get("description")).contains("cascade 'triage'").contains("1. primary [MODEL]");
            List<Map<String, Object>> budget = (List<Map<String, Object>>) t.get("budget");
            assertThat(budget).singleElement().satisfies(b -> {
                assertThat(b).containsEntry("scope", "CHAIN").containsEntry("window", "DAY");
                // one answered call by m2: 1000 in + 1000 out at $1/M each = $0.002
                assertThat(b.get("spentUsd")).hasToString("0.002000");
                assertThat(b.get("remainingUsd")).hasToString("9.998000");
            });
            assertThat(t).containsEntry("reviewQueueDepth", 1L);
            assertThat(endpoint.chain("nope")).isNull();

            CascadeEndpointWebExtension web = ctx.getBean(CascadeEndpointWebExtension.class);
            SecurityContext operator = as("ops", "CASCADE_OPERATOR");
            WebEndpointResponse<Map<String, Object>> after = web.breaker(operator, "triage", "cheap", "reset");
            assertThat(after.getStatus()).isEqualTo(200);
            assertThat(((List<Map<String, Object>>) after.getBody().get("steps")).get(1))
                    .containsEntry("circuitState", "CLOSED");
            web.breaker(operator, "triage", "primary", "open");
            assertThat(breaker(chains, "triage", "primary").getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
            assertThatThrownBy(() -> web.breaker(operator, "triage", "primary", "explode"))
                    .isInstanceOf(org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
                    .hasMessageContaining("reset, close or open");
        });
    }

    @Test
    void breakerWritesNeedTheOperatorRoleAndUnknownChainsOrStepsAre404() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=cascade",
                "management.endpoint.cascade.access=UNRESTRICTED").run(ctx -> {
            CascadeEndpointWebExtension web = ctx.getBean(CascadeEndpointWebExtension.class);
            CascadeChains chains = ctx.getBean(CascadeChains.class);
            // A signed-in reviewer is not an operator: 403, and the breaker is untouched.
            assertThat(web.breaker(as("rita", "REVIEWER"), "triage", "primary", "open").getStatus()).isEqualTo(403);
            assertThat(web.breaker(SecurityContext.NONE, "triage", "primary", "open").getStatus()).isEqualTo(401);
            assertThat(breaker(chains, "triage", "primary").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            SecurityContext operator = as("ops", "CASCADE_OPERATOR");
            assertThat(web.breaker(operator, "triage", "no-such-step", "open").getStatus()).isEqualTo(404);
            assertThat(web.breaker(operator, "no-such-chain", "primary", "open").getStatus()).isEqualTo(404);
            assertThat(web.breaker(operator, "triage", "human", "reset").getStatus()).isEqualTo(404);
            assertThat(web.breaker(operator, "triage", "primary", "open").getStatus()).isEqualTo(200);
            assertThat(breaker(chains, "triage", "primary").getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
        });
    }

    @Test
    void theOperatorRoleIsAProperty() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=cascade",
                "management.endpoint.cascade.access=UNRESTRICTED",
                "management.endpoint.cascade.operator-role=SRE").run(ctx -> {
            CascadeEndpointWebExtension web = ctx.getBean(CascadeEndpointWebExtension.class);
            assertThat(web.breaker(as("ops", "CASCADE_OPERATOR"), "triage", "primary", "open").getStatus())
                    .isEqualTo(403);
            assertThat(web.breaker(as("sre", "SRE"), "triage", "primary", "open").getStatus()).isEqualTo(200);
        });
    }

    private static SecurityContext as(String name, String role) {
        return new SecurityContext() {
            @Override
            public java.security.Principal getPrincipal() {
                return () -> name;
            }

            @Override
            public boolean isUserInRole(String r) {
                return role.equals(r);
            }
        };
    }
}
