package dev.cascade.api;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An exact amount of US dollars, held as integer micro-dollars (1 USD = 1,000,000). Never a {@code double}.
 * Immutable; amounts may be negative only as the result of {@link #minus}.
 *
 * @param micros the amount in micro-dollars
 */
public record Money(long micros) implements Comparable<Money> {
    private static final long PER_DOLLAR = 1_000_000L;

    public static final Money ZERO = new Money(0);

    /** Parses US dollars, e.g. {@code "0.05"}; at most six decimals (a micro-dollar). */
    public static Money usd(String amount) {
        if (amount == null || amount.isBlank()) {
            throw new IllegalArgumentException("amount must not be blank, was " + (amount == null ? "null" : "'" + amount + "'"));
        }
        BigDecimal value;
        try {
            value = new BigDecimal(amount.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount must be a decimal number of US dollars, was '" + amount + "'", e);
        }
        return usd(value);
    }

    /** Exact US dollars; at most six decimals. */
    public static Money usd(BigDecimal amount) {
        try {
            return new Money(amount.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount must have at most 6 decimals (micro-dollars) and fit a long,"
                    + " was " + amount.toPlainString(), e);
        }
    }

    /** An amount in a named currency. Only {@code USD} is supported: prices and budgets share one unit. */
    public static Money of(String amount, String currency) {
        if (!"USD".equals(currency)) {
            throw new IllegalArgumentException("unknown currency '" + currency + "'; Cascade budgets are in USD");
        }
        return usd(amount);
    }

    public static Money ofMicros(long micros) {
        return new Money(micros);
    }

    public Money plus(Money other) {
        return new Money(Math.addExact(micros, other.micros));
    }

    public Money minus(Money other) {
        return new Money(Math.subtractExact(micros, other.micros));
    }

    public boolean isPositive() {
        return micros > 0;
    }

    public boolean isNegative() {
        return micros < 0;
    }

    /** The exact amount in dollars. */
    public BigDecimal toUsd() {
        return BigDecimal.valueOf(micros, 6);
    }

    @Override
    public int compareTo(Money o) {
        return Long.compare(micros, o.micros);
    }

    /** Dollars with at least two decimals and no trailing zeros beyond: {@code $100.00}, {@code $0.40}, {@code $0.000066}. */
    @Override
    public String toString() {
        BigDecimal d = BigDecimal.valueOf(Math.abs(micros), 6).stripTrailingZeros();
        return (micros < 0 ? "-$" : "$") + (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
    }
}
