package dev.cascade.examples.outage;

import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;

import java.math.BigDecimal;

/**
 * The demo's price list: one simulated model's name and token prices, held as integer nano-dollars per token
 * (1 USD per 1M tokens = 1,000 nano-dollars per token). Cached-input discounts are not modelled.
 *
 * <p>Every call is billed by {@link #billed(Usage)}: the exact nano-dollar cost of its tokens, rounded up to the next
 * micro-dollar. That is the rule of the SDK's budget pricing ({@link Pricing#cost(Usage)}), computed here
 * independently, so all three strategies are billed alike and Cascade's settled cost ({@code Outcome.cost()}) can be
 * checked against this list to the micro-dollar. {@link #budgetPricing()} is how the same price is given to Cascade's
 * {@link dev.cascade.budget.Budget}.
 *
 * @param model                 the model name the simulated client reports ({@code ModelClient.model()})
 * @param inputNanoUsdPerToken  price of one input token, in 10^-9 USD
 * @param outputNanoUsdPerToken price of one output token, in 10^-9 USD
 */
public record ModelPrice(String model, long inputNanoUsdPerToken, long outputNanoUsdPerToken) {

    /** The advanced model: $2.50 / $10.00 per 1M input / output tokens. */
    public static final ModelPrice ADVANCED = perMillionTokens("sim-advanced", "2.50", "10.00");
    /** The cheap model: $0.15 / $0.60 per 1M input / output tokens. */
    public static final ModelPrice CHEAP = perMillionTokens("sim-cheap", "0.15", "0.60");

    private static final long NANOS_PER_MICRO = 1_000L;

    /**
     * Prices given in USD per 1M tokens, as decimal strings.
     *
     * @throws ArithmeticException if a price has more precision than a nano-dollar per token
     */
    public static ModelPrice perMillionTokens(String model, String inputUsd, String outputUsd) {
        return new ModelPrice(model, new BigDecimal(inputUsd).movePointRight(3).longValueExact(),
                new BigDecimal(outputUsd).movePointRight(3).longValueExact());
    }

    /** The exact cost of {@code usage}, in nano-dollars. */
    public long costNanoUsd(Usage usage) {
        return Math.addExact(Math.multiplyExact(usage.inputTokens(), inputNanoUsdPerToken),
                Math.multiplyExact(usage.outputTokens(), outputNanoUsdPerToken));
    }

    /** What one call with {@code usage} is billed: its exact cost rounded up to the micro-dollar. */
    public Money billed(Usage usage) {
        long nanos = costNanoUsd(usage);
        return Money.ofMicros(Math.floorDiv(nanos + NANOS_PER_MICRO - 1, NANOS_PER_MICRO));
    }

    /** The same price as the SDK's budget {@link Pricing}, for {@code Budget.Builder.price(model(), ...)}. */
    public Pricing budgetPricing() {
        return Pricing.perMillionTokens(perMillion(inputNanoUsdPerToken), perMillion(outputNanoUsdPerToken));
    }

    /** The price per 1M tokens in USD, e.g. {@code "$2.50 / $10.00"}. */
    public String describePerMillion() {
        return "$" + perMillion(inputNanoUsdPerToken) + " / $" + perMillion(outputNanoUsdPerToken);
    }

    /** USD per 1M tokens, exact, as a number for the JSON report. */
    public static BigDecimal perMillionUsd(long nanoUsdPerToken) {
        return BigDecimal.valueOf(nanoUsdPerToken, 3).stripTrailingZeros();
    }

    private static String perMillion(long nanoUsdPerToken) {
        BigDecimal v = BigDecimal.valueOf(nanoUsdPerToken, 3).stripTrailingZeros();
        return (v.scale() < 2 ? v.setScale(2) : v).toPlainString();
    }
}
