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
import dev.cascade.spi.CascadeListener;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The share of model answers the quality gate rejects, per chain and step, over windows of 100 answers. */
class AcceptanceRateWatcherTest {

    private final List<Anomaly> seen = new CopyOnWriteArrayList<>();
    private final CascadeListener collector = new CascadeListener() {
        @Override
        public void onAnomaly(Anomaly event) {
            seen.add(event);
        }
    };
    private final AcceptanceRateWatcher watcher = AcceptanceRateWatcher.builder().listener(collector).build();
    private final ExecutionInfo triage = new ExecutionInfo("triage", "x", CallContext.empty(), Context.root(), 0);

    private static AttemptFinished finished(ExecutionInfo x, String step, StepKind kind, Attempt.Status status) {
        FailureKind failure = status == Attempt.Status.REJECTED ? FailureKind.REJECTED : null;
        return new AttemptFinished(x, new Attempt(step, kind, 1, status, failure,
                failure == null ? null : "failed the accept gate", Duration.ZERO, Duration.ZERO, Usage.of(10, 10),
                "gpt-4o", "stop", Money.ZERO), null);
    }

    /** One window of 100 answers of the step, {@code rejected} of them rejected (spread through the window). */
    private void window(String step, int rejected) {
        for (int i = 0; i < 100; i++) {
            boolean reject = i * rejected / 100 != (i + 1) * rejected / 100;
            watcher.onAttemptFinished(finished(triage, step, StepKind.MODEL,
                    reject ? Attempt.Status.REJECTED : Attempt.Status.ANSWERED));
        }
    }

    @Test
    void aStableTenPercentRejectionRaisesNothing() {
        for (int w = 0; w < 8; w++) {
            window("advanced", w % 2 == 0 ? 10 : 12);
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void aRiseToFortyPercentRaises() {
        for (int w = 0; w < 4; w++) {
            window("advanced", 10);
        }
        window("advanced", 40);

        assertThat(seen).hasSize(1);
        Anomaly a = seen.get(0);
        assertThat(a.watcher()).isEqualTo("acceptance-rate");
        assertThat(a.subject()).isEqualTo("triage/advanced");
        assertThat(a.value()).isEqualTo(0.40);
        assertThat(a.baseline()).isCloseTo(0.10, within(1e-12));
        assertThat(a.message()).contains("40 of the last 100 answers of triage/advanced were rejected");
    }

    @Test
    void driftBelowTheCeilingRaisesWhenItPassesBothTheMultipleAndTheMargin() {
        for (int w = 0; w < 3; w++) {
            window("advanced", 10);
            window("cheap", 10);
        }
        window("advanced", 18); // under 2 x 10%: wobble
        assertThat(seen).isEmpty();

        window("cheap", 25); // over 2 x 10% and over 10% + 5 points, under the 30% ceiling
        assertThat(seen).extracting(Anomaly::value).containsExactly(0.25);
        assertThat(seen.get(0).message()).contains("drifted above 2.0x its baseline");
    }

    @Test
    void theMarginKeepsALowBaselineQuiet() {
        for (int w = 0; w < 3; w++) {
            window("advanced", 1);
        }
        window("advanced", 4); // 4x a 1% baseline, but only 3 points more
        assertThat(seen).isEmpty();
    }

    @Test
    void driftNeedsThreeEarlierWindowsButTheCeilingDoesNot() {
        window("advanced", 10);
        window("advanced", 10);
        window("advanced", 25);
        assertThat(seen).isEmpty();

        window("cheap", 35);
        assertThat(seen).extracting(Anomaly::subject).containsExactly("triage/cheap");
        assertThat(seen).extracting(Anomaly::baseline).containsExactly(0.30);
    }

    @Test
    void stepsAreWatchedSeparately() {
        for (int w = 0; w < 3; w++) {
            window("advanced", 10);
            window("cheap", 10);
        }
        window("cheap", 40);
        window("advanced", 10);

        assertThat(seen).extracting(Anomaly::subject).containsExactly("triage/cheap");
    }

    @Test
    void onlyModelAnswersCount() {
        for (int i = 0; i < 100; i++) {
            watcher.onAttemptFinished(finished(triage, "faq", StepKind.RULES, Attempt.Status.PASSED));
            watcher.onAttemptFinished(finished(triage, "custom", StepKind.CUSTOM, Attempt.Status.REJECTED));
            watcher.onAttemptFailed(new AttemptFailed(triage, new Attempt("advanced", StepKind.MODEL, 1,
                    Attempt.Status.FAILED, FailureKind.UNAVAILABLE, "503", Duration.ZERO, Duration.ZERO, Usage.NONE,
                    null, null, Money.ZERO), null, false));
            watcher.onAttemptFinished(finished(triage, "advanced", StepKind.MODEL, Attempt.Status.ANSWERED));
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void aListenerThatThrowsIsIgnored() {
        AcceptanceRateWatcher w = AcceptanceRateWatcher.builder().windowSize(1)
                .listener(new CascadeListener() {
                    @Override
                    public void onAnomaly(Anomaly event) {
                        throw new IllegalStateException("broken listener");
                    }
                })
                .listener(collector).build();
        w.onAttemptFinished(finished(triage, "advanced", StepKind.MODEL, Attempt.Status.REJECTED));
        assertThat(seen).hasSize(1);
    }

    @Test
    void badSettingsFailNamingTheFieldAndValue() {
        assertThatThrownBy(() -> AcceptanceRateWatcher.builder().windowSize(-5))
                .hasMessage("windowSize must be >= 1, was -5");
        assertThatThrownBy(() -> AcceptanceRateWatcher.builder().multiple(0.5))
                .hasMessage("multiple must be > 1 and finite, was 0.5");
        assertThatThrownBy(() -> AcceptanceRateWatcher.builder().margin(1))
                .hasMessage("margin must be in [0, 1), was 1.0");
        assertThatThrownBy(() -> AcceptanceRateWatcher.builder().ceiling(0))
                .hasMessage("ceiling must be in (0, 1], was 0.0");
        assertThatThrownBy(() -> AcceptanceRateWatcher.builder().alpha(Double.NaN))
                .hasMessage("alpha must be in (0, 1], was NaN");
    }
}
