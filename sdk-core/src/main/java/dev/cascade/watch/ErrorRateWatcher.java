package dev.cascade.watch;

import dev.cascade.api.Attempt;
import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.FailureKind;
import dev.cascade.event.Anomaly;
import dev.cascade.event.AttemptFailed;
import dev.cascade.event.AttemptFinished;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Watches the share of model calls that fail, per chain and model step, and raises an {@link Anomaly} (watcher
 * {@value #WATCHER}, subject {@code chain/step}) when it is too high. Add it to chains as a listener:
 * {@code Cascade.builder("triage")...listener(ErrorRateWatcher.builder().listener(alerts).build())}.
 *
 * <p><b>What counts.</b> A call is a model attempt that reached the model ({@link Attempt#calledModel()}). It failed
 * when it ends in {@link AttemptFailed}, except {@link FailureKind#CANCELLED} (the caller gave up; the model did not
 * fail), which is not counted at all. Answers ({@code ANSWERED}) and answers the quality gate refused
 * ({@code REJECTED}) are successful calls. Skips (circuit open, no permit, over budget) called nothing and are not
 * counted; nor are retries' schedules, only each retry's own call.
 *
 * <p><b>Windows.</b> Tumbling windows of {@link Builder#windowSize} calls per step, not of time: every verdict weighs
 * the same number of calls, a quiet step is never judged on three calls, and no clock is needed. The price is that a
 * step with little traffic is judged later; give such a step's watcher a smaller window. When a window closes, its
 * failure rate {@code r} is judged once, then folded into the step's baseline: the EWMA of the earlier windows' rates
 * (weight {@link Builder#alpha}). The window is an anomaly when either rule holds:
 * <ul>
 *   <li><b>baseline</b>: at least 3 earlier windows, and {@code r > multiple × max(baseline, minimumBaseline)}; the
 *       event's {@code baseline} is then the EWMA;</li>
 *   <li><b>threshold</b>: {@code r > threshold}, from the first window on; the event's {@code baseline} is then the
 *       threshold.</li>
 * </ul>
 * At most one event per window. Every window joins the baseline, anomalous or not, so a lasting change becomes the
 * new normal for the baseline rule; the threshold rule keeps firing while the rate stays above it.
 *
 * <p>Defaults: window 100 calls, threshold 5%, multiple 3, minimum baseline 1%, alpha 0.3, no listener. Thread-safe:
 * one lock per step, and listeners are called outside it, on the thread whose call closed the window. A listener
 * that throws is ignored.
 */
public final class ErrorRateWatcher implements CascadeListener {
    /** The {@link Anomaly#watcher()} of this watcher's events. */
    public static final String WATCHER = "error-rate";

    private final int windowSize;
    private final double threshold;
    private final double multiple;
    private final double minimumBaseline;
    private final double alpha;
    private final Events events;
    private final RateWindow.PerSubject steps;

    private ErrorRateWatcher(Builder b) {
        this.windowSize = b.windowSize;
        this.threshold = b.threshold;
        this.multiple = b.multiple;
        this.minimumBaseline = b.minimumBaseline;
        this.alpha = b.alpha;
        this.events = new Events(b.listeners);
        this.steps = new RateWindow.PerSubject(windowSize, alpha);
    }

    /** How many subjects ({@code chain/step}) this watcher keeps a window for. */
    int subjectCount() {
        return steps.size();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onAttemptFinished(AttemptFinished event) {
        Attempt a = event.attempt();
        if (a.calledModel() && (a.status() == Attempt.Status.ANSWERED || a.status() == Attempt.Status.REJECTED)) {
            observe(event.execution(), a, false);
        }
    }

    @Override
    public void onAttemptFailed(AttemptFailed event) {
        Attempt a = event.attempt();
        if (a.calledModel() && a.failure() != FailureKind.CANCELLED) {
            observe(event.execution(), a, true);
        }
    }

    private void observe(ExecutionInfo execution, Attempt attempt, boolean failed) {
        String subject = execution.chain() + "/" + attempt.step();
        RateWindow.Closed closed = steps.add(subject, failed);
        if (closed != null) {
            judge(subject, closed);
        }
    }

    private void judge(String subject, RateWindow.Closed w) {
        double rate = w.share();
        double expected = Math.max(w.baseline(), minimumBaseline);
        boolean overBaseline = w.earlier() >= 3 && rate > multiple * expected;
        if (!overBaseline && rate <= threshold) {
            return;
        }
        String message = String.format(Locale.ROOT,
                "%d of the last %d calls of %s failed (%.1f%%): %s (baseline %.1f%% over %d windows, threshold %.1f%%)",
                w.hits(), w.size(), subject, 100 * rate,
                overBaseline ? "more than " + multiple + "x its baseline" : "above the threshold",
                100 * w.baseline(), w.earlier(), 100 * threshold);
        events.fire(CascadeListener::onAnomaly,
                new Anomaly(WATCHER, subject, rate, overBaseline ? w.baseline() : threshold, message));
    }

    /** Configures an {@link ErrorRateWatcher}. Not thread-safe; {@code build()} copies, so it can be reused. */
    public static final class Builder {
        private int windowSize = 100;
        private double threshold = 0.05;
        private double multiple = 3.0;
        private double minimumBaseline = 0.01;
        private double alpha = 0.3;
        private final List<CascadeListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** Calls per window and step. Default: 100. Must be >= 1. */
        public Builder windowSize(int calls) {
            if (calls < 1) {
                throw new CascadeConfigurationException("errorRateWatcher.windowSize", calls,
                        "must be >= 1, was " + calls, "use a value >= 1");
            }
            this.windowSize = calls;
            return this;
        }

        /** The failure rate above which any window is an anomaly. Default: 0.05 (5%). Must be in (0, 1]. */
        public Builder threshold(double rate) {
            if (!(rate > 0 && rate <= 1)) {
                throw new CascadeConfigurationException("errorRateWatcher.threshold", rate,
                        "must be in (0, 1], was " + rate, "use a value in (0, 1]");
            }
            this.threshold = rate;
            return this;
        }

        /** How many times its baseline a window's rate must exceed. Default: 3. Must be > 1. */
        public Builder multiple(double multiple) {
            if (!(multiple > 1) || Double.isInfinite(multiple)) {
                throw new CascadeConfigurationException("errorRateWatcher.multiple", multiple,
                        "must be > 1 and finite, was " + multiple, "use a value > 1 and finite");
            }
            this.multiple = multiple;
            return this;
        }

        /**
         * The least baseline the multiple rule compares with, so that after a run of clean windows a couple of
         * failures are not an anomaly. Default: 0.01 (1%). Must be in [0, 1).
         */
        public Builder minimumBaseline(double rate) {
            if (!(rate >= 0 && rate < 1)) {
                throw new CascadeConfigurationException("errorRateWatcher.minimumBaseline", rate,
                        "must be in [0, 1), was " + rate, "use a value in [0, 1)");
            }
            this.minimumBaseline = rate;
            return this;
        }

        /** The weight of the newest window in the baseline. Default: 0.3. Must be in (0, 1]. */
        public Builder alpha(double alpha) {
            this.alpha = Ewma.requireAlpha("errorRateWatcher", alpha);
            return this;
        }

        /** Receives the {@link Anomaly} events ({@link CascadeListener#onAnomaly}). Add as many as needed. */
        public Builder listener(CascadeListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public ErrorRateWatcher build() {
            return new ErrorRateWatcher(this);
        }
    }

    @Override
    public String toString() {
        return "ErrorRateWatcher[windowSize=" + windowSize + ", threshold=" + threshold + ", multiple=" + multiple
                + ", minimumBaseline=" + minimumBaseline + ", alpha=" + alpha + "]";
    }
}
