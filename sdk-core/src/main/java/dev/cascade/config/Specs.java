package dev.cascade.config;

import java.time.Duration;

/**
 * Shared argument checks of the specs and the chain builder; the message always names the field and the value.
 * Stateless and thread-safe. Not meant for users: it may change without notice.
 */
public final class Specs {
    private Specs() {
    }

    /** {@code value}, when it is not null and not negative. */
    public static Duration nonNegative(String field, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + value);
        }
        return value;
    }

    /** {@code value}, when it is not null and greater than zero. */
    public static Duration positive(String field, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be > 0, was " + value);
        }
        return value;
    }

    /** {@code value}, when it is not null and not blank. */
    public static String name(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }
}
