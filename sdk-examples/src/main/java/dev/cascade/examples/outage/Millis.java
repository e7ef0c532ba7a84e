package dev.cascade.examples.outage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.OptionalLong;

/** Turns microsecond latencies into milliseconds for the report, without going through floating point. */
final class Millis {
    private Millis() {
    }

    /** Exact milliseconds (three decimals), or {@code null} when there is no value. */
    static BigDecimal exact(OptionalLong micros) {
        return micros.isPresent() ? BigDecimal.valueOf(micros.getAsLong(), 3) : null;
    }

    /** Milliseconds with one decimal for tables, or {@code "-"} when there is no value. */
    static String text(OptionalLong micros) {
        return micros.isPresent() ? BigDecimal.valueOf(micros.getAsLong(), 3).setScale(1, RoundingMode.HALF_UP)
                .toPlainString() : "-";
    }

    /** Seconds with one decimal, e.g. {@code 3.0 s}. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).setScale(1, RoundingMode.HALF_UP).toPlainString() + " s";
    }
}
