package dev.cascade.spring.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.cascade.telemetry.CascadeAttributes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongGaugeBuilder;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableDoubleCounter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.context.Context;

/**
 * An OpenTelemetry {@link MeterProvider} that records into a Micrometer {@link MeterRegistry}, so that instruments
 * written against {@code opentelemetry-api} (Cascade's {@code CascadeTelemetry}) show up where a Spring Boot
 * application looks for metrics: {@code /actuator/metrics}, a Prometheus scrape, or whatever registry the application
 * exports. Names and attributes are kept as they are (Micrometer's naming convention of each registry then applies,
 * e.g. Prometheus writes {@code cascade.executions} as {@code cascade_executions_total}).
 *
 * <p>Mapping: counters become {@link Counter}s; histograms in seconds ({@code unit "s"}) become {@link Timer}s, other
 * histograms {@link DistributionSummary DistributionSummaries}, both publishing the instrument's advised bucket
 * boundaries as service-level objectives (histogram buckets in Prometheus); asynchronous gauges become one
 * {@link Gauge} per attribute set their callback reports. A gauge callback runs whenever one of its gauges is read
 * and on {@link #refresh()}; an attribute set it reports for the first time is registered then, so a series that
 * appears later (a breaker of a chain built later) shows from the next read or refresh on. OpenTelemetry units in
 * braces ({@code {token}}) are annotations, not units, and are dropped. Not bridged (recorded nowhere): up-down
 * counters, asynchronous counters and synchronous gauges, which Cascade does not use.
 *
 * <p>Every series of one of Cascade's metrics carries the same tag keys, those
 * {@link CascadeAttributes#METRIC_ATTRIBUTE_KEYS} declares for it; a key a recording lacks (such as {@code error.type}
 * on a successful call) is tagged {@value #ABSENT}. Registries such as Prometheus's refuse a meter whose tag keys
 * differ from those of an earlier meter of the same name, which would drop the failed calls' series or the successful
 * ones'. Each instrument keeps at most {@value #MAX_SERIES} attribute sets, as OpenTelemetry's SDK does by default;
 * measurements for further ones are dropped, counted, and reported once in a WARN line.
 *
 * <p>Thread-safe. Instruments are cached per attribute set, so recording with a reused {@link Attributes} is a map
 * lookup plus Micrometer's own recording.
 */
public final class MicrometerMeterProvider implements MeterProvider {
    private static final Meter NOOP = MeterProvider.noop().get("noop");
    private static final Log LOG = LogFactory.getLog(MicrometerMeterProvider.class);

    /** The tag value of a declared attribute a recording does not carry, as Micrometer's own binders write it. */
    static final String ABSENT = "none";
    /** Attribute sets (series) kept per instrument; OpenTelemetry's SDK's default cardinality limit. */
    static final int MAX_SERIES = 2000;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();

    private final MeterRegistry registry;
    private final List<CallbackGauge> gauges = new CopyOnWriteArrayList<>();

    /** Records into {@code registry}. */
    public MicrometerMeterProvider(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public MeterBuilder meterBuilder(String instrumentationScopeName) {
        return new MeterBuilder() {
            @Override
            public MeterBuilder setSchemaUrl(String schemaUrl) {
                return this;
            }

            @Override
            public MeterBuilder setInstrumentationVersion(String instrumentationScopeVersion) {
                return this;
            }

            @Override
            public Meter build() {
                return new BridgeMeter();
            }
        };
    }

    /**
     * Runs every gauge callback once and registers the attribute sets seen for the first time. The Spring Boot
     * starter calls it once every singleton is built, so the chains' breakers are in the registry from the start.
     */
    public void refresh() {
        gauges.forEach(CallbackGauge::collect);
    }

    /** Measurements dropped because their instrument had {@value #MAX_SERIES} attribute sets already. */
    long droppedMeasurements() {
        return dropped.get();
    }

    /** Whether {@code attributes} may open a new series of an instrument that has {@code series} already. */
    private boolean admit(Spec spec, int series) {
        if (series < MAX_SERIES) {
            return true;
        }
        dropped.incrementAndGet();
        if (warned.compareAndSet(false, true)) {
            LOG.warn("Cascade metrics: instrument " + spec.name() + " has " + MAX_SERIES + " attribute sets (series);"
                    + " measurements for further ones are dropped. Further instruments that reach the limit are not"
                    + " reported again.");
        }
        return false;
    }

    /** The attributes as tags, the declared keys {@code attributes} lacks tagged {@value #ABSENT}. */
    static Tags tags(String name, Attributes attributes) {
        List<AttributeKey<?>> declared = CascadeAttributes.METRIC_ATTRIBUTE_KEYS.getOrDefault(name, List.of());
        List<Tag> tags = new ArrayList<>(attributes.size() + declared.size());
        attributes.forEach((k, v) -> tags.add(Tag.of(k.getKey(), String.valueOf(v))));
        for (AttributeKey<?> k : declared) {
            if (attributes.get(k) == null) {
                tags.add(Tag.of(k.getKey(), ABSENT));
            }
        }
        return Tags.of(tags);
    }

    /** OpenTelemetry's unit as a Micrometer base unit: {@code {annotations}} and blanks are no unit. */
    static String baseUnit(String unit) {
        if (unit == null || unit.isBlank() || unit.startsWith("{")) {
            return null;
        }
        return "s".equals(unit) ? "seconds" : unit.toLowerCase(java.util.Locale.ROOT);
    }

    private final class BridgeMeter implements Meter {
        @Override
        public LongCounterBuilder counterBuilder(String name) {
            return new LongCounters(name);
        }

        @Override
        public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
            return NOOP.upDownCounterBuilder(name);
        }

        @Override
        public DoubleHistogramBuilder histogramBuilder(String name) {
            return new DoubleHistograms(name);
        }

        @Override
        public DoubleGaugeBuilder gaugeBuilder(String name) {
            return new DoubleGauges(name);
        }
    }

