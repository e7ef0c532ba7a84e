package dev.cascade.spring.validation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.scheduling.support.CronExpression;

import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.eval.DatasetException;
import dev.cascade.eval.DriftCheck;
import dev.cascade.eval.Scorer;
import dev.cascade.eval.Scorers;
import dev.cascade.eval.ValidationHistory;
import dev.cascade.spring.CascadeChains;
import dev.cascade.spring.CascadeConfigurationException;

/**
 * Checks {@code cascade.validation.*} at startup and turns it into {@link CascadeValidation.ValidationSettings}: every
 * problem is a {@link CascadeConfigurationException} naming the property, its value and the fix. The data set is read
 * once here too, so a missing or malformed file stops startup instead of failing the first run a day later.
 */
final class ValidationSettingsReader {
    private static final String P = "cascade.validation.";

    private ValidationSettingsReader() {
    }

    static CascadeValidation.ValidationSettings read(CascadeValidationProperties p, CascadeChains chains,
                                                     ResourceLoader resources) {
        List<String> variants = p.getVariants() == null ? List.of() : List.copyOf(p.getVariants());
        if (variants.isEmpty()) {
            throw new CascadeConfigurationException(P + "variants", "must name at least one chain when validation is"
                    + " enabled", "Set " + P + "variants to chain names under cascade.chains, the baseline first,"
                    + " e.g. [triage-advanced, triage].");
        }
        for (int i = 0; i < variants.size(); i++) {
            String v = variants.get(i);
            if (chains.find(v).isEmpty()) {
                throw new CascadeConfigurationException(P + "variants[" + i + "]", v, "'" + v + "' is not a chain",
                        "Name a chain defined under cascade.chains: " + chainNames(chains) + ".", null);
            }
            if (variants.indexOf(v) != i) {
                throw new CascadeConfigurationException(P + "variants[" + i + "]", v, "'" + v + "' names a chain twice",
                        "List each chain once.", null);
            }
        }
        if (p.getDataset() == null || p.getDataset().isBlank()) {
            throw new CascadeConfigurationException(P + "dataset", "is required when validation is enabled",
                    "Set " + P + "dataset to a JSONL or CSV file, e.g. classpath:eval/tickets.jsonl.");
        }
        Resource dataset = resources.getResource(p.getDataset().trim());
        if (!dataset.exists()) {
            throw new CascadeConfigurationException(P + "dataset", p.getDataset(), "'" + p.getDataset() + "' does not exist",
                    "Point it at an existing resource (classpath:... or file:...).", null);
        }
        CronExpression cron = null;
        if (p.getCron() != null && !p.getCron().isBlank()) {
            try {
                cron = CronExpression.parse(p.getCron().trim());
            } catch (IllegalArgumentException e) {
                throw new CascadeConfigurationException(P + "cron", p.getCron(), "'" + p.getCron() + "' is not a cron expression ("
                        + e.getMessage() + ")", "Use Spring's six fields, e.g. '0 0 3 * * *' for 03:00 every day,"
                        + " or remove it and set " + P + "interval.", e);
            }
        }
        positive("interval", p.getInterval());
        if (p.getInitialDelay() == null || p.getInitialDelay().isNegative()) {
            throw new CascadeConfigurationException(P + "initial-delay", p.getInitialDelay(), "must be >= 0, was " + p.getInitialDelay(),
                    "Set it to a duration such as 1m.", null);
        }
        positive("reference-period", p.getReferencePeriod());
        share("max-error-rate", p.getMaxErrorRate());
        share("max-accuracy-drop", p.getMaxAccuracyDrop());
        if (!(p.getMaxCostIncrease() >= 0) || Double.isInfinite(p.getMaxCostIncrease())) {
            throw new CascadeConfigurationException(P + "max-cost-increase", p.getMaxCostIncrease(), "must be >= 0, was " + p.getMaxCostIncrease(),
                    "Set it to a share such as 0.15 (15%).", null);
        }
        if (p.getConcurrency() < 1 || p.getConcurrency() > 64) {
            throw new CascadeConfigurationException(P + "concurrency", p.getConcurrency(), "must be in [1, 64], was " + p.getConcurrency(),
                    "Set it to the cases a variant may run at once, e.g. 4.", null);
        }
        if (p.getHistory() < 2) {
            throw new CascadeConfigurationException(P + "history", p.getHistory(), "must be >= 2 (a run is compared"
                    + " with earlier ones), was " + p.getHistory(), "Set it to the runs to keep, e.g. 30.", null);
        }
        if (p.getMonthlyVolume() < 0) {
            throw new CascadeConfigurationException(P + "monthly-volume", p.getMonthlyVolume(), "must be >= 0, was " + p.getMonthlyVolume(),
                    "Set it to your transactions a month, e.g. 100000.", null);
        }
        Money cap = null;
        if (p.getMoneyCap() != null && !p.getMoneyCap().isBlank()) {
            try {
                cap = Money.usd(p.getMoneyCap().trim());
            } catch (RuntimeException e) {
                throw new CascadeConfigurationException(P + "money-cap", p.getMoneyCap(), "'" + p.getMoneyCap() + "' is not an amount of US"
                        + " dollars", "Write it as a decimal such as \"2.00\".", e);
            }
            if (!cap.isPositive()) {
                throw new CascadeConfigurationException(P + "money-cap", p.getMoneyCap(), "must be > 0, was " + p.getMoneyCap(),
                        "Write it as a decimal such as \"2.00\", or remove it for no cap.", null);
            }
        }
        CascadeValidationProperties.Counterfactual cf = p.getCounterfactual();
        Pricing pricing = null;
        String cfModel = cf.getModel() == null || cf.getModel().isBlank() ? null : cf.getModel().trim();
        if (cfModel != null) {
            try {
                pricing = Pricing.perMillionTokens(required(cf.getInputPerMillion(), "counterfactual.input-per-million"),
                        required(cf.getOutputPerMillion(), "counterfactual.output-per-million"));
            } catch (CascadeConfigurationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CascadeConfigurationException(P + "counterfactual", cf.getInputPerMillion() + " / "
                        + cf.getOutputPerMillion(), "'" + cf.getInputPerMillion() + " / " + cf.getOutputPerMillion() + "' is not a price (" + e.getMessage() + ")",
                        "Write USD per 1M tokens as decimals such as \"2.50\" and \"10.00\".", e);
            }
        }
        DriftCheck drift = DriftCheck.builder().maxErrorRate(p.getMaxErrorRate())
                .maxAccuracyDrop(p.getMaxAccuracyDrop()).maxCostIncrease(p.getMaxCostIncrease())
                .referencePeriod(p.getReferencePeriod()).build();
        ValidationHistory history = p.getHistoryDirectory() == null || p.getHistoryDirectory().isBlank()
                ? ValidationHistory.inMemory(p.getHistory())
                : ValidationHistory.directory(Path.of(p.getHistoryDirectory().trim()));
        CascadeValidation.ValidationSettings s = new CascadeValidation.ValidationSettings(dataset, variants,
                scorer(p.getScorer()), cron, p.getInterval(), p.getInitialDelay(), drift, history, p.getConcurrency(),
                cap, p.getMonthlyVolume(), cfModel, pricing, p.getCron(), p.getScorer());
        try {
            CascadeValidation.loadDataset(s);
        } catch (DatasetException | IllegalStateException e) {
            throw new CascadeConfigurationException(P + "dataset", p.getDataset(), "'" + p.getDataset() + "' cannot be read: "
                    + e.getMessage(), "Fix the file (JSONL: one object a line with 'input' and 'expected'; CSV: a"
                    + " header row) or point the property at another.", e);
        }
        return s;
    }

