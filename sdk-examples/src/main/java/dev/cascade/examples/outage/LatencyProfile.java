package dev.cascade.examples.outage;

import java.util.Random;

/**
 * How long a healthy simulated model takes to answer: lognormal around {@code medianMs}, with {@code sigma}
 * controlling the tail (p99 is about {@code median * e^(2.33 * sigma)}).
 *
 * @param medianMs the median latency in milliseconds
 * @param sigma    the standard deviation of the latency's logarithm
 */
public record LatencyProfile(double medianMs, double sigma) {

    public LatencyProfile {
        if (!(medianMs > 0) || !(sigma >= 0)) {
            throw new IllegalArgumentException("need medianMs > 0 and sigma >= 0, were " + medianMs + ", " + sigma);
        }
    }

    /** One latency, in nanoseconds, drawn from {@code random}. */
    public long sampleNanos(Random random) {
        return (long) (medianMs * 1_000_000.0 * Math.exp(sigma * random.nextGaussian()));
    }
}
