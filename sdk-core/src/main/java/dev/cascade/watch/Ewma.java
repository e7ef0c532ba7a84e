package dev.cascade.watch;

/**
 * An exponentially weighted moving average and variance of a series, updated one point at a time (T. Finch,
 * "Incremental calculation of weighted mean and variance", 2009): a new point moves the mean by {@code alpha} of its
 * distance from it, and older points fade by {@code 1 - alpha} per point. The first point is the mean, with variance 0.
 *
 * <p>Not thread-safe: the watcher that owns one guards it with its own lock.
 */
public final class Ewma {
    private final double alpha;
    private double mean;
    private double variance;
    private long count;

    /** An average that gives each new point the weight {@code alpha}, in (0, 1]. */
    public Ewma(double alpha) {
        this.alpha = requireAlpha("ewma", alpha);
    }

    /** Adds one point. */
    public void add(double x) {
        if (count++ == 0) {
            mean = x;
            variance = 0;
            return;
        }
        double diff = x - mean;
        double increment = alpha * diff;
        mean += increment;
        variance = (1 - alpha) * (variance + diff * increment);
    }

    /** The weighted mean; 0 before the first point. */
    public double mean() {
        return mean;
    }

    /** The weighted standard deviation; 0 before the second point. */
    public double stdDev() {
        return Math.sqrt(variance);
    }

    /** How many points were added. */
    public long count() {
        return count;
    }

    /** The check every watcher's {@code alpha(...)} setter makes. */
    public static double requireAlpha(String owner, double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new dev.cascade.api.CascadeConfigurationException(owner + ".alpha", alpha, "must be in (0, 1], was "
                    + alpha, "use a value in (0, 1]");
        }
        return alpha;
    }
}
