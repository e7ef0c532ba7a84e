package dev.cascade.spring.validation;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

import dev.cascade.eval.ValidationRun;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spring.CascadeAutoConfiguration;
import dev.cascade.spring.CascadeChains;
import dev.cascade.spring.CascadeConfigurationException;
import dev.cascade.spring.metrics.MicrometerMeterProvider;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * Continuous validation ({@code cascade.validation.*}, off by default) and the {@code cascaderoi} actuator endpoint.
 * The settings are always bound (so a misspelled key is reported); the validation itself needs
 * {@code cascade.validation.enabled=true} and the optional {@code dev.cascade:cascade-eval} module on the class path.
 * Enabled without that module, startup stops with an error naming {@code cascade.validation.enabled}.
 */
@AutoConfiguration(after = CascadeAutoConfiguration.class)
@EnableConfigurationProperties(CascadeValidationProperties.class)
public class CascadeValidationAutoConfiguration {

    static final String EVALUATION = "dev.cascade.eval.Evaluation";

    /** The validation, with cascade-eval present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = EVALUATION)
    @ConditionalOnBean(CascadeChains.class)
    @ConditionalOnProperty(prefix = "cascade.validation", name = "enabled", havingValue = "true")
    static class Validation {

        @Bean
        @ConditionalOnMissingBean
        CascadeValidation cascadeValidation(CascadeValidationProperties properties, CascadeChains chains,
                                            ResourceLoader resources, ObjectProvider<CascadeListener> listeners,
                                            ObjectProvider<OpenTelemetry> openTelemetry,
                                            ObjectProvider<ValidationMeters> micrometer,
                                            ApplicationEventPublisher events) {
            CascadeValidation.ValidationSettings settings = ValidationSettingsReader.read(properties, chains,
                    resources);
            ValidationMeters meters = micrometer.getIfAvailable();
            OpenTelemetry otel = meters != null ? meters.openTelemetry()
                    : openTelemetry.getIfUnique(OpenTelemetry::noop);
            return new CascadeValidation(settings, chains, listeners.orderedStream().toList(), otel,
                    events::publishEvent, meters == null ? run -> { } : meters.gauges(), Clock.systemUTC());
        }

        /**
         * The validation's metrics in the application's Micrometer registry, as the chains' metrics are (unless
         * {@code cascade.telemetry.micrometer=false}).
         */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
        @ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
        @ConditionalOnBooleanProperty(name = "cascade.telemetry.micrometer", matchIfMissing = true)
        static class Micrometer {

            @Bean
            ValidationMeters cascadeValidationMeters(io.micrometer.core.instrument.MeterRegistry registry) {
                return new ValidationMeters(new MicrometerMeterProvider(registry), new ValidationGauges(registry));
            }
        }

        /** {@code /actuator/cascaderoi}. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
        @ConditionalOnAvailableEndpoint(CascadeRoiEndpoint.class)
        static class RoiEndpoint {

            @Bean
            @ConditionalOnMissingBean
            CascadeRoiEndpoint cascadeRoiEndpoint(CascadeValidation validation) {
                return new CascadeRoiEndpoint(validation);
            }
        }
    }

    /** Enabled without cascade-eval: say what is missing instead of silently not validating. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(EVALUATION)
    @ConditionalOnProperty(prefix = "cascade.validation", name = "enabled", havingValue = "true")
    static class EvalMissing {

        @Bean
        Object cascadeValidationNeedsEval() {
            throw new CascadeConfigurationException("cascade.validation.enabled", true, "needs the cascade-eval"
                    + " module, which is not on the class path", "Add the dependency dev.cascade:cascade-eval (its"
                    + " version is managed by cascade-bom), or set cascade.validation.enabled=false.", null);
        }
    }

    /**
     * Where the validation's metrics go when Micrometer records them: its own type, so no one else picks it up. The
     * counters go through the meter provider; the last run's gauges are set by {@code gauges}.
     */
    record ValidationMeters(MeterProvider meterProvider, java.util.function.Consumer<ValidationRun> gauges) {

        /** An OpenTelemetry that has only these meters (the validation records no spans). */
        OpenTelemetry openTelemetry() {
            return new OpenTelemetry() {
                @Override
                public TracerProvider getTracerProvider() {
                    return TracerProvider.noop();
                }

                @Override
                public MeterProvider getMeterProvider() {
                    return meterProvider;
                }

                @Override
                public ContextPropagators getPropagators() {
                    return ContextPropagators.noop();
                }
            };
        }
    }
}
