package dev.cascade;

import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.CascadeException;
import dev.cascade.api.Description;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.NoAnswerException;
import dev.cascade.budget.Budget;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.config.CircuitBreakerSpec;
import dev.cascade.config.LastResortSpec;
import dev.cascade.config.ModelStepSpec;
import dev.cascade.config.RateLimitSpec;
import dev.cascade.config.RetrySpec;
import dev.cascade.review.ReviewConflictException;
import dev.cascade.review.ReviewStoreException;
import dev.cascade.spi.BudgetLedgerException;
import dev.cascade.testing.ScriptedModel;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.cascade.ConfigValidationTest.configError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration specs are immutable values: built once, shared by many steps, derived with {@code from(base)},
 * compared by value; and every build-time check throws one exception type carrying a path.
 */
class SpecValuesTest {

    private final ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
    private final ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");

    private CascadeBuilder<String, String> base(String name) {
        return Cascade.<String, String>builder(name).prompt(ModelRequest::of).parse(ModelResponse::text);
    }

    @Nested
    class Immutable {

        @Test
        void defaultsAreTheNamedConstants() {
            RetrySpec r = RetrySpec.ofDefaults();
            assertThat(r.maxAttempts()).isEqualTo(RetrySpec.DEFAULT_MAX_ATTEMPTS).isEqualTo(3);
            assertThat(r.initialBackoff()).isEqualTo(RetrySpec.DEFAULT_INITIAL_BACKOFF);
            assertThat(r.maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
            CircuitBreakerSpec cb = CircuitBreakerSpec.ofDefaults();
            assertThat(cb.failureRateThreshold()).isEqualTo(CircuitBreakerSpec.DEFAULT_FAILURE_RATE_THRESHOLD);
            assertThat(cb.minimumCalls()).isEqualTo(10);
            assertThat(cb.openFor()).isEqualTo(CircuitBreakerSpec.DEFAULT_OPEN_FOR);
            assertThat(RateLimitSpec.ofDefaults().permits()).isEqualTo(RateLimitSpec.DEFAULT_PERMITS);
            assertThat(LastResortSpec.ofDefaults().maxWait()).isEqualTo(LastResortSpec.DEFAULT_MAX_WAIT);
            assertThat(LastResortSpec.disabled().enabled()).isFalse();
            assertThat(ModelStepSpec.<String, String>ofDefaults().retry()).isNull();
        }

        @Test
        void fromBaseCopiesEveryValueAndLeavesTheBaseUnchanged() {
            RetrySpec base = RetrySpec.custom().maxAttempts(4).jitter(0).initialBackoff(Duration.ofMillis(50)).build();
            RetrySpec derived = RetrySpec.from(base).maxAttempts(2).build();

            assertThat(base.maxAttempts()).isEqualTo(4);
            assertThat(derived.maxAttempts()).isEqualTo(2);
            assertThat(derived.jitter()).isZero();
            assertThat(derived.initialBackoff()).isEqualTo(Duration.ofMillis(50));
            assertThat(RetrySpec.from(base).build()).isEqualTo(base).hasSameHashCodeAs(base).isNotSameAs(base);
        }

        @Test
        void aBuilderChangedAfterBuildDoesNotChangeTheBuiltSpec() {
            CircuitBreakerSpec.Builder b = CircuitBreakerSpec.custom().failureRateThreshold(30);
            CircuitBreakerSpec first = b.build();
            b.failureRateThreshold(90);

            assertThat(first.failureRateThreshold()).isEqualTo(30f);
            assertThat(b.build().failureRateThreshold()).isEqualTo(90f);
            assertThat(first).isNotEqualTo(b.build());
        }

        @Test
        void aDerivedBreakerKeepsDerivingMinimumCallsFromItsWindowUnlessItWasSet() {
            CircuitBreakerSpec small = CircuitBreakerSpec.from(CircuitBreakerSpec.ofDefaults()).slidingWindowSize(4).build();
            assertThat(small.minimumCalls()).isEqualTo(4);

            CircuitBreakerSpec set = CircuitBreakerSpec.custom().slidingWindowSize(8).minimumCalls(6).build();
            assertThat(CircuitBreakerSpec.from(set).slidingWindowSize(10).build().minimumCalls()).isEqualTo(6);
        }

        @Test
        void equalValuesAreEqualAndPrintTheirOptions() {
            RateLimitSpec a = RateLimitSpec.custom().permits(5).period(Duration.ofSeconds(2)).build();
            RateLimitSpec b = RateLimitSpec.custom().period(Duration.ofSeconds(2)).permits(5).build();
            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).hasToString("rateLimit(5 per PT2S)");
            assertThat(LastResortSpec.custom().maxWait(Duration.ofSeconds(3)).build())
                    .isEqualTo(LastResortSpec.from(LastResortSpec.ofDefaults()).maxWait(Duration.ofSeconds(3)).build());
        }
    }

