package dev.cascade.review;

import java.time.Duration;

/** Argument checks shared by the stores and queues, with messages that name the parameter and the value. */
final class ReviewChecks {
    private ReviewChecks() {
    }

    static String reviewer(String reviewer) {
        if (reviewer == null || reviewer.isBlank()) {
            throw new IllegalArgumentException("reviewer must not be blank, was "
                    + (reviewer == null ? "null" : "'" + reviewer + "'"));
        }
        if (reviewer.length() > 255) {
            throw new IllegalArgumentException("reviewer must have at most 255 characters, had " + reviewer.length());
        }
        return reviewer;
    }

    static Duration lease(Duration lease) {
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be > 0, was " + lease);
        }
        return lease;
    }

    static Duration positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be > 0, was " + d);
        }
        return d;
    }

    static int limit(int limit) {
        if (limit < 1 || limit > ReviewQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in [1, " + ReviewQuery.MAX_LIMIT + "], was " + limit);
        }
        return limit;
    }
}