    static Scorer<String> scorer(String spec) {
        String s = spec == null ? "" : spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("exact")) {
            return Scorers.exactLabel();
        }
        if (lower.equals("normalized") || lower.equals("normalised")) {
            return Scorers.normalisedText();
        }
        if (lower.startsWith("json-field:") && s.length() > "json-field:".length()) {
            return Scorers.jsonField(s.substring("json-field:".length()).trim());
        }
        throw new CascadeConfigurationException(P + "scorer", spec, "'" + spec + "' is not a scorer",
                "Use exact, normalized or json-field:<path> (e.g. json-field:category).", null);
    }

    private static String required(String value, String property) {
        if (value == null || value.isBlank()) {
            throw new CascadeConfigurationException(P + property, "is required with " + P + "counterfactual.model",
                    "Set it to USD per 1M tokens, e.g. \"2.50\".");
        }
        return value.trim();
    }

    private static void positive(String property, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new CascadeConfigurationException(P + property, d, "must be longer than zero, was " + d,
                    "Set it to a duration such as 24h.", null);
        }
    }

    private static void share(String property, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new CascadeConfigurationException(P + property, v, "must be in [0, 1], was " + v,
                    "Set it to a share such as 0.05 (5%).", null);
        }
    }

    private static String chainNames(CascadeChains chains) {
        return chains.entries().stream().map(CascadeChains.Entry::name).sorted().toList().toString();
    }
}
