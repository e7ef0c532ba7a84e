package dev.cascade.spring.validation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.cascade.eval.ContinuousValidation;
import dev.cascade.eval.RunSummary;
import dev.cascade.eval.ValidationRun;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The last run's accuracy, cost per transaction (USD) and answered-without-humans share per data set and variant, as
 * Micrometer gauges named as {@link ContinuousValidation}'s ({@value ContinuousValidation#ACCURACY},
 * {@value ContinuousValidation#COST_PER_TRANSACTION}, {@value ContinuousValidation#ANSWERED_SHARE}; tags
 * {@code cascade.evaluation.dataset}, {@code cascade.evaluation.variant}). ContinuousValidation records them as
 * OpenTelemetry synchronous gauges, which the starter's Micrometer bridge does not carry; this sets them after each
 * run instead. Thread-safe.
 */
final class ValidationGauges implements Consumer<ValidationRun> {
    private final MeterRegistry registry;
    private final Map<String, Values> byVariant = new ConcurrentHashMap<>();

    ValidationGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void accept(ValidationRun run) {
        for (RunSummary s : run.summaries()) {
            Values v = byVariant.computeIfAbsent(s.dataset() + "\u0000" + s.variant(), k -> register(s));
            v.accuracy = s.accuracy();
            v.cost = s.costPerTransaction().micros() / 1e6;
            v.answered = s.answeredShare();
        }
    }

    private Values register(RunSummary s) {
        Values v = new Values();
        Tags tags = Tags.of("cascade.evaluation.dataset", s.dataset(), "cascade.evaluation.variant", s.variant());
        Gauge.builder(ContinuousValidation.ACCURACY, v, x -> x.accuracy).tags(tags).baseUnit("ratio")
                .description("Accuracy of the last validation run").register(registry);
        Gauge.builder(ContinuousValidation.COST_PER_TRANSACTION, v, x -> x.cost).tags(tags).baseUnit("USD")
                .description("Cost per transaction of the last validation run").register(registry);
        Gauge.builder(ContinuousValidation.ANSWERED_SHARE, v, x -> x.answered).tags(tags).baseUnit("ratio")
                .description("Share answered without humans in the last validation run").register(registry);
        return v;
    }

    private static final class Values {
        volatile double accuracy;
        volatile double cost;
        volatile double answered;
    }
}
