package dev.cascade.api;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What a model costs: US dollars per million input, output and cached-input tokens, from a date on. A price change is a
 * new {@code Pricing} with a later {@link #effectiveFrom}, so the cost of past calls does not change. Immutable.
 *
 * @param inputPerMillion       per 1M input tokens (cached ones excluded)
 * @param outputPerMillion      per 1M output tokens
 * @param cachedInputPerMillion per 1M input tokens served from the provider's prompt cache
 * @param effectiveFrom         the first day this price applies (UTC)
 */
public record Pricing(Money inputPerMillion, Money outputPerMillion, Money cachedInputPerMillion,
                      LocalDate effectiveFrom) {

    /** The date prices without an explicit date apply from. */
    public static final LocalDate EPOCH = LocalDate.of(2000, 1, 1);

    public Pricing {
        Objects.requireNonNull(inputPerMillion, "inputPerMillion");
        Objects.requireNonNull(outputPerMillion, "outputPerMillion");
        Objects.requireNonNull(cachedInputPerMillion, "cachedInputPerMillion");
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        if (inputPerMillion.isNegative() || outputPerMillion.isNegative() || cachedInputPerMillion.isNegative()) {
            throw new IllegalArgumentException("prices must be >= 0, were input=" + inputPerMillion + " output="
                    + outputPerMillion + " cachedInput=" + cachedInputPerMillion);
        }
    }

    /** Input and output prices in USD per 1M tokens, e.g. {@code perMillionTokens("2.50", "10.00")}; cached input at the input price. */
    public static Pricing perMillionTokens(String input, String output) {
        Money in = Money.usd(input);
        return new Pricing(in, Money.usd(output), in, EPOCH);
    }

    /** A copy with its own cached-input price. */
    public Pricing withCachedInput(String perMillion) {
        return new Pricing(inputPerMillion, outputPerMillion, Money.usd(perMillion), effectiveFrom);
    }

    /** A copy that applies from {@code date} on. */
    public Pricing effectiveFrom(LocalDate date) {
        return new Pricing(inputPerMillion, outputPerMillion, cachedInputPerMillion, date);
    }

    /** The exact cost of {@code usage}, rounded up to the micro-dollar (never under-counts). */
    public Money cost(Usage usage) {
        long uncached = usage.inputTokens() - usage.cachedInputTokens();
        return new Money(ceilDiv(Math.addExact(Math.addExact(
                Math.multiplyExact(uncached, inputPerMillion.micros()),
                Math.multiplyExact(usage.cachedInputTokens(), cachedInputPerMillion.micros())),
                Math.multiplyExact(usage.outputTokens(), outputPerMillion.micros())), 1_000_000L));
    }

    /** The worst case of a call: every input token uncached, every allowed output token used. */
    public Money worstCase(long inputTokens, long maxOutputTokens) {
        return cost(new Usage(inputTokens, maxOutputTokens, 0));
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