    /** Name, description, unit and bucket advice of one instrument. */
    private record Spec(String name, String description, String unit, List<Double> buckets) {
    }

    /** A counter: one Micrometer {@link Counter} per attribute set. */
    private final class Counters {
        private final Spec spec;
        private final Map<Attributes, Counter> byAttributes = new ConcurrentHashMap<>();

        Counters(Spec spec) {
            this.spec = spec;
        }

        void add(double value, Attributes attributes) {
            if (value < 0) {
                return; // a counter only grows, as in OpenTelemetry's SDK
            }
            Counter counter = byAttributes.get(attributes);
            if (counter == null) {
                if (!admit(spec, byAttributes.size())) {
                    return;
                }
                counter = byAttributes.computeIfAbsent(attributes, a -> Counter.builder(spec.name())
                        .description(spec.description())
                        .baseUnit(baseUnit(spec.unit()))
                        .tags(tags(spec.name(), a))
                        .register(registry));
            }
            counter.increment(value);
        }
    }

    /** A histogram: a Micrometer {@link Timer} (seconds) or {@link DistributionSummary} per attribute set. */
    private final class Histograms {
        private final Spec spec;
        private final boolean seconds;
        private final Map<Attributes, Timer> timers = new ConcurrentHashMap<>();
        private final Map<Attributes, DistributionSummary> summaries = new ConcurrentHashMap<>();

        Histograms(Spec spec) {
            this.spec = spec;
            this.seconds = "s".equals(spec.unit());
        }

        void record(double value, Attributes attributes) {
            if (value < 0 || Double.isNaN(value)) {
                return;
            }
            if (seconds) {
                Timer timer = timers.get(attributes);
                if (timer == null) {
                    if (!admit(spec, timers.size())) {
                        return;
                    }
                    timer = timers.computeIfAbsent(attributes, this::timer);
                }
                timer.record(Math.round(value * 1e9), TimeUnit.NANOSECONDS);
            } else {
                DistributionSummary summary = summaries.get(attributes);
                if (summary == null) {
                    if (!admit(spec, summaries.size())) {
                        return;
                    }
                    summary = summaries.computeIfAbsent(attributes, this::summary);
                }
                summary.record(value);
            }
        }

        private Timer timer(Attributes a) {
            Timer.Builder b = Timer.builder(spec.name())
                    .description(spec.description())
                    .tags(tags(spec.name(), a));
            if (spec.buckets() != null && !spec.buckets().isEmpty()) {
                b.serviceLevelObjectives(spec.buckets().stream()
                        .map(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new));
            }
            return b.register(registry);
        }

        private DistributionSummary summary(Attributes a) {
            DistributionSummary.Builder b = DistributionSummary.builder(spec.name())
                    .description(spec.description())
                    .baseUnit(baseUnit(spec.unit()))
                    .tags(tags(spec.name(), a));
            if (spec.buckets() != null && !spec.buckets().isEmpty()) {
                b.serviceLevelObjectives(spec.buckets().stream().mapToDouble(Double::doubleValue).toArray());
            }
            return b.register(registry);
        }
    }

