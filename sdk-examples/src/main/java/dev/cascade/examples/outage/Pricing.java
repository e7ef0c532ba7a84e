package dev.cascade.examples.outage;

import dev.cascade.Usage;

import java.math.BigDecimal;

/**
 * A model's token prices, held exactly as integer nano-dollars per token (1 USD per 1M tokens = 1,000 nano-dollars
 * per token), so costs are summed without rounding. Cached-input discounts are not modelled.
 *
 * @param inputNanoUsdPerToken  price of one input token, in 10^-9 USD
 * @param outputNanoUsdPerToken price of one output token, in 10^-9 USD
 */
public record Pricing(long inputNanoUsdPerToken, long outputNanoUsdPerToken) {

    /** The advanced model: $2.50 / $10.00 per 1M input / output tokens. */
    public static final Pricing ADVANCED = perMillionTokens("2.50", "10.00");
    /** The cheap model: $0.15 / $0.60 per 1M input / output tokens. */
    public static final Pricing CHEAP = perMillionTokens("0.15", "0.60");

    /**
     * Prices given in USD per 1M tokens, as decimal strings.
     *
     * @throws ArithmeticException if a price has more precision than a nano-dollar per token
     */
    public static Pricing perMillionTokens(String inputUsd, String outputUsd) {
        return new Pricing(new BigDecimal(inputUsd).movePointRight(3).longValueExact(),
                new BigDecimal(outputUsd).movePointRight(3).longValueExact());
    }

    /** The cost of {@code usage}, in nano-dollars. */
    public long costNanoUsd(Usage usage) {
        return Math.addExact(Math.multiplyExact(usage.inputTokens(), inputNanoUsdPerToken),
                Math.multiplyExact(usage.outputTokens(), outputNanoUsdPerToken));
    }

    /** A nano-dollar amount as exact US dollars. */
    public static BigDecimal usd(long nanoUsd) {
        return BigDecimal.valueOf(nanoUsd, 9);
    }

    /** The price per 1M tokens in USD, e.g. {@code "$2.50 / $10.00"}. */
    public String describePerMillion() {
        return "$" + perMillion(inputNanoUsdPerToken) + " / $" + perMillion(outputNanoUsdPerToken);
    }

    private static String perMillion(long nanoUsdPerToken) {
        BigDecimal v = BigDecimal.valueOf(nanoUsdPerToken, 3).stripTrailingZeros();
        return (v.scale() < 2 ? v.setScale(2) : v).toPlainString();
    }
}
