package dev.cascade.spring;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * An OpenTelemetry SDK configured the standard way, from the {@code OTEL_*} environment variables and {@code otel.*}
 * properties, for applications that bring {@code opentelemetry-sdk-extension-autoconfigure} but no OpenTelemetry of
 * their own, so that {@code OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318} is all it takes to see Cascade's traces.
 *
 * <p>Applies only when all hold: the autoconfigure module is on the classpath; the application has no
 * {@link OpenTelemetry} bean (Boot's {@code spring-boot-starter-opentelemetry} makes one, and then that one is used);
 * the OpenTelemetry Java agent is not attached (it owns the SDK then); an exporter is asked for, by one of
 * {@code otel.exporter.otlp.endpoint}, {@code otel.exporter.otlp.traces.endpoint}, {@code otel.traces.exporter}
 * (as environment variables, system properties or Spring properties), and not declined: {@code otel.traces.exporter}
 * is not {@code none} and {@code otel.sdk.disabled} is not true; and {@code cascade.telemetry.autoconfigure-sdk}
 * is not false. Spring's {@code otel.*} properties (application.yml) are passed on; environment variables and system
 * properties win over them, as everywhere in Spring. Defaults that differ from the module's: the service name is
 * {@code spring.application.name} when set, the OTLP protocol is {@code http/protobuf} (the specification's
 * default; the module's own is gRPC), and metrics and logs are not exported ({@code otel.metrics.exporter} and
 * {@code otel.logs.exporter} are {@code none} unless set): a Boot application's metrics live in Micrometer and its logs
 * in Boot's logging. The SDK is closed with the context, which flushes the last spans. It is not made global.
 */
@AutoConfiguration(before = CascadeAutoConfiguration.class,
        afterName = "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration")
@ConditionalOnClass(name = CascadeOpenTelemetrySdkAutoConfiguration.AUTOCONFIGURE_CLASS)
@ConditionalOnBooleanProperty(name = "cascade.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "cascade.telemetry.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "cascade.telemetry.autoconfigure-sdk", matchIfMissing = true)
@ConditionalOnMissingBean(OpenTelemetry.class)
@Conditional(CascadeOpenTelemetrySdkAutoConfiguration.ExporterRequested.class)
public class CascadeOpenTelemetrySdkAutoConfiguration {

    static final String AUTOCONFIGURE_CLASS = "io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk";
    static final String AGENT_CLASS = GlobalOpenTelemetryReader.AGENT_CLASS;
    static final String[] OPT_IN = {"otel.exporter.otlp.endpoint", "otel.exporter.otlp.traces.endpoint",
            "otel.traces.exporter"};

    /** The SDK from {@code OTEL_*} / {@code otel.*}; closed (flushed) with the context. */
    @Bean(destroyMethod = "close")
    public OpenTelemetrySdk cascadeOpenTelemetrySdk(Environment environment) {
        Map<String, String> defaults = new HashMap<>();
        // The specification's default protocol (OTLP over HTTP, port 4318); the Java module's own default is gRPC.
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        String app = environment.getProperty("spring.application.name");
        if (app != null && !app.isBlank()) {
            defaults.put("otel.service.name", app);
        }
        defaults.putAll(springOtelProperties(environment));
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
    }

    /** Every {@code otel.*} key the Spring environment knows (application.yml, test properties ...), resolved. */
    static Map<String, String> springOtelProperties(Environment environment) {
        Map<String, String> out = new HashMap<>();
        if (environment instanceof ConfigurableEnvironment env) {
            env.getPropertySources().stream()
                    .filter(EnumerablePropertySource.class::isInstance)
                    .flatMap(s -> java.util.Arrays.stream(((EnumerablePropertySource<?>) s).getPropertyNames()))
                    .filter(n -> n.startsWith("otel."))
                    .forEach(n -> {
                        String v = environment.getProperty(n);
                        if (v != null) {
                            out.putIfAbsent(n, v);
                        }
                    });
        }
        return out;
    }

    /**
     * An exporter or endpoint is configured, no trace exporter is declined ({@code otel.traces.exporter=none}), the SDK
     * is not disabled ({@code otel.sdk.disabled=true}), and the OpenTelemetry Java agent is not attached.
     */
    static final class ExporterRequested implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            if (GlobalOpenTelemetryReader.agentAttached()) {
                return false;
            }
            Environment env = context.getEnvironment();
            // Spring resolves both from OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER and -Dotel... as well.
            if ("true".equalsIgnoreCase(env.getProperty("otel.sdk.disabled", "").trim())) {
                return false;
            }
            String exporter = env.getProperty("otel.traces.exporter");
            if (exporter != null && "none".equalsIgnoreCase(exporter.trim())) {
                return false;
            }
            // Spring resolves otel.exporter.otlp.endpoint from OTEL_EXPORTER_OTLP_ENDPOINT and -Dotel... as well.
            for (String key : OPT_IN) {
                String v = env.getProperty(key);
                if (v != null && !v.isBlank()) {
                    return true;
                }
            }
            return false;
        }
    }
}
