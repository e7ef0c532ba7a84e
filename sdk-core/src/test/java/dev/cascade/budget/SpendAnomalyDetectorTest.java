package dev.cascade.budget;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.event.Anomaly;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelClient;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Spend per account and period against an EWMA baseline, on a clock the test moves by hand. */
class SpendAnomalyDetectorTest {

    /** A clock the test sets; no sleeping. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final List<Anomaly> seen = new CopyOnWriteArrayList<>();
    private final CascadeListener collector = new CascadeListener() {
        @Override
        public void onAnomaly(Anomaly event) {
            seen.add(event);
        }
    };

    private SpendAnomalyDetector.Builder chainHourly() {
        return SpendAnomalyDetector.builder().watch(Scope.CHAIN, Window.HOUR).clock(clock).listener(collector);
    }

    private static ExecutionInfo execution(String chain, String tenant) {
        CallContext ctx = tenant == null ? CallContext.empty() : CallContext.empty().withTenant(tenant);
        return new ExecutionInfo(chain, "x", ctx, Context.root(), 0);
    }

    private static AttemptFinished answered(ExecutionInfo x, String usd) {
        return new AttemptFinished(x, new Attempt("advanced", StepKind.MODEL, 1, Attempt.Status.ANSWERED, null, null,
                Duration.ZERO, Duration.ZERO, Usage.of(400, 200), "gpt-4o", "stop", Money.usd(usd)), null);
    }

    private static AttemptFailed failed(ExecutionInfo x, String usd) {
        return new AttemptFailed(x, new Attempt("advanced", StepKind.MODEL, 1, Attempt.Status.FAILED,
                FailureKind.TIMEOUT, "timed out", Duration.ZERO, Duration.ZERO, Usage.NONE, null, null,
                Money.usd(usd)), null, false);
    }

    /** Spends {@code usd} in the hour {@code hour} after T0, in four equal attempts of the chain "triage". */
    private void spendInHour(SpendAnomalyDetector d, int hour, String usd) {
        spendInHour(d, execution("triage", null), hour, usd);
    }

