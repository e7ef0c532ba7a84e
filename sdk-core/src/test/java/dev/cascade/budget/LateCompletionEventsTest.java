package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.CascadeBuilder;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.event.LateCompletion;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.StepAdmission;
import dev.cascade.telemetry.CascadeTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the chain does with a call it gave up on that is still running: the reservation stays held (and counts against
 * the per-request ceiling) until the call ends, then is settled on what it reported and a {@link LateCompletion} event
 * and the {@code cascade.late_completions} metric say so; when the grace runs out first, the worst case is settled.
 * Real threads; every wait is a latch or an event queue with a bound.
 */
class LateCompletionEventsTest {

    private static final Pricing PRICE = Pricing.perMillionTokens("2.50", "10.00");
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
    private final CountDownLatch release = new CountDownLatch(1);
    private final BlockingQueue<LateCompletion> late = new LinkedBlockingQueue<>();
    private final Money worst = PRICE.worstCase(100, 100);

    @AfterEach
    void releaseCalls() {
        release.countDown();
    }

    /** Blocks until released (ignoring the interrupt, as a provider does), then answers with 40 in / 60 out. */
    private final class Finisher implements ModelClient {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ModelResponse call(ModelRequest request) {
            if (calls.incrementAndGet() > 1) {
                return new ModelResponse("quick", Usage.of(1, 1), "stop", "fake");
            }
            boolean interrupted = false;
            while (true) {
                try {
                    if (release.await(60, TimeUnit.SECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return new ModelResponse("late", Usage.of(40, 60), "stop", "fake");
        }

        @Override
        public String model() {
            return "fake";
        }
    }

    private Budget.Builder budget() {
        return Budget.builder().limit(Scope.GLOBAL, Window.DAY, "100.00").price("fake", PRICE)
                .estimator(request -> 100).clock(clock);
    }

    private CascadeBuilder<String, String> chain(ModelClient model, Budget budget) {
        return Cascade.<String, String>builder("late-events")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(100))
                .parse(ModelResponse::text)
                .model("advanced", model, s -> s.timeout(Duration.ofMillis(30)))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .budget(budget)
                .listener(new CascadeListener() {
                    @Override
                    public void onLateCompletion(LateCompletion event) {
                        late.add(event);
                    }
                });
    }

    private LateCompletion nextLate() throws InterruptedException {
        LateCompletion e = late.poll(30, TimeUnit.SECONDS);
        assertThat(e).as("a LateCompletion event within 30 s").isNotNull();
        return e;
    }

    private OpenTelemetrySdk sdk;

    @AfterEach
    void closeSdk() {
        if (sdk != null) {
            sdk.close();
        }
    }

    @Test
    void aLateAnswerIsSettledOnItsUsageReportedAsAnEventAndCountedAsAMetric() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
        Budget budget = budget().build();
        Cascade<String, String> chain = chain(new Finisher(), budget)
                .listener(CascadeTelemetry.create(sdk))
                .build();

        Outcome<String> out = chain.execute("hello");
        assertThat(out.answeredBy()).contains("faq");
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(late).as("no event while the call runs").isEmpty();
        release.countDown();

        LateCompletion e = nextLate();
        assertThat(e.result()).isEqualTo(LateCompletion.Result.ANSWERED);
        assertThat(e.step()).isEqualTo("advanced");
        assertThat(e.attempt()).isEqualTo(1);
        assertThat(e.abandonedAs()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(e.usage()).isEqualTo(Usage.of(40, 60));
        assertThat(e.settled()).isEqualTo(PRICE.cost(Usage.of(40, 60)));
        assertThat(e.execution().chain()).isEqualTo("late-events");
        assertThat(budget.spend(Scope.GLOBAL, "", Window.DAY).spent()).isEqualTo(PRICE.cost(Usage.of(40, 60)));

        MetricData metric = reader.collectAllMetrics().stream()
                .filter(m -> m.getName().equals("cascade.late_completions")).findFirst().orElseThrow();
        List<LongPointData> points = List.copyOf(metric.getLongSumData().getPoints());
        assertThat(points).hasSize(1);
        assertThat(points.get(0).getValue()).isEqualTo(1);
        assertThat(points.get(0).getAttributes().get(AttributeKey.stringKey("cascade.late.result")))
                .isEqualTo("answered");
        assertThat(points.get(0).getAttributes().get(AttributeKey.stringKey("cascade.step"))).isEqualTo("advanced");
    }

    @Test
    void whenTheGraceRunsOutTheWorstCaseIsSettledAndALaterEndChangesNothing() throws Exception {
        Budget budget = budget().build();
        Cascade<String, String> chain = chain(new Finisher(), budget)
                .lateCompletionGrace(Duration.ofMillis(100))
                .build();

        chain.execute("hello");
        LateCompletion expired = nextLate();
        assertThat(expired.result()).isEqualTo(LateCompletion.Result.GRACE_EXPIRED);
        assertThat(expired.settled()).isEqualTo(worst);
        assertThat(budget.spend(Scope.GLOBAL, "", Window.DAY).spent()).isEqualTo(worst);
        assertThat(budget.spend(Scope.GLOBAL, "", Window.DAY).reserved()).isEqualTo(Money.ZERO);

        release.countDown();
        LateCompletion after = nextLate();
        assertThat(after.result()).isEqualTo(LateCompletion.Result.ENDED_AFTER_GRACE);
        assertThat(after.usage()).isEqualTo(Usage.of(40, 60));
        assertThat(after.settled()).isEqualTo(Money.ZERO);
        assertThat(budget.spend(Scope.GLOBAL, "", Window.DAY).spent()).as("settled once").isEqualTo(worst);
    }

    @Test
    void aZeroGraceSettlesTheWorstCaseBeforeExecuteReturns() {
        Budget budget = budget().build();
        Cascade<String, String> chain = chain(new Finisher(), budget).lateCompletionGrace(Duration.ZERO).build();

        chain.execute("hello");

        assertThat(budget.spend(Scope.GLOBAL, "", Window.DAY).spent()).isEqualTo(worst);
        assertThat(budget.spend(Scope.GLOBAL, "", Window.DAY).reserved()).isEqualTo(Money.ZERO);
    }

    @Test
    void anAbandonedCallStillRunningCountsAgainstThePerRequestCeiling() {
        // Room for one and a half worst cases: the retry would fit only if the abandoned call counted for nothing.
        Budget budget = budget().perRequest(Money.ofMicros(worst.micros() * 3 / 2).toUsd().toPlainString()).build();
        Cascade<String, String> chain = Cascade.<String, String>builder("ceiling")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(100))
                .parse(ModelResponse::text)
                .model("advanced", new Finisher(), s -> s.timeout(Duration.ofMillis(30))
                        .retry(r -> r.maxAttempts(2).initialBackoff(Duration.ZERO)))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .budget(budget)
                .build();

        Outcome<String> out = chain.execute("hello");

        assertThat(out.attempts()).hasSize(3);
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(out.attempts().get(1).failure()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(out.attempts().get(1).reason()).contains("per-request ceiling");
        assertThat(out.answeredBy()).contains("faq");
    }

    /**
     * A ticket whose {@code reserved()} throws (a non-fatal Error) still has its abandoned call settled, exactly once:
     * the grace starts before user code can throw, and the error does not escape the chain.
     */
    @Test
    void aTicketWhoseReservedThrowsIsStillSettledOnce() throws Exception {
        AtomicInteger settles = new AtomicInteger();
        CountDownLatch settled = new CountDownLatch(1);
        StepAdmission.Ticket ticket = new StepAdmission.Ticket() {
            @Override
            public boolean admitted() {
                return true;
            }

            @Override
            public void settle(Usage usage, FailureKind failure) {
                settles.incrementAndGet();
                settled.countDown();
            }

            @Override
            public Money reserved() {
                throw new AssertionError("reserved() is broken");
            }
        };
        Cascade<String, String> chain = Cascade.<String, String>builder("broken-ticket")
                .prompt(t -> ModelRequest.of(t).withMaxOutputTokens(100))
                .parse(ModelResponse::text)
                .model("advanced", new Finisher(), s -> s.timeout(Duration.ofMillis(30)))
                .rules("faq", RuleSet.<String, String>firstMatch().rule("any", t -> true, t -> "canned").build())
                .admission(r -> ticket)
                .lateCompletionGrace(Duration.ofMillis(100))
                .listener(new CascadeListener() {
                    @Override
                    public void onLateCompletion(LateCompletion event) {
                        late.add(event);
                    }
                })
                .build();

        Outcome<String> out = chain.execute("hello");

        assertThat(out.answeredBy()).contains("faq");
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(settled.await(30, TimeUnit.SECONDS)).as("settled by the grace while the call runs").isTrue();
        assertThat(nextLate().result()).isEqualTo(LateCompletion.Result.GRACE_EXPIRED);
        release.countDown();
        assertThat(nextLate().result()).isEqualTo(LateCompletion.Result.ENDED_AFTER_GRACE);
        assertThat(settles).as("settled exactly once").hasValue(1);
    }

    @Test
    void aNegativeGraceIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> Cascade.<String, String>builder("x").lateCompletionGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lateCompletionGrace must be >= 0, was PT-1S");
        assertThatThrownBy(() -> Cascade.<String, String>builder("x").lateCompletionGrace(Duration.ofDays(200 * 365)
                .multipliedBy(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("lateCompletionGrace is too large");
    }
}
