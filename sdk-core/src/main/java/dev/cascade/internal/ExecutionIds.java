package dev.cascade.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A chain's execution ids: a random prefix (unique across chains and restarts without UUID's SecureRandom cost on
 * every call) and sequence numbers 1, 2, ... drawn when an id is first needed. One object, so an execution and its
 * outcome each hold one reference to it. Thread-safe.
 */
final class ExecutionIds implements LongSupplier {
    final String prefix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffffL) + "-";
    private final AtomicLong seq = new AtomicLong();

    /** The next sequence number. */
    @Override
    public long getAsLong() {
        return seq.incrementAndGet();
    }

    /** The id of sequence number {@code n}. */
    String id(long n) {
        return prefix + Long.toHexString(n);
    }
}
