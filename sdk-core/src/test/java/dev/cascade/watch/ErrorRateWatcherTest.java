package dev.cascade.watch;

import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.event.Anomaly;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.event.StepSkipped;
import dev.cascade.spi.CascadeListener;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Failure rates per chain and model step, over windows of 100 calls (the default). */
class ErrorRateWatcherTest {

    private final List<Anomaly> seen = new CopyOnWriteArrayList<>();
    private final CascadeListener collector = new CascadeListener() {
        @Override
        public void onAnomaly(Anomaly event) {
            seen.add(event);
        }
    };
    private final ErrorRateWatcher watcher = ErrorRateWatcher.builder().listener(collector).build();
    private final ExecutionInfo triage = new ExecutionInfo("triage", "x", CallContext.empty(), Context.root(), 0);

    private static Attempt attempt(String step, int number, Attempt.Status status, FailureKind kind) {
        return new Attempt(step, StepKind.MODEL, number, status, kind, kind == null ? null : kind.name(),
                Duration.ZERO, Duration.ZERO, Usage.NONE, null, null, Money.ZERO);
    }

    private void answered(String step, int n) {
        for (int i = 0; i < n; i++) {
            watcher.onAttemptFinished(new AttemptFinished(triage, attempt(step, 1, Attempt.Status.ANSWERED, null),
                    null));
        }
    }

    private void rejected(String step, int n) {
        for (int i = 0; i < n; i++) {
            watcher.onAttemptFinished(new AttemptFinished(triage,
                    attempt(step, 1, Attempt.Status.REJECTED, FailureKind.REJECTED), null));
        }
    }

    private void failed(String step, int n, FailureKind kind) {
        for (int i = 0; i < n; i++) {
            watcher.onAttemptFailed(new AttemptFailed(triage, attempt(step, 1, Attempt.Status.FAILED, kind),
                    new RuntimeException("boom"), false));
        }
    }

    /** One window of 100 calls on the step with {@code failures} failures. */
    private void window(String step, int failures) {
        failed(step, failures, FailureKind.UNAVAILABLE);
        answered(step, 100 - failures);
    }

    @Test
    void ratesAtOrBelowTheThresholdRaiseNothing() {
        for (int w = 0; w < 6; w++) {
            window("advanced", w % 2 == 0 ? 4 : 5);
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void aRateAboveFivePercentRaisesOneEventForItsWindow() {
        window("advanced", 6);

        assertThat(seen).hasSize(1);
        Anomaly a = seen.get(0);
        assertThat(a.watcher()).isEqualTo("error-rate");
        assertThat(a.subject()).isEqualTo("triage/advanced");
        assertThat(a.value()).isEqualTo(0.06);
        assertThat(a.baseline()).as("no baseline yet: the threshold").isEqualTo(0.05);
        assertThat(a.message()).contains("6 of the last 100 calls of triage/advanced failed");

        answered("advanced", 99);
        assertThat(seen).as("the next window is still open").hasSize(1);
    }

    @Test
    void aRiseToThreeTimesALowBaselineRaisesThroughTheMultipleRule() {
        for (int w = 0; w < 3; w++) {
            window("advanced", 1);
        }
        window("advanced", 4); // 4% is under the 5% threshold, but more than 3 x 1%

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).value()).isEqualTo(0.04);
        assertThat(seen.get(0).baseline()).isCloseTo(0.01, within(1e-12));
        assertThat(seen.get(0).message()).contains("more than 3.0x its baseline");
    }

    @Test
    void theMultipleRuleWaitsForThreeWindows() {
        window("advanced", 1);
        window("advanced", 1);
        window("advanced", 4);
        assertThat(seen).isEmpty();
    }

    @Test
    void theMultipleRuleComparesWithAtLeastTheMinimumBaseline() {
        for (int w = 0; w < 3; w++) {
            window("advanced", 0);
        }
        window("advanced", 2); // 2% after clean windows: under 3 x 1% (the minimum baseline)
        assertThat(seen).isEmpty();
        window("advanced", 4); // baseline is now ~0.6%, so 3 x max(0.6%, 1%) = 3% < 4%
        assertThat(seen).extracting(Anomaly::value).containsExactly(0.04);
    }