    private void spendInHour(SpendAnomalyDetector d, ExecutionInfo x, int hour, String usd) {
        Money quarter = Money.ofMicros(Money.usd(usd).micros() / 4);
        for (int i = 0; i < 4; i++) {
            clock.set(T0.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(10L * i)));
            d.onAttemptFinished(answered(x, quarter.toUsd().toPlainString()));
        }
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void aChainWhoseTrafficQuadruplesIsReportedWithinTheHour(boolean async) {
        ModelClient gpt4o = new ModelClient() {
            @Override
            public ModelResponse call(ModelRequest request) {
                return new ModelResponse("ok", Usage.of(400, 200), "stop", "gpt-4o"); // $0.003 a call
            }

            @Override
            public String model() {
                return "gpt-4o";
            }
        };
        Budget budget = Budget.builder().limit(Scope.GLOBAL, Window.MONTH, "1000.00").clock(clock).build();
        SpendAnomalyDetector detector = chainHourly().minimumSpend("0.01").build();
        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", gpt4o).budget(budget).listener(detector).build();
        for (int hour = 0; hour < 4; hour++) {
            int calls = hour < 3 ? 10 : 40;
            for (int i = 0; i < calls; i++) {
                clock.set(T0.plus(Duration.ofHours(hour)).plus(Duration.ofSeconds(i)));
                String answer = async ? chain.executeAsync("hello").join().answer().orElseThrow()
                        : chain.execute("hello").answer().orElseThrow();
                assertThat(answer).isEqualTo("ok");
            }
        }

        // $0.03 an hour, then the running total passes 1.5 x $0.03 at the 16th call of hour 3.
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).subject()).isEqualTo("chain:triage|HOUR|2026-11-28T13");
        assertThat(seen.get(0).value()).isCloseTo(0.048, within(1e-9));
        assertThat(seen.get(0).baseline()).isCloseTo(0.03, within(1e-9));
    }

    @Test
    void noVerdictWithFewerThanThreeEarlierPeriods() {
        SpendAnomalyDetector d = chainHourly().build();
        spendInHour(d, 0, "2.00");
        spendInHour(d, 1, "2.00");
        spendInHour(d, 2, "80.00"); // 40x, but only two periods of history
        d.evaluate(T0.plus(Duration.ofHours(3)));

        assertThat(seen).isEmpty();
    }

    @Test
    void steadySpendRaisesNothing() {
        SpendAnomalyDetector d = chainHourly().build();
        for (int hour = 0; hour < 12; hour++) {
            spendInHour(d, hour, hour % 2 == 0 ? "2.00" : "2.40");
        }
        d.evaluate(T0.plus(Duration.ofHours(12)));

        assertThat(seen).isEmpty();
    }

    @Test
    void aSpikeRaisesExactlyOneAnomalyWhenItsPeriodCloses() {
        SpendAnomalyDetector d = chainHourly().earlyWarning(false).build();
        for (int hour = 0; hour < 5; hour++) {
            spendInHour(d, hour, "2.00");
        }
        spendInHour(d, 5, "10.00");
        assertThat(seen).as("the spike's hour is still open").isEmpty();

        spendInHour(d, 6, "2.00"); // the first spend of hour 6 closes hour 5
        d.evaluate(T0.plus(Duration.ofHours(7)));

        assertThat(seen).hasSize(1);
        Anomaly a = seen.get(0);
        assertThat(a.watcher()).isEqualTo("spend");
        assertThat(a.subject()).isEqualTo("chain:triage|HOUR|2026-11-28T15");
        assertThat(a.value()).isEqualTo(10.0);
        assertThat(a.baseline()).isEqualTo(2.0);
        assertThat(a.message()).contains("$10.00", "chain:triage|HOUR|2026-11-28T15", "baseline $2.00");
    }

    @Test
    void earlyWarningRaisesOnceBeforeThePeriodEndsAndNotAgainWhenItCloses() {
        SpendAnomalyDetector d = chainHourly().build();
        for (int hour = 0; hour < 5; hour++) {
            spendInHour(d, hour, "2.00");
        }
        ExecutionInfo x = execution("triage", null);
        clock.set(T0.plus(Duration.ofHours(5)));
        d.onAttemptFinished(answered(x, "2.90"));
        assertThat(seen).as("$2.90 is under 1.5 x $2.00").isEmpty();
        d.onAttemptFinished(answered(x, "0.20"));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).value()).isEqualTo(3.10);
        assertThat(seen.get(0).message()).contains("so far", "before the period ended");

        d.onAttemptFinished(answered(x, "5.00"));
        d.evaluate(T0.plus(Duration.ofHours(6)));
        assertThat(seen).as("one event per account and period").hasSize(1);
    }

    @Test
    void evaluateClosesAPeriodThatHadNoTrafficAfterIt() {
        SpendAnomalyDetector d = chainHourly().earlyWarning(false).build();
        for (int hour = 0; hour < 3; hour++) {
            spendInHour(d, hour, "2.00");
        }
        spendInHour(d, 3, "9.00");

        d.evaluate(T0.plus(Duration.ofMinutes(3 * 60 + 59)));
        assertThat(seen).as("hour 3 has not ended yet").isEmpty();
        d.evaluate(T0.plus(Duration.ofHours(4)));
        assertThat(seen).extracting(Anomaly::subject).containsExactly("chain:triage|HOUR|2026-11-28T13");
        d.evaluate(T0.plus(Duration.ofHours(5)));
        assertThat(seen).hasSize(1);
    }

    @Test
    void tenantsAreJudgedSeparately() {
        SpendAnomalyDetector d = SpendAnomalyDetector.builder().watch(Scope.TENANT, Window.HOUR).clock(clock)
                .listener(collector).earlyWarning(false).build();
        ExecutionInfo acme = execution("triage", "acme");
        ExecutionInfo globex = execution("triage", "globex");
        ExecutionInfo noTenant = execution("triage", null);
        for (int hour = 0; hour < 4; hour++) {
            spendInHour(d, acme, hour, "2.00");
            spendInHour(d, globex, hour, "20.00");
            spendInHour(d, noTenant, hour, "5.00");
        }
        spendInHour(d, acme, 4, "12.00");    // a spike for acme, still far below what globex spends
        spendInHour(d, globex, 4, "20.00");
        spendInHour(d, noTenant, 4, "500.00"); // no tenant: not any tenant's spend
        d.evaluate(T0.plus(Duration.ofHours(5)));

        assertThat(seen).extracting(Anomaly::subject).containsExactly("tenant:acme|HOUR|2026-11-28T14");
        assertThat(seen.get(0).value()).isEqualTo(12.0);
    }

    @Test
    void byDefaultEveryScopeIsWatchedHourlyAndDaily() {
        SpendAnomalyDetector d = SpendAnomalyDetector.builder().clock(clock).listener(collector).build();
        ExecutionInfo acme = execution("triage", "acme");
        for (int hour = 0; hour < 4; hour++) {
            spendInHour(d, acme, hour, "2.00");
        }
        spendInHour(d, acme, 4, "10.00"); // early warning: raised within the hour; the day has no history yet

        assertThat(seen).extracting(Anomaly::subject).containsExactlyInAnyOrder("chain:triage|HOUR|2026-11-28T14",
                "tenant:acme|HOUR|2026-11-28T14", "global|HOUR|2026-11-28T14");
    }

    @Test
    void failedAttemptsThatWereBilledCount() {
        SpendAnomalyDetector d = chainHourly().earlyWarning(false).build();
        for (int hour = 0; hour < 3; hour++) {
            spendInHour(d, hour, "2.00");
        }
        ExecutionInfo x = execution("triage", null);
        clock.set(T0.plus(Duration.ofHours(3)));
        for (int i = 0; i < 5; i++) {
            d.onAttemptFailed(failed(x, "2.00"));
        }
        d.evaluate(T0.plus(Duration.ofHours(4)));

        assertThat(seen).extracting(Anomaly::value).containsExactly(10.0);
    }

    @Test
    void windowsAlignToTheConfiguredZone() {
        SpendAnomalyDetector d = SpendAnomalyDetector.builder().watch(Scope.GLOBAL, Window.DAY)
                .zone(ZoneId.of("Europe/Berlin")).clock(clock).listener(collector).earlyWarning(false).build();
        ExecutionInfo x = execution("triage", null);
        // 23:30 UTC is already the next day in Berlin (UTC+1 in November).
        Instant lateEvening = Instant.parse("2026-11-24T23:30:00Z");
        for (int day = 0; day < 4; day++) {
            clock.set(lateEvening.plus(Duration.ofDays(day)));
            d.onAttemptFinished(answered(x, day == 3 ? "30.00" : "5.00"));
        }
        d.evaluate(lateEvening.plus(Duration.ofDays(4)));

        assertThat(seen).extracting(Anomaly::subject).containsExactly("global|DAY|2026-11-28");
    }

    @Test
    void spendBelowTheMinimumIsNeverAnAnomaly() {
        SpendAnomalyDetector d = chainHourly().earlyWarning(false).build();
        for (int hour = 0; hour < 4; hour++) {
            spendInHour(d, hour, "0.04");
        }
        spendInHour(d, 4, "0.80"); // 20x a flat baseline, but under the $1.00 default minimum
        d.evaluate(T0.plus(Duration.ofHours(5)));
        assertThat(seen).isEmpty();

        SpendAnomalyDetector noFloor = chainHourly().earlyWarning(false).minimumSpend("0").build();
        for (int hour = 10; hour < 14; hour++) {
            spendInHour(noFloor, hour, "0.04");
        }
        spendInHour(noFloor, 14, "0.80");
        noFloor.evaluate(T0.plus(Duration.ofHours(15)));
        assertThat(seen).extracting(Anomaly::value).containsExactly(0.80);
    }

    @Test
    void aListenerThatThrowsIsIgnored() {
        SpendAnomalyDetector d = SpendAnomalyDetector.builder().watch(Scope.CHAIN, Window.HOUR).clock(clock)
                .earlyWarning(false)
                .listener(new CascadeListener() {
                    @Override
                    public void onAnomaly(Anomaly event) {
                        throw new IllegalStateException("broken listener");
                    }
                })
                .listener(collector).build();
        for (int hour = 0; hour < 3; hour++) {
            spendInHour(d, hour, "2.00");
        }
        spendInHour(d, 3, "10.00");
        spendInHour(d, 4, "2.00");

        assertThat(seen).hasSize(1);
    }

    @Test
    void concurrentSpendIsSummedExactly() throws Exception {
        SpendAnomalyDetector d = chainHourly().earlyWarning(false).build();
        for (int hour = 0; hour < 3; hour++) {
            spendInHour(d, hour, "2.00");
        }
        clock.set(T0.plus(Duration.ofHours(3)));
        ExecutionInfo x = execution("triage", null);
        int threads = 8;
        int each = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    d.onAttemptFinished(answered(x, "0.000777"));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        d.evaluate(T0.plus(Duration.ofHours(4)));

        // 16,000 x $0.000777 = $12.432 exactly: no lost update.
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).value()).isCloseTo(12.432, within(1e-9));
    }

    @Test
    void badSettingsFailNamingTheFieldAndValue() {
        assertThatThrownBy(() -> SpendAnomalyDetector.builder().alpha(0))
                .hasMessage("alpha must be in (0, 1], was 0.0");
        assertThatThrownBy(() -> SpendAnomalyDetector.builder().sigmas(-1))
                .hasMessage("sigmas must be > 0 and finite, was -1.0");
        assertThatThrownBy(() -> SpendAnomalyDetector.builder().margin(Double.NaN))
                .hasMessage("margin must be >= 0 and finite, was NaN");
        assertThatThrownBy(() -> SpendAnomalyDetector.builder().minimumSpend("-1"))
                .hasMessage("minimumSpend must be >= 0, was -$1.00");
        assertThatThrownBy(() -> SpendAnomalyDetector.builder().minimumSpend("lots"))
                .hasMessageStartingWith("minimumSpend: amount must be a decimal number");
        assertThatThrownBy(() -> SpendAnomalyDetector.builder().zone(null)).hasMessage("zone");
        assertThatThrownBy(() -> SpendAnomalyDetector.builder().watch(null, Window.DAY)).hasMessage("scope");
    }
}
