package dev.cascade.eval;

import dev.cascade.event.Anomaly;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.Events;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleGauge;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs an evaluation on a schedule, keeps its summaries in a {@link ValidationHistory}, compares each run with the
 * earlier ones ({@link DriftCheck}) and reports what drifted: an {@link Anomaly} to every listener
 * ({@link CascadeListener#onAnomaly}) and OpenTelemetry metrics.
 *
 * <pre>{@code
 * ContinuousValidation cv = ContinuousValidation.builder(() -> evaluation.run(Dataset.load(samples)))
 *         .history(ValidationHistory.directory(Path.of("validation")))
 *         .listener(alerts)
 *         .openTelemetry(otel)
 *         .interval(Duration.ofHours(24))
 *         .build();
 * cv.start();   // ... cv.close() at shutdown
 * }</pre>
 *
 * <p><b>Metrics</b> (meter {@value #METER}): {@value #ANOMALIES} (counter, attributes {@code cascade.evaluation.check}
 * = the anomaly's watcher, {@code cascade.evaluation.dataset}, {@code cascade.evaluation.variant}), and gauges per
 * dataset and variant set after each run: {@value #ACCURACY} (ratio), {@value #COST_PER_TRANSACTION} (USD) and
 * {@value #ANSWERED_SHARE} (ratio). {@value #RUNS} counts runs by {@code cascade.evaluation.result}
 * ({@code ok}/{@code failed}).
 *
 * <p>An evaluation that throws is reported as an anomaly with watcher {@value #FAILED} and does not stop the schedule.
 * Runs never overlap (a run that outlasts the interval delays the next: fixed delay). Defaults: history in memory (100
 * runs), {@link DriftCheck#defaults()}, interval 24 hours, initial delay equal to the interval (so a restarting
 * service does not pay for a run on every start; use {@link #runOnce()} to run now), no listener, no telemetry, a
 * single daemon thread of its own. Thread-safe.
 */
public final class ContinuousValidation implements AutoCloseable {
    /** The OpenTelemetry meter name. */
    public static final String METER = "dev.cascade.eval";
    /** Anomalies found, by check. */
    public static final String ANOMALIES = "cascade.evaluation.anomalies";
    /** Runs, by result. */
    public static final String RUNS = "cascade.evaluation.runs";
    /** Last accuracy per data set and variant. */
    public static final String ACCURACY = "cascade.evaluation.accuracy";
    /** Last cost per transaction per data set and variant, USD. */
    public static final String COST_PER_TRANSACTION = "cascade.evaluation.cost_per_transaction";
    /** Last answered-without-humans share per data set and variant. */
    public static final String ANSWERED_SHARE = "cascade.evaluation.answered_share";
    /** {@link Anomaly#watcher()} of an evaluation that threw. */
    public static final String FAILED = "evaluation.failed";

    static final AttributeKey<String> CHECK = AttributeKey.stringKey("cascade.evaluation.check");
    static final AttributeKey<String> DATASET = AttributeKey.stringKey("cascade.evaluation.dataset");
    static final AttributeKey<String> VARIANT = AttributeKey.stringKey("cascade.evaluation.variant");
    static final AttributeKey<String> RESULT = AttributeKey.stringKey("cascade.evaluation.result");

    private final Supplier<EvaluationResult> evaluation;
    private final ValidationHistory history;
    private final DriftCheck drift;
    private final Events events;
    private final List<Consumer<ValidationRun>> onRun;
    private final Duration interval;
    private final Duration initialDelay;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final LongCounter anomalies;
    private final LongCounter runs;
    private final DoubleGauge accuracy;
    private final DoubleGauge costPerTransaction;
    private final DoubleGauge answeredShare;
    private final Object runLock = new Object();
    private volatile ValidationRun last;
    private ScheduledFuture<?> scheduled;

    private ContinuousValidation(Builder b) {
        this.evaluation = b.evaluation;
        this.history = b.history;
        this.drift = b.drift;
        this.events = new Events(b.listeners);
        this.onRun = List.copyOf(b.onRun);
        this.interval = b.interval;
        this.initialDelay = b.initialDelay == null ? b.interval : b.initialDelay;
        this.ownScheduler = b.scheduler == null;
        this.scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cascade-continuous-validation");
            t.setDaemon(true);
            return t;
        }) : b.scheduler;
        Meter meter = b.openTelemetry.getMeter(METER);
        this.anomalies = meter.counterBuilder(ANOMALIES).setUnit("{anomaly}")
                .setDescription("Drift anomalies found by continuous validation").build();
        this.runs = meter.counterBuilder(RUNS).setUnit("{run}")
                .setDescription("Continuous validation runs").build();
        this.accuracy = meter.gaugeBuilder(ACCURACY).setUnit("1")
                .setDescription("Accuracy of the last validation run").build();
        this.costPerTransaction = meter.gaugeBuilder(COST_PER_TRANSACTION).setUnit("USD")
                .setDescription("Cost per transaction of the last validation run").build();
        this.answeredShare = meter.gaugeBuilder(ANSWERED_SHARE).setUnit("1")
                .setDescription("Share answered without humans in the last validation run").build();
    }

    /** Starts building a validation that runs {@code evaluation} each time. */
    public static Builder builder(Supplier<EvaluationResult> evaluation) {
        return new Builder(evaluation);
    }

    /**
     * Runs the evaluation now (waiting for a scheduled run in progress to end first), records it and reports its
     * anomalies.
     *
     * @throws RuntimeException whatever the evaluation threw (also reported as a {@value #FAILED} anomaly)
     */
    public ValidationRun runOnce() {
        synchronized (runLock) {
            EvaluationResult result;
            try {
                result = Objects.requireNonNull(evaluation.get(), "the evaluation returned null");
            } catch (RuntimeException e) {
                runs.add(1, Attributes.of(RESULT, "failed"));
                fire(new Anomaly(FAILED, "continuous-validation", 1, 0, "the evaluation threw "
                        + e.getClass().getName() + ": " + e.getMessage()));
                throw e;
            }
            runs.add(1, Attributes.of(RESULT, "ok"));
            List<RunSummary> summaries = RunSummary.of(result);
            List<RunSummary> before = history.all();
            List<Anomaly> found = new ArrayList<>();
            for (RunSummary s : summaries) {
                found.addAll(drift.check(s, before));
                Attributes attrs = Attributes.of(DATASET, s.dataset(), VARIANT, s.variant());
                accuracy.set(s.accuracy(), attrs);
                costPerTransaction.set(s.costPerTransaction().micros() / 1e6, attrs);
                answeredShare.set(s.answeredShare(), attrs);
            }
            history.append(summaries);
            ValidationRun run = new ValidationRun(result, summaries, found);
            last = run;
            for (Anomaly a : found) {
                String[] subject = a.subject().split("/", 2);
                anomalies.add(1, Attributes.of(CHECK, a.watcher(), DATASET, subject[0], VARIANT,
                        subject.length > 1 ? subject[1] : ""));
                fire(a);
            }
            for (Consumer<ValidationRun> c : onRun) {
                try {
                    c.accept(run);
                } catch (RuntimeException ignored) {
                    // Like listeners: a failing callback never breaks validation.
                }
            }
            return run;
        }
    }

    /** Schedules runs every {@code interval} (fixed delay) after the initial delay. Idempotent. */
    public synchronized void start() {
        if (scheduled != null) {
            return;
        }
        scheduled = scheduler.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException reported) {
                // Already reported as an anomaly by runOnce; the schedule goes on.
            }
        }, initialDelay.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether {@link #start()} was called and {@link #close()} not yet. */
    public synchronized boolean isRunning() {
        return scheduled != null;
    }

    /** The last completed run. */
    public Optional<ValidationRun> lastRun() {
        return Optional.ofNullable(last);
    }

    /** The history runs are recorded in. */
    public ValidationHistory history() {
        return history;
    }

    /** Stops the schedule (a run in progress finishes) and, if it is its own, the scheduler thread. */
    @Override
    public synchronized void close() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        if (ownScheduler) {
            scheduler.shutdown();
        }
    }

    private void fire(Anomaly a) {
        events.fire(CascadeListener::onAnomaly, a);
    }

    /** Builds a {@link ContinuousValidation}. Not thread-safe. */
    public static final class Builder {
        private final Supplier<EvaluationResult> evaluation;
        private ValidationHistory history = ValidationHistory.inMemory(100);
        private DriftCheck drift = DriftCheck.defaults();
        private final List<CascadeListener> listeners = new ArrayList<>();
        private final List<Consumer<ValidationRun>> onRun = new ArrayList<>();
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();
        private Duration interval = Duration.ofHours(24);
        private Duration initialDelay;
        private ScheduledExecutorService scheduler;

        private Builder(Supplier<EvaluationResult> evaluation) {
            this.evaluation = Objects.requireNonNull(evaluation, "evaluation");
        }

        /** Where summaries are kept; default in memory, 100 runs. */
        public Builder history(ValidationHistory history) {
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /** The drift thresholds; default {@link DriftCheck#defaults()}. */
        public Builder driftCheck(DriftCheck drift) {
            this.drift = Objects.requireNonNull(drift, "drift");
            return this;
        }

        /** Receives anomalies ({@link CascadeListener#onAnomaly}); may be called several times. */
        public Builder listener(CascadeListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Called after each completed run (e.g. to rewrite the ROI report); may be called several times. */
        public Builder onRun(Consumer<ValidationRun> callback) {
            onRun.add(Objects.requireNonNull(callback, "callback"));
            return this;
        }

        /** Where the metrics go; default {@link OpenTelemetry#noop()}. */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /** Time between the end of one run and the start of the next; positive, default 24 hours. */
        public Builder interval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("interval must be positive, was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /** Time before the first scheduled run; &gt;= 0, default the interval. */
        public Builder initialDelay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("initialDelay must be >= 0, was " + delay);
            }
            this.initialDelay = delay;
            return this;
        }

        /** Runs on {@code scheduler} (not shut down by {@link #close()}); default a daemon thread of its own. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        public ContinuousValidation build() {
            return new ContinuousValidation(this);
        }
    }
}