    @Test
    void skipsAndCancellationsAreNotCalls() {
        for (int i = 0; i < 10; i++) {
            watcher.onStepSkipped(new StepSkipped(triage,
                    attempt("advanced", 0, Attempt.Status.SKIPPED, FailureKind.CIRCUIT_OPEN)));
            // A timeout before the call started: the engine reports it as a failure with number 0.
            watcher.onAttemptFailed(new AttemptFailed(triage,
                    attempt("advanced", 0, Attempt.Status.FAILED, FailureKind.TIMEOUT), null, false));
            failed("advanced", 1, FailureKind.CANCELLED);
        }
        answered("advanced", 90);
        failed("advanced", 6, FailureKind.RATE_LIMITED);
        assertThat(seen).as("96 calls so far").isEmpty();
        answered("advanced", 4);

        assertThat(seen).extracting(Anomaly::value).containsExactly(0.06);
    }

    @Test
    void rejectedAnswersAreSuccessfulCalls() {
        answered("advanced", 80);
        rejected("advanced", 14);
        failed("advanced", 6, FailureKind.TIMEOUT);

        assertThat(seen).extracting(Anomaly::value).containsExactly(0.06);
    }

    @Test
    void stepsAndChainsAreWatchedSeparately() {
        ExecutionInfo other = new ExecutionInfo("billing", "y", CallContext.empty(), Context.root(), 0);
        for (int i = 0; i < 100; i++) {
            watcher.onAttemptFailed(new AttemptFailed(other,
                    attempt("advanced", 1, Attempt.Status.FAILED, FailureKind.UNAVAILABLE), null, false));
        }
        failed("advanced", 50, FailureKind.UNAVAILABLE);
        answered("cheap", 100);
        answered("advanced", 50);

        assertThat(seen).extracting(Anomaly::subject).containsExactly("billing/advanced", "triage/advanced");
        assertThat(seen).extracting(Anomaly::value).containsExactly(1.0, 0.5);
    }

    @Test
    void windowSizeAndThresholdAreConfigurable() {
        ErrorRateWatcher w = ErrorRateWatcher.builder().windowSize(10).threshold(0.2).listener(collector).build();
        Attempt failure = attempt("advanced", 1, Attempt.Status.FAILED, FailureKind.UNAVAILABLE);
        Attempt answer = attempt("advanced", 1, Attempt.Status.ANSWERED, null);
        for (int i = 0; i < 10; i++) { // 2 of 10: at the threshold, not above it
            if (i < 2) {
                w.onAttemptFailed(new AttemptFailed(triage, failure, null, false));
            } else {
                w.onAttemptFinished(new AttemptFinished(triage, answer, null));
            }
        }
        assertThat(seen).isEmpty();
        for (int i = 0; i < 3; i++) {
            w.onAttemptFailed(new AttemptFailed(triage, failure, null, false));
        }
        for (int i = 0; i < 7; i++) {
            w.onAttemptFinished(new AttemptFinished(triage, answer, null));
        }
        assertThat(seen).extracting(Anomaly::value).containsExactly(0.3);
        assertThat(seen).extracting(Anomaly::baseline).containsExactly(0.2);
    }

    @Test
    void aListenerThatThrowsIsIgnored() {
        ErrorRateWatcher w = ErrorRateWatcher.builder()
                .listener(new CascadeListener() {
                    @Override
                    public void onAnomaly(Anomaly event) {
                        throw new IllegalStateException("broken listener");
                    }
                })
                .listener(collector).windowSize(1).build();
        w.onAttemptFailed(new AttemptFailed(triage, attempt("advanced", 1, Attempt.Status.FAILED,
                FailureKind.UNAVAILABLE), null, false));
        assertThat(seen).hasSize(1);
    }

    @Test
    void badSettingsFailNamingTheFieldAndValue() {
        assertThatThrownBy(() -> ErrorRateWatcher.builder().windowSize(0)).hasMessage("windowSize must be >= 1, was 0");
        assertThatThrownBy(() -> ErrorRateWatcher.builder().threshold(1.5))
                .hasMessage("threshold must be in (0, 1], was 1.5");
        assertThatThrownBy(() -> ErrorRateWatcher.builder().multiple(1))
                .hasMessage("multiple must be > 1 and finite, was 1.0");
        assertThatThrownBy(() -> ErrorRateWatcher.builder().minimumBaseline(-0.1))
                .hasMessage("minimumBaseline must be in [0, 1), was -0.1");
        assertThatThrownBy(() -> ErrorRateWatcher.builder().alpha(2)).hasMessage("alpha must be in (0, 1], was 2.0");
        assertThatThrownBy(() -> ErrorRateWatcher.builder().listener(null)).hasMessage("listener");
    }
}
