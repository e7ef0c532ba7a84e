package dev.cascade.examples.outage;

import dev.cascade.api.Money;

import java.math.BigDecimal;

/** Formats {@link Money} for the report: exact, never through floating point. */
final class Usd {
    private Usd() {
    }

    /** Exact dollars, at least two decimals: {@code $100.00}, {@code $0.50}, {@code $89.480215}. */
    static String text(Money m) {
        BigDecimal v = m.toUsd().stripTrailingZeros();
        if (v.scale() < 2) {
            v = v.setScale(2);
        }
        return (v.signum() < 0 ? "-$" + v.negate().toPlainString() : "$" + v.toPlainString());
    }
}