    @Nested
    class Shared {

        @Test
        void oneModelStepSpecServesManyStepsAndChains() {
            ModelStepSpec<String, String> policies = ModelStepSpec.<String, String>builder()
                    .timeout(Duration.ofSeconds(5))
                    .retry(RetrySpec.custom().maxAttempts(2).build())
                    .rateLimit(r -> r.permits(7))
                    .build();

            Cascade<String, String> one = base("one").model("advanced", advanced, policies).model("cheap", cheap, policies)
                    .build();
            Cascade<String, String> two = base("two").model("advanced", advanced, policies).build();

            for (Description.Step step : one.describe().steps()) {
                assertThat(step.policies()).containsEntry("timeout", "PT5S")
                        .containsEntry("retry", policies.retry().toString());
                assertThat(step.policies().get("rateLimit")).endsWith("rateLimit(7 per PT1S)");
            }
            assertThat(two.describe().steps().get(0).policies()).containsEntry("timeout", "PT5S");
            assertThat(one.execute("q").answeredBy()).contains("advanced");
        }

        @Test
        void oneBreakerSpecSharedByTwoChainsOnOneResourceIsOneBreaker() {
            CascadeRegistries registries = CascadeRegistries.create();
            CircuitBreakerSpec breaker = CircuitBreakerSpec.custom().failureRateThreshold(40).build();
            base("first").registries(registries).model("advanced", advanced, s -> s.circuitBreaker(breaker)).build();
            base("second").registries(registries).model("advanced", advanced, s -> s.circuitBreaker(breaker)).build();

            assertThat(registries.circuitBreakers()).hasSize(1);
        }

        @Test
        void aSharedSpecCanBeRefinedPerStepWithFrom() {
            ModelStepSpec<String, String> shared = ModelStepSpec.<String, String>builder()
                    .retry(r -> r.maxAttempts(3)).build();
            ModelStepSpec<String, String> longer = ModelStepSpec.from(shared).timeout(Duration.ofSeconds(30)).build();

            assertThat(shared.timeout()).isNull();
            assertThat(longer.timeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(longer.retry()).isEqualTo(shared.retry());
        }

        @Test
        void aLastResortSpecCanBeGivenBuilt() {
            Cascade<String, String> chain = base("lr").model("advanced", advanced)
                    .lastResort(LastResortSpec.disabled()).build();
            assertThat(chain.describe().steps().get(0).policies()).containsEntry("lastResort", "lastResort(off)");
        }
    }

    @Nested
    class Paths {

        @Test
        void aSpecBuiltOnItsOwnReportsItsRelativePath() {
            CascadeConfigurationException e = configError(() -> RetrySpec.custom().maxAttempts(0));
            assertThat(e.path()).isEqualTo("retry.maxAttempts");
            assertThat(e.context()).isNull();
            assertThat(e.value()).isEqualTo(0);
            assertThat(e.fix()).isEqualTo("use 1 to 100 attempts (1 = no retries)");
        }

        @Test
        void theStepPositionCountsEveryKindOfStep() {
            CascadeBuilder<String, String> b = base("mixed")
                    .rules("faq", dev.cascade.rules.RuleSet.<String, String>firstMatch().rule("r", t -> false, t -> "x")
                            .build())
                    .model("advanced", advanced);
            CascadeConfigurationException e = configError(() -> b.model("cheap", cheap,
                    s -> s.maxOutputTokens(0)));
            assertThat(e.path()).isEqualTo("steps[2].maxOutputTokens");
            assertThat(e.context()).isEqualTo("chain 'mixed', model step 'cheap'");
        }

