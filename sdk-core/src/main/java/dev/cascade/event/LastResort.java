package dev.cascade.event;

import dev.cascade.config.LastResortSpec;

import java.time.Duration;

/**
 * Every step ran and none answered, the deadline had room, and the chain's last resort is about to try {@code step}
 * once more (see {@link LastResortSpec}): after waiting {@code delay} for its Retry-After, or at once as a probe past
 * its open breaker. The attempt's own events follow.
 */
public record LastResort(ExecutionInfo execution, String step, LastResortSpec.Mode mode, Duration delay) {
}
