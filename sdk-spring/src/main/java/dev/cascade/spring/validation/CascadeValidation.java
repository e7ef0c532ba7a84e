package dev.cascade.spring.validation;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.Resource;
import org.springframework.scheduling.support.CronExpression;

import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.event.Anomaly;
import dev.cascade.eval.ContinuousValidation;
import dev.cascade.eval.Dataset;
import dev.cascade.eval.Evaluation;
import dev.cascade.eval.EvaluationResult;
import dev.cascade.eval.RoiOptions;
import dev.cascade.eval.RoiReport;
import dev.cascade.eval.Scorer;
import dev.cascade.eval.ValidationHistory;
import dev.cascade.eval.ValidationRun;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spring.CascadeChains;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Scheduled validation of properties-defined chains ({@code cascade.validation.*}, see
 * {@link CascadeValidationProperties}): each run loads the data set, runs it through the named chains side by side
 * (cascade-eval's {@link Evaluation}), records the run in the history, reports drift as {@link Anomaly} events (to the
 * application's {@link CascadeListener} beans and as Spring application events) and OpenTelemetry metrics
 * ({@link ContinuousValidation}), and keeps the latest {@link RoiReport} for the {@code cascaderoi} actuator endpoint.
 *
 * <p>Runs on a daemon thread of its own, started and stopped with the application context; runs never overlap.
 * {@link #runNow()} runs at once (waiting for a scheduled run in progress). Thread-safe.
 */
public final class CascadeValidation implements SmartLifecycle {

    private final ValidationSettings settings;
    private final ContinuousValidation validation;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private volatile RoiReport latest;
    private volatile Instant nextRunAt;
    private ScheduledFuture<?> cronRun;
    private boolean running;

    CascadeValidation(ValidationSettings settings, CascadeChains chains, List<CascadeListener> listeners,
                      OpenTelemetry openTelemetry, Consumer<Anomaly> publisher, Consumer<ValidationRun> onRun,
                      Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cascade-validation");
            t.setDaemon(true);
            return t;
        });
        Evaluation<String, String> evaluation = evaluation(settings, chains);
        ContinuousValidation.Builder b = ContinuousValidation
                .builder(() -> evaluation.run(loadDataset(settings)))
                .history(settings.history())
                .driftCheck(settings.driftCheck())
                .openTelemetry(openTelemetry)
                .scheduler(scheduler)
                .onRun(this::report)
                .onRun(onRun);
        if (settings.cron() == null) {
            b.interval(settings.interval()).initialDelay(settings.initialDelay());
        }
        listeners.forEach(b::listener);
        b.listener(new CascadeListener() {
            @Override
            public void onAnomaly(Anomaly event) {
                publisher.accept(event);
            }
        });
        this.validation = b.build();
    }

    /**
     * Runs the validation now, records it and reports its anomalies.
     *
     * @throws RuntimeException what the evaluation threw (also reported as an {@code evaluation.failed} anomaly)
     */
    public ValidationRun runNow() {
        return validation.runOnce();
    }

    /** The ROI report of the latest run; empty until a run has completed. */
    public Optional<RoiReport> latestReport() {
        return Optional.ofNullable(latest);
    }

    /** The latest completed run. */
    public Optional<ValidationRun> lastRun() {
        return validation.lastRun();
    }

    /** When the next scheduled run starts; empty when not scheduled. */
    public Optional<Instant> nextRunAt() {
        return Optional.ofNullable(nextRunAt);
    }

    /** Where runs are recorded. */
    public ValidationHistory history() {
        return validation.history();
    }

    /** The data set's location, the variants and the schedule, in words (for the endpoint). */
    public String describe() {
        return settings.describe();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        if (settings.cron() == null) {
            nextRunAt = clock.instant().plus(settings.initialDelay());
            validation.start();
        } else {
            scheduleCron();
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        nextRunAt = null;
        if (cronRun != null) {
            cronRun.cancel(false);
            cronRun = null;
        }
        validation.close();
        scheduler.shutdownNow();
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    private synchronized void scheduleCron() {
        if (!running) {
            return;
        }
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneId.systemDefault()));
        ZonedDateTime next = settings.cron().next(now);
        if (next == null) {
            nextRunAt = null;
            return;
        }
        nextRunAt = next.toInstant();
        long delay = Math.max(0, Duration.between(now, next).toNanos());
        cronRun = scheduler.schedule(() -> {
            try {
                validation.runOnce();
            } catch (RuntimeException reported) {
                // ContinuousValidation reported it as an anomaly; the schedule goes on.
            } finally {
                scheduleCron();
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private void report(ValidationRun run) {
        if (settings.cron() == null) {
            nextRunAt = clock.instant().plus(settings.interval());
        }
        RoiOptions options = RoiOptions.defaults()
                .withTitle("Cascade ROI report: " + String.join(" vs ", settings.variants()))
                .withBaseline(settings.baseline())
                .withChosen(settings.variants().get(settings.variants().size() - 1))
                .withMonthlyVolume(settings.monthlyVolume())
                .withTrend(validation.history().all());
        latest = RoiReport.fromEvaluation(run.result(), options);
    }

    static Evaluation<String, String> evaluation(ValidationSettings s, CascadeChains chains) {
        Evaluation.Builder<String, String> b = Evaluation.<String, String>builder()
                .input(c -> c.input())
                .scorer(s.scorer())
                .concurrency(s.concurrency());
        for (String variant : s.variants()) {
            b.variant(variant, chains.get(variant));
        }
        if (s.moneyCap() != null) {
            b.moneyCap(s.moneyCap());
        }
        if (s.counterfactualModel() != null) {
            b.counterfactual(s.counterfactualModel(), s.counterfactualPricing());
        }
        return b.build();
    }

    static Dataset loadDataset(ValidationSettings s) {
        Resource resource = s.dataset();
        String name = resource.getFilename() == null ? resource.getDescription() : resource.getFilename();
        try (Reader reader = new InputStreamReader(resource.getInputStream(), StandardCharsets.UTF_8)) {
            return name.toLowerCase(Locale.ROOT).endsWith(".csv") ? Dataset.fromCsv(name, reader)
                    : Dataset.fromJsonl(name, reader);
        } catch (IOException e) {
            throw new IllegalStateException("cascade.validation.dataset: cannot read " + resource.getDescription()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The checked, immutable form of the properties.
     *
     * @param dataset          the data set resource
     * @param variants         chain names, the first the baseline unless a counterfactual is
     * @param scorer           the scorer
     * @param cron             the cron schedule, or {@code null} for the interval
     * @param interval         the interval
     * @param initialDelay     the first run's delay (interval schedule)
     * @param driftCheck       the thresholds
     * @param history          where runs are recorded
     * @param concurrency      cases at once
     * @param moneyCap         a run's money cap, or {@code null}
     * @param monthlyVolume    the report's monthly volume
     * @param counterfactualModel   the counterfactual model name, or {@code null}
     * @param counterfactualPricing its price, or {@code null}
     */
    record ValidationSettings(Resource dataset, List<String> variants, Scorer<String> scorer, CronExpression cron,
                              Duration interval, Duration initialDelay, dev.cascade.eval.DriftCheck driftCheck,
                              ValidationHistory history, int concurrency, Money moneyCap, long monthlyVolume,
                              String counterfactualModel, Pricing counterfactualPricing, String cronText,
                              String scorerName) {

        String baseline() {
            return variants.size() == 1 && counterfactualModel != null ? RoiOptions.COUNTERFACTUAL : variants.get(0);
        }

        String describe() {
            return "data set " + dataset.getDescription() + ", variants " + variants + ", scorer " + scorerName
                    + (cron != null ? ", cron '" + cronText + "'" : ", every " + interval);
        }
    }
}
