package dev.cascade.budget;

import dev.cascade.api.Pricing;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Prices by model, each a history of {@link Pricing}s by effective date. {@link #builtIn()} knows widely used models;
 * {@link #with} adds or overrides one (a later effective date adds a price change; the same date replaces). Lookup is
 * by model name, case-insensitive; a dated model name (e.g. {@code gpt-4o-2024-08-06}) falls back to its base name.
 * Immutable and thread-safe.
 *
 * <p><b>Source of the built-in prices:</b> the providers' public price lists (openai.com/api/pricing,
 * anthropic.com/pricing, ai.google.dev/pricing) as recorded by the Cascade maintainers on 2025-06-01, standard
 * (non-batch) rates, USD per 1M tokens. Prices change: override them for billing-grade accuracy.
 */
public final class PriceCatalog {
    /** The day the built-in prices were recorded. */
    public static final LocalDate BUILT_IN_AS_OF = LocalDate.of(2025, 6, 1);

    private static final PriceCatalog BUILT_IN = new PriceCatalog(Map.of())
            // OpenAI
            .with("gpt-4o", Pricing.perMillionTokens("2.50", "10.00").withCachedInput("1.25"))
            .with("gpt-4o-mini", Pricing.perMillionTokens("0.15", "0.60").withCachedInput("0.075"))
            .with("gpt-4.1", Pricing.perMillionTokens("2.00", "8.00").withCachedInput("0.50"))
            .with("gpt-4.1-mini", Pricing.perMillionTokens("0.40", "1.60").withCachedInput("0.10"))
            .with("gpt-4.1-nano", Pricing.perMillionTokens("0.10", "0.40").withCachedInput("0.025"))
            .with("o3", Pricing.perMillionTokens("2.00", "8.00").withCachedInput("0.50"))
            .with("o4-mini", Pricing.perMillionTokens("1.10", "4.40").withCachedInput("0.275"))
            // Anthropic (cached input = cache read)
            .with("claude-opus-4", Pricing.perMillionTokens("15.00", "75.00").withCachedInput("1.50"))
            .with("claude-sonnet-4", Pricing.perMillionTokens("3.00", "15.00").withCachedInput("0.30"))
            .with("claude-3-7-sonnet", Pricing.perMillionTokens("3.00", "15.00").withCachedInput("0.30"))
            .with("claude-3-5-haiku", Pricing.perMillionTokens("0.80", "4.00").withCachedInput("0.08"))
            // Google
            .with("gemini-2.5-pro", Pricing.perMillionTokens("1.25", "10.00").withCachedInput("0.31"))
            .with("gemini-2.5-flash", Pricing.perMillionTokens("0.30", "2.50").withCachedInput("0.075"))
            .with("gemini-2.0-flash", Pricing.perMillionTokens("0.10", "0.40").withCachedInput("0.025"));

    private final Map<String, List<Pricing>> byModel;

    private PriceCatalog(Map<String, List<Pricing>> byModel) {
        this.byModel = byModel;
    }

    /** The built-in prices (see the class comment for their source and date). */
    public static PriceCatalog builtIn() {
        return BUILT_IN;
    }

    /** No prices at all: every model must be priced with {@link #with}. */
    public static PriceCatalog empty() {
        return new PriceCatalog(Map.of());
    }

    /** A catalogue that also knows {@code model} at {@code pricing} from its effective date on. */
    public PriceCatalog with(String model, Pricing pricing) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank, was " + (model == null ? "null" : "'" + model + "'"));
        }
        Objects.requireNonNull(pricing, "pricing");
        Map<String, List<Pricing>> copy = new HashMap<>(byModel);
        List<Pricing> history = new ArrayList<>(copy.getOrDefault(normalise(model), List.of()));
        history.removeIf(p -> p.effectiveFrom().equals(pricing.effectiveFrom()));
        history.add(pricing);
        history.sort(Comparator.comparing(Pricing::effectiveFrom));
        copy.put(normalise(model), List.copyOf(history));
        return new PriceCatalog(Map.copyOf(copy));
    }

    /** The price of {@code model} on {@code day}, if the catalogue knows one. */
    public Optional<Pricing> price(String model, LocalDate day) {
        if (model == null) {
            return Optional.empty();
        }
        String key = normalise(model);
        List<Pricing> history = byModel.get(key);
        if (history == null) {
            // gpt-4o-2024-08-06 -> gpt-4o; claude-sonnet-4-20250514 -> claude-sonnet-4
            String base = key.replaceFirst("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|latest)$", "");
            history = byModel.get(base);
        }
        if (history == null) {
            return Optional.empty();
        }
        Pricing found = null;
        for (Pricing p : history) {
            if (!p.effectiveFrom().isAfter(day)) {
                found = p;
            }
        }
        return Optional.ofNullable(found);
    }

    private static String normalise(String model) {
        return model.trim().toLowerCase(Locale.ROOT);
    }
}
