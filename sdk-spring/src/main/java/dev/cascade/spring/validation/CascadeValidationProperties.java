package dev.cascade.spring.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Continuous validation, {@code cascade.validation.*}: runs a labelled data set through the named chains on a
 * schedule (an evaluation, with the optional {@code cascade-eval} module on the class path), compares each run with
 * the previous ones, publishes an anomaly when the error rate or the cost per transaction crosses its threshold, and
 * keeps the latest ROI report for the {@code cascaderoi} actuator endpoint.
 *
 * <pre>{@code
 * cascade:
 *   validation:
 *     enabled: true
 *     interval: 24h                  # or cron: "0 0 3 * * *"
 *     dataset: classpath:eval/tickets.jsonl
 *     variants: [triage-advanced, triage]
 *     max-error-rate: 0.05
 *     max-cost-increase: 0.15
 * }</pre>
 *
 * <p>Off by default. A mutable settings holder for Spring's binder; the validation service copies what it needs at
 * startup.
 */
@ConfigurationProperties("cascade.validation")
public class CascadeValidationProperties {

    /** Default {@link #getInterval() interval}: 24 hours. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(24);
    /** Default {@link #getInitialDelay() initial delay}: 1 minute. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMinutes(1);
    /** Default {@link #getMaxErrorRate() error-rate threshold}: 5%. */
    public static final double DEFAULT_MAX_ERROR_RATE = 0.05;
    /** Default {@link #getMaxCostIncrease() cost-increase threshold}: 15%. */
    public static final double DEFAULT_MAX_COST_INCREASE = 0.15;
    /** Default {@link #getMaxAccuracyDrop() accuracy-drop threshold}: 2 percentage points. */
    public static final double DEFAULT_MAX_ACCURACY_DROP = 0.02;
    /** Default {@link #getReferencePeriod() reference period}: 30 days. */
    public static final Duration DEFAULT_REFERENCE_PERIOD = Duration.ofDays(30);
    /** Default {@link #getMonthlyVolume() monthly volume}: 100,000 transactions. */
    public static final long DEFAULT_MONTHLY_VOLUME = 100_000;
    /** Default {@link #getHistory() history}: 30 runs. */
    public static final int DEFAULT_HISTORY = 30;

    /** Whether scheduled validation runs. Default false. */
    private boolean enabled;

    /** Time between two runs, when no cron is set. Default 24h. */
    private Duration interval = DEFAULT_INTERVAL;

    /**
     * A Spring cron expression (six fields, e.g. {@code 0 0 3 * * *} for 03:00 every day) in the server's time zone;
     * when set it replaces {@code interval}. Default none.
     */
    private String cron;

    /** Delay before the first run when {@code interval} schedules the runs. Default 1m. */
    private Duration initialDelay = DEFAULT_INITIAL_DELAY;

    /**
     * The labelled data set, a Spring resource location ({@code classpath:...}, {@code file:...}) of a JSONL or CSV
     * file (see cascade-eval's {@code Dataset}). Required when enabled.
     */
    private String dataset;

    /**
     * The chains to evaluate, by name under {@code cascade.chains}, side by side; the first is the "before" of the ROI
     * report (e.g. an always-advanced chain) and the last the chain the report speaks for. Required when enabled.
     */
    private List<String> variants = new ArrayList<>();

    /**
     * How an answer is scored against the expected one: {@code exact} (the same text), {@code normalized} (ignoring
     * case, accents, punctuation and spacing) or {@code json-field:<name>} (the named field of a JSON answer). Default
     * {@code normalized}.
     */
    private String scorer = "normalized";

    /** A variant whose error rate (1 - accuracy) is above this raises an anomaly. In [0, 1]. Default 0.05. */
    private double maxErrorRate = DEFAULT_MAX_ERROR_RATE;

    /**
     * A variant whose cost per transaction rose by more than this share over the reference (the mean of the runs of
     * the last 30 days, see DriftCheck; 0.15 = 15%) raises an anomaly. Must be >= 0. Default 0.15.
     */
    private double maxCostIncrease = DEFAULT_MAX_COST_INCREASE;

    /** How many cases of a variant run at once. In [1, 64]. Default 1. */
    private int concurrency = 1;

    /** Stops starting cases once a run has spent this many US dollars, e.g. {@code "2.00"}. Default none. */
    private String moneyCap;

