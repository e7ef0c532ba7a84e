package dev.cascade.watch;

/**
 * An exponentially weighted moving average and variance of a series, updated one point at a time (T. Finch,
 * "Incremental calculation of weighted mean and variance", 2009): a new point moves the mean by {@code alpha} of its
 * distance from it, and older points fade by {@code 1 - alpha} per point. The first point is the mean, with variance 0.
 *
 * <p>Not thread-safe: the watcher that owns one guards it with its own lock.
 */
final class Ewma {
    private final double alpha;
    private double mean;
    private double variance;
    private long count;

    Ewma(double alpha) {
        this.alpha = requireAlpha(alpha);
    }

    void add(double x) {
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
    double mean() {
        return mean;
    }

    /** The weighted standard deviation; 0 before the second point. */
    double stdDev() {
        return Math.sqrt(variance);
    }

    /** How many points were added. */
    long count() {
        return count;
    }

    /** The check every watcher's {@code alpha(...)} setter makes. */
    static double requireAlpha(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
        }
        return alpha;
    }
}
