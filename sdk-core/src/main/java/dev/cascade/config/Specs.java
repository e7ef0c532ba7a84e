package dev.cascade.config;

import dev.cascade.api.CascadeConfigurationException;
import java.time.Duration;

/**
 * Argument checks shared by Cascade's builders (not for application code); each throws
 * {@link CascadeConfigurationException} naming the field, the value and the fix.
 */
public final class Specs {
    private Specs() {
    }

    public static Duration nonNegative(String field, Duration value) {
        if (value == null || value.isNegative()) {
            throw new CascadeConfigurationException(field, value, "must be >= 0, was " + value,
                    "use a duration of zero or more, e.g. Duration.ofMillis(500)");
        }
        return value;
    }

    public static Duration positive(String field, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new CascadeConfigurationException(field, value, "must be > 0, was " + value,
                    "use a duration longer than zero, e.g. Duration.ofSeconds(10)");
        }
        return value;
    }

    public static String name(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new CascadeConfigurationException(field, value, "must not be blank, was "
                    + (value == null ? "null" : "'" + value + "'"), "give it a non-blank name");
        }
        return value;
    }

    public static int atLeastOne(String field, int value) {
        if (value < 1) {
            throw new CascadeConfigurationException(field, value, "must be >= 1, was " + value,
                    "use 1 or more");
        }
        return value;
    }

    public static float percent(String field, float value) {
        if (!(value > 0f && value <= 100f)) {
            throw new CascadeConfigurationException(field, value, "must be in (0, 100], was " + value,
                    "use a percentage above 0 and at most 100, e.g. 50");
        }
        return value;
    }
}