        @Test
        void lastResortAndLateCompletionGraceErrorsNameTheirPath() {
            assertThat(configError(() -> base("c").lastResort(l -> l.probeOpenBreakers(-1))).path())
                    .isEqualTo("lastResort.probeOpenBreakers");
            assertThat(configError(() -> base("c").lastResort(l -> l.maxWait(Duration.ofSeconds(-1)))).path())
                    .isEqualTo("lastResort.maxWait");
            assertThat(configError(() -> base("c").lateCompletionGrace(Duration.ofSeconds(-1))).path())
                    .isEqualTo("lateCompletionGrace");
        }

        @Test
        void aSecondAdmissionHookNamesThePath() {
            Budget budget = Budget.builder().perRequest(Money.usd("1")).build();
            CascadeBuilder<String, String> b = base("adm").budget(budget);
            CascadeConfigurationException e = configError(() -> b.admission(r -> dev.cascade.spi.StepAdmission.ADMITTED));
            assertThat(e.path()).isEqualTo("admission");
            assertThat(e.getMessage()).contains("Fix: call admission(...) or budget(...) once");
        }
    }

    @Nested
    class Budgets {

        @Test
        void limitsTakeMoney() {
            Budget b = Budget.builder().perRequest(Money.usd("0.05")).perDay(Money.usd("200"))
                    .limit(Scope.TENANT, Window.DAY, Money.ofMicros(5_000_000))
                    .softLimit(Scope.CHAIN, Window.HOUR, Money.usd("10")).build();
            assertThat(b.hardLimits()).extracting(Budget.Limit::amount)
                    .containsExactly(Money.usd("200"), Money.usd("5"));
            assertThat(b.softLimits()).extracting(Budget.Limit::amount).containsExactly(Money.usd("10"));
        }

        @Test
        void aStringThatIsNotAnAmountFailsNamingTheFieldTheValueAndTheFix() {
            CascadeConfigurationException e = configError(() -> Budget.builder().perRequest("five cents"));
            assertThat(e.path()).isEqualTo("budget.perRequest");
            assertThat(e.value()).isEqualTo("five cents");
            assertThat(e.getMessage()).contains("'five cents'").contains("Fix: write US dollars as a decimal");
        }

        @Test
        void tooManyDecimalsOrANonPositiveLimitFailNamingTheLimit() {
            assertThat(configError(() -> Budget.builder().perDay("0.0000001")).path())
                    .isEqualTo("budget.limit.CHAIN.DAY");
            CascadeConfigurationException zero = configError(() -> Budget.builder()
                    .limit(Scope.TENANT, Window.MONTH, Money.ZERO));
            assertThat(zero.path()).isEqualTo("budget.limit.TENANT.MONTH");
            assertThat(zero.value()).isEqualTo(Money.ZERO);
            assertThat(configError(() -> Budget.builder().headroom("advanced", "-1")).path())
                    .isEqualTo("budget.headroom.advanced");
        }

        @Test
        void aBudgetWithNoLimitFailsAtBuild() {
            CascadeConfigurationException e = configError(() -> Budget.builder().build());
            assertThat(e.path()).isEqualTo("budget");
            assertThat(e.getMessage()).contains("Fix: set perRequest(...), limit(...), perDay(...) or softLimit(...)");
        }
    }

    @Test
    void cascadeExceptionIsTheRootOfCascadesExceptions() {
        assertThat(CascadeException.class).isAssignableFrom(NoAnswerException.class)
                .isAssignableFrom(CascadeConfigurationException.class)
                .isAssignableFrom(ReviewConflictException.class)
                .isAssignableFrom(ReviewStoreException.class)
                .isAssignableFrom(BudgetLedgerException.class);
        assertThat(RuntimeException.class).isAssignableFrom(CascadeException.class);
    }

    @Test
    void orElseThrowThrowsNoAnswerNamingTheChainAndLastStep() {
        Cascade<String, String> chain = base("fails").model("advanced", ScriptedModel.failing("gpt-big", new java.io.IOException("down"))).build();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> chain.execute("q").orElseThrow());
        assertThat(t).isInstanceOf(NoAnswerException.class);
        NoAnswerException e = (NoAnswerException) t;
        assertThat(e.chain()).isEqualTo("fails");
        assertThat(e.step()).isEqualTo("advanced");
    }
}
