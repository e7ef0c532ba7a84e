package dev.cascade.examples.roi;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How well a {@link SimulatedClassifier simulated model} classifies tickets, and how honest its confidence is: the
 * documented assumptions the ROI demo's figures rest on. Immutable.
 *
 * <p>Per ticket (deterministically, from the run's seed, the ticket's id and the model's name) the model is right with
 * the probability of the ticket's {@link RoiTicket.Difficulty difficulty}. Its confidence then comes from one of two
 * bands: the <em>sure</em> band [{@value #SURE_FROM}, 0.99] or the <em>doubtful</em> band [0.30, {@value #SURE_FROM}).
 * A right answer is sure with probability {@code sureWhenRight}; a wrong one is doubtful with probability
 * {@code doubtfulWhenWrong} (the rest are confidently wrong, which no gate can catch). Within a band the value is
 * uniform. Latency is uniform in [{@code latencyMin}, {@code latencyMax}].
 *
 * @param name              e.g. {@code advanced}
 * @param plain             accuracy on plain tickets
 * @param edge              accuracy on edge cases (very long, mixed languages, empty-ish, misleading wording)
 * @param adversarial       accuracy on adversarial tickets (prompt injection, obfuscation, misleading keywords)
 * @param sureWhenRight     share of right answers given with a sure confidence
 * @param doubtfulWhenWrong share of wrong answers given with a doubtful confidence
 * @param latencyMin        fastest answer
 * @param latencyMax        slowest answer
 */
public record AccuracyProfile(String name, double plain, double edge, double adversarial, double sureWhenRight,
                              double doubtfulWhenWrong, Duration latencyMin, Duration latencyMax) {

    /** Lower bound of the sure confidence band. */
    public static final double SURE_FROM = 0.80;
    /** Lower bound of the doubtful band. */
    public static final double DOUBTFUL_FROM = 0.30;

    /**
     * The advanced model (priced like a frontier model, $2.50 / $10.00 per 1M tokens): right on 97% of plain tickets,
     * 92% of edge cases and 88% of adversarial ones; sure on 97% of its right answers, doubtful on half of its wrong
     * ones; 0.9 to 2.4 s.
     */
    public static final AccuracyProfile ADVANCED = new AccuracyProfile("advanced", 0.97, 0.92, 0.88, 0.97, 0.50,
            Duration.ofMillis(900), Duration.ofMillis(2400));

    /**
     * The cheap model (priced like a small model, $0.15 / $0.60 per 1M tokens): right on 94% of plain tickets but only
     * 72% of edge cases and 55% of adversarial ones; its confidence is informative: sure on 88% of its right answers,
     * doubtful on 88% of its wrong ones (so the accept gate at {@link #SURE_FROM} passes most doubtful answers on);
     * 0.25 to 0.7 s.
     */
    public static final AccuracyProfile CHEAP = new AccuracyProfile("cheap", 0.94, 0.72, 0.55, 0.88, 0.88,
            Duration.ofMillis(250), Duration.ofMillis(700));

    public AccuracyProfile {
        Objects.requireNonNull(name, "name");
        probability("plain", plain);
        probability("edge", edge);
        probability("adversarial", adversarial);
        probability("sureWhenRight", sureWhenRight);
        probability("doubtfulWhenWrong", doubtfulWhenWrong);
        if (latencyMin.isNegative() || latencyMax.compareTo(latencyMin) < 0) {
            throw new IllegalArgumentException("latency must satisfy 0 <= latencyMin <= latencyMax, was "
                    + latencyMin + ".." + latencyMax);
        }
    }

    /** The accuracy on tickets of {@code difficulty}. */
    public double accuracy(RoiTicket.Difficulty difficulty) {
        return switch (difficulty) {
            case PLAIN -> plain;
            case EDGE -> edge;
            case ADVERSARIAL -> adversarial;
        };
    }

    /** The same model with a different accuracy on plain tickets, e.g. to model a degraded release. */
    public AccuracyProfile withPlain(double accuracy) {
        return new AccuracyProfile(name, accuracy, edge, adversarial, sureWhenRight, doubtfulWhenWrong, latencyMin,
                latencyMax);
    }

    /** One line for the report, e.g. {@code cheap: right 94% plain / 72% edge / 55% adversarial; ...}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s: right on %.0f%% plain / %.0f%% edge / %.0f%% adversarial tickets;"
                        + " sure (confidence >= %.2f) on %.0f%% of right answers, doubtful on %.0f%% of wrong ones;"
                        + " %d-%d ms", name, plain * 100, edge * 100, adversarial * 100, SURE_FROM, sureWhenRight * 100,
                doubtfulWhenWrong * 100, latencyMin.toMillis(), latencyMax.toMillis());
    }

    private static void probability(String field, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(field + " must be a probability in [0, 1], was " + p);
        }
    }
}
