package dev.cascade.examples.outage;

import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What goes wrong with one simulated model in each phase: in a "hang" phase every call blocks until the client's
 * read timeout; in a rate-limited phase that share of calls is answered with a 429 and a Retry-After drawn from
 * {@code [retryAfterMin, retryAfterMax]}.
 *
 * @param hangs          phases in which every call hangs
 * @param rateLimitShare per phase, the share of calls (0..1) that get a 429
 * @param retryAfterMin  shortest Retry-After sent with a 429
 * @param retryAfterMax  longest Retry-After sent with a 429
 */
public record FaultScript(Set<Phase> hangs, Map<Phase, Double> rateLimitShare, Duration retryAfterMin,
                          Duration retryAfterMax) {

    public FaultScript {
        hangs = hangs.isEmpty() ? EnumSet.noneOf(Phase.class) : EnumSet.copyOf(hangs);
        rateLimitShare = rateLimitShare.isEmpty() ? new EnumMap<>(Phase.class) : new EnumMap<>(rateLimitShare);
        if (retryAfterMax.compareTo(retryAfterMin) < 0) {
            throw new IllegalArgumentException("retryAfterMax < retryAfterMin");
        }
    }

    /** The advanced model: hangs through the outage, then is rate limited in the 429 storm. */
    public static FaultScript advanced(DemoConfig c) {
        return new FaultScript(EnumSet.of(Phase.OUTAGE), Map.of(Phase.RATE_LIMIT_STORM, c.stormRateLimitShare()),
                c.retryAfterMin(), c.retryAfterMax());
    }

    /** The cheap model: never down, rate limited in the 429 storm when the scenario says the storm hits it too. */
    public static FaultScript cheap(DemoConfig c) {
        Map<Phase, Double> storm = c.stormHitsCheap() ? Map.of(Phase.RATE_LIMIT_STORM, c.stormRateLimitShare())
                : Map.of();
        return new FaultScript(Set.of(), storm, c.retryAfterMin(), c.retryAfterMax());
    }

    public boolean hangsIn(Phase phase) {
        return hangs.contains(phase);
    }

    public double rateLimitShareIn(Phase phase) {
        return rateLimitShare.getOrDefault(phase, 0.0);
    }
}
