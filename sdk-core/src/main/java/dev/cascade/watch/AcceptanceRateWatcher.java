package dev.cascade.watch;

import dev.cascade.api.Attempt;
import dev.cascade.api.CascadeConfigurationException;
import dev.cascade.api.StepKind;
import dev.cascade.event.Anomaly;
import dev.cascade.event.AttemptFinished;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Watches the share of a model step's answers that the quality gate (the parser or the accept predicate) rejects,
 * per chain and model step, and raises an {@link Anomaly} (watcher {@value #WATCHER}, subject {@code chain/step})
 * when it drifts up: the model, its prompt or its traffic changed. Add it to chains as a listener.
 *
 * <p><b>What counts.</b> Each model answer: {@link AttemptFinished} of a {@link StepKind#MODEL} step with status
 * {@code REJECTED} (a rejection) or {@code ANSWERED} (accepted). Failed calls, skips and other kinds of step are not
 * answers and are not counted (the {@link ErrorRateWatcher} watches failures).
 *
 * <p><b>Windows.</b> Tumbling windows of {@link Builder#windowSize} answers per step, not of time, so every verdict
 * weighs the same number of answers and no clock is needed (a quiet step is judged later). When a window closes, its
 * rejection share {@code s} is judged once, then folded into the step's baseline: the EWMA of the earlier windows'
 * shares (weight {@link Builder#alpha}). The window is an anomaly when either rule holds:
 * <ul>
 *   <li><b>drift</b>: at least 3 earlier windows, {@code s > multiple × baseline} and
 *       {@code s > baseline + margin} (the margin keeps a 1% → 3% wobble quiet); the event's {@code baseline} is then
 *       the EWMA;</li>
 *   <li><b>ceiling</b>: {@code s > ceiling}, from the first window on; the event's {@code baseline} is then the
 *       ceiling.</li>
 * </ul>
 * At most one event per window. Every window joins the baseline, so a lasting change becomes the new normal for the
 * drift rule; the ceiling keeps firing while the share stays above it.
 *
 * <p>Defaults: window 100 answers, multiple 2, margin 0.05 (5 percentage points), ceiling 0.30, alpha 0.3, no
 * listener. Thread-safe: one lock per step, and listeners are called outside it, on the thread whose answer closed
 * the window. A listener that throws is ignored.
 */
public final class AcceptanceRateWatcher implements CascadeListener {
    /** The {@link Anomaly#watcher()} of this watcher's events. */
    public static final String WATCHER = "acceptance-rate";

    private final int windowSize;
    private final double multiple;
    private final double margin;
    private final double ceiling;
    private final double alpha;
    private final Events events;
    private final RateWindow.PerSubject steps;

    private AcceptanceRateWatcher(Builder b) {
        this.windowSize = b.windowSize;
        this.multiple = b.multiple;
        this.margin = b.margin;
        this.ceiling = b.ceiling;
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
        boolean rejected = a.status() == Attempt.Status.REJECTED;
        if (a.stepKind() != StepKind.MODEL || !(rejected || a.status() == Attempt.Status.ANSWERED)) {
            return;
        }
        String subject = event.execution().chain() + "/" + a.step();
        RateWindow.Closed closed = steps.add(subject, rejected);
        if (closed != null) {
            judge(subject, closed);
        }
    }

    private void judge(String subject, RateWindow.Closed w) {
        double share = w.share();
        boolean drift = w.earlier() >= 3 && share > multiple * w.baseline() && share > w.baseline() + margin;
        if (!drift && share <= ceiling) {
            return;
        }
        String message = String.format(Locale.ROOT,
                "%d of the last %d answers of %s were rejected (%.1f%%): %s (baseline %.1f%% over %d windows,"
                        + " ceiling %.1f%%)",
                w.hits(), w.size(), subject, 100 * share,
                drift ? "drifted above " + multiple + "x its baseline" : "above the ceiling",
                100 * w.baseline(), w.earlier(), 100 * ceiling);
        events.fire(CascadeListener::onAnomaly,
                new Anomaly(WATCHER, subject, share, drift ? w.baseline() : ceiling, message));
    }

    /** Configures an {@link AcceptanceRateWatcher}. Not thread-safe; {@code build()} copies, so it can be reused. */
    public static final class Builder {
        private int windowSize = 100;
        private double multiple = 2.0;
        private double margin = 0.05;
        private double ceiling = 0.30;
        private double alpha = 0.3;
        private final List<CascadeListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** Answers per window and step. Default: 100. Must be >= 1. */
        public Builder windowSize(int answers) {
            if (answers < 1) {
                throw new CascadeConfigurationException("acceptanceRateWatcher.windowSize", answers,
                        "must be >= 1, was " + answers, "use a value >= 1");
            }
            this.windowSize = answers;
            return this;
        }

        /** How many times its baseline a window's rejection share must exceed to drift. Default: 2. Must be > 1. */
        public Builder multiple(double multiple) {
            if (!(multiple > 1) || Double.isInfinite(multiple)) {
                throw new CascadeConfigurationException("acceptanceRateWatcher.multiple", multiple,
                        "must be > 1 and finite, was " + multiple, "use a value > 1 and finite");
            }
            this.multiple = multiple;
            return this;
        }

        /** By how much (a share, 0.05 = 5 points) it must also exceed its baseline. Default: 0.05. In [0, 1). */
        public Builder margin(double margin) {
            if (!(margin >= 0 && margin < 1)) {
                throw new CascadeConfigurationException("acceptanceRateWatcher.margin", margin,
                        "must be in [0, 1), was " + margin, "use a value in [0, 1)");
            }
            this.margin = margin;
            return this;
        }

        /** The rejection share above which any window is an anomaly. Default: 0.30. Must be in (0, 1]. */
        public Builder ceiling(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new CascadeConfigurationException("acceptanceRateWatcher.ceiling", share,
                        "must be in (0, 1], was " + share, "use a value in (0, 1]");
            }
            this.ceiling = share;
            return this;
        }

        /** The weight of the newest window in the baseline. Default: 0.3. Must be in (0, 1]. */
        public Builder alpha(double alpha) {
            this.alpha = Ewma.requireAlpha("acceptanceRateWatcher", alpha);
            return this;
        }

        /** Receives the {@link Anomaly} events ({@link CascadeListener#onAnomaly}). Add as many as needed. */
        public Builder listener(CascadeListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public AcceptanceRateWatcher build() {
            return new AcceptanceRateWatcher(this);
        }
    }

    @Override
    public String toString() {
        return "AcceptanceRateWatcher[windowSize=" + windowSize + ", multiple=" + multiple + ", margin=" + margin
                + ", ceiling=" + ceiling + ", alpha=" + alpha + "]";
    }
}