    /**
     * An asynchronous gauge: its callback reports values per attribute set; each attribute set is a Micrometer
     * {@link Gauge} whose value runs the callback again, so a read is always current.
     */
    private final class CallbackGauge {
        private final Spec spec;
        private final Consumer<Sink> callback;
        private final Map<Attributes, Gauge> registered = new ConcurrentHashMap<>();
        // Reads of one scrape run the callback once per series; the callbacks Cascade registers iterate small maps.

        CallbackGauge(Spec spec, Consumer<Sink> callback) {
            this.spec = spec;
            this.callback = callback;
        }

        /** Runs the callback, registers new attribute sets, and returns what it reported. */
        Map<Attributes, Double> collect() {
            Sink sink = new Sink();
            try {
                callback.accept(sink);
            } catch (RuntimeException e) {
                // As OpenTelemetry's SDK: a failing callback reports nothing this time, and never breaks a scrape.
                return Map.of();
            }
            for (Attributes a : sink.values.keySet()) {
                if (!registered.containsKey(a) && admit(spec, registered.size())) {
                    registered.computeIfAbsent(a, this::register);
                }
            }
            return sink.values;
        }

        private Gauge register(Attributes a) {
            return Gauge.builder(spec.name(), a, this::read)
                    .description(spec.description())
                    .baseUnit(baseUnit(spec.unit()))
                    .tags(tags(spec.name(), a))
                    .register(registry);
        }

        /** Stops the callback and removes its gauges from the registry. */
        void close() {
            gauges.remove(this);
            // The gauges this callback registered, exactly: a find by tags would match other series' tag supersets.
            registered.values().forEach(registry::remove);
            registered.clear();
        }

        private double read(Attributes a) {
            Double v = collect().get(a);
            return v == null ? Double.NaN : v;
        }
    }

    /** Collects one callback run; both measurement types, as Cascade's gauges report longs and doubles. */
    private static final class Sink implements ObservableDoubleMeasurement, ObservableLongMeasurement {
        final Map<Attributes, Double> values = new java.util.LinkedHashMap<>();

        @Override
        public void record(double value) {
            record(value, Attributes.empty());
        }

        @Override
        public void record(double value, Attributes attributes) {
            values.put(attributes, value);
        }

        @Override
        public void record(long value) {
            record((double) value, Attributes.empty());
        }

        @Override
        public void record(long value, Attributes attributes) {
            values.put(attributes, (double) value);
        }
    }

    private CallbackGauge addGauge(Spec spec, Consumer<Sink> callback) {
        CallbackGauge g = new CallbackGauge(spec, callback);
        gauges.add(g);
        g.collect();
        return g;
    }

    private final class LongCounters implements LongCounterBuilder {
        private final String name;
        private String description = "";
        private String unit = "";

        LongCounters(String name) {
            this.name = name;
        }

        @Override
        public LongCounterBuilder setDescription(String value) {
            this.description = value;
            return this;
        }

        @Override
        public LongCounterBuilder setUnit(String value) {
            this.unit = value;
            return this;
        }

        @Override
        public DoubleCounterBuilder ofDoubles() {
            return new DoubleCounters(name, description, unit);
        }

        @Override
        public LongCounter build() {
            Counters c = new Counters(new Spec(name, description, unit, null));
            return new LongCounter() {
                @Override
                public void add(long value) {
                    c.add(value, Attributes.empty());
                }

                @Override
                public void add(long value, Attributes attributes) {
                    c.add(value, attributes);
                }

                @Override
                public void add(long value, Attributes attributes, Context context) {
                    c.add(value, attributes);
                }
            };
        }

