package dev.cascade.eval;

import dev.cascade.event.Anomaly;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Compares a run's summary with earlier runs of the same data set and variant and says what drifted, as
 * {@link Anomaly} events (the type the chains' watchers raise, so the same listeners receive them).
 *
 * <p><b>Rules</b> (each gives at most one anomaly; subject {@code dataset/variant}):
 * <ul>
 *   <li>{@value #ERROR_RATE}: the run's error rate ({@code 1 - accuracy}) is above {@link Builder#maxErrorRate}
 *       (default 0.05); {@code value} the rate, {@code baseline} the threshold.</li>
 *   <li>{@value #ACCURACY}: accuracy fell by more than {@link Builder#maxAccuracyDrop} (default 0.02, two percentage
 *       points) below the reference; {@code value} the accuracy, {@code baseline} the reference's.</li>
 *   <li>{@value #COST}: cost per transaction rose by more than {@link Builder#maxCostIncrease} (default 0.15, i.e.
 *       15%) above the reference; {@code value} and {@code baseline} in US dollars. Not judged when the reference
 *       cost is zero.</li>
 * </ul>
 * <b>Reference</b>: the mean of the earlier runs that finished within {@link Builder#referencePeriod} (default 30
 * days, "month over month") before this run; when there is none, the latest earlier run; when there is no earlier run
 * at all, only the error-rate rule applies. Immutable and thread-safe.
 */
public final class DriftCheck {
    /** {@link Anomaly#watcher()} of an error rate above its threshold. */
    public static final String ERROR_RATE = "evaluation.error-rate";
    /** {@link Anomaly#watcher()} of an accuracy drop against the reference. */
    public static final String ACCURACY = "evaluation.accuracy";
    /** {@link Anomaly#watcher()} of a cost per transaction rise against the reference. */
    public static final String COST = "evaluation.cost-per-transaction";

    private final double maxErrorRate;
    private final double maxAccuracyDrop;
    private final double maxCostIncrease;
    private final Duration referencePeriod;

    private DriftCheck(Builder b) {
        this.maxErrorRate = b.maxErrorRate;
        this.maxAccuracyDrop = b.maxAccuracyDrop;
        this.maxCostIncrease = b.maxCostIncrease;
        this.referencePeriod = b.referencePeriod;
    }

    /** The defaults: error rate 5%, accuracy drop 2 points, cost rise 15%, reference period 30 days. */
    public static DriftCheck defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The anomalies of {@code current} against {@code history} (any order; summaries of other data sets or
     * variants, of the same run, and later runs are ignored).
     */
    public List<Anomaly> check(RunSummary current, List<RunSummary> history) {
        Objects.requireNonNull(current, "current");
        String subject = current.dataset() + "/" + current.variant();
        List<Anomaly> out = new ArrayList<>();
        if (current.cases() > 0 && current.errorRate() > maxErrorRate) {
            out.add(new Anomaly(ERROR_RATE, subject, current.errorRate(), maxErrorRate, String.format(Locale.ROOT,
                    "error rate %.1f%% is above the %.1f%% threshold (run %s)", 100 * current.errorRate(),
                    100 * maxErrorRate, current.runId())));
        }
        List<RunSummary> ref = reference(current, history);
        if (ref.isEmpty() || current.cases() == 0) {
            return out;
        }
        double refAccuracy = ref.stream().mapToDouble(RunSummary::accuracy).average().orElse(0);
        if (refAccuracy - current.accuracy() > maxAccuracyDrop) {
            out.add(new Anomaly(ACCURACY, subject, current.accuracy(), refAccuracy, String.format(Locale.ROOT,
                    "accuracy %.1f%% fell %.1f points below the reference %.1f%% (%d earlier runs; run %s)",
                    100 * current.accuracy(), 100 * (refAccuracy - current.accuracy()), 100 * refAccuracy,
                    ref.size(), current.runId())));
        }
        double refCost = ref.stream().mapToLong(r -> r.costPerTransaction().micros()).average().orElse(0) / 1e6;
        double cost = current.costPerTransaction().micros() / 1e6;
        if (refCost > 0 && cost / refCost - 1 > maxCostIncrease) {
            out.add(new Anomaly(COST, subject, cost, refCost, String.format(Locale.ROOT,
                    "cost per transaction $%s is %.1f%% above the reference $%s (threshold %.1f%%; run %s)",
                    BigDecimal.valueOf(cost).stripTrailingZeros().toPlainString(), 100 * (cost / refCost - 1),
                    BigDecimal.valueOf(refCost).stripTrailingZeros().toPlainString(), 100 * maxCostIncrease,
                    current.runId())));
        }
        return out;
    }

    /** The earlier runs {@code current} is compared with (see the class notes). */
    public List<RunSummary> reference(RunSummary current, List<RunSummary> history) {
        Instant end = current.finishedAt();
        Instant start = end.minus(referencePeriod);
        List<RunSummary> earlier = history.stream()
                .filter(s -> s.dataset().equals(current.dataset()) && s.variant().equals(current.variant()))
                .filter(s -> !s.runId().equals(current.runId()) && s.finishedAt().isBefore(end))
                .sorted(java.util.Comparator.comparing(RunSummary::finishedAt))
                .toList();
        List<RunSummary> inPeriod = earlier.stream().filter(s -> !s.finishedAt().isBefore(start)).toList();
        if (!inPeriod.isEmpty()) {
            return inPeriod;
        }
        return earlier.isEmpty() ? List.of() : List.of(earlier.get(earlier.size() - 1));
    }

    /** Builds a {@link DriftCheck}. Not thread-safe. */
    public static final class Builder {
        private double maxErrorRate = 0.05;
        private double maxAccuracyDrop = 0.02;
        private double maxCostIncrease = 0.15;
        private Duration referencePeriod = Duration.ofDays(30);

        private Builder() {
        }

        /** Error rate above which a run is an anomaly, in [0, 1]; default 0.05. */
        public Builder maxErrorRate(double rate) {
            this.maxErrorRate = share("maxErrorRate", rate);
            return this;
        }

        /** Accuracy fall (absolute, in [0, 1]) against the reference beyond which a run is an anomaly; default 0.02. */
        public Builder maxAccuracyDrop(double drop) {
            this.maxAccuracyDrop = share("maxAccuracyDrop", drop);
            return this;
        }

        /** Relative cost-per-transaction rise (0.15 = 15%) beyond which a run is an anomaly; &gt;= 0, default 0.15. */
        public Builder maxCostIncrease(double increase) {
            if (!(increase >= 0) || Double.isInfinite(increase)) {
                throw new IllegalArgumentException("maxCostIncrease must be a finite number >= 0, was " + increase);
            }
            this.maxCostIncrease = increase;
            return this;
        }

        /** How far back the reference runs go; positive, default 30 days. */
        public Builder referencePeriod(Duration period) {
            Objects.requireNonNull(period, "period");
            if (period.isZero() || period.isNegative()) {
                throw new IllegalArgumentException("referencePeriod must be positive, was " + period);
            }
            this.referencePeriod = period;
            return this;
        }

        public DriftCheck build() {
            return new DriftCheck(this);
        }

        private static double share(String name, double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1], was " + v);
            }
            return v;
        }
    }
}