    /**
     * A run whose accuracy is more than this below the reference (the mean of the runs of the last
     * {@code reference-period}) raises an anomaly. In [0, 1]. Default 0.02 (two percentage points).
     */
    private double maxAccuracyDrop = DEFAULT_MAX_ACCURACY_DROP;

    /** The runs a new run is compared with: those that finished within this period before it. Default 30d. */
    private Duration referencePeriod = DEFAULT_REFERENCE_PERIOD;

    /** How many past runs are kept in memory for the trend and the comparison. At least 2. Default 30. */
    private int history = DEFAULT_HISTORY;

    /**
     * A directory where every run's summaries are kept as JSON files, so the comparison and the trend survive a
     * restart; default none (in memory, {@code history} runs).
     */
    private String historyDirectory;

    /**
     * The "most expensive model" the ROI report prices every case at, to split the savings by lever (cheap model,
     * rules, cache...); without it the report has no savings by lever. With a single variant, it is also the report's
     * "before".
     */
    private final Counterfactual counterfactual = new Counterfactual();

    /** Transactions a month the ROI report's monthly figures assume. Default 100000. */
    private long monthlyVolume = DEFAULT_MONTHLY_VOLUME;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public String getCron() {
        return cron;
    }

    public void setCron(String cron) {
        this.cron = cron;
    }

    public Duration getInitialDelay() {
        return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
        this.initialDelay = initialDelay;
    }

    public String getDataset() {
        return dataset;
    }

    public void setDataset(String dataset) {
        this.dataset = dataset;
    }

    public List<String> getVariants() {
        return variants;
    }

    public void setVariants(List<String> variants) {
        this.variants = variants;
    }

    public String getScorer() {
        return scorer;
    }

    public void setScorer(String scorer) {
        this.scorer = scorer;
    }

    public double getMaxErrorRate() {
        return maxErrorRate;
    }

    public void setMaxErrorRate(double maxErrorRate) {
        this.maxErrorRate = maxErrorRate;
    }

    public double getMaxCostIncrease() {
        return maxCostIncrease;
    }

    public void setMaxCostIncrease(double maxCostIncrease) {
        this.maxCostIncrease = maxCostIncrease;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public String getMoneyCap() {
        return moneyCap;
    }

    public void setMoneyCap(String moneyCap) {
        this.moneyCap = moneyCap;
    }

    public int getHistory() {
        return history;
    }

    public void setHistory(int history) {
        this.history = history;
    }

    public double getMaxAccuracyDrop() {
        return maxAccuracyDrop;
    }

    public void setMaxAccuracyDrop(double maxAccuracyDrop) {
        this.maxAccuracyDrop = maxAccuracyDrop;
    }

    public Duration getReferencePeriod() {
        return referencePeriod;
    }

    public void setReferencePeriod(Duration referencePeriod) {
        this.referencePeriod = referencePeriod;
    }

    public String getHistoryDirectory() {
        return historyDirectory;
    }

    public void setHistoryDirectory(String historyDirectory) {
        this.historyDirectory = historyDirectory;
    }

    public long getMonthlyVolume() {
        return monthlyVolume;
    }

    public void setMonthlyVolume(long monthlyVolume) {
        this.monthlyVolume = monthlyVolume;
    }

    public Counterfactual getCounterfactual() {
        return counterfactual;
    }

    /** {@code cascade.validation.counterfactual.*}: a model name and its price per 1M tokens. */
    public static class Counterfactual {

        /** The model's name as the chains' attempts report it, e.g. {@code gpt-4o}. Default none. */
        private String model;

        /** USD per 1M input tokens, e.g. {@code "2.50"}. Required with a model. */
        private String inputPerMillion;

        /** USD per 1M output tokens, e.g. {@code "10.00"}. Required with a model. */
        private String outputPerMillion;

        public String getModel() {
            return model;
        }

        public void setModel(String model) {
            this.model = model;
        }

        public String getInputPerMillion() {
            return inputPerMillion;
        }

        public void setInputPerMillion(String inputPerMillion) {
            this.inputPerMillion = inputPerMillion;
        }

        public String getOutputPerMillion() {
            return outputPerMillion;
        }

        public void setOutputPerMillion(String outputPerMillion) {
            this.outputPerMillion = outputPerMillion;
        }
    }
}