        @Override
        public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
            return NOOP.counterBuilder(name).buildWithCallback(callback);
        }
    }

    private final class DoubleCounters implements DoubleCounterBuilder {
        private final String name;
        private String description;
        private String unit;

        DoubleCounters(String name, String description, String unit) {
            this.name = name;
            this.description = description;
            this.unit = unit;
        }

        @Override
        public DoubleCounterBuilder setDescription(String value) {
            this.description = value;
            return this;
        }

        @Override
        public DoubleCounterBuilder setUnit(String value) {
            this.unit = value;
            return this;
        }

        @Override
        public DoubleCounter build() {
            Counters c = new Counters(new Spec(name, description, unit, null));
            return new DoubleCounter() {
                @Override
                public void add(double value) {
                    c.add(value, Attributes.empty());
                }

                @Override
                public void add(double value, Attributes attributes) {
                    c.add(value, attributes);
                }

                @Override
                public void add(double value, Attributes attributes, Context context) {
                    c.add(value, attributes);
                }
            };
        }

        @Override
        public ObservableDoubleCounter buildWithCallback(Consumer<ObservableDoubleMeasurement> callback) {
            return NOOP.counterBuilder(name).ofDoubles().buildWithCallback(callback);
        }
    }

    private final class DoubleHistograms implements DoubleHistogramBuilder {
        private final String name;
        private String description = "";
        private String unit = "";
        private List<Double> buckets;

        DoubleHistograms(String name) {
            this.name = name;
        }

        @Override
        public DoubleHistogramBuilder setDescription(String value) {
            this.description = value;
            return this;
        }

        @Override
        public DoubleHistogramBuilder setUnit(String value) {
            this.unit = value;
            return this;
        }

        @Override
        public DoubleHistogramBuilder setExplicitBucketBoundariesAdvice(List<Double> value) {
            this.buckets = List.copyOf(value);
            return this;
        }

        @Override
        public LongHistogramBuilder ofLongs() {
            return new LongHistograms(name, description, unit, buckets);
        }

        @Override
        public DoubleHistogram build() {
            Histograms h = new Histograms(new Spec(name, description, unit, buckets));
            return new DoubleHistogram() {
                @Override
                public void record(double value) {
                    h.record(value, Attributes.empty());
                }

                @Override
                public void record(double value, Attributes attributes) {
                    h.record(value, attributes);
                }

                @Override
                public void record(double value, Attributes attributes, Context context) {
                    h.record(value, attributes);
                }
            };
        }
    }

    private final class LongHistograms implements LongHistogramBuilder {
        private final String name;
        private String description;
        private String unit;
        private List<Double> buckets;

        LongHistograms(String name, String description, String unit, List<Double> buckets) {
            this.name = name;
            this.description = description;
            this.unit = unit;
            this.buckets = buckets;
        }

        @Override
        public LongHistogramBuilder setDescription(String value) {
            this.description = value;
            return this;
        }

        @Override
        public LongHistogramBuilder setUnit(String value) {
            this.unit = value;
            return this;
        }

        @Override
        public LongHistogramBuilder setExplicitBucketBoundariesAdvice(List<Long> value) {
            this.buckets = value.stream().map(Long::doubleValue).toList();
            return this;
        }

        @Override
        public LongHistogram build() {
            Histograms h = new Histograms(new Spec(name, description, unit, buckets));
            return new LongHistogram() {
                @Override
                public void record(long value) {
                    h.record(value, Attributes.empty());
                }

                @Override
                public void record(long value, Attributes attributes) {
                    h.record(value, attributes);
                }

                @Override
                public void record(long value, Attributes attributes, Context context) {
                    h.record(value, attributes);
                }
            };
        }
    }

    private final class DoubleGauges implements DoubleGaugeBuilder {
        private final String name;
        private String description = "";
        private String unit = "";

        DoubleGauges(String name) {
            this.name = name;
        }

        @Override
        public DoubleGaugeBuilder setDescription(String value) {
            this.description = value;
            return this;
        }

        @Override
        public DoubleGaugeBuilder setUnit(String value) {
            this.unit = value;
            return this;
        }

        @Override
        public LongGaugeBuilder ofLongs() {
            return new LongGauges(name, description, unit);
        }

        @Override
        public ObservableDoubleGauge buildWithCallback(Consumer<ObservableDoubleMeasurement> callback) {
            CallbackGauge g = addGauge(new Spec(name, description, unit, null), callback::accept);
            return new ObservableDoubleGauge() {
                @Override
                public void close() {
                    g.close();
                }
            };
        }
    }

    private final class LongGauges implements LongGaugeBuilder {
        private final String name;
        private String description;
        private String unit;

        LongGauges(String name, String description, String unit) {
            this.name = name;
            this.description = description;
            this.unit = unit;
        }

        @Override
        public LongGaugeBuilder setDescription(String value) {
            this.description = value;
            return this;
        }

        @Override
        public LongGaugeBuilder setUnit(String value) {
            this.unit = value;
            return this;
        }

        @Override
        public ObservableLongGauge buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
            CallbackGauge g = addGauge(new Spec(name, description, unit, null), callback::accept);
            return new ObservableLongGauge() {
                @Override
                public void close() {
                    g.close();
                }
            };
        }
    }
}
